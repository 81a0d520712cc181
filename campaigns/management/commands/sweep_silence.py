from datetime import date

from django.core.management.base import BaseCommand

from campaigns.tasks import sweep_and_queue


class Command(BaseCommand):
    help = "Record the silence alerts that are due and queue their e-mails."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=date.fromisoformat, help="The day to sweep as (YYYY-MM-DD)."
        )

    def handle(self, *args, **options):
        queued = sweep_and_queue(today=options["date"])
        self.stdout.write(f"{queued} silence alerts queued.")
