"""A citizen's request about their personal data in Chromium, on a phone: the privacy notice,
a refused forged code, a verified access request, then the download once the DPO handled it.
Every page on the way is scanned with axe (no serious or critical violation)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.browser.test_services_flow import (  # noqa: F401 — fixtures
    assert_accessible,
    browser,
    phone,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}$")


def test_citizen_asks_for_their_data_and_downloads_it(
    live_server: Any,
    world: Any,
    phone: Any,  # noqa: F811
    settings: Any,
    tmp_path: Any,
) -> None:
    from melayani.privacy import services
    from melayani.privacy.models import SubjectRequest
    from tests.privacy.factories import NIK, citizen_application

    settings.MEDIA_ROOT = tmp_path
    application = citizen_application(world)
    base = f"{live_server.url}/data-pribadi/{world.merauke.code}"

    phone.goto(f"{base}/")
    assert phone.locator("h1").first.is_visible()
    assert_accessible(phone, "privacy notice")

    phone.get_by_role("link", name="Make a request about your data").click()
    phone.get_by_label("See my data (access and copy)").check()
    phone.get_by_label("Tracking code").fill("ZZZZ-ZZZZ-ZZ")
    phone.get_by_label("Phone number or e-mail address").fill("0812 3456 7890")
    phone.get_by_role("button", name="Send the request").click()
    assert "We could not verify" in phone.content()
    assert_accessible(phone, "request refused")

    phone.get_by_label("Tracking code").fill(application.tracking_code)
    phone.get_by_role("button", name="Send the request").click()
    reference = phone.locator(".tracking-code").inner_text().strip()
    assert REFERENCE.match(reference)
    assert "3 × 24" in phone.content()
    assert_accessible(phone, "request received")

    request = SubjectRequest.objects.get()
    services.subject_request_complete(actor=world["dpo"], request=request)

    phone.goto(f"{base}/permintaan/status/")
    phone.get_by_label("Request reference").fill(reference)
    phone.get_by_label("Phone number or e-mail address").fill("0812 3456 7890")
    phone.get_by_role("button", name="Check").click()
    assert "Completed" in phone.content()
    assert_accessible(phone, "request status")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Download your data (JSON)").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    rows = data["records"][0]["rows"] if data["records"] else []
    assert any(row.get("applicant_nik") == NIK for row in rows)
