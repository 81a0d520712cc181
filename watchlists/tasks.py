"""Celery tasks of the watchlists: thin, given ids; the work is in services.py. Acknowledged
late (settings), so a killed worker's task runs again, and the services make a second run
record and send nothing twice."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from recommendations.tasks import RETRY_WAIT_MAX
from watchlists import services, webhooks

RETRIES = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": settings.REMINDER_RETRY_BACKOFF,
    "retry_backoff_max": RETRY_WAIT_MAX,
    "max_retries": settings.REMINDER_MAX_RETRIES,
}


@shared_task
def watchlists_sweep() -> int:
    return services.watchlists_sweep()["recorded"]


@shared_task
def watchlist_sweep(watchlist_id: int) -> int:
    return services.watchlist_sweep(
        watchlist_id=watchlist_id, today=timezone.localdate(), now=timezone.now()
    )


@shared_task(bind=True, **RETRIES)
def digest_deliver(self, subscription_id: int) -> int:
    # The task id survives retries: it is the claim, so a retry takes back its own claim.
    return services.digest_deliver(
        subscription_id=subscription_id,
        claim=self.request.id,
        final_attempt=self.request.retries >= self.max_retries,
    )


@shared_task(**RETRIES)
def confirmation_send(subscription_id: int) -> bool:
    return services.confirmation_send(subscription_id=subscription_id)


@shared_task
def deliveries_send() -> int:
    """Post the due webhook deliveries; each run picks up what a killed one left."""
    return webhooks.deliveries_send()


@shared_task(**RETRIES)
def endpoint_disabled_notify(endpoint_id: int) -> bool:
    return webhooks.endpoint_disabled_notify(endpoint_id=endpoint_id)
