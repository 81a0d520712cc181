"""Celery tasks: thin, given ids and addresses, never model instances; the work is in
reminders.py and services.py. Acknowledged late (settings), so a killed worker's task runs
again; reminders.deliver_digest() makes a second run send nothing twice."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from recommendations import reminders, services

# The longest wait between two tries (Celery's default). REMINDER_CLAIM_TIMEOUT outlasts it,
# so no sweep takes back reminders whose retry is still to come; and Redis' visibility
# timeout (an hour) too, so a waiting retry is not handed to a second worker.
RETRY_WAIT_MAX = 600


@shared_task
def reminders_sweep() -> int:
    return reminders.reminders_sweep().recorded


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=settings.REMINDER_RETRY_BACKOFF,
    retry_backoff_max=RETRY_WAIT_MAX,
    max_retries=settings.REMINDER_MAX_RETRIES,
)
def deliver_digest(self, recipient: str, reminder_ids: list[int]) -> int:
    # The task id survives retries: it is the claim, so a retry takes back its own rows.
    return reminders.deliver_digest(
        recipient=recipient,
        reminder_ids=reminder_ids,
        claim=self.request.id,
        final_attempt=self.request.retries >= self.max_retries,
    )


@shared_task
def recompute_statuses() -> int:
    return services.target_statuses_recompute()


@shared_task
def dashboard_stats_warm() -> None:
    services.dashboard_stats_warm()
