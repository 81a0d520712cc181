"""An editor's day in the admin, in a real headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from recommendations.models import Recommendation, Target
from tests.factories import BodyFactory, DocumentFactory, EditorFactory

# serialized_rollback: the flush after this test must not take the migrations' rows (states,
# the Editors group) from the transactional tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"


def pick(page, field_id: str, search: str, option: str) -> None:
    """Choose in one of the admin's autocomplete (select2) widgets, as a person does: type,
    wait for the matches of what was typed (on a busy machine the list opened before typing
    can still be on screen, and a click on it is lost when the matches replace it), choose,
    and see the choice shown."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    with page.expect_response(
        lambda response: "/autocomplete/" in response.url and f"term={search}" in response.url
    ):
        page.fill(".select2-container--open .select2-search__field", search)
    page.click(f".select2-results__option:has-text('{option}')")
    expect(page.locator(f"#{field_id} + .select2 .select2-selection__rendered")).to_contain_text(
        option
    )


def test_an_editor_records_a_recommendation_a_response_and_finds_it(live_server, page, screenshot):
    EditorFactory(username="editor")
    document = DocumentFactory(symbol="A/HRC/25/CRP.1", body__acronym="COI-DPRK")
    BodyFactory(acronym="UNHCR", name="UN High Commissioner for Refugees", kind="office")

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    page.goto(f"{live_server.url}/admin/recommendations/recommendation/add/")
    page.fill("#id_text", "Respect the principle of non-refoulement.")
    pick(page, "id_document", "CRP", "A/HRC/25/CRP.1")
    page.fill("#id_paragraph", "1221 (a)")
    pick(page, "id_issued_by", "COI", "COI-DPRK")
    pick(page, "id_targets-0-state", "China", "China")
    page.fill("#id_targets-0-response_due", "2014-06-01")
    page.click("#targets-group .add-row a")
    pick(page, "id_targets-1-body", "UNHCR", "UNHCR")
    screenshot("1-recommendation-form")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    screenshot("2-saved")

    recommendation = Recommendation.objects.get(document=document, paragraph="1221 (a)")
    assert recommendation.targets.count() == 2
    china = Target.objects.get(recommendation=recommendation, state__code="CHN")
    assert china.status == "response_overdue"

    page.goto(f"{live_server.url}/admin/recommendations/target/{china.pk}/change/")
    page.click("#responses-group .add-row a")
    page.select_option("#id_responses-0-position", "rejected")
    page.fill("#id_responses-0-date", "2014-03-17")
    page.fill("#id_responses-0-text", "They are economic migrants.")
    screenshot("3-response-form")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.goto(f"{live_server.url}/admin/recommendations/recommendation/")
    row = page.locator("#result_list tbody tr", has_text="1221 (a)")
    assert "CHN: Rejected" in row.inner_text()
    assert "UNHCR: Awaiting response" in row.inner_text()
    screenshot("4-changelist-status")

    page.fill("#searchbar", "A/HRC/25/CRP.1")
    page.press("#searchbar", "Enter")
    page.wait_for_url(re.compile(r"\?q="))
    results = page.locator("#result_list tbody tr")
    assert results.count() == 1
    assert "A/HRC/25/CRP.1" in results.first.inner_text()
    screenshot("5-search-by-symbol")
