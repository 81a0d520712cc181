"""The campaign's printable brief in real Chromium: readable in Korean with the quotes in
English, printable, and without a serious or critical accessibility violation (axe-core)."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "ko", "zh-hans"])
def test_the_brief_reads_prints_and_passes_axe(live_server, chromium, screenshot_dir, language):
    call_command("load_demo", stdout=io.StringIO())
    context = chromium.new_context(
        viewport={"width": 1200, "height": 900},
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()

    page.goto(f"{live_server.url}/campaigns/stop-forced-repatriation/brief/")

    assert page.locator("h1").inner_text() == (
        "Stop the forced repatriation of North Korean refugees"
    )
    assert page.locator("blockquote").first.inner_text().startswith("“")
    assert page.locator("table th[scope=row]").count() == 6
    page.screenshot(path=str(screenshot_dir / f"campaign-brief-{language}.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible()
    page.pdf(path=str(screenshot_dir / f"campaign-brief-{language}.pdf"))
    page.emulate_media(media="screen")
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
    context.close()
