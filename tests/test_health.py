import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: a real refused connection, as when Redis is down.
UNREACHABLE_REDIS = "redis://:s3cret-password@127.0.0.1:1/0"


def test_healthz_answers_without_a_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_each_component_ok(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "components": {"database": {"status": "ok"}, "broker": {"status": "ok"}},
    }


@override_settings(CELERY_BROKER_URL=UNREACHABLE_REDIS, CELERY_BROKER_TRANSPORT_OPTIONS={})
def test_readyz_is_503_naming_the_broker_when_it_is_down_and_leaks_no_secret(client):
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["components"]["database"] == {"status": "ok"}
    assert body["components"]["broker"]["status"] == "down"
    assert "s3cret" not in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()


def test_health_endpoints_refuse_writes(client):
    assert client.post("/readyz").status_code == 405
