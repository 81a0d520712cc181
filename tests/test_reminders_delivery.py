"""Delivery: one e-mail per recipient, daily or weekly, claimed once, retried, resendable."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from recommendations import reminders
from recommendations.choices import BodyKind, Digest, DocumentKind, ReminderStatus
from recommendations.models import Reminder
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    RecommendationFactory,
    ReminderPreferenceFactory,
    ReminderRuleFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def at_seven(day: date) -> datetime:
    return datetime.combine(day, time(7), tzinfo=UTC)


@pytest.fixture
def sweep(celery_eager, django_capture_on_commit_callbacks):
    """A sweep on `day` whose digests are delivered in the test, as the worker would."""

    def run(day: date) -> reminders.SweepReport:
        with (
            time_machine.travel(at_seven(day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return reminders.reminders_sweep()

    return run


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def refoulement_target(owner, **fields):
    """A/HRC/25/CRP.1 para 1221 (a), addressed to China."""
    recommendation = RecommendationFactory(
        owner=owner,
        text=(
            "Respect the principle of non-refoulement and, accordingly, abstain from "
            "forcibly repatriating any persons to the DPRK."
        ),
        document=DocumentFactory(symbol="A/HRC/25/CRP.1", title="Report of the COI on the DPRK"),
        paragraph="1221 (a)",
    )
    return TargetFactory(recommendation=recommendation, **fields)


def unhcr_letter_target(owner, **fields):
    unhcr = BodyFactory(acronym="UNHCR", name="UNHCR", kind=BodyKind.OFFICE)
    letter = DocumentFactory(symbol="", title="Letter to UNHCR", kind=DocumentKind.LETTER)
    recommendation = RecommendationFactory(
        owner=owner, text="Speak out publicly.", document=letter, paragraph=""
    )
    return TargetFactory(recommendation=recommendation, state=None, body=unhcr, **fields)


def test_a_recipient_gets_one_email_listing_each_reminder_with_links(alice, sweep, mailoutbox):
    china = refoulement_target(alice, response_due=date(2026, 12, 7))
    unhcr_letter_target(alice, response_due=date(2026, 12, 1))

    sweep(date(2026, 12, 8))

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == (
        "2 follow-ups due: UNHCR — Letter to UNHCR, China — A/HRC/25/CRP.1 para 1221 (a)"
    )
    admin_url = f"http://testserver/admin/recommendations/target/{china.pk}/change/"
    status_url = f"http://testserver/api/recommendations/{china.recommendation.pk}/status/"
    for body in (message.body, message.alternatives[0].content):
        assert "Respect the principle of non-refoulement" in body
        assert "Addressed to: China" in body
        assert "Document: A/HRC/25/CRP.1, para 1221 (a)" in body
        assert "Why now: Response overdue: it was due on 7 December 2026" in body
        assert admin_url in body
        assert status_url in body
    assert message.alternatives[0].mimetype == "text/html"
    assert f'href="{admin_url}"' in message.alternatives[0].content
    assert set(Reminder.objects.values_list("status", "attempts", "sent_at")) == {
        (ReminderStatus.SENT, 1, at_seven(date(2026, 12, 8)))
    }


def test_the_subject_names_three_follow_ups_and_counts_the_rest(alice, sweep, mailoutbox):
    for _ in range(5):
        TargetFactory(
            recommendation=RecommendationFactory(owner=alice), response_due=date(2026, 12, 7)
        )

    sweep(date(2026, 12, 8))

    assert mailoutbox[0].subject.startswith("5 follow-ups due: China — A/HRC/99/")
    assert mailoutbox[0].subject.endswith(", and 2 more")
    assert mailoutbox[0].body.count("Why now:") == 5


def test_a_single_follow_up_is_named_in_the_singular(alice, sweep, mailoutbox):
    refoulement_target(alice, response_due=date(2026, 12, 7))

    sweep(date(2026, 12, 8))

    assert mailoutbox[0].subject == "1 follow-up due: China — A/HRC/25/CRP.1 para 1221 (a)"


def test_two_sweeps_in_a_row_send_one_email(alice, sweep, mailoutbox):
    refoulement_target(alice, response_due=date(2026, 12, 7))

    sweep(date(2026, 12, 8))
    sweep(date(2026, 12, 8))

    assert len(mailoutbox) == 1


def test_a_daily_digest_goes_out_after_each_sweep_that_finds_something(alice, sweep, mailoutbox):
    refoulement_target(alice, response_due=date(2026, 12, 7))
    unhcr_letter_target(alice, response_due=date(2026, 12, 8))

    sweep(date(2026, 12, 8))  # China overdue; UNHCR due today
    sweep(date(2026, 12, 9))  # UNHCR overdue
    sweep(date(2026, 12, 10))  # nothing new

    assert [message.subject.split(":")[0] for message in mailoutbox] == [
        "2 follow-ups due",
        "1 follow-up due",
    ]


def test_a_weekly_digest_waits_for_monday_and_lists_the_whole_week(alice, sweep, mailoutbox):
    bob = UserFactory(username="bob")
    ReminderPreferenceFactory(user=bob, digest=Digest.WEEKLY)
    refoulement_target(bob, response_due=date(2026, 11, 23))
    unhcr_letter_target(bob, follow_up_due=date(2026, 12, 26))

    sweep(date(2026, 11, 24))  # Tuesday: the overdue reminder is recorded
    sweep(date(2026, 11, 26))  # Thursday: the follow-up one too
    assert mailoutbox == []

    sweep(date(2026, 11, 30))  # Monday

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("2 follow-ups due:")
    assert not Reminder.objects.exclude(status=ReminderStatus.SENT).exists()


def test_a_weekly_digest_whose_monday_was_missed_goes_once_a_reminder_waited_a_week(
    sweep, mailoutbox
):
    bob = UserFactory(username="bob")
    ReminderPreferenceFactory(user=bob, digest=Digest.WEEKLY)
    refoulement_target(bob, response_due=date(2026, 11, 23))

    sweep(date(2026, 11, 24))  # Tuesday
    sweep(date(2026, 11, 29))  # Sunday; no sweep ran on Monday
    assert mailoutbox == []

    sweep(date(2026, 12, 1))  # a week after the reminder was recorded

    assert len(mailoutbox) == 1


def record_without_delivery(day: date) -> list[int]:
    """A sweep whose queued deliveries never run (the test's transaction never commits)."""
    with time_machine.travel(at_seven(day), tick=False):
        reminders.reminders_sweep()
    return list(Reminder.objects.values_list("pk", flat=True))


def test_a_second_delivery_of_the_same_reminders_sends_nothing(alice, mailoutbox):
    refoulement_target(alice, response_due=date(2026, 12, 7))
    ids = record_without_delivery(date(2026, 12, 8))
    deliver = {"recipient": "alice@example.org", "reminder_ids": ids, "final_attempt": False}

    assert reminders.deliver_digest(claim="first-task", **deliver) == 1
    assert reminders.deliver_digest(claim="second-task", **deliver) == 0
    assert reminders.deliver_digest(claim="first-task", **deliver) == 0

    assert len(mailoutbox) == 1


def test_a_delivery_leaves_reminders_held_by_a_live_delivery_alone(alice, mailoutbox):
    refoulement_target(alice, response_due=date(2026, 12, 7))
    ids = record_without_delivery(date(2026, 12, 8))
    Reminder.objects.update(
        status=ReminderStatus.SENDING, claimed_by="live-task", claimed_at=timezone.now()
    )

    sent = reminders.deliver_digest(
        recipient="alice@example.org", reminder_ids=ids, claim="other-task", final_attempt=False
    )

    assert sent == 0
    assert mailoutbox == []
    assert Reminder.objects.get().claimed_by == "live-task"


def test_a_retry_of_the_same_task_takes_back_its_own_claim(alice, mailoutbox):
    refoulement_target(alice, response_due=date(2026, 12, 7))
    ids = record_without_delivery(date(2026, 12, 8))
    Reminder.objects.update(
        status=ReminderStatus.SENDING, claimed_by="task-1", claimed_at=timezone.now()
    )

    sent = reminders.deliver_digest(
        recipient="alice@example.org", reminder_ids=ids, claim="task-1", final_attempt=False
    )

    assert sent == 1
    assert len(mailoutbox) == 1


def test_the_next_sweep_takes_back_a_claim_left_by_a_dead_delivery(alice, sweep, mailoutbox):
    refoulement_target(alice, response_due=date(2026, 12, 7))
    record_without_delivery(date(2026, 12, 8))
    claimed_at = at_seven(date(2026, 12, 8))
    Reminder.objects.update(
        status=ReminderStatus.SENDING, claimed_by="killed-task", claimed_at=claimed_at
    )

    timeout = timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)
    with time_machine.travel(claimed_at + timeout, tick=False):
        still_fresh = reminders.reminders_sweep()
    report = sweep(date(2026, 12, 9))

    assert still_fresh.released == 0
    assert report.released == 1
    assert len(mailoutbox) == 1
    assert Reminder.objects.get().status == ReminderStatus.SENT


