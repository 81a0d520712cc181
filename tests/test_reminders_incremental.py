"""The sweep reads only what changed since the last one, and records what a sweep over every
target would: the same data and clock, day after day, with writes in between."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User

from recommendations import reminders, services
from recommendations.choices import BodyKind, ReminderTrigger
from recommendations.models import Body, Recommendation, Reminder, ReminderRule, Target
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

START = date(2026, 3, 2)


def day(number: int) -> date:
    return START + timedelta(days=number)


def at(today: date):
    return time_machine.travel(datetime.combine(today, time(7), tzinfo=UTC), tick=False)


def sweep_on(today: date, **options) -> reminders.SweepReport:
    with at(today):
        return reminders.reminders_sweep(**options)


def full_sweep_would_record(today: date) -> set[tuple]:
    """What a sweep over every target would record today: the preview is its query."""
    with at(today):
        return {
            (due.rule.pk, due.target_id, due.recipient, due.occurrence, due.reason)
            for due in reminders.reminders_preview(today=today)
        }


def recorded_on(today: date) -> set[tuple]:
    with at(today):
        rows = Reminder.objects.filter(created_at=datetime.combine(today, time(7), tzinfo=UTC))
        return {
            (
                row.rule_id,
                row.target_id,
                row.recipient,
                row.occurrence,
                reminders.reminder_reason(row),
            )
            for row in rows
        }


@pytest.fixture
def tracker(db):
    """The default rules and one of each trigger with short periods, so that repeats and
    windows are crossed within days; targets due, answered and assessed around START."""
    theme = ThemeFactory(slug="asylum")
    ReminderRuleFactory(name="Overdue every 3 days", days=2, repeat_days=3)
    ReminderRuleFactory(
        name="No assessment for 4 days", trigger=ReminderTrigger.NO_ASSESSMENT, days=4
    )
    ReminderRuleFactory(
        name="Due in 3 days, asylum, to the desk",
        trigger=ReminderTrigger.RESPONSE_DUE_SOON,
        days=3,
        send_to_owner=False,
        send_to_watchers=False,
        send_to_addresses="desk@example.org",
        themes=[theme],
    )
    ReminderRuleFactory(name="Follow-up in 2 days", trigger=ReminderTrigger.FOLLOW_UP_DUE, days=2)
    ReminderRuleFactory(name="Event in 3 days", trigger=ReminderTrigger.EVENT_SOON, days=3)
    owners = UserFactory.create_batch(3)
    office = BodyFactory(acronym="UNHCR")
    targets = []
    for number in range(-12, 18):
        recommendation = RecommendationFactory(owner=owners[number % 3])
        if number % 2:
            recommendation.watchers.set([owners[(number + 1) % 3]])
        if number % 3 == 0:
            recommendation.themes.set([theme])
        addressee = {"state": None, "body": office} if number % 5 == 0 else {}
        targets.append(
            TargetFactory(
                recommendation=recommendation,
                response_due=day(number),
                follow_up_due=day(number + 4) if number % 4 == 0 else None,
                **addressee,
            )
        )
    for number, target in enumerate(targets[:12]):
        if number % 3 == 0:
            services.response_create(
                target=target, position="supported", date=day(-6 - number % 5), today=START
            )
        if number % 6 == 0:
            services.assessment_create(
                target=target,
                implementation="not_implemented",
                assessed_on=day(-3 - number % 4),
                today=START,
            )
    EventFactory(name="Review", date=day(5), states=[state("CHN")])
    EventFactory(name="Access deadline", date=day(9), bodies=[office])
    return {"targets": targets, "owners": owners, "theme": theme}


def write(number: int, tracker: dict) -> None:
    """The day's writes, as editors, importers and the admin make them."""
    targets, owners = tracker["targets"], tracker["owners"]
    today = day(number)
    if number == 1:
        services.target_update(target=targets[25], response_due=day(2), today=today)
        services.response_create(
            target=targets[1], position="supported", date=day(-10), today=today
        )
    elif number == 2:
        services.assessment_create(
            target=targets[1], implementation="not_implemented", assessed_on=day(-2), today=today
        )
        targets[2].recommendation.watchers.add(owners[2])
    elif number == 3:
        targets[20].recommendation.themes.add(tracker["theme"])
    elif number == 6:
        services.response_delete(response=targets[0].responses.get(), today=today)
        Recommendation.objects.filter(pk=targets[4].recommendation_id).update(owner=owners[1])
    elif number == 7:
        Reminder.objects.filter(target=targets[5]).delete()
        # A bulk write, as the importers make them.
        Target.objects.filter(pk__in=[target.pk for target in targets[14:18]]).update(
            follow_up_due=day(8)
        )
    elif number == 9:
        EventFactory(name="Session", date=day(11), states=[state("CHN")])
    elif number == 10:
        services.assessment_create(
            target=targets[3], implementation="implemented", assessed_on=day(10), today=today
        )


