"""A search's and a chart's counts after a write: the last ones counted, at once and marked as
such, while a worker counts them again; never older than TRACKER_LASTING_COUNTS_MAX_SECONDS.
A page showing them is never cached."""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from campaigns import services as campaign_services
from recommendations import data_version, services
from tests.factories import BodyFactory, DocumentFactory, TargetFactory, state
from website.tasks import counts_recount

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttle_counts")]

BEING_COUNTED = "are being made again"


@pytest.fixture(autouse=True)
def lasting_counts(settings):
    settings.TRACKER_LASTING_COUNTS = True
    settings.TRACKER_LASTING_COUNTS_MAX_SECONDS = 600


def written(text: str):
    body = BodyFactory(acronym="CAT", name="Committee against Torture")
    return services.recommendation_create(
        text=text, issued_by=body, document=DocumentFactory(body=body)
    )


def search_page(client: Client) -> str:
    response = client.get("/search/", {"q": "torture"})
    assert response.status_code == 200
    return response.content.decode()


def counted_then_written(capture_on_commit_callbacks) -> Client:
    """A reader's search counted with one match; then a second match written and committed."""
    written("Prevent torture in prisons.")
    client = Client()
    assert "1 recommendation<" in search_page(client)
    with capture_on_commit_callbacks(execute=True):
        written("Investigate every allegation of torture.")
    return client


def test_after_a_write_the_results_are_current_and_the_counts_are_the_last_ones_marked(
    django_capture_on_commit_callbacks,
):
    client = counted_then_written(django_capture_on_commit_callbacks)
    page = search_page(client)

    # The new recommendation is listed at once; the counts are those made before the write.
    assert "Investigate every allegation of" in page
    assert "1 recommendation<" in page
    assert BEING_COUNTED in page


def test_the_worker_counts_again_and_the_next_reader_reads_the_current_counts(
    celery_eager, django_capture_on_commit_callbacks
):
    client = counted_then_written(django_capture_on_commit_callbacks)

    # The first reader queues the count (run here, as a worker would) and reads the last one.
    assert BEING_COUNTED in search_page(client)
    page = search_page(client)

    assert "2 recommendations<" in page
    assert BEING_COUNTED not in page
    assert "(2)" in page  # the issuing body's facet: both


def test_counts_older_than_the_limit_are_counted_in_the_request(
    django_capture_on_commit_callbacks,
):
    client = counted_then_written(django_capture_on_commit_callbacks)

    # No worker has counted (none runs here): eleven minutes on, the reader waits for a count.
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        page = search_page(client)

    assert "2 recommendations<" in page
    assert BEING_COUNTED not in page


def test_without_lasting_counts_a_write_shows_in_the_counts_at_once(
    settings, django_capture_on_commit_callbacks
):
    settings.TRACKER_LASTING_COUNTS = False
    client = counted_then_written(django_capture_on_commit_callbacks)

    page = search_page(client)

    assert "2 recommendations<" in page
    assert BEING_COUNTED not in page


def test_a_count_queued_before_later_writes_counts_the_latest_data_once(
    django_capture_on_commit_callbacks,
):
    client = counted_then_written(django_capture_on_commit_callbacks)
    queued_at = data_version.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        written("Close the detention centres where torture was reported.")
    # This reader claims the latest version's count and queues it (no worker runs here).
    assert BEING_COUNTED in search_page(client)

    # The worker runs the count queued before the last write: the latest is claimed already.
    counts_recount("search-counts", "q=torture", queued_at)
    assert BEING_COUNTED in search_page(client)
    with django_capture_on_commit_callbacks(execute=True):
        written("Free those detained for reporting torture.")
    # Queued before that write, with nobody to claim the latest: it counts the latest.
    counts_recount("search-counts", "q=torture", queued_at)
    page = search_page(client)

    assert "4 recommendations<" in page
    assert BEING_COUNTED not in page


def test_a_campaign_made_private_leaves_the_public_pages_at_once(
    django_capture_on_commit_callbacks,
):
    campaign = campaign_services.campaign_create(
        slug="in-the-open", name="A campaign in the open", goal="Stop torture", public=True
    )
    campaign_services.link_create(
        campaign=campaign, recommendation=written("Prevent torture in prisons.")
    )
    client = Client()
    assert "A campaign in the open" in search_page(client)
    assert client.get("/campaigns/in-the-open/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.campaign_update(campaign=campaign, public=False)

    # The search's counts are the last ones, made while it was public: it is named nowhere.
    assert "A campaign in the open" not in search_page(client)
    assert client.get("/campaigns/in-the-open/").status_code == 404


def test_a_states_charts_after_a_write_are_the_last_ones_marked_until_counted_again(
    celery_eager, django_capture_on_commit_callbacks
):
    target = TargetFactory(state=state("CHN"), recommendation__text="Ratify the Convention.")
    client = Client()
    assert BEING_COUNTED not in client.get("/states/CHN/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.response_create(target=target, position="rejected", date=date(2024, 1, 23))

    # The first reader queues the charts' counts (run here, as a worker would).
    after_the_write = client.get("/states/CHN/")
    counted_again = client.get("/states/CHN/").content.decode()

    assert BEING_COUNTED in after_the_write.content.decode()
    assert "no-store" in after_the_write["Cache-Control"]
    assert BEING_COUNTED not in counted_again
    # The charts' tables count the status as it was, then as it now is.
    rejected_column = '<th scope="col"><span class="status status-rejected">'
    assert rejected_column not in after_the_write.content.decode()
    assert rejected_column in counted_again
