"""Which database a read goes to (tracker/db_router.py).

The replica alias here is a second connection to the test database: it sees what is
committed, not what the test's own transaction wrote, which is what a lagging replica sees
of a write it has not replayed yet. The stack test (tests/stack/test_replica.py) runs the
same router against a real streaming replica.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connections, router
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import ResolverMatch
from django.utils import timezone
from rest_framework.authtoken.models import Token

from recommendations.models import Recommendation
from tests.factories import RecommendationFactory
from tracker import db_router
from tracker.db_router import PIN_COOKIE, ReplicaReadMiddleware, replica_for_reads

REPLICA = "replica_0"


# The replica: a mirror of the test database (Django's TEST MIRROR), on a connection of its
# own. Added before the test database is set up, which makes it the mirror.
connections.settings.setdefault(
    REPLICA,
    {
        **connections.settings["default"],
        "TEST": {**connections.settings["default"]["TEST"], "MIRROR": "default"},
    },
)
with_replica = pytest.mark.django_db(databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def close_the_replica_connection():
    # After the last test's transaction: the test database is dropped with no session on it.
    yield
    connections[REPLICA].close()


@pytest.fixture
def replica(settings):
    settings.TRACKER_REPLICA_DATABASES = [REPLICA]
    settings.TRACKER_REPLICA_PIN_SECONDS = 30
    yield REPLICA
    db_router._down_until.clear()


@pytest.fixture
def replica_down(replica, settings):
    """The replica's address is a port nobody listens on."""
    connection = connections[REPLICA]
    answering = connection.settings_dict
    connection.settings_dict = {**answering, "HOST": "127.0.0.1", "PORT": 1}
    settings.TRACKER_REPLICA_CONNECT_TIMEOUT = 1
    yield REPLICA
    connection.settings_dict = answering


def read_alias(request) -> str:
    """The alias a read of a recommendation would use while the middleware handles request."""
    seen = {}

    def view(request):
        seen["alias"] = router.db_for_read(Recommendation)
        return HttpResponse("ok")

    response = ReplicaReadMiddleware(view)(request)
    return seen["alias"], response


def anonymous(request):
    request.user = AnonymousUser()
    return request


@with_replica
def test_an_anonymous_get_reads_from_the_replica(replica):
    alias, _ = read_alias(anonymous(RequestFactory().get("/api/recommendations/")))

    assert alias == REPLICA


@pytest.mark.django_db
def test_without_replicas_every_read_is_on_the_primary():
    alias, _ = read_alias(anonymous(RequestFactory().get("/api/recommendations/")))

    assert alias == "default"


@with_replica
def test_a_logged_in_editor_reads_from_the_primary(replica, editor):
    request = RequestFactory().get("/api/recommendations/")
    request.user = editor

    assert read_alias(request)[0] == "default"


@with_replica
def test_a_request_with_a_token_reads_from_the_primary(replica):
    # Tokens are checked inside the view, after the middleware: the header is what it sees.
    request = anonymous(
        RequestFactory().get("/api/recommendations/", HTTP_AUTHORIZATION="Token abc")
    )

    assert read_alias(request)[0] == "default"


@with_replica
def test_a_post_reads_from_the_primary_and_pins_its_client(replica):
    alias, response = read_alias(anonymous(RequestFactory().post("/watch/")))

    assert alias == "default"
    assert response.cookies[PIN_COOKIE]["max-age"] == 30
    assert response.cookies[PIN_COOKIE]["httponly"]


@with_replica
def test_a_pinned_client_reads_from_the_primary_until_the_pin_expires(replica):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _, response = read_alias(anonymous(RequestFactory().post("/watch/")))
        pin = response.cookies[PIN_COOKIE].value

        clock.shift(timedelta(seconds=29))
        request = anonymous(RequestFactory().get("/api/recommendations/"))
        request.COOKIES[PIN_COOKIE] = pin
        assert read_alias(request)[0] == "default"

        clock.shift(timedelta(seconds=2))
        request = anonymous(RequestFactory().get("/api/recommendations/"))
        request.COOKIES[PIN_COOKIE] = pin
        assert read_alias(request)[0] == REPLICA


