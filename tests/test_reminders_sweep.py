"""The sweep: which reminders are due, for whom, once. Clock frozen at 07:00 UTC each day."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from recommendations import reminders, services
from recommendations.choices import BodyKind, EventKind, ReminderTrigger, TargetStatus
from recommendations.models import Reminder, ReminderRule, Target
from tests.factories import (
    BodyFactory,
    EventFactory,
    RecommendationFactory,
    ReminderPreferenceFactory,
    ReminderRuleFactory,
    TargetFactory,
    ThemeFactory,
    UserFactory,
    state,
)

pytestmark = pytest.mark.django_db


def sweep_on(day: date) -> reminders.SweepReport:
    with time_machine.travel(datetime.combine(day, time(7), tzinfo=UTC), tick=False):
        return reminders.reminders_sweep()


def recorded(rule_name: str | None = None) -> list[tuple[str, date, str]]:
    """(recipient, occurrence, reason) of every reminder recorded, oldest first."""
    rows = Reminder.objects.order_by("occurrence", "recipient")
    if rule_name:
        rows = rows.filter(rule__name=rule_name)
    return [(row.recipient, row.occurrence, reminders.reminder_reason(row)) for row in rows]


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def only_custom_rules(db):
    """Switch the default rules off, so a test's own rule is the only one."""
    ReminderRule.objects.update(active=False)


def owned_target(owner, **fields) -> Target:
    return TargetFactory(recommendation=RecommendationFactory(owner=owner), **fields)


def test_response_due_soon_fires_fourteen_days_before_and_not_the_day_before(alice):
    owned_target(alice, response_due=date(2026, 12, 7))

    sweep_on(date(2026, 11, 22))
    assert recorded() == []

    sweep_on(date(2026, 11, 23))
    assert recorded("Response due in 14 days") == [
        ("alice@example.org", date(2026, 12, 7), "Response due on 7 December 2026")
    ]


def test_response_overdue_fires_the_day_after_and_repeats_every_thirty_days(alice):
    owned_target(alice, response_due=date(2026, 12, 7))
    overdue = "Response overdue, every 30 days"

    sweep_on(date(2026, 12, 7))
    assert recorded(overdue) == []

    sweep_on(date(2026, 12, 8))
    sweep_on(date(2026, 12, 9))
    sweep_on(date(2027, 1, 6))
    assert [occurrence for _, occurrence, _ in recorded(overdue)] == [date(2026, 12, 8)]

    sweep_on(date(2027, 1, 7))
    assert recorded(overdue) == [
        ("alice@example.org", date(2026, 12, 8), "Response overdue: it was due on 7 December 2026"),
        ("alice@example.org", date(2027, 1, 7), "Response overdue: it was due on 7 December 2026"),
    ]


def test_a_sweep_after_weeks_of_downtime_records_one_overdue_reminder_not_one_per_repeat(alice):
    owned_target(alice, response_due=date(2026, 1, 1))

    sweep_on(date(2026, 12, 1))

    assert [occurrence for _, occurrence, _ in recorded()] == [date(2026, 11, 28)]


def test_a_response_stops_the_overdue_reminders(alice):
    target = owned_target(alice, response_due=date(2026, 12, 7))
    sweep_on(date(2026, 12, 8))

    services.response_create(target=target, position="noted", date=date(2026, 12, 20))
    sweep_on(date(2027, 1, 7))

    assert [occurrence for _, occurrence, _ in recorded()] == [date(2026, 12, 8)]


def test_a_response_that_became_overdue_since_its_status_was_stored_is_reminded(alice):
    with time_machine.travel(date(2026, 12, 1), tick=False):
        target = owned_target(alice, response_due=date(2026, 12, 7))
        services.target_refresh_status(target=target)

    sweep_on(date(2026, 12, 8))

    assert Target.objects.get(pk=target.pk).status == TargetStatus.AWAITING_RESPONSE
    assert len(recorded("Response overdue, every 30 days")) == 1


def test_a_target_assessed_implemented_then_unknown_is_reminded_as_overdue(alice):
    """Its latest assessment says unknown: the status rule reads its response and due date,
    stores response_overdue, and the sweep reminds of it."""
    target = owned_target(alice, response_due=date(2026, 12, 7))
    with time_machine.travel(date(2026, 12, 20), tick=False):
        for implementation, day in [
            ("implemented", date(2026, 12, 10)),
            ("unknown", date(2026, 12, 15)),
        ]:
            services.assessment_create(
                target=target, implementation=implementation, assessed_on=day
            )

    sweep_on(date(2027, 1, 7))

    assert Target.objects.get(pk=target.pk).status == TargetStatus.RESPONSE_OVERDUE
    assert recorded("Response overdue, every 30 days") == [
        ("alice@example.org", date(2027, 1, 7), "Response overdue: it was due on 7 December 2026")
    ]


