"""The editors' desk: the admin index as an editor reads it, with a frozen clock."""

import uuid
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations.choices import EventKind, ImportJobStatus, ReminderStatus, TargetStatus
from recommendations.models import DataVersion, ImportJob, Reminder
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    EventFactory,
    RecommendationFactory,
    ReminderRuleFactory,
    TargetFactory,
    UserFactory,
    state,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 15)
INDEX = reverse("admin:index")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def overdue_target(**kwargs):
    document = DocumentFactory(symbol="A/HRC/25/CRP.1")
    recommendation = RecommendationFactory(document=document, paragraph="1221 (a)")
    return TargetFactory(
        recommendation=recommendation, state=state("CHN"), response_due=date(2026, 3, 1), **kwargs
    )


def section(response, name: str) -> str:
    """The desk's section `name` as the page shows it."""
    page = response.content.decode()
    start = page.index(f'id="desk-{name}"')
    return page[start : page.index("</div>", start)]


def test_the_desk_shows_an_overdue_target_with_its_days_overdue_and_links_it(editor_client):
    target = overdue_target()

    response = editor_client.get(INDEX)

    overdue = section(response, "overdue")
    assert "China" in overdue
    assert "A/HRC/25/CRP.1 para 1221 (a)" in overdue
    assert '<td class="number">14</td>' in overdue
    assert reverse("admin:recommendations_target_change", args=[target.pk]) in overdue
    changelist = reverse("admin:recommendations_target_changelist")
    assert f"{changelist}?status=response_overdue" in overdue
    assert "All 1 overdue answer" in overdue


def test_the_longest_overdue_comes_first(editor_client):
    recent = TargetFactory(state=state("FRA"), response_due=date(2026, 3, 10))
    oldest = TargetFactory(state=state("CHN"), response_due=date(2025, 3, 15))

    rows = editor_client.get(INDEX).context["desk"].overdue.rows

    assert rows == [oldest, recent]
    assert [target.days_overdue() for target in rows] == [365, 5]


def test_the_desk_lists_this_months_deadlines_and_not_the_next_months(editor_client):
    TargetFactory(state=state("CHN"), response_due=date(2026, 3, 20))
    TargetFactory(state=state("FRA"), follow_up_due=date(2026, 3, 25))
    TargetFactory(state=state("DEU"), response_due=date(2026, 4, 1))
    EventFactory(name="UPR Working Group, 52nd session", kind=EventKind.SESSION, date=TODAY)

    response = editor_client.get(INDEX)

    deadlines = response.context["desk"].deadlines
    assert [(row.day, row.what) for row in deadlines] == [
        (date(2026, 3, 15), "Session"),
        (date(2026, 3, 20), "Response due"),
        (date(2026, 3, 25), "Follow-up due"),
    ]
    shown = section(response, "deadlines")
    assert "Deadlines in March 2026" in shown
    assert "UPR Working Group, 52nd session" in shown
    assert "Germany" not in shown
    totals = dict(response.context["desk"].deadline_totals)
    assert totals["Response due"].total == 1
    changelist = editor_client.get(totals["Response due"].url)
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    events = editor_client.get(totals["UN calendar events"].url)
    assert events.context["cl"].result_count == 1


def test_the_desk_lists_a_failed_reminder_and_a_failed_import_linked(editor_client):
    reminder = Reminder.objects.create(
        rule=ReminderRuleFactory(name="Overdue, monthly"),
        target=overdue_target(),
        recipient="campaigns@example.org",
        occurrence=date(2026, 3, 2),
        status=ReminderStatus.FAILED,
        last_error="550 mailbox unavailable",
    )
    Reminder.objects.create(
        rule=reminder.rule,
        target=reminder.target,
        recipient="sent@example.org",
        occurrence=date(2026, 3, 2),
        status=ReminderStatus.SENT,
    )
    job = ImportJob.objects.create(
        file_name="broken.docx",
        content=b"",
        status=ImportJobStatus.FAILED,
        error="The file is not a Word document.",
    )
    ImportJob.objects.create(file_name="fine.csv", content=b"", status=ImportJobStatus.DONE)

    response = editor_client.get(INDEX)

    reminders = section(response, "failed-reminders")
    assert "campaigns@example.org" in reminders
    assert "550 mailbox unavailable" in reminders
    assert "sent@example.org" not in reminders
    assert reverse("admin:recommendations_reminder_change", args=[reminder.pk]) in reminders
    imports = section(response, "failed-imports")
    assert "broken.docx" in imports
    assert "The file is not a Word document." in imports
    assert "fine.csv" not in imports
    assert reverse("admin:recommendations_importjob_change", args=[job.pk]) in imports
    desk = response.context["desk"]
    assert editor_client.get(desk.failed_reminders.url).context["cl"].result_count == 1
    assert editor_client.get(desk.failed_imports.url).context["cl"].result_count == 1


