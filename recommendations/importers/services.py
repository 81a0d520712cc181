"""The import as the command, the admin and the task run it: parse, merge, write, report."""

from collections.abc import Callable
from contextlib import nullcontext

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from recommendations.choices import ImportJobStatus
from recommendations.data_version import data_changed
from recommendations.importers.core import (
    ImportFileError,
    ImportOptions,
    ImportReport,
    StateNames,
    issuer_errors,
    records_merge,
)
from recommendations.importers.formats import PARSERS, format_detect
from recommendations.importers.limits import file_check
from recommendations.importers.messages import Message
from recommendations.importers.sessions import UprCalendar
from recommendations.importers.store import Source, Store, records_by_chunk
from recommendations.importers.validation import records_validate
from recommendations.models import ImportJob

Progress = Callable[[int, int], None]


def recommendations_import(
    *,
    file_name: str,
    content: bytes,
    format: str = "",
    options: ImportOptions | None = None,
    dry_run: bool = False,
    user=None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file's good rows and report every bad one; raises ImportFileError when the file
    as a whole cannot be read.

    Written chunk by chunk, each in its own transaction, so progress shows and a large file
    does not hold one long transaction; an interrupted import is completed by running it again
    (it is idempotent). A dry run writes inside one transaction and rolls it back, so its
    report counts what the import would create and update.
    """
    file_check(content)
    format = format or format_detect(content)
    parsed = PARSERS[format](
        content, options=options or ImportOptions(), states=StateNames(), calendar=UprCalendar()
    )
    records, invalid = records_validate(parsed.records, columns=parsed.columns)
    records = records_merge(records)
    no_issuer = issuer_errors(records)
    without_issuer = {error.row for error in no_issuer}
    records = [record for record in records if record.row not in without_issuer]
    report = ImportReport(
        file_name=file_name,
        format=format,
        dry_run=dry_run,
        rows_read=parsed.rows_read,
        errors=parsed.errors + invalid + no_issuer,
        skipped=parsed.skipped,
        corrections=parsed.corrections,
    )
    for model in ImportReport.MODELS:
        report.count(model, "created", 0)
    source = Source(file_name=file_name, format=format, imported_at=timezone.now(), user=user)
    total = sum(len(record.rows) for record in records)
    done = 0
    with transaction.atomic() if dry_run else nullcontext():
        store = Store(source=source, report=report)
        for chunk in records_by_chunk(records):
            with transaction.atomic():
                store.write(chunk)
                data_changed()
            done += sum(len(record.rows) for record in chunk)
            if progress:
                progress(done, total)
        if dry_run:
            transaction.set_rollback(True)
    return report


def import_job_options(job: ImportJob) -> ImportOptions:
    return ImportOptions(
        state_under_review=job.state_under_review.code if job.state_under_review else "",
        report_symbol=job.report_symbol,
        upr_session=job.upr_session,
    )


def _job_run(job: ImportJob, *, dry_run: bool) -> ImportReport | None:
    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    try:
        return recommendations_import(
            file_name=job.file_name,
            content=bytes(job.content),
            format=job.format,
            options=import_job_options(job),
            dry_run=dry_run,
            user=job.created_by,
            progress=progress,
        )
    except ImportFileError as error:
        import_job_fail(job_id=job.pk, reason=error.message)
        return None
    except MemoryError:
        import_job_fail(
            job_id=job.pk,
            reason=Message(
                gettext_noop(
                    "the worker ran out of memory reading the file: lower the IMPORT_MAX_* limits"
                )
            ),
        )
        raise
    except Exception as error:
        # Recorded so the page stops waiting and the editor reads why; raised again for the
        # worker's log, where the traceback is.
        import_job_fail(
            job_id=job.pk,
            reason=Message(
                gettext_noop("the import stopped on an unexpected error (%(kind)s): %(error)s"),
                kind=type(error).__name__,
                error=str(error)[:1000],
            ),
        )
        raise


def import_job_fail(*, job_id: int, reason: Message) -> None:
    """`error` keeps the reason in English (the API, the logs); `error_message` keeps it to
    be shown in the reader's language."""
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJobStatus.FAILED,
        error=reason.english()[:2000],
        error_message=reason.as_data(),
        finished_at=timezone.now(),
    )


# A message whose English is the msgid; translated where it is shown (`job_failure`).
WORKER_LOST = Message(
    gettext_noop(
        "the worker stopped while reading this file (it ran out of memory or time, or was "
        "restarted); the file was not read again"
    )
)


def _job_claim(job_id: int, status: str) -> ImportJob | None:
    """Count this delivery of the job's task; past IMPORT_JOB_MAX_ATTEMPTS the job fails
    instead of being read again. None when the job is not in `status` (done, or failed)."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status=status, attempts__lt=settings.IMPORT_JOB_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        ImportJob.objects.filter(pk=job_id, status=status).update(
            status=ImportJobStatus.FAILED,
            error=WORKER_LOST.english(),
            error_message=WORKER_LOST.as_data(),
            finished_at=timezone.now(),
        )
        return None
    return ImportJob.objects.select_related("state_under_review", "created_by").get(pk=job_id)


def import_job_check(*, job_id: int) -> None:
    """The preview: a dry run whose report the page shows before the editor confirms."""
    job = _job_claim(job_id, ImportJobStatus.CHECKING)
    if job is None:
        return
    report = _job_run(job, dry_run=True)
    if report is not None:
        # The dry run's own progress rolled back with it.
        ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CHECKING).update(
            status=ImportJobStatus.CHECKED,
            format=report.format,
            preview=report.as_dict(),
            rows_done=report.rows_read,
            rows_total=report.rows_read,
        )


def import_job_confirm(*, job_id: int) -> bool:
    """Claim a checked job for importing; False when it was not waiting (confirmed twice)."""
    return bool(
        ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.CHECKED).update(
            status=ImportJobStatus.IMPORTING, rows_done=0, attempts=0
        )
    )


def import_job_run(*, job_id: int) -> None:
    """The import itself, once confirmed. Chunks written before a failure stay: the import is
    idempotent, so uploading the file again completes it."""
    job = _job_claim(job_id, ImportJobStatus.IMPORTING)
    if job is None:
        return
    report = _job_run(job, dry_run=False)
    if report is not None:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJobStatus.DONE, report=report.as_dict(), finished_at=timezone.now()
        )