@with_replica
def test_a_streamed_body_is_read_from_the_same_replica(replica):
    def view(request):
        rows = (router.db_for_read(Recommendation) for _ in range(2))
        return StreamingHttpResponse(rows)

    request = anonymous(RequestFactory().get("/api/targets/?format=csv"))
    response = ReplicaReadMiddleware(view)(request)

    assert b"".join(response.streaming_content) == f"{REPLICA}{REPLICA}".encode()
    assert router.db_for_read(Recommendation) == "default"


@with_replica
def test_a_forged_pin_is_ignored(replica):
    request = anonymous(RequestFactory().get("/api/recommendations/"))
    request.COOKIES[PIN_COOKIE] = "1"

    assert read_alias(request)[0] == REPLICA


@with_replica
def test_tasks_and_commands_read_from_the_primary(replica):
    assert replica_for_reads.get() is None
    assert router.db_for_read(Recommendation) == "default"


@with_replica
def test_writes_and_migrations_are_on_the_primary_only(replica):
    token = replica_for_reads.set(REPLICA)
    try:
        assert router.db_for_write(Recommendation) == "default"
    finally:
        replica_for_reads.reset(token)
    assert router.allow_migrate("default", "recommendations")
    assert not router.allow_migrate(REPLICA, "recommendations")


@with_replica
def test_a_replica_marked_down_is_probed_after_the_retry_time(replica_down, settings):
    settings.TRACKER_REPLICA_RETRY_SECONDS = 0  # the retry time has passed
    db_router.mark_down(REPLICA)

    alias, _ = read_alias(anonymous(RequestFactory().get("/api/recommendations/")))

    assert alias == "default"
    assert REPLICA in db_router._down_until


@with_replica
def test_a_replica_marked_down_is_not_read_within_the_retry_time(replica, settings):
    settings.TRACKER_REPLICA_RETRY_SECONDS = 60
    db_router.mark_down(REPLICA)

    assert read_alias(anonymous(RequestFactory().get("/api/recommendations/")))[0] == "default"


@with_replica
def test_a_replica_back_up_is_read_again(replica, settings):
    settings.TRACKER_REPLICA_RETRY_SECONDS = 0
    db_router.mark_down(REPLICA)

    assert read_alias(anonymous(RequestFactory().get("/api/recommendations/")))[0] == REPLICA
    assert REPLICA not in db_router._down_until


@with_replica
def test_a_replica_failing_mid_request_is_answered_from_the_primary(replica_down):
    def view(request):
        if replica_for_reads.get():
            raise OperationalError("connection refused")
        return HttpResponse(router.db_for_read(Recommendation))

    request = anonymous(RequestFactory().get("/api/recommendations/"))
    request.resolver_match = ResolverMatch(view, (), {})
    middleware = ReplicaReadMiddleware(view)
    token = replica_for_reads.set(REPLICA)
    try:
        response = middleware.process_exception(request, OperationalError("connection refused"))
    finally:
        replica_for_reads.reset(token)

    assert response.content == b"default"
    assert REPLICA in db_router._down_until
    assert read_alias(anonymous(RequestFactory().get("/api/recommendations/")))[0] == "default"


@with_replica
def test_an_editor_reads_a_row_the_replica_does_not_have_yet(replica, client, editor):
    recommendation = RecommendationFactory()  # uncommitted: the replica cannot see it
    path = f"/api/recommendations/{recommendation.pk}/"

    assert client.get(path).status_code == 404
    token = Token.objects.create(user=editor)
    answer = client.get(path, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert answer.status_code == 200


@with_replica
def test_a_client_that_wrote_reads_its_write_at_once(replica, client, fresh_throttle_counts):
    recommendation = RecommendationFactory()
    path = f"/api/recommendations/{recommendation.pk}/"
    assert client.get(path).status_code == 404

    client.post("/api/recommendations/", {}, content_type="application/json")  # a 401, pinned

    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_an_operational_error_elsewhere_is_not_retried():
    middleware = ReplicaReadMiddleware(lambda request: HttpResponse())
    request = anonymous(RequestFactory().get("/"))

    assert middleware.process_exception(request, OperationalError("primary down")) is None


@with_replica
def test_readyz_reports_a_replica_down_and_stays_ready(replica_down, client):
    answer = client.get("/readyz")

    assert answer.status_code == 200
    assert answer.json()["replicas"] == {REPLICA: {"status": "down"}}


@with_replica
def test_readyz_reports_a_replica_that_answers(replica, client):
    assert client.get("/readyz").json()["replicas"] == {REPLICA: {"status": "ok"}}
