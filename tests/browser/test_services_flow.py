"""The service journey in Chromium: a citizen applies and tracks on a phone, an officer finishes it.

Citizen pages are driven at the design width (360×740, a mobile user agent, touch); the officer's
workbench at desktop size. Every page on the way is scanned with axe: no serious or critical
violation is allowed. Chromium is Debian's (``/usr/bin/chromium``); nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import dateformat, translation

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
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
    ),
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "en-US",
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "en-US"}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NIK = "9301011708900003"
APPLICANT_PHONE = "0812-3456-7890"
SERVICE_NAME = "Akta Kelahiran"
SERVICE_CODE = "akta-kelahiran"
TRACKING_CODE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}$")

_axe = Axe()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        # Browser tests are deselected by `dev.py test` when Chromium is missing; run explicitly
        # without it, they fail rather than pass unseen.
        pytest.fail("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls (fixtures,
    # checks) are synchronous and safe, Django just cannot tell.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def service(world: Any) -> Any:
    from tests.catalog.factories import published_service

    return published_service(world.dukcapil, code=SERVICE_CODE, name=SERVICE_NAME)


def assert_accessible(page: Any, what: str) -> None:
    """No serious or critical axe violation on the page as it is now."""
    results = _axe.run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], f"axe on {what} ({page.url}):\n" + "\n".join(serious)


def fill_application(page: Any, *, child_name: str = "Maria Gebze") -> None:
    page.get_by_label("Your full name").fill("Yohana Gebze")
    page.get_by_label("Phone or WhatsApp number").fill(APPLICANT_PHONE)
    page.get_by_label("E-mail address").fill("yohana@example.id")
    page.get_by_label("Nama anak").fill(child_name)
    page.get_by_label("Tanggal lahir").fill("2026-10-01")
    page.get_by_label("NIK pelapor").fill(NIK)
    page.get_by_label("Perempuan").check()
    page.get_by_label("Nomor telepon").fill("0812 3456 7891")
    choose_pdf(page)


def choose_pdf(page: Any) -> None:
    page.get_by_label("KTP").set_input_files(
        {"name": "ktp.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )


def track(page: Any, base: str, code: str, contact: str) -> None:
    page.goto(f"{base}/lacak/")
    page.get_by_label("Tracking code").fill(code)
    page.get_by_label("Phone number or e-mail address").fill(contact)
    page.get_by_role("button", name="Track").click()
    page.wait_for_url(re.compile(r"/permohonan/[^/]+/$"))


def status_of(page: Any) -> str:
    """The status badge's label (without its aria-hidden symbol)."""
    badge = page.locator("dl.facts dt:text-is('Status') + dd .badge")
    return badge.evaluate(
        "b => [...b.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)"
        ".map(n => n.textContent).join('').trim()"
    )


def due_of(page: Any) -> str:
    return page.locator("dl.facts dt:text-is('Due by') + dd").inner_text().strip()


