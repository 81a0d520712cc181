from django.core.management.base import BaseCommand

from campaigns.demo.seed_campaign import seed_campaign_load
from recommendations.demo.seed_case import seed_case_load


class Command(BaseCommand):
    help = (
        "Load the seed case (China's forced repatriation of North Korean refugees) and its "
        "campaign as demo data."
    )

    def handle(self, *args, **options):
        outcomes = seed_case_load()
        outcomes.update(seed_campaign_load())
        for (model, outcome), count in sorted(outcomes.items()):
            self.stdout.write(f"{model}: {count} {outcome}")
        written = sum(count for (_, outcome), count in outcomes.items() if outcome != "unchanged")
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {written} rows written."))
