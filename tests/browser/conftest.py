import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", "test-output")) / "browser"


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs /usr/bin/chromium: apt-get install -y chromium")
        pytest.skip("no /usr/bin/chromium: apt-get install -y chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between page actions are ordinary synchronous calls all the same.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = OUTPUT_DIR / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def screenshot_dir():
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture
def page_checked(screenshot_dir):
    """Open a URL in a page, check it answers in `language`, save its screenshot under
    `name`, and return the ids of axe-core's serious or critical violations on it."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, url: str, *, language: str, name: str) -> list[str]:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == language
        page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)
        violations = axe.run(page).response["violations"]
        return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]

    return check
