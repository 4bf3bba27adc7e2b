"""Submission: validation, documents, idempotency, tracking codes, notifications after commit."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from melayani.applications import selectors, services
from melayani.applications.models import Application, ApplicationDocument
from melayani.applications.notifications import RecordingSender, using_sender
from melayani.applications.tracking import (
    ALPHABET,
    tracking_code_display,
    tracking_code_new,
    tracking_code_normalize,
)
from melayani.core.models import IdempotencyKey
from tests.applications.factories import (
    EMAIL,
    NIK,
    PDF,
    PHONE,
    PNG,
    pdf,
    service_make,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(world):
    return service_make(world.dukcapil_service_desk)


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return {k: [e.code for e in v] for k, v in refused.value.error_dict.items()}


def test_submit_stores_everything(world, service):
    app = submit(service, idempotency_key="k1")
    assert len(app.tracking_code) == 10 and set(app.tracking_code) <= set(ALPHABET)
    assert app.status == "submitted" and app.standard == service.standards.get()
    assert app.applicant_phone == PHONE and app.applicant_email == EMAIL
    assert app.applicant_nik == NIK and app.applicant_nik_index
    assert app.answers == {
        "nama-anak": "Maria Gebze",
        "tanggal-lahir": "2026-10-01",
        "jenis-kelamin": "Perempuan",
    }
    assert json.loads(app.answers_private) == {"telepon": "+6281234567891"}  # encrypted at rest
    document = app.documents.get()
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    assert document.original_name == "ktp.pdf" and "ktp" not in document.file.name
    assert document.file.read() == PDF
    answers = {a.key: a.value for a in selectors.application_answers(app)}
    assert answers["nik-pelapor"] == NIK and answers["telepon"] == "+6281234567891"


def test_same_idempotency_key_stores_once(world, service):
    first = submit(service, idempotency_key="retry-1")
    again = submit(service, idempotency_key="retry-1")
    assert again.pk == first.pk
    assert Application.objects.count() == 1 and ApplicationDocument.objects.count() == 1
    assert IdempotencyKey.objects.filter(key="retry-1").count() == 1
    # The same key for a different application is refused, not answered with the old one.
    assert "idempotency_key" in errors_of(
        lambda: submit(service, idempotency_key="retry-1", data={"nama-anak": "Lain"})
    )
    other = submit(service, idempotency_key="retry-2")
    assert other.pk != first.pk


def test_missing_fields(world, service):
    errors = errors_of(lambda: services.application_submit(service=service, data={}, files={}))
    assert {"applicant_name", "applicant_nik", "nama-anak", "ktp"} <= set(errors)
    assert not Application.objects.exists()


def test_phone_or_email_required(world, service):
    errors = errors_of(lambda: submit(service, data={"applicant_phone": "", "applicant_email": ""}))
    assert errors == {"applicant_phone": ["contact_required"]}


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("ktp.pdf", b"<html><script>alert(1)</script>"), "file_type"),
        (SimpleUploadedFile("ktp.pdf", PNG), "file_type_mismatch"),
        (SimpleUploadedFile("ktp.exe", PDF), "file_type_mismatch"),
        (SimpleUploadedFile("ktp.pdf", b""), "empty"),
        (SimpleUploadedFile("ktp.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024)), "file_too_large"),
    ],
)
def test_bad_documents_are_refused_by_content(world, service, upload, code):
    errors = errors_of(lambda: submit(service, files={"ktp": upload}))
    assert errors == {"ktp": [code]}
    assert not Application.objects.exists() and not ApplicationDocument.objects.exists()


def test_png_accepted_when_named_png(world, service):
    app = submit(service, files={"ktp": SimpleUploadedFile("foto.PNG", PNG)})
    assert app.documents.get().content_type == "image/png"


def test_service_without_online_applications(world):
    service = service_make(world.dukcapil_service_desk, accepts_online=False)
    with pytest.raises(ValidationError):
        submit(service)


def test_tracking_codes():
    codes = {tracking_code_new() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(not set(c) & set("ILOU") for c in codes)
    assert tracking_code_display("K7PMQ4XD2R") == "K7PM-Q4XD-2R"
    assert tracking_code_normalize(" k7pm-q4xd 2r ") == "K7PMQ4XD2R"
    assert tracking_code_normalize("O1IL-0000-00") == "0111000000"
    assert tracking_code_normalize("K7PM-Q4XD") == ""
    assert tracking_code_normalize("K7PM-Q4XD-2U") == ""


def test_track_by_code_and_contact(world, service):
    app = submit(service)
    shown = tracking_code_display(app.tracking_code).lower()
    assert selectors.application_track(tracking_code=shown, contact="0812 3456 7890") == app
    assert selectors.application_track(tracking_code=shown, contact="YOHANA@example.id") == app
    for code, contact in [
        (shown, "0812 0000 0000"),
        (shown, "other@example.id"),
        ("ZZZZ-ZZZZ-ZZ", "0812 3456 7890"),
        ("nonsense", "0812 3456 7890"),
        (shown, ""),
    ]:
        with pytest.raises(Application.DoesNotExist):
            selectors.application_track(tracking_code=code, contact=contact)


def test_notifications_after_commit_only(
    world, service, mailoutbox, django_capture_on_commit_callbacks
):
    sender = RecordingSender()
    with using_sender(sender):
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    submit(service)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        assert mailoutbox == [] and sender.messages == []
        assert not Application.objects.exists()

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            app = submit(service)
        assert mailoutbox == [] and sender.messages == []  # nothing before the commit
        for callback in callbacks:
            callback()
    code = tracking_code_display(app.tracking_code)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [EMAIL] and code in mailoutbox[0].subject
    assert [m.to for m in sender.messages] == [PHONE] and code in sender.messages[0].text
    assert NIK not in mailoutbox[0].body and NIK not in sender.messages[0].text


def test_every_citizen_visible_change_is_told(
    world, service, mailoutbox, django_capture_on_commit_callbacks
):
    officer = world["officer"]
    with django_capture_on_commit_callbacks(execute=True):
        app = submit(service)
        services.application_verify(actor=officer, application=app)
        services.application_claim(actor=officer, application=app)  # internal: not told
        services.application_note_add(
            actor=officer, application=app, text="internal", visible_to_citizen=False
        )
        services.application_start(actor=officer, application=app)
        services.application_return(actor=officer, application=app, reason="KTP buram")
        services.application_resubmit(application=app, data={}, files={"ktp": pdf()})
        services.application_complete(actor=officer, application=app)
    # Six changes, then the satisfaction survey's invitation that completion sets off.
    assert len(mailoutbox) == 7
    assert "KTP buram" in mailoutbox[3].body
    assert "/survei/i/" in mailoutbox[6].body
    assert app.documents.count() == 2


def test_correction_must_bring_something(world, service):
    app = submit(service)
    services.application_return(actor=world["officer"], application=app, reason="x")
    with pytest.raises(ValidationError):
        services.application_resubmit(application=app, data={}, files={})
    with pytest.raises(ValidationError):
        services.application_resubmit(
            application=app, data={}, files={"ktp": SimpleUploadedFile("ktp.pdf", b"MZ...")}
        )
    assert Application.objects.get(pk=app.pk).status == "returned"


def test_a_failed_submission_leaves_no_file_in_storage(world, service, monkeypatch, settings):
    stored_names = []
    real_save = ApplicationDocument.save

    def save_then_fail(self, *args, **kwargs):
        stored_names.append(self.file.name)
        assert self.file.storage.exists(self.file.name)  # the file was written before the row
        raise RuntimeError("database went away")

    monkeypatch.setattr(ApplicationDocument, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        submit(service)
    monkeypatch.setattr(ApplicationDocument, "save", real_save)
    assert stored_names and not Application.objects.exists()
    storage = ApplicationDocument._meta.get_field("file").storage
    assert not any(storage.exists(name) for name in stored_names)
