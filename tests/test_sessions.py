"""Signed-in sessions: read from the shared cache (Redis), kept in the database, and still
working while Redis is down (tracker/sessions.py)."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
# Nothing listens on port 1: every cache call is refused, as with Redis stopped.
REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "tracker.sessions"


def log_in(client):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        secure=True,
    )


def test_a_signed_in_request_reads_its_session_from_the_cache_not_the_database(
    client, cached_sessions
):
    EditorFactory(username="editor", password=PASSWORD)
    assert log_in(client).status_code == 302

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/", secure=True)

    assert page.status_code == 200
    assert "editor" in page.content.decode()
    assert not [query for query in queries if "django_session" in query["sql"]]
    # Kept in the database too: a restart of Redis signs no one out.
    assert Session.objects.filter(session_key=client.session.session_key).exists()


def test_with_redis_down_an_editor_signs_in_and_stays_signed_in(client, cached_sessions, settings):
    EditorFactory(username="editor", password=PASSWORD)
    settings.CACHES = REDIS_DOWN

    signed_in = log_in(client)
    page = client.get("/admin/", secure=True)

    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/admin/"
    assert page.status_code == 200
    assert "editor" in page.content.decode()
