"""Demo complaints for Kabupaten Merauke: every state and class, some overdue, some anonymous or
confidential, a whistleblowing report for the Inspektorat and a merged duplicate.

Run after the core demo (the coordinator, liaison and Inspektorat personas). Idempotent: each
report is submitted with its own idempotency key, and a report that already existed is left as
it is. Everything goes through the real services; only the clock of the "overdue" ones is moved
into the past afterwards, which nothing else may do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from melayani.complaints import services
from melayani.complaints.models import Complaint, ComplaintDisposition
from melayani.core.models import OPD, IdempotencyKey, Pemda, User

PEMDA = "93.01"
COORDINATOR, LIAISON, INSPECTOR = "merauke.koordinator", "merauke.penghubung", "merauke.inspektur"

# (key, classification, title, text, flags, steps, overdue)
PLAN: tuple[tuple[str, str, str, str, dict[str, Any], tuple[str, ...], bool], ...] = (
    (
        "demo-1",
        "complaint",
        "Antrean KTP-el sangat panjang",
        "Setiap pagi antrean perekaman KTP-el di Dukcapil mengular sampai ke jalan.",
        {},
        (),
        True,
    ),
    (
        "demo-2",
        "aspiration",
        "Usul layanan Dukcapil keliling ke distrik",
        "Warga distrik jauh sulit datang ke kota; mohon layanan keliling tiap bulan.",
        {},
        ("hold",),
        False,
    ),
    (
        "demo-3",
        "complaint",
        "Promo pinjaman cepat tanpa agunan",
        "Hubungi nomor ini untuk pinjaman cepat tanpa agunan, bunga rendah sekali.",
        {},
        ("archive",),
        False,
    ),
    (
        "demo-4",
        "complaint",
        "Pelayanan paspor di kantor imigrasi lambat",
        "Permohonan paspor saya di kantor imigrasi belum selesai sebulan lebih.",
        {},
        ("national",),
        False,
    ),
    (
        "demo-5",
        "information_request",
        "Jadwal perekaman KTP-el di Distrik Kurik",
        "Kapan jadwal perekaman KTP-el untuk warga Distrik Kurik bulan ini?",
        {},
        ("verify",),
        False,
    ),
    (
        "demo-6",
        "complaint",
        "Petugas meminta uang tambahan untuk akta",
        "Saat mengurus akta kelahiran saya diminta uang tambahan oleh petugas loket.",
        {"is_anonymous": "on"},
        ("dispose",),
        False,
    ),
    (
        "demo-7",
        "complaint",
        "Kartu Keluarga belum jadi tiga minggu",
        "Perubahan KK saya belum selesai padahal dijanjikan satu minggu.",
        {},
        ("dispose",),
        True,
    ),
    (
        "demo-8",
        "complaint",
        "Nama salah cetak di KTP-el",
        "Nama saya salah cetak di KTP-el baru, mohon diperbaiki.",
        {},
        ("dispose", "answer"),
        False,
    ),
    (
        "demo-9",
        "complaint",
        "Data kependudukan saya dipakai orang lain",
        "Ada orang lain yang memakai NIK saya untuk mendaftar layanan.",
        {"is_confidential": "on"},
        ("dispose", "answer", "approve"),
        False,
    ),
    (
        "demo-10",
        "aspiration",
        "Terima kasih atas layanan Sabtu",
        "Layanan Dukcapil di hari Sabtu sangat membantu kami yang bekerja.",
        {},
        ("verify", "direct", "accept"),
        False,
    ),
    (
        "demo-11",
        "complaint",
        "Akta kematian ayah saya belum terbit",
        "Akta kematian belum terbit padahal berkas lengkap sejak bulan lalu.",
        {},
        ("dispose", "answer", "approve", "dispute", "answer", "approve", "accept"),
        False,
    ),
    (
        "demo-12",
        "whistleblowing",
        "Dugaan pungli di loket pelayanan",
        "Saya melihat pungutan liar di loket pelayanan setiap hari Senin.",
        {"is_anonymous": "on"},
        (),
        False,
    ),
    (
        "demo-13",
        "procurement",
        "Pengadaan komputer loket tidak transparan",
        "Pengumuman lelang komputer loket tidak dimuat di situs LPSE.",
        {},
        ("verify",),
        False,
    ),
    (
        "demo-14",
        "complaint",
        "Antrean KTP-el sangat panjang sekali",
        "Setiap pagi antrean perekaman KTP-el di Dukcapil mengular sampai ke jalan raya.",
        {},
        ("merge",),
        False,
    ),
)
REPORTERS = (
    ("Yohana Gebze", "0812-4400-1101"),
    ("Markus Kaize", "0812-4400-1102"),
    ("Siti Rahmawati", "0812-4400-1103"),
    ("Agus Santoso", "0812-4400-1104"),
)


def _step(step: str, complaint: Complaint, people: dict[str, Any], first: Complaint | None) -> None:
    coordinator, liaison = people["coordinator"], people["liaison"]
    if step == "hold":
        services.complaint_hold(
            actor=coordinator, complaint=complaint, reason="Menunggu lokasi yang lebih rinci."
        )
    elif step == "archive":
        services.complaint_archive(
            actor=coordinator, complaint=complaint, archive_reason="spam", reason="Iklan."
        )
    elif step == "national":
        services.complaint_not_our_authority(
            actor=coordinator, complaint=complaint, reason="Kewenangan instansi vertikal."
        )
    elif step == "verify":
        services.complaint_verify(actor=coordinator, complaint=complaint)
    elif step == "dispose":
        services.complaint_dispose(actor=coordinator, complaint=complaint, opds=[people["unit"]])
    elif step == "answer":
        services.complaint_answer(
            actor=liaison,
            complaint=complaint,
            text="Laporan sudah kami tindak lanjuti; petugas akan menghubungi Bapak/Ibu.",
        )
    elif step == "approve":
        pending = complaint.responses.filter(status="pending").first()
        if pending is not None:
            services.complaint_review(
                actor=coordinator, complaint=complaint, response=pending, approve=True
            )
    elif step == "direct":
        services.complaint_answer(
            actor=coordinator, complaint=complaint, text="Terima kasih atas masukan Anda."
        )
    elif step == "dispute":
        services.complaint_reporter_reply(
            complaint=complaint, decision="dispute", message="Masih belum selesai."
        )
    elif step == "accept":
        services.complaint_reporter_reply(complaint=complaint, decision="accept")
    elif step == "merge" and first is not None:
        services.complaint_merge(
            actor=coordinator, duplicate=complaint, into=first, reason="Laporan yang sama."
        )
    complaint.refresh_from_db()


def _overdue(complaint: Complaint) -> None:
    """Move the report's clock into the past: it was due two days ago."""
    past = timezone.now() - dt.timedelta(days=2)
    Complaint.objects.filter(pk=complaint.pk).update(
        submitted_at=past - dt.timedelta(days=7), due_at=past
    )
    ComplaintDisposition.objects.filter(complaint=complaint, is_active=True).update(
        created_at=past - dt.timedelta(days=7), started_at=past - dt.timedelta(days=7), due_at=past
    )


