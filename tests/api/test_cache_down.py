"""Redis holds only the cache (cached counts, throttle counts): with it down, reads answer."""

import socket

import pytest
from django.test import override_settings

from tests.factories import RecommendationFactory, TargetFactory, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down():
    """The cache on a Redis address where nothing listens: every call is refused. Undone
    before the API tests' own fixtures clear the real cache."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    with override_settings(CACHES=down, TRACKER_ANON_THROTTLE="1/min"):
        yield


def test_the_list_is_counted_without_the_cache(cache_down, api_client):
    TargetFactory(recommendation=RecommendationFactory(), state=state("CHN"))
    TargetFactory(recommendation=RecommendationFactory(), state=state("FRA"))

    response = api_client.get("/api/recommendations/?state=CHN")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_stats_are_computed_without_the_cache(cache_down, api_client):
    TargetFactory(recommendation=RecommendationFactory(), state=state("CHN"))

    response = api_client.get("/api/stats/")

    assert response.status_code == 200
    assert (response.json()["recommendations"], response.json()["targets"]) == (1, 1)


def test_anonymous_reads_are_not_throttled_while_the_counts_cannot_be_kept(cache_down, api_client):
    statuses = [api_client.get("/api/themes/").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
