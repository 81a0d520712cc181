import pytest
from django.urls import reverse

from recommendations import paginators
from recommendations.admin import RecommendationAdmin
from recommendations.api.pagination import MAX_PAGE_SIZE, PAGE_SIZE
from tests.factories import RecommendationFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes():
    return [ThemeFactory(slug=f"theme-{number:03}") for number in range(MAX_PAGE_SIZE + 20)]


def test_pages_are_numbered_with_a_count(api_client, themes):
    data = api_client.get("/api/themes/?page=2").json()

    assert data["count"] == len(themes)
    assert len(data["results"]) == PAGE_SIZE
    assert data["previous"] == "http://testserver/api/themes/"
    assert data["next"] == "http://testserver/api/themes/?page=3"


def test_the_page_size_is_capped(api_client, themes):
    data = api_client.get("/api/themes/?page_size=100000").json()

    assert len(data["results"]) == MAX_PAGE_SIZE


def test_a_page_past_the_end_is_a_404(api_client, themes):
    assert api_client.get("/api/themes/?page=999").status_code == 404


def test_a_cursor_harvest_sees_every_row_once(api_client, themes):
    seen = []
    url = "/api/themes/?cursor=&page_size=75"
    while url:
        data = api_client.get(url).json()
        assert "count" not in data
        seen += [item["slug"] for item in data["results"]]
        url = data["next"]

    assert sorted(seen) == sorted(theme.slug for theme in themes)
    assert len(seen) == len(set(seen))


def test_a_row_added_during_a_harvest_comes_in_the_last_pages(api_client, themes):
    first = api_client.get("/api/themes/?cursor=&page_size=100").json()
    ThemeFactory(slug="aaa-added-meanwhile")

    url, seen = first["next"], [item["slug"] for item in first["results"]]
    while url:
        data = api_client.get(url).json()
        seen += [item["slug"] for item in data["results"]]
        url = data["next"]

    assert seen[-1] == "aaa-added-meanwhile"
    assert len(seen) == len(set(seen)) == len(themes) + 1


@pytest.mark.parametrize("cursor", ["not-base64!", "cD1hYmM="])  # the second holds p=abc
def test_a_forged_cursor_is_a_404(api_client, themes, cursor):
    response = api_client.get(f"/api/themes/?cursor={cursor}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


@pytest.mark.parametrize("page_size", ["0", "-1", "abc", "null", "2.5", "", "٣"])
@pytest.mark.parametrize("paging", ["", "cursor=&"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400(api_client, page_size, paging):
    response = api_client.get(f"/api/themes/?{paging}page_size={page_size}")

    assert response.status_code == 400
    assert response.json() == {"page_size": ["A whole number from 1."]}


def test_a_page_size_with_more_digits_than_python_converts_is_capped(api_client, themes):
    data = api_client.get(f"/api/themes/?page_size={'9' * 5000}").json()

    assert len(data["results"]) == MAX_PAGE_SIZE


def test_a_page_that_is_not_a_number_is_a_404_with_a_cursor_too(api_client):
    assert api_client.get("/api/themes/?cursor=&page=false").status_code == 404
    assert api_client.get("/api/themes/?cursor=&page=3").status_code == 200


def test_an_empty_page_number_is_a_404_not_the_first_page(api_client, db):
    response = api_client.get("/api/themes/?page=")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_page_number_past_the_first_10000_rows_is_a_404_pointing_to_the_cursor(api_client):
    # Checked before anything is counted or read: no rows needed.
    response = api_client.get("/api/recommendations/?page=51&page_size=200")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "`page` numbers stop at row 10,000 (page 50 at 200 rows a page). To read "
        "further, use `cursor=`: start with an empty cursor and follow `next`."
    }
    assert api_client.get(f"/api/themes/?page={'9' * 5000}").status_code == 404


@pytest.mark.parametrize("page", ["+51", " 51", "051", "٥١"])  # the last in Arabic-Indic digits
def test_a_page_number_past_the_cap_written_otherwise_points_to_the_cursor_too(api_client, page):
    response = api_client.get("/api/recommendations/", {"page": page, "page_size": 200})

    assert response.status_code == 404
    assert "`cursor=`" in response.json()["detail"]


def test_the_page_number_cap_is_told_in_the_readers_language(api_client):
    response = api_client.get("/api/themes/?page=201", HTTP_ACCEPT_LANGUAGE="ko")

    assert response.status_code == 404
    assert "cursor=" in response.json()["detail"]
    assert "page" in response.json()["detail"]
    assert "stop at row" not in response.json()["detail"]


def test_the_last_numbered_page_has_no_next_and_page_last_is_it(api_client, themes, monkeypatch):
    monkeypatch.setattr(paginators, "MAX_NUMBERED_ROWS", 100)

    last = api_client.get("/api/themes/?page=2")
    beyond = api_client.get("/api/themes/?page=3")

    assert last.status_code == 200
    assert (last.json()["count"], last.json()["next"]) == (MAX_PAGE_SIZE + 20, None)
    assert api_client.get("/api/themes/?page=last").json() == last.json()
    assert beyond.status_code == 404
    assert "`cursor=`" in beyond.json()["detail"]
    # Cursor pages reach every row.
    harvested, url = [], "/api/themes/?cursor=&page_size=100"
    while url:
        page = api_client.get(url).json()
        harvested += page["results"]
        url = page["next"]
    assert len(harvested) == MAX_PAGE_SIZE + 20


def test_the_admins_page_links_stop_at_the_numbered_pages_cap(editor_client, monkeypatch):
    monkeypatch.setattr(paginators, "MAX_NUMBERED_ROWS", 2)
    monkeypatch.setattr(RecommendationAdmin, "list_per_page", 1)
    RecommendationFactory.create_batch(3)
    url = reverse("admin:recommendations_recommendation_changelist")

    last = editor_client.get(url, {"p": 2})
    beyond = editor_client.get(url, {"p": 3})

    assert last.status_code == 200
    assert last.context["cl"].paginator.num_pages == 2
    assert last.context["cl"].result_count == 3
    # A deeper page is what the admin does with any page it has not: back to the first.
    assert beyond.status_code == 302
    assert beyond["Location"].endswith("?e=1")
