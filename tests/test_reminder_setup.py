"""What a fresh database holds for reminders: the default rules, the editors' rights, beat's
schedule; and the tasks beat runs."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Group
from django_celery_beat.models import PeriodicTask

from recommendations import tasks
from recommendations.choices import TargetStatus
from recommendations.models import Reminder, ReminderRule
from tests.factories import RecommendationFactory, TargetFactory, UserFactory
from tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_the_default_rules_are_the_documented_ones():
    rules = ReminderRule.objects.values_list("name", "trigger", "days", "repeat_days", "active")

    assert set(rules) == {
        ("Response due in 14 days", "response_due_soon", 14, None, True),
        ("Response overdue, every 30 days", "response_overdue", 1, 30, True),
        ("No assessment for 180 days", "no_assessment", 180, None, True),
        ("Follow-up due in 30 days", "follow_up_due", 30, None, True),
        ("Event in 14 days", "event_soon", 14, None, True),
    }
    assert all(
        rule.send_to_owner and rule.send_to_watchers and not rule.addresses()
        for rule in ReminderRule.objects.all()
    )


def test_editors_add_change_and_view_events_rules_and_reminders_but_never_delete():
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )

    for model in ("event", "reminderrule", "reminder"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames
        assert f"delete_{model}" not in codenames


def test_beat_runs_the_sweep_and_the_status_recompute_daily_and_warms_the_stats_each_minute():
    schedule = {
        task.name: (task.task, task.crontab.hour, task.crontab.minute, task.enabled)
        for task in PeriodicTask.objects.select_related("crontab")
    }

    assert schedule == {
        "Reminder sweep": ("recommendations.tasks.reminders_sweep", "7", "0", True),
        "Recompute target statuses": ("recommendations.tasks.recompute_statuses", "0", "5", True),
        "Dashboard counts": ("recommendations.tasks.dashboard_stats_warm", "*", "*", True),
        "Silence sweep": ("campaigns.tasks.silence_sweep", "7", "15", True),
        "Watchlist sweep": ("watchlists.tasks.watchlists_sweep", "7", "30", True),
        "Webhook deliveries": ("watchlists.tasks.deliveries_send", "*", "*", True),
    }
    celery_app.loader.import_default_modules()  # the tasks modules a worker imports
    assert {task for task, *_ in schedule.values()} <= set(celery_app.tasks)


def test_the_sweep_task_records_the_reminders_due_today(celery_eager):
    TargetFactory(
        recommendation=RecommendationFactory(owner=UserFactory()), response_due=date(2026, 12, 7)
    )

    with time_machine.travel(date(2026, 12, 8), tick=False):
        tasks.reminders_sweep.delay()

    assert Reminder.objects.count() == 1


def test_the_recompute_task_marks_responses_overdue_as_the_date_passes(celery_eager):
    target = TargetFactory(response_due=date(2026, 12, 7))

    with time_machine.travel(date(2026, 12, 8), tick=False):
        tasks.recompute_statuses.delay()

    target.refresh_from_db()
    assert target.status == TargetStatus.RESPONSE_OVERDUE
