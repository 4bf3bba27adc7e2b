"""Citizen pages: apply, receipt, tracking, correction, my applications."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from melayani.applications import services
from melayani.applications.models import Application
from melayani.applications.tracking import tracking_code_display
from tests.applications.factories import NIK, PDF, form_data, pdf, service_make, submit
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(world):
    return service_make(world.dukcapil_service_desk, code="akta-kelahiran")


def apply_url(service) -> str:
    return reverse(
        "applications:apply",
        kwargs={"pemda_code": service.pemda.code, "service_code": service.code},
    )


def test_apply_receipt_and_status(world, service, client):
    page = client.get(apply_url(service))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="ktp"' in html
    assert "5 working days" in html
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)
    data = {**form_data(), "idempotency_key": key, "ktp": pdf()}
    response = client.post(apply_url(service), data)
    app = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "applications:receipt", kwargs={"code": app.tracking_code}
    )
    # A double-click sends the same key: still one application.
    client.post(apply_url(service), {**form_data(), "idempotency_key": key, "ktp": pdf()})
    assert Application.objects.count() == 1
    receipt = client.get(response["Location"])
    text = receipt.content.decode()
    assert tracking_code_display(app.tracking_code) in text and "<svg" in text
    assert len(receipt.content) < 100_000
    status = client.get(reverse("applications:status", kwargs={"code": app.tracking_code}))
    assert "Application received" in status.content.decode()


def test_each_upload_says_what_it_takes_in_the_visitors_language(world, service, client, settings):
    # The published version's form is built once; its hint follows each visitor's language.
    assert "PDF, JPG or PNG, at most 5 MB." in client.get(apply_url(service)).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    html = client.get(apply_url(service)).content.decode()
    assert "PDF, JPG atau PNG, paling besar 5 MB." in html


def test_errors_keep_what_was_typed(world, service, client):
    data = {**form_data(), "applicant_name": "", "nama-anak": "Maria <b>Gebze</b>"}
    response = client.post(apply_url(service), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_applicant_name"' in html
    assert 'value="Maria &lt;b&gt;Gebze&lt;/b&gt;"' in html  # kept, and inert
    assert "choose your documents again" in html
    assert not Application.objects.exists()


def test_script_in_text_stays_inert(world, service, client):
    app = submit(service, data={"applicant_name": "<script>alert(1)</script>"})
    services.application_return(
        actor=world["officer"], application=app, reason="<script>alert('x')</script>"
    )
    client.post(
        reverse("applications:track"),
        {"code": app.tracking_code, "contact": "yohana@example.id"},
    )
    html = client.get(
        reverse("applications:status", kwargs={"code": app.tracking_code})
    ).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)" in html


def test_unknown_code_and_wrong_contact_look_the_same(world, service, client):
    app = submit(service)
    wrong_contact = client.post(
        reverse("applications:track"), {"code": app.tracking_code, "contact": "0813 1111 2222"}
    )
    unknown = client.post(
        reverse("applications:track"), {"code": "ZZZZ-ZZZZ-ZZ", "contact": "0813 1111 2222"}
    )
    assert wrong_contact.status_code == unknown.status_code == 400

    def body(response) -> str:
        html = re.sub(r'value="[^"]*"', "", response.content.decode())
        return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)

    assert body(wrong_contact) == body(unknown)
    # Without proof, a receipt or status URL answers alike for existing and unknown codes.
    for code in (app.tracking_code, "ZZZZZZZZZZ"):
        for name in ("applications:receipt", "applications:status"):
            response = client.get(reverse(name, kwargs={"code": code}))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("applications:track"))


def test_track_then_correct(world, service, client):
    app = submit(service)
    services.application_verify(actor=world["officer"], application=app)
    services.application_return(actor=world["officer"], application=app, reason="KTP buram")
    response = client.post(
        reverse("applications:track"),
        {"code": tracking_code_display(app.tracking_code).lower(), "contact": "0812-3456-7890"},
    )
    status_url = reverse("applications:status", kwargs={"code": app.tracking_code})
    assert response["Location"] == status_url
    html = client.get(status_url).content.decode()
    assert "KTP buram" in html and "Send your correction" in html
    assert "The clock is stopped" in html
    bad = client.post(reverse("applications:correct", kwargs={"code": app.tracking_code}), {})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    good = client.post(
        reverse("applications:correct", kwargs={"code": app.tracking_code}),
        {"ktp": pdf("ktp-baru.pdf", PDF), "message": "Sudah jelas"},
    )
    assert good.status_code == 302
    app.refresh_from_db()
    assert app.status == "verified" and app.due_at is not None
    html = client.get(status_url).content.decode()
    assert "WIT" in html and "Correction received" in html


def test_the_correction_form_starts_from_the_answers_given(world, service, client):
    app = submit(service)
    services.application_return(actor=world["officer"], application=app, reason="Nama salah")
    client.post(
        reverse("applications:track"),
        {"code": app.tracking_code, "contact": "0812-3456-7890"},
    )
    status_url = reverse("applications:status", kwargs={"code": app.tracking_code})
    html = client.get(status_url).content.decode()
    assert 'value="Maria Gebze"' in html and 'value="2026-10-01"' in html
    assert re.search(r'<option value="Perempuan"[^>]*selected', html)
    assert NIK not in html and "3456" not in html  # personal answers are not offered again
    correct_url = reverse("applications:correct", kwargs={"code": app.tracking_code})
    # Sent back as shown, nothing is corrected: the citizen is told, the file stays returned.
    unchanged = {"nama-anak": "Maria Gebze", "tanggal-lahir": "2026-10-01"}
    refused = client.post(correct_url, {**unchanged, "jenis-kelamin": "Perempuan"})
    assert refused.status_code == 400 and "change an answer" in refused.content.decode()
    fixed = client.post(correct_url, {**unchanged, "nama-anak": "Maria Theresia Gebze"})
    assert fixed.status_code == 302
    app.refresh_from_db()
    assert app.answers["nama-anak"] == "Maria Theresia Gebze" and app.status == "submitted"
    [resubmitted] = app.events.filter(action="resubmit")
    assert resubmitted.to_status == "submitted"


def test_my_applications_only_mine_with_bounded_queries(
    world, service, django_assert_max_num_queries
):
    citizen = world["citizen"]
    for _ in range(5):
        submit(service, applicant_user=citizen)
    submit(service)  # someone else's, no account
    client = client_for("citizen", world)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("applications:mine"))
    mine = Application.objects.filter(applicant_user=citizen)
    html = response.content.decode()
    for app in Application.objects.all():
        shown = tracking_code_display(app.tracking_code) in html
        assert shown == (app in mine)
    # Another citizen's session cannot open them.
    other = Client()
    code = mine.first().tracking_code
    assert other.get(reverse("applications:status", kwargs={"code": code})).status_code == 302
    assert client.get(reverse("applications:status", kwargs={"code": code})).status_code == 200


def test_mine_requires_sign_in(client):
    assert client.get(reverse("applications:mine")).status_code == 302


def test_unknown_service_is_404(world, client):
    url = reverse("applications:apply", kwargs={"pemda_code": "93.01", "service_code": "tidak-ada"})
    assert client.get(url).status_code == 404
