"""The editors' desk and the changelists with status badges in real Chromium, at desktop and
phone widths, in English and Korean: screenshots are kept, and axe-core finds no serious or
critical accessibility violation (colour contrast among them)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from recommendations.choices import EventKind, ImportJobStatus, ReminderStatus
from recommendations.models import ImportJob, Reminder, Target
from tests.factories import EditorFactory, EventFactory, ReminderRuleFactory, state

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "desk": "/admin/",
    "targets": "/admin/recommendations/target/",
    "recommendations": "/admin/recommendations/recommendation/",
}


def desk_world() -> None:
    """The demo's records, with something in every section of the desk."""
    call_command("load_demo", stdout=io.StringIO())
    today = timezone.localdate()
    target = Target.objects.filter(state__code="CHN").first()
    Target.objects.filter(pk=target.pk).update(follow_up_due=today + timedelta(days=1))
    EventFactory(
        name="UPR Working Group session", kind=EventKind.SESSION, date=today, states=[state("CHN")]
    )
    Reminder.objects.create(
        rule=ReminderRuleFactory(name="Overdue, monthly"),
        target=target,
        recipient="campaigns@example.org",
        occurrence=today,
        status=ReminderStatus.FAILED,
        last_error="550 mailbox unavailable",
    )
    ImportJob.objects.create(
        file_name="matrix.docx",
        content=b"",
        status=ImportJobStatus.FAILED,
        error="The file is not a Word document.",
    )


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_desk_and_the_changelists_render_and_pass_axe(
    live_server, chromium, page_checked, language, width
):
    desk_world()
    EditorFactory(username="editor")
    context = chromium.new_context(
        viewport=WIDTHS[width], locale=language, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#desk-overdue")
    serious = {}
    for name, path in PAGES.items():
        found = page_checked(
            page,
            f"{live_server.url}{path}",
            language=language,
            name=f"admin-{name}-{width}-{language}",
        )
        if found:
            serious[name] = found
    page.goto(f"{live_server.url}/admin/")
    overdue = {"en": "Response overdue", "ko": "답변 기한 경과"}[language]
    assert page.locator("#desk-statuses .status-response_overdue").inner_text() == overdue
    assert page.locator("#desk-failed-reminders").inner_text().count("campaigns@example.org")
    assert page.locator("#desk-failed-imports").inner_text().count("matrix.docx")
    assert page.locator("#desk-deadlines").inner_text().count("UPR Working Group session")
    context.close()
    assert serious == {}
