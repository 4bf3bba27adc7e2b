"""Exchange with the national system: the neutral format through the file adapter."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from melayani.complaints import services
from melayani.complaints.exchange import (
    ExchangeError,
    FileAdapter,
    exchange_export,
    exchange_import,
    parse_batch,
)
from melayani.complaints.models import Complaint, ComplaintEvent
from tests.complaints.factories import report

pytestmark = pytest.mark.django_db


def _inbox(tmp_path, name: str, payload: dict) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / name).write_text(json.dumps(payload), encoding="utf-8")


def test_export_of_reports_marked_for_the_national_system(cw, tmp_path):
    coordinator = cw["complaint_coordinator"]
    named = report(cw.merauke, title="Urusan kementerian pusat")
    anonymous = report(
        cw.merauke, title="Laporan anonim pusat", is_anonymous="on", reporter_name=""
    )
    report(cw.merauke, title="Urusan kabupaten sendiri")
    for c in (named, anonymous):
        services.complaint_not_our_authority(actor=coordinator, complaint=c, reason="Pusat")
    adapter = FileAdapter(tmp_path)
    result = exchange_export(pemda=cw.merauke, adapter=adapter)
    assert (result.reports, result.status_updates) == (2, 0)
    batch = parse_batch((tmp_path / "outbox" / result.name).read_bytes())
    by_ref = {r.reference: r for r in batch.reports}
    assert set(by_ref) == {named.tracking_code, anonymous.tracking_code}
    assert by_ref[named.tracking_code].reporter.name == "Maria Gebze"
    assert by_ref[anonymous.tracking_code].reporter is None
    assert batch.format == "melayani.complaints.exchange" and batch.version == 1


def test_import_creates_reports_once_and_records_updates(cw, tmp_path):
    mine = report(cw.merauke)
    payload = {
        "format": "melayani.complaints.exchange",
        "version": 1,
        "pemda": "93.01",
        "created_at": "2026-03-02T09:00:00+09:00",
        "reports": [
            {
                "reference": "LAPOR-1",
                "national_id": "LAPOR-1",
                "classification": "complaint",
                "title": "Puskesmas tutup siang hari",
                "text": "Puskesmas di distrik kami tutup pukul 11 siang setiap hari.",
                "submitted_at": "2026-03-01T10:00:00+09:00",
                "reporter": {"name": "Agus", "phone": "+6281311112222", "email": ""},
            }
        ],
        "status_updates": [
            {
                "reference": mine.tracking_code,
                "national_id": "LAPOR-9",
                "status": "received_nationally",
                "at": "2026-03-02T10:00:00+09:00",
            }
        ],
    }
    _inbox(tmp_path, "a.json", payload)
    _inbox(tmp_path, "b.json", {**payload, "status_updates": []})  # the same report again
    _inbox(tmp_path, "other.json", {**payload, "pemda": "34.71"})
    result = exchange_import(pemda=cw.merauke, adapter=FileAdapter(tmp_path))
    assert (result.batches, result.created, result.skipped, result.updates) == (2, 1, 1, 1)
    imported = Complaint.objects.get(national_tracking_id="LAPOR-1")
    assert imported.channel == "national" and imported.status == "received"
    assert imported.due_at is not None
    mine.refresh_from_db()
    assert mine.national_tracking_id == "LAPOR-9"
    assert ComplaintEvent.objects.filter(complaint=mine, action="national_update").exists()
    assert sorted(p.name for p in (tmp_path / "inbox" / "done").iterdir()) == ["a.json", "b.json"]
    assert (tmp_path / "inbox" / "other.json").exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"format": "something-else", "version": 1, "pemda": "93.01", "created_at": "2026-03-02"},
        {
            "format": "melayani.complaints.exchange",
            "version": 2,
            "pemda": "93.01",
            "created_at": "2026-03-02T09:00:00+09:00",
        },
        {
            "format": "melayani.complaints.exchange",
            "version": 1,
            "pemda": "93.01",
            "created_at": "2026-03-02T09:00:00+09:00",
            "surprise": True,
        },
        {
            "format": "melayani.complaints.exchange",
            "version": 1,
            "pemda": "93.01",
            "created_at": "2026-03-02T09:00:00+09:00",
            "reports": [
                {
                    "reference": "x",
                    "classification": "rumour",
                    "title": "t",
                    "text": "t",
                    "submitted_at": "2026-03-01T10:00:00+09:00",
                }
            ],
        },
    ],
)
def test_bad_batches_are_refused_whole(cw, tmp_path, payload):
    _inbox(tmp_path, "bad.json", payload)
    with pytest.raises(ExchangeError):
        exchange_import(pemda=cw.merauke, adapter=FileAdapter(tmp_path))
    assert Complaint.objects.count() == 0


def test_command(cw, tmp_path, capsys):
    call_command("complaints_exchange", str(tmp_path), "--pemda", "93.01")
    out = capsys.readouterr().out
    assert "sent" in out and "imported 0 batches" in out
    with pytest.raises(CommandError):
        call_command("complaints_exchange", str(tmp_path), "--pemda", "00.00")
