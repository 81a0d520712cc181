from datetime import date

import pytest
from django.core.management import CommandError, call_command

from recommendations.models import Reminder
from tests.factories import RecommendationFactory, TargetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_target(db):
    recommendation = RecommendationFactory(
        owner=UserFactory(username="alice"), paragraph="1221 (a)"
    )
    recommendation.watchers.set([UserFactory(username="bob")])
    return TargetFactory(recommendation=recommendation, response_due=date(2026, 12, 7))


def test_a_dry_run_prints_what_would_be_sent_and_writes_nothing(
    overdue_target, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        call_command("send_reminders", "--dry-run", "--date", "2026-12-08")

    out = capsys.readouterr().out
    symbol = overdue_target.recommendation.document.symbol
    assert (
        f"alice@example.org: Response overdue, every 30 days — China — {symbol} para 1221 (a): "
        "Response overdue: it was due on 7 December 2026"
    ) in out
    assert "bob@example.org: Response overdue, every 30 days" in out
    assert "Dry run for 2026-12-08: 2 new reminders for 2 recipients" in out
    assert not Reminder.objects.exists()
    assert queued == []


def test_a_run_records_the_reminders_of_the_date_given_and_queues_one_digest_per_recipient(
    overdue_target, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        call_command("send_reminders", "--date", "2026-12-08")
        call_command("send_reminders", "--date", "2026-12-08")
        call_command("send_reminders", "--date", "2026-12-08", "--full")

    first, second, third = capsys.readouterr().out.splitlines()
    assert first == (
        "2 new reminders recorded (2 due of every target); 0 stale claims released; "
        "2 digests queued."
    )
    # Nothing was delivered in between (the queue never ran): the digests are queued again,
    # and the claim makes sure only one of each goes out.
    assert second.startswith(
        "0 new reminders recorded (0 due of the targets changed since the last sweep)"
    )
    assert third.startswith("0 new reminders recorded (2 due of every target)")
    assert Reminder.objects.count() == 2
    assert len(queued) == 6


def test_a_dry_run_leaves_out_what_is_already_recorded(overdue_target, capsys):
    call_command("send_reminders", "--date", "2026-12-08")

    call_command("send_reminders", "--dry-run", "--date", "2026-12-08")

    assert "Dry run for 2026-12-08: 0 new reminders" in capsys.readouterr().out


def test_a_date_that_is_not_a_date_is_refused_naming_the_option():
    with pytest.raises(CommandError, match=r"--date: '2026-13-01' is not a date as YYYY-MM-DD"):
        call_command("send_reminders", "--date", "2026-13-01")
