"""Liveness and readiness for load balancers and orchestrators: no login, no secrets.

/healthz says the process answers. /readyz says whether what it depends on answers too:
the database and the Celery broker, each reported on its own, 503 when one is down. Read
replicas are reported too but never make it 503: reads fall back to the primary without them.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from tracker.db_router import replica_answers

BROKER_TIMEOUT_SECONDS = 2


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "down"; the kind is reported
        return {"status": "down", "error": type(error).__name__}
    return {"status": "ok"}


def broker_status() -> dict:
    broker = Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
    )
    try:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - any failure means "down"; the kind is reported
        return {"status": "down", "error": type(error).__name__}
    finally:
        broker.release()
    return {"status": "ok"}


@require_safe
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request):
    components = {"database": database_status(), "broker": broker_status()}
    ready = all(component["status"] == "ok" for component in components.values())
    answer = {"status": "ok" if ready else "unavailable", "components": components}
    if settings.TRACKER_REPLICA_DATABASES:
        answer["replicas"] = {
            alias: {"status": "ok" if replica_answers(alias) else "down"}
            for alias in settings.TRACKER_REPLICA_DATABASES
        }
    return JsonResponse(answer, status=200 if ready else 503)