def test_a_target_the_status_rule_calls_answered_is_not_reminded_as_overdue(alice):
    target = owned_target(alice, response_due=date(2026, 12, 7))
    services.assessment_create(
        target=target, implementation="not_implemented", assessed_on=date(2026, 12, 1)
    )

    sweep_on(date(2026, 12, 8))

    assert recorded("Response overdue, every 30 days") == []


def test_no_assessment_fires_180_days_after_support_and_again_180_days_after_an_assessment(alice):
    target = owned_target(alice)
    services.response_create(target=target, position="supported", date=date(2026, 1, 1))

    sweep_on(date(2026, 6, 29))
    assert recorded() == []
    sweep_on(date(2026, 6, 30))
    assert recorded() == [
        ("alice@example.org", date(2026, 6, 30), "Supported on 1 January 2026; never assessed")
    ]

    services.assessment_create(
        target=target, implementation="not_implemented", assessed_on=date(2026, 8, 1)
    )
    sweep_on(date(2027, 1, 27))
    assert len(recorded()) == 1
    sweep_on(date(2027, 1, 28))
    assert recorded()[-1] == (
        "alice@example.org",
        date(2027, 1, 28),
        "Supported on 1 January 2026; last assessed on 1 August 2026",
    )


@pytest.mark.parametrize(
    ("position", "implementation", "reminded"),
    [
        ("partially_supported", None, True),
        ("noted", None, False),
        ("rejected", None, False),
        ("supported", "implemented", False),
        ("supported", "unknown", True),
    ],
)
def test_no_assessment_covers_supported_targets_not_yet_implemented(
    alice, position, implementation, reminded
):
    target = owned_target(alice)
    services.response_create(target=target, position=position, date=date(2025, 1, 1))
    if implementation:
        services.assessment_create(
            target=target, implementation=implementation, assessed_on=date(2025, 1, 2)
        )

    sweep_on(date(2026, 1, 1))

    assert bool(recorded("No assessment for 180 days")) == reminded


def test_follow_up_due_fires_thirty_days_before_and_not_the_day_before(alice):
    owned_target(alice, follow_up_due=date(2026, 12, 31))

    sweep_on(date(2026, 11, 30))
    assert recorded() == []

    sweep_on(date(2026, 12, 1))
    assert recorded("Follow-up due in 30 days") == [
        ("alice@example.org", date(2026, 12, 31), "Follow-up due on 31 December 2026")
    ]


def test_event_soon_fires_fourteen_days_before_an_event_concerning_the_addressed_state(alice):
    china = owned_target(alice)
    owned_target(alice, state=state("PRK"))
    EventFactory(
        name="China, Universal Periodic Review, 4th cycle",
        kind=EventKind.REVIEW,
        date=date(2024, 1, 23),
        states=[state("CHN")],
    )

    sweep_on(date(2024, 1, 8))
    assert recorded() == []

    sweep_on(date(2024, 1, 9))
    assert [
        (reminder.target_id, reminder.occurrence, reminders.reminder_reason(reminder))
        for reminder in Reminder.objects.all()
    ] == [
        (
            china.pk,
            date(2024, 1, 23),
            "China, Universal Periodic Review, 4th cycle (review) on 23 January 2024",
        )
    ]


def test_event_soon_fires_for_an_event_concerning_the_addressed_body(alice):
    unhcr = BodyFactory(acronym="UNHCR", kind=BodyKind.OFFICE)
    owned_target(alice, state=None, body=unhcr)
    EventFactory(
        name="UNHCR's 90 days to gain access run out",
        kind=EventKind.DEADLINE,
        date=date(2011, 12, 14),
        bodies=[unhcr],
    )

    sweep_on(date(2011, 11, 30))

    assert [reason for _, _, reason in recorded("Event in 14 days")] == [
        "UNHCR's 90 days to gain access run out (deadline) on 14 December 2011"
    ]


def test_each_event_in_the_window_gets_its_own_reminder(alice):
    owned_target(alice)
    for day in (10, 20):
        EventFactory(name=f"Session {day}", date=date(2026, 3, day), states=[state("CHN")])

    sweep_on(date(2026, 3, 8))

    assert [occurrence for _, occurrence, _ in recorded()] == [date(2026, 3, 10), date(2026, 3, 20)]