def complaints_demo_seed() -> int:
    """Seed the demo reports of Merauke; returns how many were new."""
    pemda = Pemda.objects.filter(code=PEMDA).first()
    users = {u.username: u for u in User.objects.filter(username__in=[COORDINATOR, LIAISON])}
    unit = OPD.objects.filter(pemda__code=PEMDA, slug="dukcapil").first()
    if pemda is None or unit is None or len(users) < 2:
        return 0
    people = {"coordinator": users[COORDINATOR], "liaison": users[LIAISON], "unit": unit}
    scope = f"complaints.submit:{pemda.code}"
    created = 0
    first: Complaint | None = None
    for n, (key, classification, title, text, flags, steps, overdue) in enumerate(PLAN):
        existed = IdempotencyKey.objects.filter(scope=scope, key=key).exists()
        name, phone = REPORTERS[0 if key == "demo-14" else n % len(REPORTERS)]
        data = {
            "classification": classification,
            "title": title,
            "text": text,
            "reporter_name": "" if flags.get("is_anonymous") else name,
            "reporter_phone": phone,
            "concerned_opd": str(unit.pk),
            **flags,
        }
        with transaction.atomic():
            complaint = services.complaint_submit(pemda=pemda, data=data, idempotency_key=key)
            if first is None:
                first = complaint
            if existed:
                continue
            for step in steps:
                _step(step, complaint, people, first)
            if overdue:
                _overdue(complaint)
        created += 1
    return created
