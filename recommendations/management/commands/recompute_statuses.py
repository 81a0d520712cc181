from django.core.management.base import BaseCommand, CommandError

from recommendations.services import target_statuses_recompute


class Command(BaseCommand):
    help = "Recompute every target's stored status from the status rule; report the drift."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit 1 if any stored status differs from the rule's.",
        )

    def handle(self, *args, check: bool, **options):
        changed = target_statuses_recompute(dry_run=check)
        if check:
            if changed:
                raise CommandError(f"{changed} target statuses differ from the status rule.")
            self.stdout.write("Every stored status matches the status rule.")
            return
        self.stdout.write(f"{changed} target statuses changed.")