def test_a_rule_scoped_to_body_kinds_covers_targets_issued_by_or_addressed_to_such_bodies(
    alice, only_custom_rules
):
    ReminderRuleFactory(body_kinds=[BodyKind.OFFICE])
    office = BodyFactory(acronym="UNHCR", kind=BodyKind.OFFICE)
    treaty_body = BodyFactory(acronym="CAT", kind=BodyKind.TREATY_BODY)
    due = date(2026, 1, 1)
    addressed_to_office = owned_target(alice, state=None, body=office, response_due=due)
    issued_by_office = TargetFactory(
        recommendation=RecommendationFactory(owner=alice, issued_by=office), response_due=due
    )
    TargetFactory(
        recommendation=RecommendationFactory(owner=alice, issued_by=treaty_body), response_due=due
    )

    sweep_on(date(2026, 2, 1))

    assert set(Reminder.objects.values_list("target_id", flat=True)) == {
        addressed_to_office.pk,
        issued_by_office.pk,
    }


def test_a_rule_scoped_to_states_covers_only_targets_addressed_to_them(alice, only_custom_rules):
    ReminderRuleFactory(states=[state("CHN")])
    china = owned_target(alice, response_due=date(2026, 1, 1))
    owned_target(alice, state=state("PRK"), response_due=date(2026, 1, 1))

    sweep_on(date(2026, 2, 1))

    assert list(Reminder.objects.values_list("target_id", flat=True)) == [china.pk]


def test_a_rule_scoped_to_themes_covers_recommendations_about_any_of_them(alice, only_custom_rules):
    refoulement = ThemeFactory(slug="non-refoulement")
    access = ThemeFactory(slug="unhcr-access")
    ReminderRuleFactory(themes=[refoulement, access])
    about_refoulement = owned_target(alice, response_due=date(2026, 1, 1))
    about_refoulement.recommendation.themes.set([refoulement, ThemeFactory(slug="torture")])
    about_torture = owned_target(alice, response_due=date(2026, 1, 1))
    about_torture.recommendation.themes.set([ThemeFactory(slug="torture")])

    sweep_on(date(2026, 2, 1))

    assert list(Reminder.objects.values_list("target_id", flat=True)) == [about_refoulement.pk]


def test_owner_watchers_and_listed_addresses_each_get_one_reminder(alice, only_custom_rules):
    ReminderRuleFactory(send_to_addresses="campaigns@example.org, desk@example.org")
    target = owned_target(alice, response_due=date(2026, 1, 1))
    target.recommendation.watchers.set(
        [UserFactory(username="bob"), UserFactory(username="carol"), alice]
    )

    report = sweep_on(date(2026, 2, 1))

    assert sorted(recipient for recipient, _, _ in recorded()) == [
        "alice@example.org",
        "bob@example.org",
        "campaigns@example.org",
        "carol@example.org",
        "desk@example.org",
    ]
    assert (report.due, report.recorded) == (5, 5)


def test_a_rule_reaches_only_the_recipients_it_names(alice, only_custom_rules):
    ReminderRuleFactory(
        send_to_owner=False, send_to_watchers=True, send_to_addresses="desk@example.org"
    )
    target = owned_target(alice, response_due=date(2026, 1, 1))
    target.recommendation.watchers.set([UserFactory(username="bob")])

    sweep_on(date(2026, 2, 1))

    assert sorted(recipient for recipient, _, _ in recorded()) == [
        "bob@example.org",
        "desk@example.org",
    ]


def test_inactive_users_and_users_without_an_address_get_nothing(only_custom_rules):
    ReminderRuleFactory()
    target = owned_target(
        UserFactory(username="gone", is_active=False), response_due=date(2026, 1, 1)
    )
    target.recommendation.watchers.set([UserFactory(username="mute", email="")])

    sweep_on(date(2026, 2, 1))

    assert recorded() == []


def test_a_user_who_opted_out_gets_nothing_however_addressed(alice, only_custom_rules):
    ReminderPreferenceFactory(user=alice, reminders_enabled=False)
    ReminderRuleFactory(send_to_addresses="ALICE@example.org")
    target = owned_target(alice, response_due=date(2026, 1, 1))
    target.recommendation.watchers.set([alice, UserFactory(username="bob")])

    sweep_on(date(2026, 2, 1))

    assert [recipient for recipient, _, _ in recorded()] == ["bob@example.org"]


