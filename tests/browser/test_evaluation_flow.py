"""The evaluation worksheet in Chromium: answered from the keyboard, saved in place by htmx with
a visible "saved" state, and no serious accessibility violation on the worksheet, the cycle page
and the national monitoring page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from melayani.evaluation.instruments import instruments_load
from melayani.evaluation.models import Instrument
from melayani.evaluation.services import Windows, cycle_open
from tests.browser.test_accessibility import page, serious_violations  # noqa: F401
from tests.core.web_factories import PASSWORD
from tests.evaluation.conftest import worked_example_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worksheet_by_keyboard_and_accessible(
    live_server: Any,
    world: Any,
    page: Any,  # noqa: F811 — the fixture imported above
    tmp_path: Path,
) -> None:
    path = tmp_path / "zi.json"
    path.write_text(json.dumps(worked_example_data()))
    instruments_load([path])
    preset = Instrument.objects.get(code="zi_test").presets.get()
    cycle = cycle_open(
        actor=world["reform_team"],
        pemda=world.merauke,
        year=2026,
        preset=preset,
        windows=Windows(
            dt.date(2026, 3, 2), dt.date(2026, 3, 31), dt.date(2026, 4, 30), dt.date(2026, 5, 15)
        ),
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("reform_team")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/home/")

    page.goto(f"{live_server.url}/evaluasi/s/{cycle.ref}/lke/")
    assert serious_violations(page) == []
    first = page.locator("article.lke-row").first
    first.locator("select[name=raw]").select_option("Ya")
    first.locator("textarea[name=justification]").fill("SK Bupati 12/2026")
    first.locator("textarea[name=justification]").press("Tab")
    page.keyboard.press("Enter")  # the Save button, reached by keyboard
    page.locator("article.lke-row").first.locator("[role=status]").wait_for()
    assert cycle.answers.filter(status="answered").count() == 1

    page.goto(f"{live_server.url}/evaluasi/s/{cycle.ref}/")
    # 0.50 × (1 + 0) / 2 = 0.25 of 4.00: index 6.25, updated by the saved answer.
    assert page.get_by_test_id("self-index").inner_text() == "6.25"
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/monitoring/")
    assert page.locator("h1").first.is_visible()
    assert serious_violations(page) == []