def test_a_refusing_mail_server_is_retried_then_the_reminders_are_marked_failed(
    alice, sweep, smtp_settings
):
    refoulement_target(alice, response_due=date(2026, 12, 7))
    smtp_settings.mailbox.refusing = True

    sweep(date(2026, 12, 8))

    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == settings.REMINDER_MAX_RETRIES + 1
    assert reminder.last_error == (
        "SMTPDataError: (451, b'4.3.0 Mail server busy, try again later')"
    )
    assert smtp_settings.mailbox.received() == []


def test_an_unreachable_mail_server_marks_the_reminders_failed_with_the_error(
    alice, sweep, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard: nothing listens
    refoulement_target(alice, response_due=date(2026, 12, 7))

    sweep(date(2026, 12, 8))

    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.last_error.startswith("ConnectionRefusedError:")


def test_the_admins_resend_delivers_a_failed_reminder(
    alice, sweep, smtp_settings, editor_client, django_capture_on_commit_callbacks
):
    refoulement_target(alice, response_due=date(2026, 12, 7))
    smtp_settings.mailbox.refusing = True
    sweep(date(2026, 12, 8))
    assert Reminder.objects.get().status == ReminderStatus.FAILED
    smtp_settings.mailbox.refusing = False

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:recommendations_reminder_changelist"),
            {"action": "resend", "_selected_action": [Reminder.objects.get().pk]},
            follow=True,
        )

    assert "1 failed reminder queued to be sent again." in response.content.decode()
    [message] = smtp_settings.mailbox.received()
    assert message["To"] == "alice@example.org"
    assert message["Subject"].strip() == "1 follow-up due: China — A/HRC/25/CRP.1 para 1221 (a)"
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.last_error) == (ReminderStatus.SENT, "")