def test_an_inactive_rule_records_nothing(alice, only_custom_rules):
    ReminderRuleFactory(active=False)
    owned_target(alice, response_due=date(2026, 1, 1))

    sweep_on(date(2026, 2, 1))

    assert recorded() == []


def test_two_sweeps_in_a_row_record_each_due_reminder_once(alice):
    owned_target(alice, response_due=date(2026, 12, 7))

    first = sweep_on(date(2026, 12, 8))
    second = sweep_on(date(2026, 12, 8))

    # The second reads only what changed since the first: nothing.
    assert (first.due, first.recorded, first.full) == (1, 1, True)
    assert (second.due, second.recorded, second.full) == (0, 0, False)
    assert Reminder.objects.count() == 1


def test_the_sweep_costs_the_same_queries_for_one_target_and_for_thirty(
    alice, django_assert_max_num_queries
):
    # Savepoint; the rules, their states, their themes; the last sweep, this one, the
    # changes marked as its own, whether one reaches every target; the scope's table
    # created, filled, analysed and its rules read; the new reminders; the due ones counted;
    # the insert; the changes deleted, the sweep's counts; the claim release; weekly
    # digests; the pending reminders; savepoint release.
    queries = 21
    for count in (1, 30):
        Reminder.objects.all().delete()
        Target.objects.all().delete()
        for _ in range(count):
            target = owned_target(alice, response_due=date(2026, 12, 7))
            target.recommendation.watchers.set([UserFactory()])

        with django_assert_max_num_queries(queries):
            report = sweep_on(date(2026, 12, 8))

        assert report.recorded == 2 * count


def test_a_rule_for_the_owner_only_does_not_multiply_rows_by_watchers(only_custom_rules, alice):
    rule = ReminderRuleFactory(
        send_to_watchers=False, trigger=ReminderTrigger.FOLLOW_UP_DUE, days=3, repeat_days=None
    )
    target = owned_target(alice, follow_up_due=date(2026, 3, 3))
    target.recommendation.watchers.set(UserFactory.create_batch(3))

    report = sweep_on(date(2026, 3, 1))

    assert report.due == 1
    assert recorded(rule.name) == [
        ("alice@example.org", date(2026, 3, 3), "Follow-up due on 3 March 2026")
    ]


@pytest.mark.parametrize(
    ("day", "occurrence"),
    [
        (date(2028, 2, 27), None),
        (date(2028, 2, 28), date(2028, 2, 28)),
        (date(2028, 3, 5), date(2028, 2, 28)),
        (date(2028, 3, 6), date(2028, 3, 6)),
        # Across 29 February and the new year: the repeat of 1 January, the day before.
        (date(2029, 1, 2), date(2029, 1, 1)),
        (date(2029, 1, 8), date(2029, 1, 8)),
    ],
)
def test_the_overdue_occurrence_is_the_latest_repeat_day_reached(
    alice, only_custom_rules, day, occurrence
):
    ReminderRuleFactory(trigger=ReminderTrigger.RESPONSE_OVERDUE, days=3, repeat_days=7)
    owned_target(alice, response_due=date(2028, 2, 25))

    sweep_on(day)

    assert [occurrence for _, occurrence, _ in recorded()] == ([occurrence] if occurrence else [])


def test_no_assessment_reads_the_latest_response_and_the_latest_assessment(
    alice, only_custom_rules
):
    ReminderRuleFactory(trigger=ReminderTrigger.NO_ASSESSMENT, days=180, repeat_days=None)
    target = owned_target(alice)
    target.recommendation.watchers.set([alice])
    services.response_create(target=target, position="noted", date=date(2025, 1, 1))
    services.response_create(target=target, position="supported", date=date(2025, 1, 1))
    services.assessment_create(
        target=target, implementation="not_implemented", assessed_on=date(2025, 6, 1)
    )
    services.assessment_create(
        target=target, implementation="implemented", assessed_on=date(2025, 3, 1)
    )

    report = sweep_on(date(2026, 1, 1))

    # One row, however many responses and assessments: 180 days after 1 June, then 180 more.
    assert recorded() == [
        (
            "alice@example.org",
            date(2025, 11, 28),
            "Supported on 1 January 2025; last assessed on 1 June 2025",
        )
    ]
    assert (report.due, report.recorded) == (1, 1)


