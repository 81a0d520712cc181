"""Two sweeps at once, on PostgreSQL, each in its own thread and connection."""

import threading
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.db import connection

from recommendations import reminders
from recommendations.models import Reminder
from tests.factories import RecommendationFactory, TargetFactory, UserFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_record_one_reminder_per_occurrence_and_send_one_email_each(
    celery_eager, mailoutbox
):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    for _ in range(50):
        recommendation = RecommendationFactory(owner=alice)
        recommendation.watchers.set([bob])
        TargetFactory(recommendation=recommendation, response_due=date(2026, 12, 7))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait()
            reminders.reminders_sweep()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(datetime.combine(date(2026, 12, 8), time(7), tzinfo=UTC)):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert Reminder.objects.count() == 100
    assert Reminder.objects.filter(status="sent").count() == 100
    assert sorted(message.to[0] for message in mailoutbox) == [
        "alice@example.org",
        "bob@example.org",
    ]
    assert all(message.subject.startswith("50 follow-ups due:") for message in mailoutbox)
