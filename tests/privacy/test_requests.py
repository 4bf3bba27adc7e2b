"""Data-subject requests: verified intake, the 3 × 24 hour limit, handling by the DPO, the
machine-readable export with the processing log, erasure that respects retained records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from melayani.applications.models import Application, ApplicationDocument
from melayani.audit.models import AuditEvent
from melayani.privacy import services
from melayani.privacy.codes import code_display
from melayani.privacy.models import Consent, RequestStatus, SubjectRequest
from tests.applications.workbench_factories import document_make
from tests.privacy.clients import client_for
from tests.privacy.factories import EMAIL, NIK, PHONE, citizen_application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _ask(client, world, application, *, kind="access", contact="0812 3456 7890", **extra):
    data = {"kind": kind, "code": application.tracking_code, "contact": contact, **extra}
    return client.post(reverse("privacy:request-new", args=[world.merauke.code]), data)


def test_request_from_intake_to_export_within_the_deadline(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = citizen_application(world)
    document_make(application)
    other = citizen_application(
        world,
        applicant_phone="+6281111111111",
        applicant_email="x@y.id",
        applicant_nik="",
        applicant_nik_index="",
    )
    # An official read it before: that read belongs in the processing log.
    client_for("officer", world).get(f"/kerja/{application.pk}/")

    started = timezone.now()
    response = _ask(client, world, application)
    assert response.status_code == 200
    req = SubjectRequest.objects.get()
    assert req.status == RequestStatus.RECEIVED and req.pemda == world.merauke
    # 3 × 24 hours on the platform's clock: wall-clock hours, weekends included.
    assert req.due_at - req.received_at == dt.timedelta(hours=72)
    body = response.content.decode()
    assert code_display(req.reference) in body and "3 × 24" in body

    dpo = client_for("dpo", world)
    detail = reverse("privacy:request", args=[world.merauke.code, req.reference])
    assert code_display(req.reference) in dpo.get(detail).content.decode()
    assert dpo.post(detail, {"step": "complete", "outcome": ""}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.COMPLETED
    assert req.completed_at <= req.due_at and req.completed_at >= started

    data = json.loads(req.export)
    assert data["format"] == "melayani.personal-data-export/1"
    by_type = {r["record_type"]: r for r in data["records"]}
    rows = by_type["applications.application"]["rows"]
    assert [r["id"] for r in rows] == [application.pk]  # not the other person's application
    assert rows[0]["applicant_nik"] == NIK and rows[0]["applicant_phone"] == PHONE
    assert "applicant_nik_index" not in rows[0]
    assert by_type["applications.applicationdocument"]["rows"][0]["original_name"] == "ktp.pdf"
    log = data["processing_log"]
    assert any(e["action"] == "personal_data.viewed_unmasked" for e in log)
    assert all(e["record_id"] != str(other.pk) for e in log)

    # The citizen downloads it with the reference and the contact they gave.
    status_url = reverse("privacy:request-status", args=[world.merauke.code])
    page = client.post(status_url, {"reference": req.reference, "contact": PHONE})
    assert page.status_code == 200 and "Completed" in page.content.decode()
    download = client.post(
        status_url, {"reference": req.reference, "contact": PHONE, "download": "1"}
    )
    assert download["Content-Type"] == "application/json"
    assert json.loads(download.content)["records"] == data["records"]


def test_the_dpos_reading_of_an_export_is_in_the_access_log(world):
    application = citizen_application(world)
    identity = services.SubjectIdentity(pemda_id=world.merauke.pk, phones=(PHONE,))
    req = services.subject_request_submit(
        pemda=world.merauke,
        kind="access",
        identity=identity,
        verified_by="tracking_code",
        contact=PHONE,
    )
    services.subject_request_export(actor=world["dpo"], request=req)
    before = AuditEvent.objects.filter(action="personal_data.viewed_unmasked").count()
    response = client_for("dpo", world).get(
        reverse("privacy:request-export", args=[world.merauke.code, req.reference])
    )
    assert response.status_code == 200 and NIK in response.content.decode()
    entries = AuditEvent.objects.filter(action="personal_data.viewed_unmasked").order_by("pk")
    assert entries.count() > before
    last = entries.last()
    assert last.target_id == str(application.pk) and last.context["reference"] == req.reference


@pytest.mark.parametrize(
    "code, contact",
    [
        ("forged", "0812 3456 7890"),  # not a code at all
        ("ZZZZ-ZZZZ-ZZ", "0812 3456 7890"),  # a code that does not exist
        (None, "0812 0000 0000"),  # the right code, someone else's phone
        (None, "other@example.id"),  # the right code, someone else's e-mail
    ],
)
def test_unverified_requests_are_refused_alike(client, world, code, contact):
    application = citizen_application(world)
    data = {"kind": "access", "code": code or application.tracking_code, "contact": contact}
    response = client.post(reverse("privacy:request-new", args=[world.merauke.code]), data)
    assert response.status_code == 400
    assert (
        "could not verify" in response.content.decode()
        or "A tracking code" in (response.content.decode())
        or "Check both" in response.content.decode()
    )
    assert not SubjectRequest.objects.exists()


def test_another_pemdas_application_does_not_verify_here(client, world):
    from tests.applications.workbench_factories import service_for

    jogja = citizen_application(world, service=service_for(world.jogja_dukcapil, code="jg"))
    wrong = _ask(client, world, jogja)
    unknown = client.post(
        reverse("privacy:request-new", args=[world.merauke.code]),
        {"kind": "access", "code": "ZZZZ-ZZZZ-ZZ", "contact": "0812 3456 7890"},
    )
    assert wrong.status_code == unknown.status_code == 400
    # The same message: nothing tells whether the code exists elsewhere.
    marker = "We could not verify this tracking code"
    assert marker in wrong.content.decode() and marker in unknown.content.decode()
    assert not SubjectRequest.objects.exists()


def test_a_repeated_request_is_refused_while_the_first_is_open(client, world):
    application = citizen_application(world)
    assert _ask(client, world, application).status_code == 200
    again = _ask(client, world, application, contact=EMAIL)
    assert again.status_code == 400
    assert "already being handled" in again.content.decode()
    assert SubjectRequest.objects.count() == 1
    # Another kind of request is a new request.
    assert _ask(client, world, application, kind="erasure").status_code == 200


def test_requests_are_rate_limited(client, world, settings):
    settings.API_TRACK_RATE = "3/m"
    for _ in range(3):
        client.post(reverse("privacy:request-new", args=[world.merauke.code]), {"kind": "access"})
    response = client.post(
        reverse("privacy:request-new", args=[world.merauke.code]), {"kind": "access"}
    )
    assert response.status_code == 429


def test_status_lookup_refuses_a_wrong_contact_like_an_unknown_reference(client, world):
    application = citizen_application(world)
    _ask(client, world, application)
    req = SubjectRequest.objects.get()
    url = reverse("privacy:request-status", args=[world.merauke.code])
    wrong = client.post(url, {"reference": req.reference, "contact": "0812 0000 0000"})
    unknown = client.post(url, {"reference": "ZZZZ-ZZZZ-ZZ", "contact": PHONE})
    assert wrong.status_code == unknown.status_code == 400
    for response in (wrong, unknown):
        body = response.content.decode()
        assert "We found no request with this reference and this contact." in body
        assert 'id="request-title"' not in body


def test_erasure_anonymises_kept_records_deletes_the_rest_and_shows_why(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = citizen_application(world, status="completed", completed_at=timezone.now())
    document = document_make(application)
    stored = tmp_path / document.file.name
    assert stored.exists()
    services.consent_give(pemda=world.merauke, purpose="whatsapp", contact=PHONE)
    identity = services.SubjectIdentity(pemda_id=world.merauke.pk, phones=(PHONE,), emails=(EMAIL,))
    req = services.subject_request_submit(
        pemda=world.merauke,
        kind="erasure",
        identity=identity,
        verified_by="tracking_code",
        contact=PHONE,
    )
    done = services.subject_request_complete(actor=world["dpo"], request=req)
    application = Application.objects.get(pk=application.pk)
    assert application.applicant_name == "—"
    assert application.applicant_phone == application.applicant_email == ""
    assert application.applicant_nik == "" and application.applicant_address == ""
    assert application.status == "completed"  # the record itself stays
    assert not ApplicationDocument.objects.filter(pk=document.pk).exists()
    assert not stored.exists()
    assert not Consent.objects.exists()  # consents are deleted (no reason to keep them)
    assert "archives the Pemda must keep" in done.outcome
    events = AuditEvent.objects.filter(
        action__in=["personal_data.anonymised", "personal_data.deleted"]
    )
    assert {e.target_type for e in events} >= {
        "applications.application",
        "applications.applicationdocument",
    }
    # Nothing of the person is left to find.
    again = services.subject_export(identity, world.merauke)
    assert [r["record_type"] for r in again["records"]] == []


def test_account_holders_ask_without_a_code_and_reach_only_their_account(client, world):
    citizen = world["citizen"]
    mine = citizen_application(world, applicant_user=citizen)
    someone = citizen_application(world)  # same phone, but not linked to the account
    client.force_login(citizen)
    response = client.post(
        reverse("privacy:request-new", args=[world.merauke.code]), {"kind": "access"}
    )
    assert response.status_code == 200
    req = SubjectRequest.objects.get()
    assert req.verified_by == "account" and req.requester_user == citizen
    data = services.subject_export(services.request_identity(req), world.merauke)
    rows = {r["record_type"]: r["rows"] for r in data["records"]}
    assert [r["id"] for r in rows["applications.application"]] == [mine.pk]
    assert someone.pk not in [r["id"] for r in rows["applications.application"]]


def test_only_the_pemdas_dpo_handles_requests(world):
    application = citizen_application(world)
    identity = services.SubjectIdentity(pemda_id=world.merauke.pk, phones=(PHONE,))
    req = services.subject_request_submit(
        pemda=world.merauke, kind="access", identity=identity, verified_by="tracking_code"
    )
    url = reverse("privacy:request", args=[world.merauke.code, req.reference])
    for persona in ("officer", "pemda_admin", "inspector", "platform_admin", "other_pemda_admin"):
        assert client_for(persona, world).get(url).status_code == 404, persona
        with pytest.raises(PermissionDenied):
            services.subject_request_complete(actor=world[persona], request=req)
    assert client_for("dpo", world).get(url).status_code == 200
    assert application.pk


def test_a_refusal_needs_a_reason_and_a_correction_an_outcome(world):
    identity = services.SubjectIdentity(pemda_id=world.merauke.pk, phones=(PHONE,))
    req = services.subject_request_submit(
        pemda=world.merauke,
        kind="correction",
        identity=identity,
        verified_by="tracking_code",
        details="Nama saya Yohanna, bukan Yohana",
    )
    with pytest.raises(services.PrivacyError):
        services.subject_request_refuse(actor=world["dpo"], request=req, reason=" ")
    with pytest.raises(services.PrivacyError):
        services.subject_request_complete(actor=world["dpo"], request=req, outcome="")
    req.refresh_from_db()
    assert req.status == RequestStatus.RECEIVED
    done = services.subject_request_complete(
        actor=world["dpo"], request=req, outcome="Nama diperbaiki oleh Dukcapil."
    )
    assert done.status == RequestStatus.COMPLETED and "diperbaiki" in done.outcome
    with pytest.raises(services.PrivacyError):
        services.subject_request_refuse(actor=world["dpo"], request=done, reason="late")


def test_withdrawal_by_account_reaches_consents_given_while_signed_in(world):
    citizen = world["citizen"]
    services.consent_give(pemda=world.merauke, purpose="whatsapp", contact=PHONE, user=citizen)
    req = services.subject_request_submit(
        pemda=world.merauke,
        kind="withdraw_consent",
        identity=services.SubjectIdentity(pemda_id=world.merauke.pk, user_id=citizen.pk),
        verified_by="account",
        requester=citizen,
    )
    done = services.subject_request_complete(actor=world["dpo"], request=req)
    assert "1" in done.outcome
    assert not Consent.objects.filter(withdrawn_at__isnull=True).exists()


def test_the_dpo_reading_what_a_requester_wrote_is_logged(world):
    req = services.subject_request_submit(
        pemda=world.merauke,
        kind="correction",
        identity=services.SubjectIdentity(pemda_id=world.merauke.pk, phones=(PHONE,)),
        verified_by="tracking_code",
        details="Alamat saya Jl. Kimaam 3",
    )
    url = reverse("privacy:request", args=[world.merauke.code, req.reference])
    assert "Kimaam" in client_for("dpo", world).get(url).content.decode()
    event = AuditEvent.objects.get(action="personal_data.viewed_unmasked")
    assert event.context["fields"] == ["details"] and "Kimaam" not in str(event.context)
