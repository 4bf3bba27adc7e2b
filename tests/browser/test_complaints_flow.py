"""The complaint journey in Chromium: a citizen on a phone files an anonymous complaint, gets a
tracking code, and later — once the unit's answer was reviewed and sent — disputes it.

Driven at the design width (360×740, mobile user agent, touch); every page on the way is scanned
with axe (no serious or critical violation). The officials' steps go through the services.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_services_flow import (  # noqa: F401 — fixtures
    TRACKING_CODE,
    assert_accessible,
    browser,
    phone,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN_PHONE = "0812-7766-5544"


def test_citizen_files_anonymously_on_a_phone_and_disputes_the_answer(
    live_server: Any,
    world: Any,
    phone: Any,  # noqa: F811
) -> None:
    from melayani.complaints import services
    from melayani.complaints.models import Complaint, ComplaintStatus

    world.merauke.is_active = True
    world.merauke.save(update_fields=["is_active"])
    base = live_server.url
    page = phone

    page.goto(f"{base}/pengaduan/93.01/lapor/")
    assert page.evaluate("window.innerWidth") == 360
    assert page.get_by_role("heading", level=1).inner_text() == "Report a complaint"
    assert_accessible(page, "the complaint form")

    # Sent without text: the summary says what to fix, nothing typed is lost, nothing stored.
    page.get_by_label("Subject").fill("Petugas minta uang tambahan")
    page.get_by_label("Your phone number").fill(CITIZEN_PHONE)
    page.get_by_label("Anonymous: hide my name").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send report").click()
    assert page.locator(".error-summary").is_visible()
    assert page.get_by_label("Subject").input_value() == "Petugas minta uang tambahan"
    assert page.get_by_label("Anonymous: hide my name").is_checked()
    assert_accessible(page, "the complaint form with errors")
    assert Complaint.objects.count() == 0

    page.get_by_label("Your report", exact=True).fill(
        "Saat mengurus akta di loket, petugas meminta uang tambahan Rp 50.000 tanpa kuitansi."
    )
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(re.compile(r"/pengaduan/laporan/[^/]+/tanda-terima/(#.*)?$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Report received"
    code = page.locator(".tracking-code").inner_text().strip()
    assert TRACKING_CODE.match(code), code
    assert page.get_by_role("img", name="QR code of the tracking page").is_visible()
    assert_accessible(page, "the receipt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    complaint = Complaint.objects.get()
    assert complaint.is_anonymous and complaint.reporter_name == ""
    # The officials: disposed to Dukcapil, answered by its liaison, reviewed and sent.
    coordinator = world["complaint_coordinator"]
    services.complaint_dispose(actor=coordinator, complaint=complaint, opds=[world.dukcapil])
    answer = services.complaint_answer(
        actor=world["liaison"],
        complaint=complaint,
        text="Petugas sudah kami tegur; uang dikembalikan melalui loket pengaduan.",
    )
    services.complaint_review(actor=coordinator, complaint=complaint, response=answer, approve=True)

    # Later, in a fresh visit: track with the code and the phone number.
    page.context.clear_cookies()
    page.goto(f"{base}/pengaduan/lacak/")
    assert_accessible(page, "the tracking form")
    page.get_by_label("Tracking code").fill(code)
    page.get_by_label("Phone number or e-mail address").fill(CITIZEN_PHONE)
    page.get_by_role("button", name="Show my report").click()
    page.wait_for_url(re.compile(r"/pengaduan/laporan/[^/]+/$"))
    assert "uang dikembalikan" in page.locator("#answers").inner_text()
    assert_accessible(page, "the report page")

    page.get_by_label("I am not satisfied").check()
    page.get_by_label("Message", exact=True).fill("Uangnya belum dikembalikan sampai hari ini.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(re.compile(r"/pengaduan/laporan/[^/]+/$"))
    assert "will be looked at again" in page.locator(".messages").inner_text()
    assert_accessible(page, "the report page after the dispute")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ASSIGNED and complaint.dispute_count == 1