def test_citizen_applies_on_a_phone_and_tracks(live_server: Any, service: Any, phone: Any) -> None:
    from melayani.applications.models import Application

    base = live_server.url
    page = phone

    # The Pemda's catalogue: find the service and open it.
    page.goto(f"{base}/layanan/93.01/")
    assert page.evaluate("window.innerWidth") == 360
    assert_accessible(page, "the catalogue")
    page.get_by_role("searchbox", name="Search services").fill("kelahiran")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"\?q=kelahiran"))
    page.get_by_role("link", name=SERVICE_NAME).click()
    page.wait_for_url(f"{base}/layanan/93.01/{SERVICE_CODE}/")
    page.get_by_role("link", name="Apply online").click()
    page.wait_for_url(f"{base}/layanan/93.01/{SERVICE_CODE}/ajukan/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Apply: {SERVICE_NAME}"
    assert_accessible(page, "the apply form")

    # A required field left empty: summary at the top, message at the field, nothing typed lost.
    fill_application(page, child_name="")
    with page.expect_navigation():
        page.get_by_role("button", name="Send application").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    summary_link = summary.locator('a[href="#id_nama-anak"]')
    assert summary_link.count() == 1
    form_top = page.locator("form[enctype]").bounding_box()
    assert summary.bounding_box()["y"] < form_top["y"]
    field_error = page.locator("#id_nama-anak_error")
    assert field_error.is_visible()
    assert "required" in field_error.inner_text().lower()
    described_by = page.get_by_label("Nama anak").get_attribute("aria-describedby") or ""
    assert "id_nama-anak_error" in described_by.split()
    assert page.get_by_label("Your full name").input_value() == "Yohana Gebze"
    assert page.get_by_label("Phone or WhatsApp number").input_value() == APPLICANT_PHONE
    assert page.get_by_label("Tanggal lahir").input_value() == "2026-10-01"
    assert page.get_by_label("NIK pelapor").input_value() == NIK
    assert page.get_by_label("Perempuan").is_checked()
    assert page.get_by_label("Nomor telepon").input_value() == "0812 3456 7891"
    assert_accessible(page, "the apply form with errors")
    summary_link.click()
    assert page.evaluate("document.activeElement.id") == "id_nama-anak"
    assert Application.objects.count() == 0

    # Correct it (files are chosen again, as the page says) and send.
    page.get_by_label("Nama anak").fill("Maria Gebze")
    choose_pdf(page)
    page.get_by_role("button", name="Send application").click()
    # (The browser keeps the "#id_nama-anak" fragment of the summary link across the redirect.)
    page.wait_for_url(re.compile(r"/permohonan/[^/]+/tanda-terima/(#.*)?$"))

    # The receipt: the tracking code in large type and the QR code of the tracking page.
    assert page.get_by_role("heading", level=1).inner_text() == "Application received"
    code = page.locator(".tracking-code").inner_text().strip()
    assert TRACKING_CODE.match(code), code
    application = Application.objects.get()
    assert application.documents.count() == 1
    qr = page.get_by_role("img", name="QR code of the tracking page")
    assert qr.is_visible()
    assert qr.bounding_box()["width"] <= 360
    assert f"/lacak/?kode={code}" in page.content()
    assert status_of(page) == "Submitted"
    assert_accessible(page, "the receipt")

    # Tracking with the code and the phone number from the application.
    page.goto(f"{base}/lacak/")
    assert_accessible(page, "the tracking form")
    track(page, base, code, APPLICANT_PHONE)
    assert page.get_by_role("heading", level=1).inner_text() == SERVICE_NAME
    assert code in page.locator(".lead").inner_text()
    assert status_of(page) == "Submitted"
    assert_accessible(page, "the tracking page")
    # The page fits the phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_officer_processes_the_application_to_completion(
    live_server: Any, world: Any, service: Any, desktop: Any, phone: Any
) -> None:
    from melayani.applications import selectors
    from melayani.applications.tracking import tracking_code_display
    from tests.applications.factories import submit

    application = submit(service, data={"applicant_phone": APPLICANT_PHONE})
    code = tracking_code_display(application.tracking_code)
    base = live_server.url
    page = desktop

    # Signs in (the OPD head needs no one-time code) and opens the queue.
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(world["opd_head"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/home/")
    page.goto(f"{base}/kerja/")
    assert page.get_by_role("heading", level=1).inner_text() == "Applications to handle"
    row = page.locator("tbody tr", has=page.get_by_role("link", name=code))
    assert "Submitted" in row.inner_text()
    assert_accessible(page, "the queue")

    # The application: verify, start, complete.
    row.get_by_role("link", name=code).click()
    page.wait_for_url(f"{base}/kerja/{application.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Application {code}"
    assert page.get_by_role("link", name="ktp.pdf").is_visible()
    assert_accessible(page, "the application page")

    for button, message in (
        ("Verify as complete", "Verified as complete"),
        ("Start processing", "The application is in process"),
    ):
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).click()
        assert message in page.content(), button
    page.get_by_label("Message to the applicant (optional)").fill("Akta siap diambil di loket 2.")
    with page.expect_navigation():
        page.get_by_role("button", name="Complete", exact=True).click()
    assert "The application is completed" in page.content()
    assert "Completed" in page.locator(".lead").inner_text()
    assert_accessible(page, "the completed application page")

    application.refresh_from_db()
    assert application.status == "completed"
    assert application.due_at is not None
    with translation.override("en"):
        due_day = dateformat.format(selectors.application_deadline(application).due_local, "j F Y")

    # The citizen, on their phone, sees it completed, with the due date.
    track(phone, base, code, APPLICANT_PHONE)
    assert status_of(phone) == "Completed"
    assert due_of(phone).startswith(due_day), due_of(phone)
    assert "Akta siap diambil di loket 2." in phone.content()
    assert_accessible(phone, "the tracking page of a completed application")
