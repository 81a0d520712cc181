from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from recommendations import services as recommendation_services
from recommendations.choices import BodyKind, DocumentKind
from recommendations.models import Document
from tests.factories import BodyFactory, DocumentFactory, UserFactory, state
from watchlists import services

# The day the tests live on: a Monday, so that weekly digests go too.
TODAY = date(2026, 12, 7)


def at(day: date, hour: int = 7) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@pytest.fixture
def clock():
    """The clock, frozen; `clock.move_to(datetime)` moves it."""
    with time_machine.travel(at(TODAY, 6), tick=False) as traveller:
        yield traveller


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def coi(db):
    return BodyFactory(acronym="COI-DPRK", name="Commission of Inquiry on the DPRK", kind="inquiry")


@pytest.fixture
def unhcr(db):
    return BodyFactory(acronym="UNHCR", name="UNHCR", kind=BodyKind.OFFICE)


def recommend(*, body, text="Respect the principle of non-refoulement.", document=None, **fields):
    """A recommendation issued by `body`, through the services, addressed to China."""
    document = document or (
        Document.objects.filter(symbol="A/HRC/25/CRP.1").first()
        or DocumentFactory(body=body, symbol="A/HRC/25/CRP.1")
    )
    recommendation = recommendation_services.recommendation_create(
        text=text, document=document, paragraph="1221 (a)", issued_by=body, issued_on=TODAY
    )
    target = recommendation_services.target_create(
        recommendation=recommendation, state=state("CHN"), **fields
    )
    return recommendation, target


def private_letter(body):
    return DocumentFactory(
        body=body,
        symbol="ZZPRIVATE/1",
        title="zzprivate letter",
        kind=DocumentKind.LETTER,
        public=False,
    )


def recommend_with_private_rows(body) -> None:
    """A recommendation to China from a private letter, with a private note, answered in the
    letter and assessed from a private source by a named author: every private value holds
    "zzprivate", which nothing sent to a subscriber or a receiver may carry."""
    letter = private_letter(body)
    recommendation, target = recommend(
        body=body, document=letter, response_due=TODAY + timedelta(days=4)
    )
    recommendation_services.recommendation_update(
        recommendation=recommendation, internal_note="zzprivate note"
    )
    recommendation_services.response_create(
        target=target, position="noted", date=TODAY, document=letter
    )
    recommendation_services.assessment_create(
        target=target,
        implementation="not_implemented",
        assessed_on=TODAY,
        source_url="https://zzprivate.example.net/",
        source_public=False,
        author=UserFactory(username="zzprivate-author"),
    )


def sweep(day: date = TODAY, hour: int = 7) -> dict:
    with time_machine.travel(at(day, hour), tick=False):
        return services.watchlists_sweep(today=day, now=timezone.now())


@pytest.fixture
def sweep_and_send(celery_eager, django_capture_on_commit_callbacks):
    """A sweep whose digests and webhooks are sent in the test, as a worker would."""

    def run(day: date = TODAY, hour: int = 7) -> dict:
        with (
            time_machine.travel(at(day, hour), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return services.watchlists_sweep(today=day, now=timezone.now())

    return run
