"""Accessibility: an axe scan of the public home and a plain official's home in Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.core.web_factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        # Browser tests are deselected by `dev.py test` when Chromium is missing; run explicitly
        # without it, they fail rather than pass unseen.
        pytest.fail("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the ORM calls of the live server are in their own
    # thread, but fixtures that touch the database after this point need the flag.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740})
        yield context.new_page()
        context.close()
        browser.close()


def serious_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_public_and_signed_in_home_have_no_serious_violations(
    live_server: Any, world: Any, page: Any
) -> None:
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").first.is_visible()
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/home/")
    assert "OPD officer" in page.content()
    assert serious_violations(page) == []

    # The skip link is the first thing the keyboard reaches, and it is visible then.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
