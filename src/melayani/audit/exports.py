"""The audit event list as an Excel workbook."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from melayani.audit.models import AuditEvent

MAX_ROWS = 100_000


def events_workbook(events: QuerySet[AuditEvent]) -> Workbook:
    """One sheet, one row per event (at most :data:`MAX_ROWS`), times in the current zone."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit events"))
    sheet.append(
        [
            _("Time"),
            _("Pemda"),
            _("Actor"),
            _("Action"),
            _("Object type"),
            _("Object id"),
            _("Changed fields"),
            _("Chain"),
            _("Sequence"),
            _("Hash"),
        ]
    )
    for event in events[:MAX_ROWS].iterator(chunk_size=2000):
        sheet.append(
            [
                timezone.localtime(event.created_at).replace(tzinfo=None),
                event.pemda.name if event.pemda else _("National"),
                event.actor_label,
                event.action,
                event.target_type,
                event.target_id,
                ", ".join(event.changed_fields),
                event.chain,
                event.seq,
                event.hash,
            ]
        )
    return book
