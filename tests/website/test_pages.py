"""The public pages: what a campaigner and a journalist read, without logging in; nothing
private on them; a fixed number of queries whatever the data."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaigns import services as campaign_services
from recommendations import services
from recommendations.models import Recommendation
from tests.factories import RecommendationFactory, TargetFactory, UserFactory, state
from website import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return Recommendation.objects.get(paragraph="1221 (a)")


def test_the_home_page_shows_the_figures_the_overdue_and_the_campaigns(demo):
    page = Client().get("/").content.decode()

    assert "UN recommendations: who answered, who stayed silent" in page
    assert "Answers overdue" in page
    assert "Stop the forced repatriation of North Korean refugees" in page
    assert "United Nations High Commissioner for Refugees" in page  # the 2011 letter, overdue


def test_a_recommendation_page_quotes_cites_and_shows_each_addressees_answer(demo):
    page = Client().get(f"/recommendations/{demo.pk}/").content.decode()

    assert "respect the principle of non-refoulement" in page
    assert "A/HRC/25/CRP.1, 7 February 2014, para 1221 (a)" in page
    assert '<span class="status status-awaiting_response">Awaiting response</span>' in page
    assert 'href="/campaigns/stop-forced-repatriation/"' in page


def test_a_state_page_shows_how_it_answered_and_which_mechanisms_asked(demo):
    page = Client().get("/states/CHN/").content.decode()

    assert "<h1>China</h1>" in page
    assert "Universal Periodic Review" in page
    assert "Commission of Inquiry" in page
    assert '<span class="status status-supported">Supported</span>' in page


@pytest.mark.parametrize(
    ("shown", "expected"),
    [(3, ["2024", "2023", "2022"]), (6, ["2024", "2023", "2022", "2021", "undated"])],
)
def test_a_state_page_lists_the_newest_recommendations_first_and_the_undated_last(
    shown, expected, monkeypatch
):
    for paragraph, issued_on in [
        ("2022", date(2022, 5, 1)),
        ("undated", None),
        ("2024", date(2024, 5, 1)),
        ("2021", date(2021, 5, 1)),
        ("2023", date(2023, 5, 1)),
    ]:
        TargetFactory(
            recommendation=RecommendationFactory(paragraph=paragraph, issued_on=issued_on),
            state=state("LAO"),
        )
    TargetFactory(recommendation=RecommendationFactory(paragraph="elsewhere"), state=state("THA"))
    monkeypatch.setattr(selectors, "LIST_MAX", shown)

    listed = selectors.addressee_page(state=state("LAO"))["targets"]

    assert [target.recommendation.paragraph for target in listed] == expected


def test_search_finds_by_words_and_narrows_by_facets(demo):
    client = Client()

    found = client.get("/search/?q=refoulement").content.decode()
    narrowed = client.get("/search/?q=refugees&state=CHN&status=supported").content.decode()

    assert "1221 (a)" in found
    assert "A/HRC/40/6 para 28.301" in narrowed
    assert "1221 (a)" not in narrowed  # China has not answered the COI
    assert 'href="?q=refugees&amp;state=CHN&amp;status=supported&amp;theme=' in narrowed


def test_search_narrows_by_a_public_campaign_and_never_names_a_private_one(demo):
    private = campaign_services.campaign_create(
        slug="quiet", name="A quiet campaign", goal="Private goal", public=False
    )
    campaign_services.link_create(campaign=private, recommendation=demo)
    client = Client()

    everything = client.get("/search/").content.decode()
    followed = client.get("/search/?campaign=stop-forced-repatriation")
    refused = client.get("/search/?campaign=quiet")
    api = client.get("/api/recommendations/?campaign=stop-forced-repatriation").json()

    assert "?campaign=stop-forced-repatriation" in everything
    assert "A quiet campaign" not in everything
    assert followed.status_code == 200
    assert "1221 (a)" in followed.content.decode()
    assert refused.status_code == 400
    assert "No public campaign with the slug quiet." in refused.content.decode()
    linked = Recommendation.objects.filter(
        campaign_links__campaign__slug="stop-forced-repatriation"
    )
    assert api["count"] == linked.count()


def test_a_search_filter_naming_nothing_is_a_400_naming_it(demo):
    response = Client().get("/search/?state=XXX")

    assert response.status_code == 400
    assert "state: No state with the code XXX." in response.content.decode()


def test_pages_read_in_korean(demo):
    page = Client().get("/states/CHN/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert '<html lang="ko">' in page
    assert "<h1>중국</h1>" in page


def test_a_private_campaign_appears_on_no_public_page(demo):
    secret = campaign_services.campaign_create(
        name="Secret campaign", slug="secret", goal="Private goal", public=False
    )
    campaign_services.link_create(campaign=secret, recommendation=demo)
    client = Client()

    for url in ["/", f"/recommendations/{demo.pk}/", "/campaigns/secret/"]:
        assert b"Secret campaign" not in client.get(url).content, url
    assert client.get("/campaigns/secret/").status_code == 404


def test_owners_and_watchers_never_appear(db):
    recommendation = RecommendationFactory(owner=UserFactory(username="owner"))
    recommendation.watchers.set([UserFactory(username="watcher")])
    services.target_create(recommendation=recommendation, state=state("CHN"))

    page = Client().get(f"/recommendations/{recommendation.pk}/").content

    assert b"@example.org" not in page
    assert b"watcher" not in page


def test_with_public_reading_off_the_pages_need_a_login(demo, settings):
    settings.TRACKER_PUBLIC_READ = False

    assert Client().get("/").status_code == 403
    assert Client().get("/states/CHN/").status_code == 403


@pytest.mark.parametrize("url", ["/states/CHN/", "/documents/{document}/"])
def test_queries_do_not_grow_with_the_recommendations(
    db, url, settings, django_capture_on_commit_callbacks
):
    # Every count made again after the writes, not the last ones read (lasting_read).
    settings.TRACKER_LASTING_COUNTS = False
    first = RecommendationFactory(issued_on=date(2020, 1, 1))
    services.target_create(recommendation=first, state=state("CHN"))
    url = url.format(document=first.document_id)
    # Signed in, so the page is built each time rather than read from the cache.
    client = Client()
    client.force_login(UserFactory(username="reader"))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            more = RecommendationFactory(document=first.document, issued_on=date(2021, 1, 1))
            services.target_create(recommendation=more, state=state("CHN"))

    assert count() == few