@pytest.mark.parametrize(
    ("responses", "reminded"),
    [
        # (position, date) in the order they were entered
        ([("supported", date(2025, 1, 1)), ("noted", date(2025, 3, 1))], False),
        ([("noted", date(2025, 3, 1)), ("supported", date(2025, 1, 1))], False),
        ([("noted", date(2025, 1, 1)), ("supported", date(2025, 1, 1))], True),
        ([("supported", date(2025, 1, 1)), ("noted", date(2025, 1, 1))], False),
    ],
)
def test_no_assessment_follows_the_latest_response_by_date_then_entry(
    alice, only_custom_rules, responses, reminded
):
    ReminderRuleFactory(trigger=ReminderTrigger.NO_ASSESSMENT, days=180, repeat_days=None)
    target = owned_target(alice)
    for position, day in responses:
        services.response_create(target=target, position=position, date=day)

    sweep_on(date(2026, 1, 1))

    assert bool(recorded()) == reminded


def test_of_two_assessments_on_one_day_the_later_entered_is_the_latest(alice, only_custom_rules):
    ReminderRuleFactory(trigger=ReminderTrigger.NO_ASSESSMENT, days=180, repeat_days=None)
    target = owned_target(alice)
    services.response_create(target=target, position="supported", date=date(2024, 1, 1))
    for implementation, day in [
        ("not_implemented", date(2024, 6, 1)),
        ("implemented", date(2024, 6, 1)),
    ]:
        services.assessment_create(target=target, implementation=implementation, assessed_on=day)

    sweep_on(date(2026, 1, 1))

    assert recorded() == []


def test_reasons_name_every_month_as_the_emails_write_dates(alice, only_custom_rules):
    ReminderRuleFactory(trigger=ReminderTrigger.FOLLOW_UP_DUE, days=366, repeat_days=None)
    for month in range(1, 13):
        owned_target(alice, follow_up_due=date(2027, month, month))

    sweep_on(date(2026, 12, 31))

    assert [(occurrence, reason) for _, occurrence, reason in recorded()] == [
        (date(2027, month, month), f"Follow-up due on {month} {name} 2027")
        for month, name in enumerate(
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
            start=1,
        )
    ]


def test_two_events_on_one_day_give_one_reminder(alice, only_custom_rules):
    ReminderRuleFactory(trigger=ReminderTrigger.EVENT_SOON, days=14, repeat_days=None)
    owned_target(alice)
    for name in ("Session A", "Session B"):
        EventFactory(name=name, date=date(2026, 3, 10), states=[state("CHN")])

    report = sweep_on(date(2026, 3, 8))

    assert [(recipient, occurrence) for recipient, occurrence, _ in recorded()] == [
        ("alice@example.org", date(2026, 3, 10))
    ]
    assert (report.due, report.recorded) == (1, 1)


def test_a_sweep_with_no_rule_naming_anybody_records_nothing(alice, only_custom_rules):
    ReminderRule.objects.create(
        name="Nobody",
        trigger=ReminderTrigger.FOLLOW_UP_DUE,
        days=30,
        send_to_owner=False,
        send_to_watchers=False,
    )
    owned_target(alice, follow_up_due=date(2026, 3, 10))

    report = sweep_on(date(2026, 3, 8))

    assert (report.due, report.recorded, recorded()) == (0, 0, [])


def test_the_preview_lists_what_the_sweep_then_records(alice):
    overdue = owned_target(alice, response_due=date(2026, 1, 1))
    overdue.recommendation.watchers.set([UserFactory(username="bob"), alice])
    supported = owned_target(alice, follow_up_due=date(2026, 2, 20))
    services.response_create(target=supported, position="supported", date=date(2025, 1, 1))
    EventFactory(name="Session", date=date(2026, 2, 10), states=[state("CHN")])
    today = date(2026, 2, 1)

    preview = reminders.reminders_preview(today=today)
    sweep_on(today)

    assert sorted(
        (
            reminder.rule.name,
            reminder.target_id,
            reminder.recipient,
            reminder.occurrence,
            reminder.reason,
        )
        for reminder in preview
    ) == sorted(
        (
            reminder.rule.name,
            reminder.target_id,
            reminder.recipient,
            reminder.occurrence,
            reminders.reminder_reason(reminder),
        )
        for reminder in Reminder.objects.select_related("rule")
    )
    assert {reminder.rule.name for reminder in preview} == {
        "Response overdue, every 30 days",
        "No assessment for 180 days",
        "Follow-up due in 30 days",
        "Event in 14 days",
    }
