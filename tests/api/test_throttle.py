import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(TRACKER_ANON_THROTTLE="3/min")
def test_anonymous_readers_are_throttled_and_told_when_to_come_back(api_client, reader_client):
    answers = [api_client.get("/api/themes/").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = api_client.get("/api/themes/")
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert int(refused["Retry-After"]) > 0
    # A client with a token is not counted as anonymous.
    assert reader_client.get("/api/themes/").status_code == 200


@override_settings(TRACKER_ANON_THROTTLE="3/min")
def test_a_forwarded_for_header_does_not_reset_the_count(api_client):
    for number in range(3):
        api_client.get("/api/themes/", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")

    assert api_client.get("/api/themes/", HTTP_X_FORWARDED_FOR="10.0.0.9").status_code == 429


EXPENSIVE_2_A_MINUTE = override_settings(
    TRACKER_ANON_THROTTLE="100/min", TRACKER_ANON_EXPENSIVE_THROTTLE="2/min"
)


@EXPENSIVE_2_A_MINUTE
def test_stats_with_new_filters_are_throttled_at_the_expensive_rate(api_client):
    answers = [
        api_client.get(f"/api/stats/?issued_on_after=20{year}-01-01").status_code
        for year in (10, 11, 12)
    ]

    assert answers == [200, 200, 429]
    refused = api_client.get("/api/stats/?issued_on_after=2013-01-01")
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert int(refused["Retry-After"]) > 0


@EXPENSIVE_2_A_MINUTE
def test_stats_answered_from_the_cache_are_not_expensive(api_client):
    first = [api_client.get("/api/stats/?state=CHN").status_code for _ in range(5)]
    second = api_client.get("/api/stats/?state=PRK")
    third = api_client.get("/api/stats/?state=KOR")

    assert first == [200] * 5
    assert (second.status_code, third.status_code) == (200, 429)
    # Counts already computed are still served once the expensive allowance is spent.
    assert api_client.get("/api/stats/?state=CHN").status_code == 200


@EXPENSIVE_2_A_MINUTE
def test_a_full_text_search_is_expensive_on_every_list_and_the_stats(api_client):
    answers = [
        api_client.get("/api/recommendations/?q=refoulement").status_code,
        api_client.get("/api/targets/?q=refoulement").status_code,
        api_client.get("/api/stats/?q=refoulement").status_code,
        api_client.get("/api/recommendations/?q=torture").status_code,
    ]

    assert answers == [200, 200, 429, 429]


@EXPENSIVE_2_A_MINUTE
def test_cheap_reads_are_unaffected_when_the_expensive_allowance_is_spent(api_client):
    for year in (10, 11, 12):
        api_client.get(f"/api/stats/?issued_on_after=20{year}-01-01")
    assert api_client.get("/api/recommendations/?q=refoulement").status_code == 429

    answers = [
        api_client.get("/api/recommendations/").status_code,
        api_client.get("/api/recommendations/?state=CHN").status_code,
        api_client.get("/api/recommendations/?q=").status_code,
        api_client.get("/api/themes/").status_code,
        api_client.get("/api/stats/?issued_on_after=2010-01-01").status_code,
    ]

    assert answers == [200] * 5


@override_settings(TRACKER_ANON_THROTTLE="3/min", TRACKER_ANON_EXPENSIVE_THROTTLE="100/min")
def test_expensive_reads_count_against_the_ordinary_rate_too(api_client):
    answers = [api_client.get("/api/recommendations/?q=torture").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]


@EXPENSIVE_2_A_MINUTE
def test_a_client_with_a_token_is_not_throttled_for_expensive_reads(reader_client):
    answers = [
        reader_client.get(f"/api/stats/?issued_on_after=20{year}-01-01").status_code
        for year in (10, 11, 12)
    ]

    assert answers == [200, 200, 200]
