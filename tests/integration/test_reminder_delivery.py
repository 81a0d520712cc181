"""Reminders end to end: `send_reminders`, Redis, a real `celery worker`, a real SMTP server."""

from datetime import date

import pytest
from django.urls import reverse

from recommendations.choices import ReminderStatus
from recommendations.models import Reminder
from tests.factories import DocumentFactory, RecommendationFactory, TargetFactory, UserFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUCCEEDED = r"Task recommendations\.tasks\.deliver_digest\[.+\] succeeded"
RETRYING = r"Task recommendations\.tasks\.deliver_digest\[.+\] retry: Retry in"
GAVE_UP = r"Task recommendations\.tasks\.deliver_digest\[.+\] raised unexpected: SMTPDataError"


@pytest.fixture
def overdue_target(transactional_db):
    """A/HRC/25/CRP.1 para 1221 (a) to China, due 7 December 2026, owned by Alice."""
    recommendation = RecommendationFactory(
        owner=UserFactory(username="alice"),
        document=DocumentFactory(symbol="A/HRC/25/CRP.1"),
        paragraph="1221 (a)",
    )
    return TargetFactory(recommendation=recommendation, response_due=date(2026, 12, 7))


def test_an_overdue_target_with_an_owner_yields_exactly_one_email_after_two_runs(
    overdue_target, start_worker, send_reminders, smtp_server
):
    worker = start_worker()

    queued = send_reminders("--date", "2026-12-08")
    queued += send_reminders("--date", "2026-12-08")
    worker.wait_for(SUCCEEDED, count=queued)

    [message] = smtp_server.mailbox.received()
    assert message["To"] == "alice@example.org"
    assert "A/HRC/25/CRP.1 para 1221 (a)" in message["Subject"]
    assert "A/HRC/25/CRP.1" in message.get_body(("plain",)).get_content()
    assert Reminder.objects.get().status == ReminderStatus.SENT


def test_a_refusing_mail_server_is_retried_then_failed_and_the_admins_resend_delivers_it(
    overdue_target, start_worker, send_reminders, smtp_server, editor_client
):
    worker = start_worker()
    smtp_server.mailbox.refusing = True

    assert send_reminders("--date", "2026-12-08") == 1
    worker.wait_for(RETRYING, count=2)
    worker.wait_for(GAVE_UP)

    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.FAILED, 3)
    assert "451" in reminder.last_error
    assert smtp_server.mailbox.received() == []

    smtp_server.mailbox.refusing = False
    editor_client.post(
        reverse("admin:recommendations_reminder_changelist"),
        {"action": "resend", "_selected_action": [reminder.pk]},
    )
    worker.wait_for(SUCCEEDED)

    [message] = smtp_server.mailbox.received()
    assert "A/HRC/25/CRP.1" in message["Subject"]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.last_error) == (ReminderStatus.SENT, "")


def test_a_worker_killed_while_sending_loses_nothing_and_sends_the_reminder_once(
    overdue_target, start_worker, send_reminders, smtp_server
):
    worker = start_worker()
    smtp_server.mailbox.stall_next()

    assert send_reminders("--date", "2026-12-08") == 1
    assert smtp_server.mailbox.in_flight.wait(timeout=90), worker.tail()
    worker.kill()
    smtp_server.mailbox.release()  # the stalled message is refused: nothing was delivered

    assert Reminder.objects.get().status == ReminderStatus.SENDING
    restarted = start_worker()
    # The next sweep, once the dead delivery's claim has expired (here: at once).
    queued = send_reminders("--date", "2026-12-08", REMINDER_CLAIM_TIMEOUT="0")
    message = smtp_server.mailbox.messages.get(timeout=90)
    restarted.wait_for(SUCCEEDED, count=queued)
    assert send_reminders("--date", "2026-12-09", REMINDER_CLAIM_TIMEOUT="0") == 0

    assert "A/HRC/25/CRP.1" in message["Subject"]
    assert smtp_server.mailbox.received() == []
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.SENT, 1)