def test_the_counts_by_status_match_the_changelists_they_link_to(editor_client):
    overdue_target()
    TargetFactory(state=state("FRA"), response_due=date(2025, 1, 1))
    TargetFactory(state=state("DEU"), response_due=date(2026, 6, 1))
    # Stored as awaiting, due yesterday: overdue today by the status rule, with no write.
    TargetFactory(state=state("ITA"), response_due=date(2026, 3, 14))
    TargetFactory(state=None, body=BodyFactory(acronym="UNHCR"), status=TargetStatus.SUPPORTED)

    response = editor_client.get(INDEX)

    counts = {row.status: row.count for row in response.context["desk"].statuses}
    assert counts == {
        TargetStatus.RESPONSE_OVERDUE: 3,
        TargetStatus.AWAITING_RESPONSE: 1,
        TargetStatus.SUPPORTED: 1,
    }
    for row in response.context["desk"].statuses:
        assert editor_client.get(row.url).context["cl"].result_count == row.count, row.status
    shown = section(response, "statuses")
    assert '<span class="status status-response_overdue">Response overdue</span>' in shown


def test_the_desk_shows_what_changed_lately_with_links(editor_client):
    recommendation = RecommendationFactory(text="Ratify the Convention against Torture.")

    response = editor_client.get(INDEX)

    changes = response.context["desk"].changes
    assert changes[0].label.endswith("Ratify the Convention against Torture.")
    assert changes[0].how == "Added"
    changed = section(response, "changes")
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    assert url in changed


def test_the_domain_apps_come_first_and_the_plumbing_apart(client, superuser):
    client.force_login(superuser)

    response = client.get(INDEX)

    assert [app["app_label"] for app in response.context["domain_apps"]] == [
        "recommendations",
        "campaigns",
    ]
    plumbing = [app["app_label"] for app in response.context["plumbing_apps"]]
    assert {"auth", "authtoken", "axes", "django_celery_beat"} <= set(plumbing)
    page = response.content.decode()
    assert (
        page.index('class="app-recommendations module')
        < page.index('class="app-campaigns module')
        < page.index("Settings and accounts")
        < page.index('class="app-authtoken module')
    )
    # The navigation sidebar of every other page lists them in the same order.
    sidebar = client.get(reverse("admin:recommendations_target_changelist")).context
    labels = [app["app_label"] for app in sidebar["available_apps"]]
    assert labels[:2] == ["recommendations", "campaigns"]


def test_the_changelists_show_status_badges_with_their_words_and_days_overdue(editor_client):
    target = overdue_target()
    TargetFactory(
        recommendation=target.recommendation, state=None, body=BodyFactory(acronym="UNHCR")
    )

    targets = editor_client.get(reverse("admin:recommendations_target_changelist"))
    recommendations = editor_client.get(reverse("admin:recommendations_recommendation_changelist"))

    page = targets.content.decode()
    assert '<span class="status status-response_overdue">Response overdue</span>' in page
    assert '<span class="status status-awaiting_response">Awaiting response</span>' in page
    assert 'class="field-days_overdue">14</td>' in page
    assert "website/status" in page and ".css" in page
    page = recommendations.content.decode()
    assert 'CHN: <span class="status status-response_overdue">Response overdue</span>' in page
    assert 'UNHCR: <span class="status status-awaiting_response">Awaiting response</span>' in page


@pytest.mark.parametrize("who", ["anonymous", "not staff"])
def test_the_desk_is_for_staff_only(client, who):
    overdue_target()
    if who == "not staff":
        client.force_login(UserFactory(username="reader"))

    response = client.get(INDEX)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_staff_user_outside_the_editors_group_sees_no_section(client, staff_non_editor):
    overdue_target()
    client.force_login(staff_non_editor)

    response = client.get(INDEX)

    assert response.status_code == 200
    desk = response.context["desk"]
    assert desk.overdue is None and desk.statuses is None and desk.changes is None
    assert desk.failed_reminders is None and desk.failed_imports is None
    assert desk.deadlines is None
    assert "China" not in response.content.decode()


def desk_world(count: int) -> None:
    """`count` of each thing the desk lists: overdue targets, deadlines, events, changes,
    failed reminders and imports."""
    rule = ReminderRuleFactory()
    for _ in range(count):
        target = TargetFactory(response_due=date(2026, 3, 1), follow_up_due=date(2026, 3, 30))
        TargetFactory(response_due=date(2026, 3, 20))
        EventFactory(date=date(2026, 3, 18), states=[state("CHN")])
        Reminder.objects.create(
            rule=rule,
            target=target,
            recipient="campaigns@example.org",
            occurrence=date(2026, 3, 2),
            status=ReminderStatus.FAILED,
            last_error="550",
        )
        ImportJob.objects.create(file_name="broken.csv", content=b"", status=ImportJobStatus.FAILED)


def test_the_desk_query_count_does_not_grow_with_rows(editor_client, django_assert_max_num_queries):
    desk_world(1)
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get(INDEX).status_code == 200
    one_row = len(queries)
    desk_world(30)
    # A write's commit changes the data version; here, the counts are computed again too.
    DataVersion.objects.update(token=uuid.uuid4().hex)

    with django_assert_max_num_queries(one_row):
        response = editor_client.get(INDEX)

    assert response.status_code == 200
    assert len(response.context["desk"].failed_reminders.rows) == 10
    assert len(response.context["desk"].changes) == 10
