"""Public submission (idempotent) and tracking; no personal data in public answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from melayani.applications.models import Application
from melayani.catalog.models import ServiceType
from tests.api.conftest import ANSWERS, PERSONAL, submission, submit
from tests.catalog.factories import published_service
from tests.conftest import World

pytestmark = pytest.mark.django_db

PERSONAL_MARKERS = (
    "Siti",
    "Kaize",
    "siti.kaize",
    "4455",
    "6677",
    "9301014506900003",
    "9988",
)


def assert_no_personal_data(response: Any) -> None:
    text = response.content.decode()
    for marker in PERSONAL_MARKERS:
        assert marker not in text, marker


def test_submit_returns_a_receipt_without_personal_data(
    client: Client, service: ServiceType
) -> None:
    response = submit(client, service, submission())
    assert response.status_code == 201, response.content
    receipt = response.json()
    application = Application.objects.get(tracking_code=receipt["tracking_code"])
    assert application.applicant_name == PERSONAL["applicant_name"]
    assert application.answers["nama-anak"] == ANSWERS["nama-anak"]
    assert receipt["service_code"] == "akta-kelahiran"
    assert_no_personal_data(response)


def test_same_key_same_body_is_stored_once_with_the_same_answer(
    client: Client, service: ServiceType
) -> None:
    first = submit(client, service, submission(), **{"Idempotency-Key": "retry-1"})
    second = submit(client, service, submission(), **{"Idempotency-Key": "retry-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Application.objects.count() == 1


def test_same_key_different_body_is_refused(client: Client, service: ServiceType) -> None:
    assert submit(client, service, submission(), **{"Idempotency-Key": "k"}).status_code == 201
    other = submission(applicant_name="Someone Else")
    response = submit(client, service, other, **{"Idempotency-Key": "k"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Application.objects.count() == 1


def test_without_a_key_each_post_is_a_new_application(client: Client, service: ServiceType) -> None:
    submit(client, service, submission())
    submit(client, service, submission())
    assert Application.objects.count() == 2


def test_an_unusable_key_is_refused(client: Client, service: ServiceType) -> None:
    response = submit(client, service, submission(), **{"Idempotency-Key": "x" * 201})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_unknown_answers_and_identity_in_answers_are_refused(
    client: Client, service: ServiceType
) -> None:
    body = submission()
    body["answers"].update({"no-such-field": "x", "applicant_name": "y"})
    response = submit(client, service, body)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"answers.no-such-field", "answers.applicant_name"}
    assert Application.objects.count() == 0


def test_script_in_text_is_stored_as_text_and_never_echoed(
    client: Client, service: ServiceType
) -> None:
    body = submission()
    body["answers"]["nama-anak"] = "<script>alert(1)</script>"
    response = submit(client, service, body)
    assert response.status_code == 201
    assert b"<script>" not in response.content


def test_a_service_that_takes_no_online_applications_is_not_found(
    client: Client, api_world: World
) -> None:
    offline = published_service(api_world.dukcapil, code="offline", accepts_online=False)
    response = submit(client, offline, submission())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_multipart_with_a_document(client: Client, api_world: World) -> None:
    service = published_service(
        api_world.dukcapil, code="dengan-berkas", requirements=(("KTP", True),)
    )
    detail = client.get(f"/api/v1/pemda/93.01/services/{service.code}").json()
    file_key = next(
        f["key"] for f in detail["standard"]["form_fields"] if f["field_type"] == "file"
    )
    url = f"/api/v1/pemda/93.01/services/{service.code}/applications"
    pdf = SimpleUploadedFile("ktp.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = client.post(url, {"data": json.dumps(submission()), file_key: pdf})
    assert response.status_code == 201, response.content
    application = Application.objects.get(tracking_code=response.json()["tracking_code"])
    assert application.documents.count() == 1
    # Without the required document: a validation error naming the file field.
    response = client.post(url, {"data": json.dumps(submission())})
    assert response.status_code == 422
    assert file_key in response.json()["error"]["fields"]
    # A file that is not what it claims to be.
    fake = SimpleUploadedFile("ktp.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = client.post(url, {"data": json.dumps(submission()), file_key: fake})
    assert response.status_code == 422
    assert Application.objects.count() == 1


def track(client: Client, code: str, contact: str) -> Any:
    return client.post(
        "/api/v1/applications/track",
        {"tracking_code": code, "contact": contact},
        content_type="application/json",
    )


def test_track_with_code_and_contact(client: Client, service: ServiceType) -> None:
    code = submit(client, service, submission()).json()["tracking_code"]
    display = f"{code[:4]}-{code[4:8]}-{code[8:]}".lower()
    for contact in ("0812 4455 6677", "+6281244556677", "SITI.KAIZE@example.com"):
        response = track(client, display, contact)
        assert response.status_code == 200, contact
        body = response.json()
        assert body["status"] == "submitted"
        assert [e["action"] for e in body["timeline"]] == ["submit"]
        assert_no_personal_data(response)


def test_track_wrong_contact_or_code_is_not_found(client: Client, service: ServiceType) -> None:
    code = submit(client, service, submission()).json()["tracking_code"]
    for wrong_code, contact in (
        (code, "081299999999"),
        ("ZZZZZZZZZZ", PERSONAL["applicant_phone"]),
    ):
        response = track(client, wrong_code, contact)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    response = track(client, "not-a-code!", PERSONAL["applicant_phone"])
    assert response.status_code == 422


def test_track_shows_visible_events_in_order_and_hides_internal_ones(
    client: Client, service: ServiceType, api_world: World
) -> None:
    from melayani.applications import services as application_services
    from melayani.applications.models import ApplicationEvent

    code = submit(client, service, submission()).json()["tracking_code"]
    application = Application.objects.get(tracking_code=code)
    officer = api_world["officer"]
    application_services.application_verify(actor=officer, application=application)
    application_services.application_note_add(
        actor=officer, application=application, text="INTERNALNOTE", visible_to_citizen=False
    )
    application_services.application_start(actor=officer, application=application)
    body = track(client, code, PERSONAL["applicant_phone"]).json()
    assert [e["action"] for e in body["timeline"]] == ["submit", "verify", "start"]
    assert "INTERNALNOTE" not in json.dumps(body) and body["status"] == "in_process"
    # Without any citizen-visible event the status is still found, with an empty timeline.
    ApplicationEvent.objects.filter(application=application).update(visible_to_citizen=False)
    body = track(client, code, PERSONAL["applicant_phone"]).json()
    assert body["status"] == "in_process" and body["timeline"] == []


def test_the_submission_lookup_finds_only_a_live_published_service_of_that_pemda(
    client: Client, service: ServiceType, api_world: World
) -> None:
    from melayani.applications.selectors import service_for_submission

    found, standard = service_for_submission(pemda_code="93.01", service_code=service.code)
    assert (found.pk, found.code, found.opd_id, found.pemda.code) == (
        service.pk,
        service.code,
        service.opd_id,
        "93.01",
    )
    assert standard.service is found and standard.status == "published"
    with pytest.raises(ServiceType.DoesNotExist):  # the same code in another Pemda
        service_for_submission(pemda_code="34.71", service_code=service.code)
    ServiceType.objects.filter(pk=service.pk).update(is_active=False)
    assert submit(client, service, submission()).status_code == 404
    with pytest.raises(ServiceType.DoesNotExist):
        service_for_submission(pemda_code="93.01", service_code=service.code)
