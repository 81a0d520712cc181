"""Anonymous reads from PostgreSQL streaming replicas; everything else from the primary.

The public reads are what grows when a campaign goes viral, and they are the reads that
tolerate a replica's lag: a visitor sees the records as they were a second ago. So:

- `ReplicaReadMiddleware` decides, once per request, whether it may read from a replica: a
  safe method (GET, HEAD, OPTIONS), no logged-in user, no `Authorization` header (API tokens
  are only checked inside the view, later) and no pin. It records the replica chosen in a
  context variable for the length of the request.
- `ReplicaRouter.db_for_read` returns that replica, else None: the primary. Outside such a
  request (Celery tasks, management commands, editors, writes) nothing is set, so every
  read is on the primary.
- Read-your-writes: any unsafe request (a write, a login, a logout, a subscription form)
  gets a signed cookie that keeps its client on the primary for
  TRACKER_REPLICA_PIN_SECONDS, longer than a healthy replica lags.
- A replica that fails (its connection refused or broken) is marked down for
  TRACKER_REPLICA_RETRY_SECONDS in this process, and the request that met the failure is
  answered again from the primary: a GET is safe to repeat. After that time the next request
  probes it with `SELECT 1` before reading from it. A healthy replica costs no probe.

Cached reads (recommendations/data_version.py) stay consistent: a request reads the token
and computes the answer on the same connection's side, so a lagging replica caches what it
holds under the token it holds, and never a stale answer under the primary's newer token.

Writes always go to the primary (`db_for_write`) and migrations only run there: a replica
replays the primary's WAL, schema included. There is no failover: the primary is the primary.
"""

import logging
import random
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

import psycopg
from django.conf import settings
from django.db import DatabaseError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PIN_COOKIE = "tracker_primary"
PIN_SALT = "tracker.db_router.pin"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The replica alias this request reads from; None (the default everywhere else) is the primary.
replica_for_reads: ContextVar[str | None] = ContextVar("replica_for_reads", default=None)

# alias -> time.monotonic() until which it is not read from, in this process.
_down_until: dict[str, float] = {}


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return replica_for_reads.get()

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # A replica holds the primary's rows: an object read from one relates to one read
        # from the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"


def mark_down(alias: str) -> None:
    _down_until[alias] = time.monotonic() + settings.TRACKER_REPLICA_RETRY_SECONDS


def replica_answers(alias: str) -> bool:
    """A cheap probe of a replica: a connection of its own, given up after
    TRACKER_REPLICA_CONNECT_TIMEOUT seconds, and `SELECT 1`."""
    # As Django connects (TLS options and all), on a connection that is not Django's.
    params = {
        **connections[alias].get_connection_params(),
        "connect_timeout": settings.TRACKER_REPLICA_CONNECT_TIMEOUT,
    }
    try:
        with psycopg.connect(**params, autocommit=True) as probe:
            probe.execute("SELECT 1")
    except psycopg.Error as error:
        logger.warning("read replica %s does not answer: %s", alias, error)
        return False
    return True


def healthy_replica() -> str | None:
    """A replica to read from, at random among those not marked down; None: the primary."""
    aliases = list(settings.TRACKER_REPLICA_DATABASES)
    random.shuffle(aliases)
    now = time.monotonic()
    for alias in aliases:
        down_until = _down_until.get(alias)
        if down_until is None:
            return alias
        if down_until > now:
            continue
        if replica_answers(alias):
            _down_until.pop(alias, None)
            logger.info("read replica %s is back", alias)
            return alias
        mark_down(alias)
    return None


def is_pinned(request: HttpRequest) -> bool:
    return (
        request.get_signed_cookie(
            PIN_COOKIE,
            default=None,
            salt=PIN_SALT,
            max_age=settings.TRACKER_REPLICA_PIN_SECONDS,
        )
        is not None
    )


def may_read_from_replica(request: HttpRequest) -> bool:
    return (
        request.method in SAFE_METHODS
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.user.is_authenticated
        and not is_pinned(request)
    )


def _read_from(alias: str, chunks: Iterable) -> Iterator:
    iterator = iter(chunks)
    while True:
        token = replica_for_reads.set(alias)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            replica_for_reads.reset(token)
        yield chunk


class ReplicaReadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        alias = None
        if settings.TRACKER_REPLICA_DATABASES and may_read_from_replica(request):
            alias = healthy_replica()
        token = replica_for_reads.set(alias)
        try:
            response = self.get_response(request)
        finally:
            replica_for_reads.reset(token)
        if alias is not None and response.streaming:
            # A streamed body (the CSV export) is read after this method returns: from the
            # same side as the rest of the answer, or the rows could be newer than what was
            # read to filter them (a document made private a moment ago).
            response.streaming_content = _read_from(alias, response.streaming_content)
        if request.method not in SAFE_METHODS and settings.TRACKER_REPLICA_DATABASES:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=settings.TRACKER_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        """A replica that failed mid-request: answer again from the primary (the request is a
        safe one), and mark the replica down unless it answers a probe (a query cancelled
        by a conflict with recovery is the query's failure, not the replica's)."""
        alias = replica_for_reads.get()
        if alias is None or not isinstance(exception, OperationalError):
            return None
        logger.warning("read replica %s failed, reading from the primary: %s", alias, exception)
        if not replica_answers(alias):
            mark_down(alias)
            # Its broken connection is not reused by the next request that reads from it.
            try:
                connections[alias].close()
            except DatabaseError as error:
                logger.info("closing the connection to %s: %s", alias, error)
        replica_for_reads.set(None)
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
