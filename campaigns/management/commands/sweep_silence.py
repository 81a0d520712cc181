from datetime import date

from django.core.management.base import BaseCommand

from campaigns import services
from campaigns.tasks import deliver_silence_alert


class Command(BaseCommand):
    help = "Record the silence alerts that are due and queue their e-mails."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=date.fromisoformat, help="The day to sweep as (YYYY-MM-DD)."
        )

    def handle(self, *args, **options):
        alerts = services.silence_sweep(today=options["date"])
        for alert_id in alerts:
            deliver_silence_alert.delay(alert_id)
        self.stdout.write(f"{len(alerts)} silence alerts queued.")
