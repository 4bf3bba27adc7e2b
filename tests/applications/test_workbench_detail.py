"""One application on the workbench: who may open it, what they see, actions, notes, documents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from melayani.applications.models import (
    Application,
    ApplicationNote,
    ApplicationStatus,
    DeadlineExtension,
)
from melayani.audit.models import AuditEvent
from tests.applications.workbench_factories import (  # noqa: F401 — fixture
    PDF,
    Desk,
    application_make,
    desk_fixture,
    document_make,
)
from tests.core.factories import UserFactory, assign
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db


def url(application: Application, suffix: str = "") -> str:
    return f"/kerja/{application.pk}/{suffix}"


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def action_names(response) -> list[str]:
    return [item["transition"].name for item in response.context["actions"]]


# --- who may open it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("officer", {"submitted", "overdue"}),
        ("opd_head", {"submitted", "overdue", "parent"}),
        ("pemda_admin", {"submitted", "overdue", "parent", "dinkes"}),
        ("other_pemda_officer", {"jogja"}),
        ("citizen", set()),
        ("dpo", set()),
        ("liaison", set()),
    ],
)
def test_who_may_open_an_application_and_its_documents(desk: Desk, persona, allowed) -> None:
    client = client_for(persona, desk.world)
    for name in ("submitted", "overdue", "parent", "dinkes", "jogja"):
        application = getattr(desk, name)
        doc = document_make(application)
        expected = 200 if name in allowed else 404
        assert client.get(url(application)).status_code == expected, (persona, name)
        assert client.get(url(application, f"dokumen/{doc.pk}/")).status_code == expected


def test_visitors_are_sent_to_sign_in(desk: Desk) -> None:
    doc = document_make(desk.submitted)
    client = client_for("anonymous", desk.world)
    for path in (url(desk.submitted), url(desk.submitted, f"dokumen/{doc.pk}/")):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


# --- what they see -------------------------------------------------------------------------------


def test_handling_officer_sees_phone_but_a_masked_nik(desk: Desk) -> None:
    response = client_for("officer", desk.world).get(url(desk.submitted))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Yohana Gebze" in body
    assert "9301********0003" in body
    assert "9301011708900003" not in body
    assert "081234567890" in body  # they must be able to call
    assert "yohana@example.id" in body
    assert "Akta Kelahiran" in body


def test_a_viewer_who_does_not_handle_sees_contacts_masked(desk: Desk) -> None:
    body = client_for("pemda_admin", desk.world).get(url(desk.submitted)).content.decode()
    assert "Yohana Gebze" in body
    assert "081234567890" not in body
    assert "yohana@example.id" not in body
    assert "9301011708900003" not in body


def test_unmasked_nik_only_with_the_right_and_every_view_audited(desk: Desk) -> None:
    privileged = UserFactory(username="head_and_dpo")
    assign(privileged, "opd_head", opd=desk.world.dukcapil)
    assign(privileged, "dpo", pemda=desk.world.merauke)
    desk.world.personas["head_and_dpo"] = privileged
    before = AuditEvent.objects.filter(action="personal_data.viewed_unmasked").count()
    body = client_for("head_and_dpo", desk.world).get(url(desk.submitted)).content.decode()
    assert "9301011708900003" in body
    assert AuditEvent.objects.filter(action="personal_data.viewed_unmasked").count() == before + 1


def test_actions_offered_fit_the_status_and_the_role(desk: Desk) -> None:
    officer = client_for("officer", desk.world)
    head = client_for("opd_head", desk.world)
    assert action_names(officer.get(url(desk.submitted))) == ["claim", "verify", "return", "reject"]
    assert action_names(head.get(url(desk.submitted))) == [
        "claim",
        "assign",
        "verify",
        "return",
        "reject",
    ]
    assert action_names(officer.get(url(desk.overdue))) == ["claim", "complete", "return", "reject"]
    assert "extend" in action_names(head.get(url(desk.overdue)))
    done = application_make(desk.desk_service, status=ApplicationStatus.COMPLETED)
    assert action_names(officer.get(url(done))) == []
    assert action_names(client_for("pemda_admin", desk.world).get(url(desk.submitted))) == []


def test_the_detail_page_has_a_bounded_number_of_queries(desk: Desk) -> None:
    client = client_for("officer", desk.world)
    client.get(url(desk.submitted))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(desk.submitted)).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        document_make(desk.submitted, name=f"lampiran-{n}.pdf")
    client.post(url(desk.submitted, "catatan/"), {"note-text": "Satu"})
    client.post(url(desk.submitted, "catatan/"), {"note-text": "Dua"})
    assert count() == few


# --- transitions ---------------------------------------------------------------------------------


def test_verify_then_start_then_complete(desk: Desk) -> None:
    client = client_for("officer", desk.world)
    response = client.post(url(desk.submitted, "tindakan/verify/"))
    assert response.status_code == 302
    assert response["Location"] == url(desk.submitted)
    assert fresh(desk.submitted).status == ApplicationStatus.VERIFIED
    assert fresh(desk.submitted).due_at is not None
    client.post(url(desk.submitted, "tindakan/start/"))
    response = client.post(
        url(desk.submitted, "tindakan/complete/"), {"complete-message": "Silakan ambil di loket 2."}
    )
    assert response.status_code == 302
    assert fresh(desk.submitted).status == ApplicationStatus.COMPLETED
    page = client.get(url(desk.submitted), follow=True).content.decode()
    assert "Silakan ambil di loket 2." in page


def test_reject_needs_a_reason(desk: Desk) -> None:
    response = client_for("officer", desk.world).post(
        url(desk.submitted, "tindakan/reject/"), {"reject-reason": "  "}
    )
    assert response.status_code == 400
    assert response.context["failed"] == "reject"
    assert "There is a problem" in response.content.decode()
    assert fresh(desk.submitted).status == ApplicationStatus.SUBMITTED


def test_a_transition_the_status_does_not_allow_is_a_form_error(desk: Desk) -> None:
    response = client_for("officer", desk.world).post(url(desk.submitted, "tindakan/complete/"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "This is not possible while the application is “Submitted”." in body
    assert "Traceback" not in body
    assert fresh(desk.submitted).status == ApplicationStatus.SUBMITTED


def test_a_refusal_by_the_service_is_a_form_error(desk: Desk) -> None:
    response = client_for("officer", desk.world).post(
        url(desk.overdue, "tindakan/extend/"),
        {"extend-amount": "3", "extend-unit": "working_days", "extend-reason": "Blanko habis"},
    )
    assert response.status_code == 400
    assert "You may not do this for this application." in response.content.decode()
    assert not DeadlineExtension.objects.filter(application=desk.overdue).exists()


def test_the_head_extends_the_deadline_with_a_reason(desk: Desk) -> None:
    before = fresh(desk.overdue).due_at
    response = client_for("opd_head", desk.world).post(
        url(desk.overdue, "tindakan/extend/"),
        {"extend-amount": "3", "extend-unit": "working_days", "extend-reason": "Blanko habis"},
    )
    assert response.status_code == 302
    assert DeadlineExtension.objects.get(application=desk.overdue).reason == "Blanko habis"
    assert fresh(desk.overdue).due_at != before


def test_return_with_a_reason_and_the_head_assigns(desk: Desk) -> None:
    head = client_for("opd_head", desk.world)
    officer = desk.world["officer"]
    response = head.post(url(desk.submitted, "tindakan/assign/"), {"assign-officer": officer.pk})
    assert response.status_code == 302
    assert fresh(desk.submitted).assigned_to == officer
    response = head.post(
        url(desk.submitted, "tindakan/return/"), {"return-reason": "Foto KTP buram"}
    )
    assert response.status_code == 302
    assert fresh(desk.submitted).status == ApplicationStatus.RETURNED


def test_unknown_actions_and_get_requests_are_refused(desk: Desk) -> None:
    client = client_for("officer", desk.world)
    assert client.post(url(desk.submitted, "tindakan/delete/")).status_code == 404
    assert client.get(url(desk.submitted, "tindakan/verify/")).status_code == 405
    assert (
        client_for("other_pemda_officer", desk.world)
        .post(url(desk.submitted, "tindakan/verify/"))
        .status_code
        == 404
    )
    assert fresh(desk.submitted).status == ApplicationStatus.SUBMITTED


# --- notes and the timeline ----------------------------------------------------------------------


def test_internal_and_citizen_visible_notes_on_the_timeline(desk: Desk) -> None:
    client = client_for("officer", desk.world)
    client.post(url(desk.submitted, "catatan/"), {"note-text": "Cek ke kelurahan dulu"})
    client.post(
        url(desk.submitted, "catatan/"),
        {"note-text": "Mohon bawa KK asli", "note-visible_to_citizen": "on"},
    )
    notes = {n.text: n.visible_to_citizen for n in ApplicationNote.objects.all()}
    assert notes == {"Cek ke kelurahan dulu": False, "Mohon bawa KK asli": True}
    timeline = client.get(url(desk.submitted)).context["timeline"]
    badges = {item["body"].split(" — ")[0]: item["badge"]["label"] for item in timeline}
    assert badges["Cek ke kelurahan dulu"] == "Internal"
    titles = {item["body"].split(" — ")[0]: item["title"] for item in timeline}
    assert titles["Cek ke kelurahan dulu"] == "Internal note"
    assert badges["Mohon bawa KK asli"] == "Visible to the applicant"


def test_an_empty_note_and_a_note_by_a_mere_viewer_are_refused(desk: Desk) -> None:
    response = client_for("officer", desk.world).post(url(desk.submitted, "catatan/"), {})
    assert response.status_code == 400
    assert response.context["failed"] == "note"
    response = client_for("pemda_admin", desk.world).post(
        url(desk.submitted, "catatan/"), {"note-text": "Halo"}
    )
    assert response.status_code == 400
    assert "You may not do this for this application." in response.content.decode()
    assert not ApplicationNote.objects.exists()


# --- documents -----------------------------------------------------------------------------------


def test_document_download_headers(desk: Desk) -> None:
    doc = document_make(desk.submitted, name="KTP Yohana.pdf")
    response = client_for("officer", desk.world).get(url(desk.submitted, f"dokumen/{doc.pk}/"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "KTP Yohana.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_document_is_reached_only_through_its_own_application(desk: Desk) -> None:
    other = document_make(desk.overdue)
    client = client_for("officer", desk.world)
    # The officer may see both applications, but not one's document under the other's address.
    assert client.get(url(desk.submitted, f"dokumen/{other.pk}/")).status_code == 404
    assert client.get(url(desk.submitted, "dokumen/999999/")).status_code == 404


def test_a_missing_file_is_not_found_not_an_error(desk: Desk) -> None:
    doc = document_make(desk.submitted)
    doc.file.storage.delete(doc.file.name)
    response = client_for("officer", desk.world).get(url(desk.submitted, f"dokumen/{doc.pk}/"))
    assert response.status_code == 404


def test_a_one_button_action_that_fails_says_why_at_the_top(desk: Desk) -> None:
    officer = client_for("officer", desk.world)
    taken = application_make(desk.desk_service, assigned_to=desk.world["opd_head"])
    response = client_for("officer", desk.world).post(url(taken, "tindakan/claim/"))
    assert response.status_code == 400
    assert response.context["failed_form"].non_field_errors() == [
        "Another officer already handles this application."
    ]
    assert "Another officer already handles this application." in response.content.decode()
    assert fresh(taken).assigned_to == desk.world["opd_head"]
    assert officer.get(url(taken)).status_code == 200


def test_a_description_and_map_point_only_for_those_who_handle(desk: Desk) -> None:
    Application.objects.filter(pk=desk.submitted.pk).update(
        location_lat=Decimal("-8.493200"), location_long=Decimal("140.401800")
    )
    application = fresh(desk.submitted)
    application.description = "Rumah di belakang pasar"  # encrypted: saved through the model
    application.save(update_fields=["description"])
    before = AuditEvent.objects.filter(action="personal_data.viewed_unmasked").count()
    body = client_for("officer", desk.world).get(url(application)).content.decode()
    assert "Rumah di belakang pasar" in body and "-8.493200, 140.401800" in body
    logged = AuditEvent.objects.filter(action="personal_data.viewed_unmasked").order_by("pk")
    assert logged.count() == before + 1
    assert {"description", "location_lat", "location_long"} <= set(logged.last().context["fields"])
    other = client_for("pemda_admin", desk.world).get(url(application)).content.decode()
    assert "Rumah di belakang pasar" not in other and "140.401800" not in other
