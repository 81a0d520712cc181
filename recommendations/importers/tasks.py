"""Celery tasks for imports too large to run in the request: they call the services only.

The lead imports these from recommendations/tasks.py so the worker registers them.
"""

from celery import shared_task

from recommendations.importers import services


# acks_late: a worker lost mid-import leaves the message to be redelivered, and running an
# import again is safe because it is idempotent.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_job_check_task(job_id: int) -> None:
    services.import_job_check(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_job_run_task(job_id: int) -> None:
    services.import_job_run(job_id=job_id)
