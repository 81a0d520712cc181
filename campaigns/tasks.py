"""Celery tasks of the campaigns: thin; the work is in services.py."""

from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from campaigns import selectors, services
from recommendations.tasks import RETRY_WAIT_MAX


def sweep_and_queue(*, today: date | None = None) -> int:
    """The silence sweep, then one delivery task per alert to send; beat and the
    `sweep_silence` command both run this."""
    alerts = services.silence_sweep(today=today)
    for alert_id in alerts:
        deliver_silence_alert.delay(alert_id)
    return len(alerts)


@shared_task
def silence_sweep() -> int:
    return sweep_and_queue()


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=settings.REMINDER_RETRY_BACKOFF,
    retry_backoff_max=RETRY_WAIT_MAX,
    max_retries=settings.REMINDER_MAX_RETRIES,
)
def deliver_silence_alert(alert_id: int) -> bool:
    return services.silence_alert_deliver(alert_id=alert_id)


@shared_task
def upr_counts_recount(campaign_id: int, version: str) -> None:
    selectors.upr_counts_recounted(campaign_id, version)
