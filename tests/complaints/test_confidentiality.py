"""The confidentiality matrix: each flag × each persona × each surface.

Surfaces: the staff page, the workbench list, the Excel export, the officers' API, the public
page, notification texts and the audit trail. Each case plants markers (the reporter's name, the
report's words) and checks they appear exactly for the personas entitled to them — so that the
test can fail — and nowhere else.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from melayani.api.services import officer_token_issue
from melayani.audit.models import AuditEvent
from melayani.complaints import services
from melayani.complaints.models import Complaint
from tests.complaints.factories import report
from tests.conftest import PERSONA_NAMES, World
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db

NAME = "Markus Wambrauw Namarahasia"
TEXT_MARK = "TEKSMARKER"
TITLE_MARK = "JUDULMARKER"
OPENERS = {"complaint_coordinator", "opd_head", "liaison"}
INTEGRITY = {"inspector"}


@dataclass
class Case:
    name: str
    complaint: Complaint
    openers: set[str]  # may open it (page, list, export, API)
    see_reporter: set[str]  # of those, who sees the reporter's name
    public: bool


def _make(cw: World, name: str, *, wb: str = "", **flags: str) -> Complaint:
    complaint = report(
        cw.merauke,
        title=f"{TITLE_MARK} {name} laporan",
        text=f"{TEXT_MARK} {name}: pelayanan KTP sangat lambat dan ada pungutan.",
        reporter_name=NAME,
        classification="whistleblowing" if wb == "intake" else "complaint",
        concerned_opd=str(cw.dukcapil.pk),
        **flags,
    )
    coordinator = cw["complaint_coordinator"]
    if wb == "intake":
        services.complaint_verify(actor=cw["inspector"], complaint=complaint)
        return complaint
    services.complaint_dispose(actor=coordinator, complaint=complaint, opds=[cw.dukcapil])
    if wb == "reclassified":
        services.complaint_classify(
            actor=coordinator, complaint=complaint, classification="whistleblowing"
        )
    return complaint


@pytest.fixture
def cases(cw: World) -> list[Case]:
    return [
        Case("plain", _make(cw, "plain"), OPENERS, OPENERS, True),
        Case(
            "anonim",
            _make(cw, "anonim", is_anonymous="on"),
            OPENERS,
            {"complaint_coordinator"},
            True,
        ),
        Case("rahasia", _make(cw, "rahasia", is_confidential="on"), OPENERS, OPENERS, False),
        Case("wbs", _make(cw, "wbs", wb="intake"), INTEGRITY, INTEGRITY, False),
        Case(
            "reclassified",
            _make(cw, "reclassified", wb="reclassified"),
            INTEGRITY,
            INTEGRITY,
            False,
        ),
    ]


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def _xlsx_text(response) -> str:
    if response.status_code != 200:
        return ""
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c)


def test_page_list_export_and_api(cw, cases):
    for persona in (*PERSONA_NAMES, "anonymous"):
        client = client_for(persona, cw)
        token = None
        if persona != "anonymous" and cw[persona].kind == "official":
            token = officer_token_issue(actor=None, user=cw[persona], name="matrix")[1]
        listing = _body(client.get(reverse("complaints:queue") + "?status=all"))
        export = _xlsx_text(client.get(reverse("complaints:export") + "?status=all"))
        api_list = ""
        if token:
            api_list = _body(
                Client().get(
                    "/api/v1/officer/complaints?status=all", HTTP_AUTHORIZATION=f"Bearer {token}"
                )
            )
        for case in cases:
            c = case.complaint
            page = client.get(reverse("complaints:detail", kwargs={"pk": c.pk}))
            opens = persona in case.openers
            assert (page.status_code == 200) == opens, (case.name, persona, page.status_code)
            if not opens:
                assert page.status_code in (302, 404), (case.name, persona)
            page_text = _body(page)
            marker = f"{TITLE_MARK} {case.name} "
            assert (marker in listing) == opens, (case.name, persona, "list")
            assert (marker in export) == opens, (case.name, persona, "export")
            sees_name = persona in case.see_reporter
            assert (NAME in page_text) == sees_name, (case.name, persona, "page name")
            row = next((r for r in listing.split("<tr>") if marker in r), "")
            in_list = NAME in row
            assert in_list == (sees_name and opens), (case.name, persona, "list name")
            if token:
                detail = Client().get(
                    f"/api/v1/officer/complaints/{c.tracking_code}",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                )
                assert (detail.status_code == 200) == opens, (case.name, persona, "api")
                assert (marker in api_list) == opens, (case.name, persona, "api list")
                assert (NAME in _body(detail)) == sees_name, (case.name, persona, "api name")
        # Whatever anyone sees, the export never carries unmasked contacts.
        assert "4455-6677" not in export and "+6281244556677" not in export


def test_public_page(cw, cases):
    html = _body(Client().get(reverse("complaints:public", kwargs={"pemda_code": "93.01"})))
    for case in cases:
        assert (f"{TITLE_MARK} {case.name} " in html) == case.public, case.name
    assert NAME not in html and TEXT_MARK not in html


def test_notifications_and_audit(cw, cases, mailoutbox, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _make(cw, "again")
        wbs = _make(cw, "wbs2", wb="intake")
        moved = _make(cw, "moved", wb="reclassified", is_anonymous="on")
    staff = {p: cw[p].email for p in PERSONA_NAMES}
    for message in mail.outbox:
        assert NAME not in message.body and TEXT_MARK not in message.body
        assert TITLE_MARK not in message.body and NAME not in message.subject
        for address in message.to:
            persona = next((p for p, e in staff.items() if e == address), None)
            if persona is None:
                continue  # the reporter
            if wbs.tracking_code[:4] in message.body.replace("-", ""):
                assert persona in INTEGRITY, persona
    to_inspector = [m for m in mail.outbox if staff["inspector"] in m.to]
    assert to_inspector, "the Inspektorat is told of whistleblowing reports"
    assert not any(
        staff["liaison"] in m.to and moved.tracking_code[:4] in m.body.replace("-", "")
        for m in mail.outbox[-2:]
    )
    for event in AuditEvent.objects.filter(target_type="complaints.complaint"):
        raw = str(event.context) + event.actor_label
        assert NAME not in raw and TEXT_MARK not in raw and "4455" not in raw


def test_audit_view_shows_no_reporter(cw, cases):
    client = client_for("inspector", cw)
    html = _body(client.get(reverse("audit:event-list")))
    assert "complaint." in html  # the events are there, without the reporter
    assert NAME not in html and TEXT_MARK not in html


def test_an_integrity_officer_in_the_unit_concerned_does_not_see_it(cw):
    from melayani.complaints import access as complaint_access
    from tests.core.factories import UserFactory, assign

    officer = UserFactory(username="integrity.in.unit")
    assign(officer, "inspectorate", pemda=cw.merauke)
    assign(officer, "opd_officer", opd=cw.dukcapil_service_desk)
    about_dukcapil = report(
        cw.merauke, classification="whistleblowing", concerned_opd=str(cw.dukcapil.pk)
    )
    about_dinkes = report(
        cw.merauke, classification="whistleblowing", concerned_opd=str(cw.dinkes.pk)
    )
    visible = set(complaint_access.complaints_visible(officer))
    assert about_dinkes in visible and about_dukcapil not in visible
    assert complaint_access.capacity(officer, about_dukcapil) == complaint_access.Capacity.NONE
