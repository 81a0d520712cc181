"""Editors manage rules and events; everyone sees what was sent and what failed; staff set
their own preferences."""

from datetime import date

import pytest
from django.urls import reverse

from recommendations.choices import Digest, ReminderStatus, ReminderTrigger
from recommendations.models import Event, Reminder, ReminderPreference, ReminderRule
from tests.factories import (
    ReminderPreferenceFactory,
    ReminderRuleFactory,
    TargetFactory,
    UserFactory,
    state,
)

pytestmark = pytest.mark.django_db


def rule_form(**fields) -> dict:
    return {
        "name": "Treaty bodies: response due in 7 days",
        "trigger": ReminderTrigger.RESPONSE_DUE_SOON,
        "days": "7",
        "repeat_days": "",
        "active": "on",
        "body_kinds": ["treaty_body"],
        "states": [str(state("CHN").pk)],
        "send_to_owner": "on",
        "send_to_addresses": "campaigns@example.org\ndesk@example.org",
        **fields,
    }


def test_an_editor_adds_a_scoped_rule(editor_client):
    response = editor_client.post(reverse("admin:recommendations_reminderrule_add"), rule_form())

    assert response.status_code == 302
    rule = ReminderRule.objects.get(name="Treaty bodies: response due in 7 days")
    assert rule.body_kinds == ["treaty_body"]
    assert list(rule.states.values_list("code", flat=True)) == ["CHN"]
    assert (rule.send_to_owner, rule.send_to_watchers) == (True, False)
    assert rule.addresses() == ["campaigns@example.org", "desk@example.org"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"send_to_addresses": "campaigns@example.org, not-an-address"},
            "send_to_addresses",
            "'not-an-address' is not an e-mail address.",
        ),
        (
            {"send_to_owner": "", "send_to_addresses": ""},
            "send_to_addresses",
            "Nobody would receive it: tick the owner or the watchers, or list addresses.",
        ),
        (
            {"trigger": ReminderTrigger.RESPONSE_OVERDUE},
            "repeat_days",
            "Required for 'response overdue': the days between reminders.",
        ),
        (
            {"repeat_days": "30"},
            "repeat_days",
            "Only 'response overdue' repeats; leave this empty.",
        ),
        (
            {"trigger": ReminderTrigger.NO_ASSESSMENT, "days": "0"},
            "days",
            "Must be at least 1 for this trigger.",
        ),
    ],
)
def test_a_rule_that_cannot_work_is_refused_naming_the_field(editor_client, fields, field, message):
    response = editor_client.post(
        reverse("admin:recommendations_reminderrule_add"), rule_form(**fields)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not ReminderRule.objects.filter(name="Treaty bodies: response due in 7 days").exists()


def test_an_editor_adds_an_event_concerning_a_state(editor_client):
    response = editor_client.post(
        reverse("admin:recommendations_event_add"),
        {
            "name": "China, Universal Periodic Review, 4th cycle",
            "kind": "review",
            "date": "2024-01-23",
            "states": [str(state("CHN").pk)],
        },
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.date, list(event.states.all())) == (date(2024, 1, 23), [state("CHN")])


def test_an_event_concerning_nobody_is_refused_naming_the_field(editor_client):
    response = editor_client.post(
        reverse("admin:recommendations_event_add"),
        {"name": "A session", "kind": "session", "date": "2024-01-23"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["states"] == [
        "Choose the states or the bodies the event concerns."
    ]
    assert not Event.objects.exists()


def failed_reminder(**fields) -> Reminder:
    return Reminder.objects.create(
        **{
            "rule": ReminderRuleFactory(),
            "target": TargetFactory(),
            "recipient": "alice@example.org",
            "occurrence": date(2026, 12, 8),
            "reason": "Response overdue: it was due on 7 December 2026",
            "status": ReminderStatus.FAILED,
            "attempts": 6,
            "last_error": "SMTPDataError: (451, b'4.3.0 Mail server busy, try again later')",
            **fields,
        }
    )


def test_the_reminder_list_shows_a_failed_reminder_with_its_error(editor_client):
    failed_reminder()

    response = editor_client.get(
        reverse("admin:recommendations_reminder_changelist"), {"status__exact": "failed"}
    )

    page = response.content.decode()
    assert "alice@example.org" in page
    assert "4.3.0 Mail server busy, try again later" in page


def test_resend_leaves_reminders_that_did_not_fail_alone(
    editor_client, django_capture_on_commit_callbacks
):
    failed = failed_reminder()
    sent = failed_reminder(occurrence=date(2027, 1, 7))
    Reminder.objects.filter(pk=sent.pk).update(status=ReminderStatus.SENT)

    with django_capture_on_commit_callbacks() as queued:
        response = editor_client.post(
            reverse("admin:recommendations_reminder_changelist"),
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    page = response.content.decode()
    assert "1 failed reminder queued to be sent again." in page
    assert "1 reminder was left alone: only failed reminders are resent." in page
    assert len(queued) == 1
    assert dict(Reminder.objects.values_list("pk", "status")) == {
        failed.pk: ReminderStatus.PENDING,
        sent.pk: ReminderStatus.SENT,
    }


def test_reminders_are_recorded_by_sweeps_not_added_by_hand(editor_client):
    response = editor_client.get(reverse("admin:recommendations_reminder_add"))

    assert response.status_code == 403


def test_a_staff_member_switches_their_own_reminders_to_a_weekly_digest(client):
    staff = UserFactory(username="campaigner", is_staff=True)
    ReminderPreferenceFactory(user=UserFactory(username="someone-else"))
    client.force_login(staff)

    changelist = client.get(reverse("admin:recommendations_reminderpreference_changelist"))
    response = client.post(
        reverse("admin:recommendations_reminderpreference_add"),
        {"reminders_enabled": "on", "digest": Digest.WEEKLY},
    )

    assert "someone-else" not in changelist.content.decode()
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=staff)
    assert (preference.reminders_enabled, preference.digest) == (True, Digest.WEEKLY)


def test_a_staff_member_cannot_open_someone_elses_preference(client):
    other = ReminderPreferenceFactory(user=UserFactory(username="someone-else"))
    client.force_login(UserFactory(username="campaigner", is_staff=True))

    response = client.get(
        reverse("admin:recommendations_reminderpreference_change", args=[other.pk])
    )

    assert response.status_code == 302  # the admin sends them back to the index
