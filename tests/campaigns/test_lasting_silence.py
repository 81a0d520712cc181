"""The campaign page's silence table after a write: its UPR counts are the last ones, said so,
while a worker counts them again; the silence alerts never read them."""

from datetime import date

import pytest
from django.test import Client

from campaigns import selectors, services
from recommendations import services as recommendation_services
from recommendations.choices import BodyKind, DocumentKind
from tests.factories import BodyFactory, DocumentFactory, state

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttle_counts")]

BEING_COUNTED = "are being counted again"
KOREA_NEVER_SPOKE = "Republic of Korea</th><td>never, on record"


@pytest.fixture(autouse=True)
def lasting_counts(settings):
    settings.TRACKER_LASTING_COUNTS = True
    settings.TRACKER_LASTING_COUNTS_MAX_SECONDS = 600


@pytest.fixture
def campaign(private_campaign):
    return services.campaign_update(campaign=private_campaign, public=True)


@pytest.fixture
def review_of_china():
    upr = BodyFactory(acronym="UPR", kind=BodyKind.UPR)
    return DocumentFactory(
        symbol="A/HRC/40/6", body=upr, kind=DocumentKind.UPR_REPORT, date=date(2018, 11, 16)
    )


def recommended_by_korea(review, themes) -> None:
    """Korea recommends to China at its review, on `themes`."""
    recommendation = recommendation_services.recommendation_create(
        text="Stop forced returns of refugees",
        issued_by=review.body,
        document=review,
        recommending_states=[state("KOR")],
        themes=themes,
    )
    recommendation_services.target_create(recommendation=recommendation, state=state("CHN"))


def page(client: Client, campaign) -> str:
    response = client.get(f"/campaigns/{campaign.slug}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def read_then_spoken(campaign, review_of_china, django_capture_on_commit_callbacks):
    """A reader saw Korea silent at China's review; then Korea's recommendation on the
    campaign's theme was recorded and committed."""
    recommended_by_korea(review_of_china, themes=[])
    client = Client()
    assert KOREA_NEVER_SPOKE in page(client, campaign)
    with django_capture_on_commit_callbacks(execute=True):
        recommended_by_korea(review_of_china, themes=list(campaign.themes.all()))
    return client


def test_after_a_write_the_silence_table_is_the_last_one_counted_and_says_so(
    campaign, read_then_spoken
):
    response = read_then_spoken.get(f"/campaigns/{campaign.slug}/")
    content = response.content.decode()

    assert KOREA_NEVER_SPOKE in content
    assert BEING_COUNTED in content
    # Never kept by a cache: the next reader may get the current table.
    assert "no-store" in response["Cache-Control"]


def test_the_worker_counts_again_and_the_next_reader_sees_who_spoke(
    campaign, read_then_spoken, celery_eager
):
    # The first reader queues the count (run here, as the worker would) and reads the last.
    assert BEING_COUNTED in page(read_then_spoken, campaign)
    content = page(read_then_spoken, campaign)

    assert "Republic of Korea</th><td>16 November 2018" in content
    assert BEING_COUNTED not in content


def test_the_silence_alerts_read_the_current_counts(campaign, read_then_spoken):
    assert BEING_COUNTED in page(read_then_spoken, campaign)

    # What the sweep of the silence alerts reads (silent_actors): counted now.
    korea = {actor.key: actor for actor in selectors.campaign_silence(campaign)}["KOR"]

    assert korea.last_spoke == date(2018, 11, 16)
