"""Celery tasks reading every uploaded file, so no web request ever parses one: they call the
services only.

The lead imports these from recommendations/tasks.py so the worker registers them.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext_noop

from recommendations.importers import services
from recommendations.importers.messages import Message

# acks_late with reject_on_worker_lost: a worker that dies reading a file (killed for its
# memory, or restarted) leaves the message to be delivered again, and that delivery marks
# the job failed (services counts attempts on the job's row), so the page stops waiting and
# the file does not kill the next worker. An exception is recorded on the job and acked.
LIMITS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.IMPORT_TASK_TIME_LIMIT,
    "time_limit": settings.IMPORT_TASK_TIME_LIMIT + 60,
}


def _timed_out(job_id: int) -> None:
    services.import_job_fail(
        job_id=job_id,
        reason=Message(
            gettext_noop("the file took longer than IMPORT_TASK_TIME_LIMIT = %(limit)d seconds"),
            limit=settings.IMPORT_TASK_TIME_LIMIT,
        ),
    )


@shared_task(**LIMITS)
def import_job_check_task(job_id: int) -> None:
    try:
        services.import_job_check(job_id=job_id)
    except SoftTimeLimitExceeded:
        _timed_out(job_id)


@shared_task(**LIMITS)
def import_job_run_task(job_id: int) -> None:
    try:
        services.import_job_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        _timed_out(job_id)
