from django.core.management.base import BaseCommand, CommandError

from recommendations.services import target_deadlines_recompute, upr_events_refresh


class Command(BaseCommand):
    help = (
        "Compute every target's due dates again from the UN calendar's rules (dates an editor "
        "set are kept), and each reviewed state's next UPR review and mid-term report events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit 1 if any due date differs from its rule's.",
        )

    def handle(self, *args, check: bool, **options):
        changed = target_deadlines_recompute(dry_run=check)
        if check:
            if changed:
                raise CommandError(f"{changed} targets' due dates differ from the rules.")
            self.stdout.write("Every computed due date matches its rule.")
            return
        events = upr_events_refresh()
        self.stdout.write(f"{changed} targets' due dates changed; {events} UPR events written.")
