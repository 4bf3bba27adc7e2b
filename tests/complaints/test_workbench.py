"""The coordinator's workbench, a unit's follow-up and the Inspektorat's view, over HTTP."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from melayani.audit.models import AuditEvent
from melayani.complaints import selectors, services
from melayani.complaints.models import ArchiveReason, Complaint, ComplaintStatus
from melayani.core.ratelimit import parse_rate
from tests.complaints.factories import report, report_data
from tests.core.test_tenancy_matrix import client_for

pytestmark = pytest.mark.django_db
S = ComplaintStatus


def _act(client, complaint, action, data=None):
    url = reverse("complaints:act", kwargs={"pk": complaint.pk, "action": action})
    return client.post(url, data or {})


def test_coordinator_classifies_disposes_reviews(cw):
    coordinator = client_for("complaint_coordinator", cw)
    complaint = report(cw.merauke)
    queue = coordinator.get(reverse("complaints:queue"))
    assert complaint.title in queue.content.decode()
    response = _act(
        coordinator,
        complaint,
        "classify",
        {
            "classify-classification": "complaint",
            "classify-category": "Adminduk",
            "classify-tags": "ktp, loket",
            "classify-tier": "standard",
            "classify-edited_title": "Penerbitan KTP-el terlambat",
            "classify-is_anonymous": "on",
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.edited_title == "Penerbitan KTP-el terlambat" and complaint.is_anonymous
    assert complaint.title == "KTP belum selesai dua minggu" and complaint.tags == ["ktp", "loket"]
    bad = _act(coordinator, complaint, "dispose", {"dispose-opds": [str(cw.jogja_dukcapil.pk)]})
    assert bad.status_code == 400
    ok = _act(coordinator, complaint, "dispose", {"dispose-opds": [str(cw.dukcapil.pk)]})
    assert ok.status_code == 302
    liaison = client_for("liaison", cw)
    page = liaison.get(reverse("complaints:detail", kwargs={"pk": complaint.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "Maria" not in html  # anonymous to the unit
    short = _act(liaison, complaint, "answer", {"answer-text": "pendek"})
    assert short.status_code == 400
    done = _act(liaison, complaint, "answer", {"answer-text": "KTP-el sudah dicetak hari ini."})
    assert done.status_code == 302
    assert _act(liaison, complaint, "verify").status_code == 403
    reviewed = _act(coordinator, complaint, "review", {"review-decision": "approve"})
    assert reviewed.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.AWAITING_REPORTER


def test_reclassified_whistleblowing_leaves_the_coordinator(cw):
    coordinator = client_for("complaint_coordinator", cw)
    complaint = report(cw.merauke, concerned_opd=str(cw.dukcapil.pk))
    _act(coordinator, complaint, "dispose", {"dispose-opds": [str(cw.dukcapil.pk)]})
    response = _act(
        coordinator,
        complaint,
        "classify",
        {"classify-classification": "whistleblowing", "classify-tier": "standard"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("complaints:queue")
    detail = reverse("complaints:detail", kwargs={"pk": complaint.pk})
    assert coordinator.get(detail).status_code == 404
    assert client_for("liaison", cw).get(detail).status_code == 404
    inspector = client_for("inspector", cw)
    page = inspector.get(detail)
    assert page.status_code == 200 and "Maria Gebze" in page.content.decode()
    complaint.refresh_from_db()
    assert complaint.is_confidential and not complaint.dispositions.filter(is_active=True)
    # The Inspektorat handles it: answers directly.
    answered = _act(
        inspector, complaint, "answer", {"answer-text": "Inspektorat telah memeriksa laporan."}
    )
    assert answered.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.AWAITING_REPORTER


def test_officer_enters_a_walk_in_report_with_its_channel(cw):
    coordinator = client_for("complaint_coordinator", cw)
    url = reverse("complaints:enter")
    assert coordinator.get(url).status_code == 200
    assert client_for("liaison", cw).get(url).status_code == 404
    data = {**report_data(), "channel": "desk", "pemda_code": "93.01"}
    response = coordinator.post(url, data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == "desk" and complaint.entered_by == cw["complaint_coordinator"]
    missing = coordinator.post(url, {**report_data(), "pemda_code": "93.01"})
    assert missing.status_code == 400  # the channel is required
    foreign = coordinator.post(url + "?pemda=34.71", data)
    assert foreign.status_code == 404


def test_export_is_the_visible_queue(cw):
    report(cw.merauke, title="Laporan Merauke satu")
    report(cw.yogyakarta, title="Laporan Yogyakarta dua")
    response = client_for("complaint_coordinator", cw).get(reverse("complaints:export"))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    text = " ".join(str(c) for r in book.active.iter_rows(values_only=True) for c in r if c)
    assert "Merauke satu" in text and "Yogyakarta dua" not in text
    assert "4455" not in text and "9301014506900003" not in text


@pytest.mark.parametrize("persona", ["complaint_coordinator", "liaison"])
def test_queue_query_count_is_bounded(cw, persona, django_assert_max_num_queries):
    for i in range(8):
        complaint = report(cw.merauke, title=f"Laporan nomor {i} soal jalan")
        services.complaint_dispose(
            actor=cw["complaint_coordinator"], complaint=complaint, opds=[cw.dukcapil]
        )
    client = client_for(persona, cw)
    client.get(reverse("complaints:queue"))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("complaints:queue"))
    assert response.status_code == 200 and response.content.decode().count("soal jalan") == 8


def test_duplicates_suggested_and_merged(cw):
    coordinator = cw["complaint_coordinator"]
    first = report(cw.merauke, title="Jalan berlubang di Jalan Ahmad Yani")
    second = report(cw.merauke, title="Jalan berlubang di Jalan Ahmad Yani!")
    unrelated = report(
        cw.merauke,
        title="Pertanyaan jadwal vaksin",
        text="Kapan jadwal vaksinasi anak di puskesmas kota bulan depan ya?",
        reporter_phone="0813-1111-2222",
        reporter_email="lain@example.com",
        reporter_nik=None,
    )
    found = selectors.complaint_duplicates(user=coordinator, complaint=second)
    assert [c.complaint for c in found] == [first]
    assert "same reporter" in found[0].reasons and "similar text" in found[0].reasons
    assert selectors.complaint_duplicates(user=cw["liaison"], complaint=second) == []
    client = client_for("complaint_coordinator", cw)
    page = client.get(reverse("complaints:detail", kwargs={"pk": second.pk})).content.decode()
    assert first.tracking_code in page and unrelated.tracking_code not in page
    merged = _act(
        client, second, "merge", {"merge-into_code": first.tracking_code, "merge-reason": "Sama"}
    )
    assert merged.status_code == 302
    second.refresh_from_db()
    assert second.status == S.MERGED and second.merged_into == first


def test_spam_is_archived_with_reason_and_audited(cw):
    complaint = report(cw.merauke, title="Beli obat murah klik di sini")
    services.complaint_archive(
        actor=cw["complaint_coordinator"],
        complaint=complaint,
        archive_reason=ArchiveReason.SPAM,
        reason="Iklan",
    )
    event = AuditEvent.objects.get(action="complaint.archive")
    assert event.context["archive_reason"] == "spam"


def test_public_intake_is_rate_limited(cw, settings):
    settings.API_SUBMIT_RATE = "2/m"
    client = client_for("anonymous", cw)
    url = reverse("complaints:submit", kwargs={"pemda_code": "93.01"})
    codes = [
        client.post(url, report_data(title=f"Judul nomor {i} ya")).status_code for i in range(3)
    ]
    assert codes == [302, 302, 429]
    assert parse_rate("2/m") == (2, 60)


def test_unit_statistics(cw):
    coordinator, liaison = cw["complaint_coordinator"], cw["liaison"]
    for i in range(3):
        complaint = report(cw.merauke, title=f"Laporan statistik {i} ya")
        services.complaint_dispose(actor=coordinator, complaint=complaint, opds=[cw.dukcapil])
        if i < 2:
            services.complaint_answer(
                actor=liaison, complaint=complaint, text="Sudah ditindaklanjuti oleh Dukcapil."
            )
    secret = report(cw.merauke, classification="whistleblowing", concerned_opd=str(cw.dukcapil.pk))
    assert secret.is_confidential
    stats = selectors.unit_statistics(cw.merauke)
    assert len(stats) == 1
    row = stats[0]
    assert row.unit == cw.dukcapil.name and row.total == 3
    assert row.by_class == {"Complaint": 3}
    assert row.follow_up.count == 2 and row.on_time_share == 100
    assert row.verification.count == 3 and row.verification.p90 is not None
    assert row.disputed_share == 0
    start = dt.date(2020, 1, 1)
    end = dt.date(2100, 1, 1)
    from melayani.core import metrics

    value = metrics.compute(
        "complaints.followed_up_on_time_share", pemda_id=cw.merauke.pk, start=start, end=end
    )
    assert (value.numerator, value.denominator) == (2, 3)
    count = metrics.compute(
        "complaints.received_count", pemda_id=cw.merauke.pk, start=start, end=end
    )
    assert count.value == 4


def test_coordinator_reveals_the_contact_and_the_read_is_logged(cw):
    complaint = report(cw.merauke, is_anonymous="on")
    services.complaint_dispose(
        actor=cw["complaint_coordinator"], complaint=complaint, opds=[cw.dukcapil]
    )
    coordinator = client_for("complaint_coordinator", cw)
    page = coordinator.get(reverse("complaints:detail", kwargs={"pk": complaint.pk}))
    assert "+6281244556677" not in page.content.decode()
    shown = _act(coordinator, complaint, "reveal")
    html = shown.content.decode()
    assert shown.status_code == 200 and "+6281244556677" in html
    assert "9301014506900003" not in html  # the NIK needs personal_data.view_unmasked
    logged = AuditEvent.objects.get(action="personal_data.viewed_unmasked")
    assert logged.target_id == str(complaint.pk)
    liaison = client_for("liaison", cw)
    assert _act(liaison, complaint, "reveal").status_code == 403
    assert _act(client_for("other_pemda_admin", cw), complaint, "reveal").status_code == 404