# (day, a second sweep the same day, the sweep reads every target): day 0 is the first
# sweep; day 4 is missed, so day 5 reads everything; day 9 adds an event, a change that may
# reach any target.
DAYS = [(0, False, True), (1, False, False), (2, False, False), (3, True, False)]
DAYS += [(5, False, True), (6, False, False), (7, False, False), (8, False, False)]
DAYS += [(9, False, True), (10, False, False), (11, False, False), (12, False, False)]


def test_the_incremental_sweep_records_what_the_full_sweep_would_every_day(tracker):
    triggers_recorded_incrementally = set()
    for number, again, full in DAYS:
        today = day(number)
        with at(today):
            write(number, tracker)
        expected = full_sweep_would_record(today)

        report = sweep_on(today)

        assert recorded_on(today) == expected, today
        assert (report.recorded, report.full) == (len(expected), full), today
        if not full:
            triggers_recorded_incrementally |= set(
                Reminder.objects.filter(created_at__date=today).values_list("trigger", flat=True)
            )
        if again:
            with at(today):
                services.target_update(target=tracker["targets"][26], response_due=today)
            expected = full_sweep_would_record(today)
            assert sweep_on(today).recorded == len(expected) > 0

    # Every trigger found something due on a day the sweep read only what changed.
    assert triggers_recorded_incrementally == set(ReminderTrigger.values)
    assert sweep_on(day(12), full=True).recorded == 0


def test_the_first_sweep_reads_every_target_and_the_next_day_only_what_changed(tracker):
    first = sweep_on(day(0))
    unchanged = sweep_on(day(0))
    next_day = sweep_on(day(1))

    assert first.full and first.due > next_day.due
    assert (unchanged.full, unchanged.due, unchanged.recorded) == (False, 0, 0)
    assert not next_day.full


def _log_in(tracker):
    owner = tracker["owners"][0]
    owner.last_login = datetime(2026, 3, 2, 8, tzinfo=UTC)
    owner.save()


@pytest.mark.parametrize(
    ("change", "full"),
    [
        pytest.param(
            lambda tracker: ReminderRule.objects.filter(name="Event in 3 days").update(days=5),
            True,
            id="a rule",
        ),
        pytest.param(
            lambda tracker: EventFactory(date=day(20), states=[state("CHN")]), True, id="an event"
        ),
        pytest.param(
            lambda tracker: User.objects.filter(pk=tracker["owners"][0].pk).update(is_active=False),
            True,
            id="a user deactivated",
        ),
        pytest.param(
            lambda tracker: ReminderPreferenceFactory(user=tracker["owners"][1]),
            True,
            id="a preference",
        ),
        pytest.param(
            lambda tracker: Body.objects.filter(acronym="UNHCR").update(kind=BodyKind.OFFICE),
            True,
            id="a body's kind",
        ),
        pytest.param(_log_in, False, id="a login"),
        pytest.param(
            lambda tracker: services.response_create(
                target=tracker["targets"][0], position="noted", date=day(0), today=day(0)
            ),
            False,
            id="a response",
        ),
    ],
)
def test_a_change_that_may_reach_any_target_makes_the_next_sweep_full(tracker, change, full):
    sweep_on(day(0))
    with at(day(0)):
        change(tracker)
    expected = full_sweep_would_record(day(1))

    report = sweep_on(day(1))

    assert report.full == full
    assert recorded_on(day(1)) == expected


def test_a_sweep_after_a_missed_day_or_for_an_earlier_day_reads_every_target(tracker):
    sweep_on(day(0))

    assert sweep_on(day(2)).full
    assert sweep_on(day(1)).full
    assert not sweep_on(day(2), full=False).full
