"""Exchange with the national system (SP4N-LAPOR!) in a neutral format, behind an adapter.

SP4N-LAPOR! is the mandated *aplikasi umum* (COMPLAINTS.md §8): reports that are not the
Pemda's to settle are marked for it, reports it routes to the Pemda come in, and both sides send
status updates. A connector to its real interface implements :class:`ExchangeAdapter`; the
:class:`FileAdapter` here exchanges JSON files in a directory (an outbox and an inbox), which is
also how a manual or batch exchange works.

The neutral format, version 1 (``"format": "melayani.complaints.exchange"``)::

    {
      "format": "melayani.complaints.exchange", "version": 1,
      "pemda": "93.01", "created_at": "2026-03-02T09:00:00+09:00",
      "reports": [{
        "reference": "K7PMQ4XD2R",            # the sender's id (our tracking code)
        "national_id": "LAPOR-123",           # the national tracking id, when known
        "classification": "complaint",        # aspiration, complaint, information_request,
                                              # whistleblowing, procurement
        "title": "…", "text": "…", "category": "",
        "submitted_at": "…", "status": "forwarded",
        "is_anonymous": false, "is_confidential": false,
        "reporter": {"name": "…", "phone": "+62…", "email": "…"}   # null when anonymous
      }],
      "status_updates": [{
        "reference": "K7PMQ4XD2R", "national_id": "LAPOR-123",
        "status": "closed", "at": "…", "message": "…"
      }]
    }

Unknown keys are refused, so a change of format is noticed rather than half-read. A file is
imported in one transaction: all of it or nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Protocol

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from melayani.audit.services import audit_record
from melayani.complaints.models import Channel, Complaint, ComplaintEvent, ComplaintStatus
from melayani.complaints.tracking import tracking_code_new
from melayani.core.models import Pemda

FORMAT = "melayani.complaints.exchange"
VERSION = 1


class ExchangeError(ValueError):
    """A batch that does not follow the format; nothing of it was imported."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReporterOut(_Strict):
    name: Annotated[str, Field(max_length=150)] = ""
    phone: Annotated[str, Field(max_length=20)] = ""
    email: Annotated[str, Field(max_length=254)] = ""


class ExchangeReport(_Strict):
    reference: str = Field(min_length=1, max_length=40)
    national_id: Annotated[str, Field(max_length=40)] = ""
    classification: Literal[
        "aspiration", "complaint", "information_request", "whistleblowing", "procurement"
    ]
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=5000)
    category: Annotated[str, Field(max_length=80)] = ""
    submitted_at: dt.datetime
    status: Annotated[str, Field(max_length=20)] = ""
    is_anonymous: bool = False
    is_confidential: bool = False
    reporter: ReporterOut | None = None


class StatusUpdate(_Strict):
    reference: Annotated[str, Field(max_length=40)] = ""
    national_id: Annotated[str, Field(max_length=40)] = ""
    status: str = Field(max_length=20)
    at: dt.datetime
    message: Annotated[str, Field(max_length=2000)] = ""


class ExchangeBatch(_Strict):
    format: Literal["melayani.complaints.exchange"] = "melayani.complaints.exchange"
    version: Literal[1] = 1
    pemda: str = Field(max_length=5)
    created_at: dt.datetime
    reports: list[ExchangeReport] = Field(default_factory=list, max_length=10_000)
    status_updates: list[StatusUpdate] = Field(default_factory=list, max_length=50_000)


class ExchangeAdapter(Protocol):
    """A connection to the national system (or to a file drop)."""

    def push(self, batch: ExchangeBatch) -> str:
        """Send a batch; returns where it went (a file name, a request id)."""
        ...

    def pull(self, pemda_code: str) -> list[tuple[str, ExchangeBatch]]:
        """Batches waiting for the Pemda, each with its name; raises ExchangeError on a bad one."""
        ...

    def done(self, name: str) -> None:
        """Acknowledge a batch once it is imported."""
        ...


def parse_batch(raw: str | bytes) -> ExchangeBatch:
    try:
        return ExchangeBatch.model_validate_json(raw)
    except PydanticValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:10]
        )
        raise ExchangeError(f"not a valid exchange batch: {problems}") from None


@dataclass
class FileAdapter:
    """Batches as JSON files: ``outbox/`` for what we send, ``inbox/`` for what we receive;
    imported files move to ``inbox/done/``."""

    root: Path

    def push(self, batch: ExchangeBatch) -> str:
        outbox = self.root / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        stamp = batch.created_at.strftime("%Y%m%dT%H%M%S%f")
        path = outbox / f"{batch.pemda}-{stamp}.json"
        tmp = path.with_suffix(".part")
        tmp.write_text(batch.model_dump_json(indent=2), encoding="utf-8")
        tmp.replace(path)  # readers never see half a file
        return path.name

    def pull(self, pemda_code: str) -> list[tuple[str, ExchangeBatch]]:
        inbox = self.root / "inbox"
        if not inbox.is_dir():
            return []
        batches = []
        for path in sorted(inbox.glob("*.json")):
            batch = parse_batch(path.read_bytes())
            if batch.pemda == pemda_code:
                batches.append((path.name, batch))
        return batches

    def done(self, name: str) -> None:
        inbox = self.root / "inbox"
        (inbox / "done").mkdir(parents=True, exist_ok=True)
        shutil.move(str(inbox / name), str(inbox / "done" / name))


