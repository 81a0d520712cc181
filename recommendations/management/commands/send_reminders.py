from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from recommendations import reminders
from recommendations.models import Target


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date: {value!r} is not a date as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = (
        "Run one reminder sweep: record the reminders that are due and queue each recipient's "
        "digest. Beat runs the same sweep on its schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the reminders that would be recorded; write and send nothing.",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help=(
                "Read every target, not only those written or whose dates crossed a threshold "
                "since the last sweep; records the same reminders."
            ),
        )
        parser.add_argument(
            "--date", type=str, help="Sweep as of this day (YYYY-MM-DD) instead of today."
        )

    def handle(self, *args, dry_run: bool, full: bool, date: str | None, **options):
        today = _iso_date(date) if date else None
        if dry_run:
            self.preview(today=today or timezone.localdate())
            return
        report = reminders.reminders_sweep(today=today, full=full)
        read = "every target" if report.full else "the targets changed since the last sweep"
        self.stdout.write(
            f"{report.recorded} new reminders recorded ({report.due} due of {read}); "
            f"{report.released} stale claims released; {len(report.digests)} digests queued."
        )

    def preview(self, *, today: date) -> None:
        due = reminders.reminders_preview(today=today)
        targets = Target.objects.select_related(
            "state", "body", "recommendation__document"
        ).in_bulk({reminder.target_id for reminder in due})
        for reminder in sorted(due, key=lambda reminder: (reminder.recipient, reminder.occurrence)):
            target = targets[reminder.target_id]
            self.stdout.write(
                f"{reminder.recipient}: {reminder.rule} — {reminders.target_label(target)}: "
                f"{reminder.reason}"
            )
        recipients = len({reminder.recipient for reminder in due})
        self.stdout.write(
            f"Dry run for {today}: {len(due)} new reminders for {recipients} recipients; "
            "nothing was written or sent."
        )
