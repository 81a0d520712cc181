import pytest

from recommendations.api.pagination import MAX_PAGE_SIZE, PAGE_SIZE
from tests.factories import ThemeFactory

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
