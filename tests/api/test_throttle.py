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
