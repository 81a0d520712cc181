"""One recommendation, its status and the pages of the list, read anonymously: answered
from the cache until a write commits, in the reader's language; signed-in readers get
theirs computed."""

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


LIST = "/api/recommendations/"


@pytest.mark.django_db
def test_a_page_of_the_list_asked_again_is_answered_from_the_cache(
    django_assert_num_queries, api_client
):
    TargetFactory.create_batch(3, state=state("CHN"))
    first = api_client.get(LIST, {"state": "CHN", "page_size": 2}).json()

    with django_assert_num_queries(1):
        again = api_client.get(LIST, {"state": "CHN", "page_size": 2}).json()

    assert again == first
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert "page_size=2" in first["next"]


@pytest.mark.django_db
def test_each_query_of_the_list_has_its_own_answer(api_client):
    chinese = TargetFactory(state=state("CHN")).recommendation_id
    russian = TargetFactory(state=state("RUS")).recommendation_id

    by_state = {
        code: [row["id"] for row in api_client.get(LIST, {"state": code}).json()["results"]]
        for code in ("CHN", "RUS")
    }

    assert by_state == {"CHN": [chinese], "RUS": [russian]}


# Committed for real: the cache is made stale once a write commits.
@pytest.mark.django_db(transaction=True)
def test_a_response_recorded_shows_in_the_list_at_once(api_client, editor):
    target = TargetFactory(recommendation=RecommendationFactory(), state=state("CHN"))
    assert api_client.get(LIST, {"status": "supported"}).json()["count"] == 0

    answered = client_with_token(editor).post(
        "/api/responses/",
        {"target": target.pk, "position": "supported", "date": "2024-03-01"},
        format="json",
    )

    assert answered.status_code == 201
    supported = api_client.get(LIST, {"status": "supported"}).json()
    assert [row["id"] for row in supported["results"]] == [target.recommendation_id]


@pytest.mark.django_db
def test_an_editor_never_reads_the_anonymous_list(api_client, editor):
    TargetFactory(state=state("CHN"))
    assert "owner" not in api_client.get(LIST).json()["results"][0]

    assert "owner" in client_with_token(editor).get(LIST).json()["results"][0]


@pytest.mark.django_db
def test_a_wrong_filter_is_still_a_400_when_asked_again(api_client):
    for _ in range(2):
        answer = api_client.get(LIST, {"status": "nonsense"})

        assert answer.status_code == 400
        assert "status" in answer.json()