def test_one_sweep_writes_to_each_recipient_in_their_language(alice, sweep, smtp_settings):
    """Through a real SMTP server: Korean to the owner who prefers it, English to an address
    a rule lists (it has no user, so no preference)."""
    ReminderPreferenceFactory(user=alice, language="ko")
    ReminderRuleFactory(
        name="Desk: overdue responses",
        send_to_owner=False,
        send_to_watchers=False,
        send_to_addresses="desk@example.org",
    )
    refoulement_target(alice, response_due=date(2026, 12, 7))

    sweep(date(2026, 12, 8))

    by_recipient = {message["To"]: message for message in smtp_settings.mailbox.received()}
    assert set(by_recipient) == {"alice@example.org", "desk@example.org"}

    korean = by_recipient["alice@example.org"]
    assert (
        korean["Subject"].strip() == "후속조치 1건 기한 도래: 중국 — A/HRC/25/CRP.1 단락 1221 (a)"
    )
    text = korean.get_body(("plain",)).get_content()
    html = korean.get_body(("html",)).get_content()
    for body in (text, html):
        assert "권고 대상: 중국" in body
        assert "알림 사유: 답변 기한 경과: 기한은 2026년 12월 7일이었습니다" in body
        assert "Why now" not in body and "December" not in body
    assert '<html lang="ko">' in html

    english = by_recipient["desk@example.org"]
    assert english["Subject"].strip() == "1 follow-up due: China — A/HRC/25/CRP.1 para 1221 (a)"
    for body in (
        english.get_body(("plain",)).get_content(),
        english.get_body(("html",)).get_content(),
    ):
        assert "Addressed to: China" in body
        assert "Why now: Response overdue: it was due on 7 December 2026" in body
    assert set(Reminder.objects.values_list("recipient", "status")) == {
        ("alice@example.org", ReminderStatus.SENT),
        ("desk@example.org", ReminderStatus.SENT),
    }
