"""Every public page type in real Chromium, at desktop and phone widths, in English and
Korean: it renders, screenshots are kept, and axe-core finds no serious or critical
accessibility violation."""

import io

import pytest
from django.core.management import call_command

from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def page_urls() -> dict[str, str]:
    recommendation = Recommendation.objects.get(paragraph="1221 (a)")
    return {
        "home": "/",
        "search": "/search/?q=refoulement",
        "recommendation": f"/recommendations/{recommendation.pk}/",
        "state": "/states/CHN/",
        "body": "/bodies/OHCHR/",
        "document": f"/documents/{recommendation.document_id}/",
        "campaign": "/campaigns/stop-forced-repatriation/",
        "charts": "/charts/?state=CHN",
        "chart-embed": "/embed/charts/addressee/?body=COI-DPRK",
    }


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_type_renders_and_passes_axe(
    live_server, chromium, page_checked, language, width
):
    call_command("load_demo", stdout=io.StringIO())
    context = chromium.new_context(
        viewport=WIDTHS[width], locale=language, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    serious = {}
    for name, path in page_urls().items():
        found = page_checked(
            page,
            f"{live_server.url}{path}",
            language=language,
            name=f"website-{name}-{width}-{language}",
        )
        assert page.locator("h1").count() == 1, path
        if found:
            serious[name] = found
    context.close()
    assert serious == {}
