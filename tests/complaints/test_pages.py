"""Citizen pages: report without an account, receipt, follow with code + contact, answer."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from melayani.complaints import services
from melayani.complaints.models import Complaint, ComplaintAttachment, ComplaintStatus
from melayani.complaints.tracking import tracking_code_display
from melayani.core.models import IdempotencyKey
from tests.complaints.factories import report, report_data

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _submit_url(w):
    return reverse("complaints:submit", kwargs={"pemda_code": w.merauke.code})


def test_form_renders_phone_first(cw):
    response = Client().get(_submit_url(cw))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'type="tel"' in body and 'name="viewport"' in body
    assert len(response.content) < 100_000


def test_submit_receipt_and_follow(cw, mailoutbox, django_capture_on_commit_callbacks):
    client = Client()
    data = report_data(reporter_email="", is_anonymous="on", reporter_name="")
    data["idempotency_key"] = "web-key-1"
    data["attachments"] = [SimpleUploadedFile("foto.png", PNG, content_type="image/png")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_submit_url(cw), data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous and complaint.channel == "web"
    assert ComplaintAttachment.objects.get().content_type == "image/png"
    receipt = client.get(response["Location"])
    receipt_html = receipt.content.decode()
    assert tracking_code_display(complaint.tracking_code) in receipt_html
    # The limits come from the rules (national defaults here), not from the template.
    assert "within 3 working days" in receipt_html and "within 10 working days" in receipt_html
    # A replay of the same form (double tap, retry) stores nothing new.
    data["attachments"] = [SimpleUploadedFile("foto.png", PNG, content_type="image/png")]
    again = client.post(_submit_url(cw), data)
    assert again.status_code == 302 and Complaint.objects.count() == 1
    assert IdempotencyKey.objects.filter(key="web-key-1").count() == 1
    # Another browser must prove the code with the contact.
    other = Client()
    status_url = reverse("complaints:status", kwargs={"code": complaint.tracking_code})
    assert other.get(status_url)["Location"] == reverse("complaints:track")
    wrong = other.post(
        reverse("complaints:track"),
        {"code": complaint.tracking_code, "contact": "0812-0000-0000"},
    )
    assert wrong.status_code == 400 and complaint.text not in wrong.content.decode()
    right = other.post(
        reverse("complaints:track"),
        {"code": tracking_code_display(complaint.tracking_code), "contact": "0812 4455 6677"},
    )
    assert right["Location"] == status_url
    page = other.get(status_url).content.decode()
    assert complaint.text in page


def test_bad_input_is_refused_and_nothing_saved(cw):
    client = Client()
    cases = [
        {"text": ""},
        {"text": "x" * 5001},
        {"title": ""},
        {"reporter_phone": "", "reporter_email": ""},
        {"reporter_phone": "12"},
        {"reporter_nik": "1234"},
        {"classification": "rumor"},
        {"application_code": "ZZZZZZZZZZ"},
        {"region": "99.99"},
        {"latitude": "200", "longitude": "10"},
    ]
    for overrides in cases:
        response = client.post(_submit_url(cw), report_data(**overrides))
        assert response.status_code == 400, overrides
        assert "error-summary" in response.content.decode()
    bad_file = SimpleUploadedFile(
        "foto.png", b"<script>alert(1)</script>", content_type="image/png"
    )
    response = client.post(_submit_url(cw), {**report_data(), "attachments": [bad_file]})
    assert response.status_code == 400
    assert Complaint.objects.count() == 0 and ComplaintAttachment.objects.count() == 0


def test_malicious_html_is_shown_as_text(cw):
    complaint = report(
        cw.merauke, title="<script>alert('x')</script> jalan", text="<b>tebal</b> " * 5
    )
    client = Client()
    session = client.session
    session["complaints_seen"] = [complaint.tracking_code]
    session.save()
    body = client.get(reverse("complaints:status", kwargs={"code": complaint.tracking_code}))
    html = body.content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_unknown_pemda_and_forged_codes(cw):
    client = Client()
    assert client.get("/pengaduan/99.99/lapor/").status_code == 404
    for code in ("ZZZZZZZZZZ", "../../etc", "<x>"):
        response = client.get(f"/pengaduan/laporan/{code}/")
        assert response.status_code in (302, 404)


def test_reporter_disputes_then_accepts(cw):
    coordinator = cw["complaint_coordinator"]
    complaint = report(cw.merauke)
    services.complaint_dispose(actor=coordinator, complaint=complaint, opds=[cw.dukcapil])
    response = services.complaint_answer(
        actor=cw["liaison"], complaint=complaint, text="KTP sudah bisa diambil di loket dua."
    )
    services.complaint_review(
        actor=coordinator, complaint=complaint, response=response, approve=True
    )
    client = Client()
    client.post(
        reverse("complaints:track"),
        {"code": complaint.tracking_code, "contact": "maria.gebze@example.com"},
    )
    reply_url = reverse("complaints:reply", kwargs={"code": complaint.tracking_code})
    empty = client.post(reply_url, {"decision": "dispute", "message": ""})
    assert empty.status_code == 400
    client.post(reply_url, {"decision": "dispute", "message": "Di loket dua tidak ada."})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ASSIGNED and complaint.dispute_count == 1


def test_public_page_shows_no_personal_data(cw):
    coordinator = cw["complaint_coordinator"]
    shown = report(cw.merauke, title="Lampu jalan mati di Jalan Raya Mandala")
    services.complaint_verify(actor=coordinator, complaint=shown)
    hidden = report(cw.merauke, title="Rahasia sekali laporannya", is_confidential="on")
    services.complaint_verify(actor=coordinator, complaint=hidden)
    body = Client().get(reverse("complaints:public", kwargs={"pemda_code": "93.01"}))
    html = body.content.decode()
    assert "Lampu jalan mati" in html
    assert "Rahasia sekali" not in html
    assert "Maria" not in html and "4455" not in html and "example.com" not in html
