"""The state machine: every transition audited, deadlines from the working-day clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from melayani.audit.models import AuditEvent
from melayani.complaints import services
from melayani.complaints.deadlines import rule_for
from melayani.complaints.models import (
    Complaint,
    ComplaintStatus,
    DeadlineRule,
    ResponseStatus,
    Stage,
)
from melayani.complaints.services import TRANSITIONS, TransitionError
from melayani.core.events import subscribe
from tests.complaints.factories import report

pytestmark = pytest.mark.django_db
WIT = ZoneInfo("Asia/Jayapura")
S = ComplaintStatus


def _audited(complaint: Complaint) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="complaints.complaint", target_id=str(complaint.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_verification_deadline_skips_nyepi_and_lebaran(cw):
    # Tue 17 March 2026: then cuti bersama (18), Nyepi (19), cuti bersama (20), the weekend and
    # Idul Fitri (21-22), cuti bersama (23, 24): the 3rd working day after is Fri 27 March.
    with time_machine.travel(dt.datetime(2026, 3, 17, 10, tzinfo=WIT), tick=False):
        complaint = report(cw.merauke)
    assert complaint.stage == Stage.VERIFICATION
    assert complaint.due_at == dt.datetime(2026, 3, 27, 16, tzinfo=WIT)


def test_national_defaults_are_data_and_a_pemda_can_override(cw):
    day = dt.date(2026, 3, 2)
    national = rule_for(pemda=cw.merauke, stage=Stage.FOLLOW_UP, on=day)
    assert (national.value, national.unit, national.pemda_id) == (5, "working_days", None)
    info = rule_for(
        pemda=cw.merauke, stage=Stage.FOLLOW_UP, classification="information_request", on=day
    )
    assert (info.value, info.unit) == (10, "working_days")
    dispute = rule_for(pemda=cw.merauke, stage=Stage.DISPUTE, tier="field_check", on=day)
    assert (dispute.value, dispute.unit) == (60, "calendar_days")
    DeadlineRule.objects.create(
        pemda=cw.merauke,
        stage=Stage.FOLLOW_UP,
        value=7,
        unit="working_days",
        clock_start="disposed",
        valid_from=dt.date(2026, 1, 1),
    )
    assert rule_for(pemda=cw.merauke, stage=Stage.FOLLOW_UP, on=day).value == 7
    assert rule_for(pemda=cw.yogyakarta, stage=Stage.FOLLOW_UP, on=day).value == 5
    assert rule_for(pemda=cw.merauke, stage=Stage.REVIEW, on=day) is None


def test_full_path_to_closed_with_audit_and_event(cw, django_capture_on_commit_callbacks):
    coordinator, liaison = cw["complaint_coordinator"], cw["liaison"]
    closed = []
    subscribe("complaints.closed", closed.append)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=WIT), tick=False):
        complaint = report(cw.merauke)
        services.complaint_classify(
            actor=coordinator,
            complaint=complaint,
            classification="complaint",
            category="Adminduk",
            tags=["ktp"],
            edited_title="KTP elektronik terlambat",
        )
        services.complaint_verify(actor=coordinator, complaint=complaint)
        assert complaint.stage == Stage.FORWARDING
        assert complaint.due_at == dt.datetime(2026, 3, 5, 16, tzinfo=WIT)
        services.complaint_dispose(actor=coordinator, complaint=complaint, opds=[cw.dukcapil])
    assert complaint.status == S.ASSIGNED
    disposition = complaint.dispositions.get()
    # 5 working days from Mon 2 March: Mon 9 March at closing time.
    assert disposition.due_at == dt.datetime(2026, 3, 9, 16, tzinfo=WIT)
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, tzinfo=WIT), tick=False):
        response = services.complaint_answer(
            actor=liaison, complaint=complaint, text="KTP Anda sudah dicetak dan dapat diambil."
        )
    complaint.refresh_from_db()
    assert complaint.status == S.FOLLOWED_UP and response.status == ResponseStatus.PENDING
    with time_machine.travel(dt.datetime(2026, 3, 4, 11, tzinfo=WIT), tick=False):
        services.complaint_review(
            actor=coordinator, complaint=complaint, response=response, approve=True
        )
    assert complaint.status == S.AWAITING_REPORTER and complaint.stage == Stage.AUTO_CLOSE
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_reporter_reply(complaint=complaint, decision="accept")
    assert complaint.status == S.CLOSED
    assert closed and closed[-1].payload["complaint_id"] == complaint.pk
    assert complaint.title == "KTP belum selesai dua minggu"  # the original is kept
    assert _audited(complaint) == [
        "complaint.submit",
        "complaint.classify",
        "complaint.verify",
        "complaint.dispose",
        "complaint.answer",
        "complaint.followed_up",
        "complaint.answer_approved",
        "complaint.answer_sent",
        "complaint.accept",
    ]


def test_dispute_reopens_with_the_dispute_limit_and_auto_close(cw):
    coordinator, liaison = cw["complaint_coordinator"], cw["liaison"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=WIT), tick=False):
        complaint = report(cw.merauke)
        services.complaint_dispose(actor=coordinator, complaint=complaint, opds=[cw.dukcapil])
        response = services.complaint_answer(
            actor=liaison, complaint=complaint, text="Sudah kami selesaikan, silakan cek lagi."
        )
        services.complaint_review(
            actor=coordinator, complaint=complaint, response=response, approve=True
        )
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, tzinfo=WIT), tick=False):
        services.complaint_reporter_reply(
            complaint=complaint, decision="dispute", message="Belum, KTP saya masih belum ada."
        )
    complaint.refresh_from_db()
    assert complaint.status == S.ASSIGNED and complaint.dispute_count == 1
    assert complaint.stage == Stage.DISPUTE
    # 14 calendar days (no field check): end of Tue 17 March.
    assert complaint.due_at == dt.datetime(2026, 3, 17, 23, 59, 59, 999999, tzinfo=WIT)
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, tzinfo=WIT), tick=False):
        again = services.complaint_answer(
            actor=liaison, complaint=complaint, text="KTP sudah dikirim ke kantor distrik Anda."
        )
        services.complaint_review(
            actor=coordinator, complaint=complaint, response=again, approve=True
        )
    complaint.refresh_from_db()
    # The quiet period runs from the answer; the job closes the report only after it.
    due = complaint.due_at
    assert complaint.status == S.AWAITING_REPORTER and due is not None
    not_yet = services.complaints_escalate_due(now=due - dt.timedelta(minutes=1))
    assert not_yet.auto_closed == 0
    done = services.complaints_escalate_due(now=due + dt.timedelta(minutes=1))
    assert done.auto_closed == 1
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED
    assert services.complaints_escalate_due(now=due + dt.timedelta(days=1)).auto_closed == 0


def test_quiet_period_is_ten_working_days(cw):
    coordinator = cw["complaint_coordinator"]
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, tzinfo=WIT), tick=False):
        complaint = report(cw.merauke, classification="information_request")
        services.complaint_verify(actor=coordinator, complaint=complaint)
        services.complaint_answer(
            actor=coordinator, complaint=complaint, text="Informasi jadwal layanan: Senin-Jumat."
        )
    complaint.refresh_from_db()
    # Thu 5 March + 10 working days, skipping cuti bersama, Nyepi and Idul Fitri (18-24 March):
    # 6, 9, 10, 11, 12, 13, 16, 17, 25, 26 → Thu 26 March at closing time.
    assert complaint.due_at == dt.datetime(2026, 3, 26, 16, tzinfo=WIT)


def test_not_allowed_transitions_and_reasons(cw):
    coordinator = cw["complaint_coordinator"]
    complaint = report(cw.merauke)
    with pytest.raises(TransitionError):
        services.complaint_reporter_reply(complaint=complaint, decision="accept")
    with pytest.raises(ValidationError):
        services.complaint_archive(
            actor=coordinator, complaint=complaint, archive_reason="spam", reason="  "
        )
    assert Complaint.objects.get(pk=complaint.pk).status == S.RECEIVED
    services.complaint_archive(
        actor=coordinator, complaint=complaint, archive_reason="spam", reason="Iklan"
    )
    with pytest.raises(TransitionError):
        services.complaint_verify(actor=coordinator, complaint=complaint)
    assert TRANSITIONS[S.ARCHIVED] == frozenset()


def test_hold_and_resume(cw):
    coordinator = cw["complaint_coordinator"]
    complaint = report(cw.merauke)
    services.complaint_hold(actor=coordinator, complaint=complaint, reason="Menunggu foto")
    assert complaint.status == S.ON_HOLD and complaint.due_at is None
    services.complaint_resume(actor=coordinator, complaint=complaint)
    assert complaint.status == S.RECEIVED and complaint.due_at is not None


def test_not_our_authority_forwards_to_another_pemda(cw):
    complaint = report(cw.merauke)
    services.complaint_not_our_authority(
        actor=cw["complaint_coordinator"],
        complaint=complaint,
        reason="Jalan provinsi",
        target_pemda=cw.yogyakarta,
    )
    assert complaint.status == S.FORWARDED and complaint.forwarded_to == cw.yogyakarta
    copy = Complaint.objects.get(forwarded_from=complaint)
    assert copy.pemda == cw.yogyakarta and copy.status == S.RECEIVED
    assert copy.tracking_code != complaint.tracking_code
    national = report(cw.merauke)
    services.complaint_not_our_authority(
        actor=cw["complaint_coordinator"], complaint=national, reason="Urusan kementerian"
    )
    assert national.forwarded_national and national.status == S.FORWARDED


def test_only_coordinators_act(cw):
    complaint = report(cw.merauke)
    for persona in ("liaison", "officer", "pemda_admin", "other_pemda_admin", "inspector"):
        with pytest.raises(PermissionError):
            services.complaint_verify(actor=cw[persona], complaint=complaint)
    with pytest.raises(PermissionError):
        services.complaint_answer(
            actor=cw["liaison"], complaint=complaint, text="Jawaban yang tidak boleh dikirim."
        )


def test_review_can_return_an_answer_to_the_unit(cw):
    coordinator, liaison = cw["complaint_coordinator"], cw["liaison"]
    complaint = report(cw.merauke)
    services.complaint_dispose(actor=coordinator, complaint=complaint, opds=[cw.dukcapil])
    response = services.complaint_answer(
        actor=liaison, complaint=complaint, text="Jawaban pertama yang belum lengkap."
    )
    with pytest.raises(ValidationError):
        services.complaint_review(
            actor=coordinator, complaint=complaint, response=response, approve=False
        )
    services.complaint_review(
        actor=coordinator, complaint=complaint, response=response, approve=False, note="Lengkapi"
    )
    assert complaint.status == S.ASSIGNED
    response.refresh_from_db()
    assert response.status == ResponseStatus.RETURNED
    services.complaint_answer(
        actor=liaison, complaint=complaint, text="Jawaban kedua yang sudah lengkap sekali."
    )
    complaint.refresh_from_db()
    assert complaint.status == S.FOLLOWED_UP


def test_two_units_both_answer_before_review(cw):
    coordinator = cw["complaint_coordinator"]
    complaint = report(cw.merauke)
    services.complaint_dispose(
        actor=coordinator, complaint=complaint, opds=[cw.dukcapil, cw.dinkes]
    )
    services.complaint_answer(
        actor=cw["liaison"], complaint=complaint, text="Bagian Dukcapil sudah ditindaklanjuti."
    )
    complaint.refresh_from_db()
    assert complaint.status == S.ASSIGNED
    services.complaint_answer(
        actor=coordinator, complaint=complaint, text="Koordinator menjawab langsung semuanya."
    )
    complaint.refresh_from_db()
    assert complaint.status == S.AWAITING_REPORTER


def test_a_report_links_the_service_and_the_reporters_own_application(cw):
    from tests.applications.workbench_factories import application_make
    from tests.catalog.factories import published_service

    service = published_service(cw.dukcapil, code="akta-lahir")
    application = application_make(service, applicant_phone="+6281244556677")
    complaint = report(
        cw.merauke, service_code="akta-lahir", application_code=application.tracking_code
    )
    assert complaint.application == application and complaint.service == service
    assert complaint.concerned_opd == cw.dukcapil
    # Someone else's application (other contact), or another Pemda's code: refused alike.
    with pytest.raises(ValidationError) as refused:
        report(
            cw.merauke,
            application_code=application.tracking_code,
            reporter_phone="0813-9999-0000",
            reporter_email="",
        )
    assert "application_code" in refused.value.error_dict
    with pytest.raises(ValidationError) as unknown:
        report(cw.yogyakarta, application_code=application.tracking_code)
    assert "application_code" in unknown.value.error_dict
    with pytest.raises(ValidationError):
        report(cw.merauke, service_code="tidak-ada")