def _report_out(complaint: Complaint) -> ExchangeReport:
    reporter = None
    if not complaint.is_anonymous:
        reporter = ReporterOut(
            name=complaint.reporter_name,
            phone=complaint.reporter_phone,
            email=complaint.reporter_email,
        )
    return ExchangeReport(
        reference=complaint.tracking_code,
        national_id=complaint.national_tracking_id,
        classification=complaint.classification,  # type: ignore[arg-type]
        title=complaint.display_title,
        text=complaint.text,
        category=complaint.category,
        submitted_at=complaint.submitted_at,
        status=complaint.status,
        is_anonymous=complaint.is_anonymous,
        is_confidential=complaint.is_confidential,
        reporter=reporter,
    )


@dataclass
class ExportResult:
    name: str
    reports: int
    status_updates: int


def exchange_export(
    *, pemda: Pemda, adapter: ExchangeAdapter, since: dt.datetime | None = None
) -> ExportResult:
    """Send the reports marked for the national system, and status updates of reports that
    carry a national id, changed since ``since``. Anonymous reporters are not sent."""
    now = timezone.now()
    marked = Complaint.objects.filter(pemda=pemda, forwarded_national=True)
    linked = Complaint.objects.filter(pemda=pemda).exclude(national_tracking_id="")
    if since is not None:
        marked = marked.filter(updated_at__gte=since)
        linked = linked.filter(updated_at__gte=since)
    batch = ExchangeBatch(
        pemda=pemda.code,
        created_at=now,
        reports=[_report_out(c) for c in marked.order_by("pk")],
        status_updates=[
            StatusUpdate(
                reference=c.tracking_code,
                national_id=c.national_tracking_id,
                status=c.status,
                at=c.updated_at,
            )
            for c in linked.order_by("pk")
        ],
    )
    name = adapter.push(batch)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="complaint.exchange_export",
            pemda=pemda,
            context={
                "batch": name,
                "reports": len(batch.reports),
                "status_updates": len(batch.status_updates),
            },
        )
    return ExportResult(name, len(batch.reports), len(batch.status_updates))


@dataclass
class ImportResult:
    batches: int = 0
    created: int = 0
    skipped: int = 0
    updates: int = 0


def exchange_import(*, pemda: Pemda, adapter: ExchangeAdapter) -> ImportResult:
    """Take in the reports the national system routed to the Pemda (as new reports, channel
    "national", once per national id) and its status updates (recorded on the timeline)."""
    result = ImportResult()
    for name, batch in adapter.pull(pemda.code):
        with transaction.atomic():
            for item in batch.reports:
                if (
                    item.national_id
                    and Complaint.objects.filter(
                        pemda=pemda, national_tracking_id=item.national_id
                    ).exists()
                ):
                    result.skipped += 1
                    continue
                _import_report(pemda, item)
                result.created += 1
            for update in batch.status_updates:
                complaint = _find(pemda, update)
                if complaint is None:
                    result.skipped += 1
                    continue
                if update.national_id and not complaint.national_tracking_id:
                    complaint.national_tracking_id = update.national_id
                    complaint.save(update_fields=["national_tracking_id", "updated_at"])
                ComplaintEvent.objects.create(
                    complaint=complaint,
                    created_at=update.at,
                    action="national_update",
                    message=f"{update.status}: {update.message}".strip(": "),
                    visible_to_reporter=False,
                )
                audit_record(
                    actor=None,
                    action="complaint.national_update",
                    target=complaint,
                    pemda=pemda,
                    context={"tracking_code": complaint.tracking_code, "status": update.status},
                )
                result.updates += 1
            adapter.done(name)
        result.batches += 1
    return result


def _find(pemda: Pemda, update: StatusUpdate) -> Complaint | None:
    qs = Complaint.objects.filter(pemda=pemda)
    if update.national_id:
        found = qs.filter(national_tracking_id=update.national_id).first()
        if found is not None:
            return found
    if update.reference:
        return qs.filter(tracking_code=update.reference).first()
    return None


def _import_report(pemda: Pemda, item: ExchangeReport) -> Complaint:
    from melayani.complaints import notifications
    from melayani.complaints.services import intake_stage

    now = timezone.now()
    reporter = item.reporter or ReporterOut()
    complaint = Complaint(
        pemda=pemda,
        tracking_code=tracking_code_new(),
        status=ComplaintStatus.RECEIVED,
        classification=item.classification,
        category=item.category,
        channel=Channel.NATIONAL,
        title=item.title,
        text=item.text,
        is_anonymous=item.is_anonymous,
        is_confidential=item.is_confidential or item.classification == "whistleblowing",
        reporter_name=reporter.name,
        reporter_phone=reporter.phone,
        reporter_email=reporter.email.lower(),
        national_tracking_id=item.national_id,
        submitted_at=now,
    )
    intake_stage(complaint, now)
    complaint.save()
    ComplaintEvent.objects.create(
        complaint=complaint, created_at=now, action="submit", to_status=ComplaintStatus.RECEIVED
    )
    audit_record(
        actor=None,
        action="complaint.submit",
        target=complaint,
        pemda=pemda,
        context={"tracking_code": complaint.tracking_code, "channel": Channel.NATIONAL},
    )
    notifications.tell_staff_new(complaint)
    return complaint
