"""One recommendation and its status, read anonymously: answered from the cache until a
write commits, in the reader's language; signed-in readers get theirs computed."""

import pytest

from tests.api.conftest import client_with_token
from tests.factories import RecommendationFactory, TargetFactory, state

URLS = ["/api/recommendations/{pk}/", "/api/recommendations/{pk}/status/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_asked_again_it_is_answered_from_the_cache(django_assert_num_queries, api_client, url):
    url = url.format(pk=TargetFactory(state=state("CHN")).recommendation_id)
    first = api_client.get(url).json()

    # The data version alone.
    with django_assert_num_queries(1):
        again = api_client.get(url).json()

    assert again == first


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_each_language_has_its_own_answer(api_client, url):
    url = url.format(pk=TargetFactory(state=state("CHN")).recommendation_id)
    english = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    korean = api_client.get(url, HTTP_ACCEPT_LANGUAGE="ko").json()

    assert english != korean
    assert api_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json() == english


# Committed for real: the cache is made stale once a write commits.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", URLS)
def test_a_response_recorded_shows_at_once(api_client, editor, url):
    target = TargetFactory(recommendation=RecommendationFactory(), state=state("CHN"))
    url = url.format(pk=target.recommendation_id)
    before = api_client.get(url).json()

    answered = client_with_token(editor).post(
        "/api/responses/",
        {"target": target.pk, "position": "supported", "date": "2024-03-01"},
        format="json",
    )

    assert answered.status_code == 201
    after = api_client.get(url).json()
    assert after != before
    assert "supported" in str(after)


@pytest.mark.django_db
def test_an_editor_never_reads_the_anonymous_answer(api_client, editor):
    recommendation = TargetFactory(state=state("CHN")).recommendation
    url = f"/api/recommendations/{recommendation.pk}/"
    assert "owner" not in api_client.get(url).json()

    assert "owner" in client_with_token(editor).get(url).json()


@pytest.mark.django_db
def test_each_host_reads_its_own_links(api_client):
    url = f"/api/recommendations/{TargetFactory(state=state('CHN')).recommendation_id}/"

    local = api_client.get(url, HTTP_HOST="localhost").json()
    loopback = api_client.get(url, HTTP_HOST="127.0.0.1").json()

    assert local["api_url"].startswith("http://localhost/")
    assert loopback["api_url"].startswith("http://127.0.0.1/")


@pytest.mark.django_db
def test_a_query_changes_nothing_and_is_kept_once(django_assert_num_queries, api_client):
    url = f"/api/recommendations/{TargetFactory(state=state('CHN')).recommendation_id}/"
    first = api_client.get(url).json()

    with django_assert_num_queries(1):
        assert api_client.get(f"{url}?crawler=1").json() == first
