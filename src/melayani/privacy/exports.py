"""The processing register as a spreadsheet and as JSON (the DPO's exports)."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from melayani.core.models import Pemda
from melayani.privacy.selectors import RegisterRow


def _columns() -> list[tuple[str, str]]:
    return [
        ("description", _("Record")),
        ("record_type", _("Record type")),
        ("purpose", _("Purpose")),
        ("basis_label", _("Lawful basis")),
        ("subjects", _("Data subjects")),
        ("fields", _("Personal data")),
        ("data_classes", _("Class")),
        ("retention_days", _("Kept (days after closure)")),
        ("retention_action", _("Then")),
        ("keep_reason", _("Why the record itself is kept")),
        ("visible_to", _("Who can see it whole")),
    ]


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return "—"
    return value


def register_workbook(pemda: Pemda, rows: list[RegisterRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Register")[:31]
    sheet.append([_("Register of processing of personal data: %(name)s") % {"name": pemda.name}])
    sheet.append([_("Generated at %(moment)s") % {"moment": timezone.now().isoformat()}])
    sheet.append([])
    columns = _columns()
    sheet.append([label for _key, label in columns])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(getattr(row, key)) for key, _label in columns])
    for column in sheet.iter_cols(min_row=4):
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = column[0].column_letter
        sheet.column_dimensions[letter].width = 28
    sheet.freeze_panes = "A5"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def register_json(pemda: Pemda, rows: list[RegisterRow]) -> dict[str, Any]:
    return {
        "format": "melayani.processing-register/1",
        "pemda": {"code": pemda.code, "name": pemda.name},
        "generated_at": timezone.now().isoformat(),
        "records": [
            {
                "record_type": r.record_type,
                "description": r.description,
                "purpose": r.purpose,
                "lawful_basis": r.basis,
                "data_subjects": r.subjects,
                "personal_data": r.fields,
                "data_classes": r.data_classes,
                "retention_days_after_closure": r.retention_days,
                "retention_action": r.retention_action,
                "keep_reason": r.keep_reason,
                "visible_to_roles": r.visible_to,
            }
            for r in rows
        ],
    }


#: Most rows in one access-log spreadsheet (filter by official or narrow the period for more).
ACCESS_LOG_MAX_ROWS = 50_000


def access_log_workbook(pemda: Pemda, events: Iterable[Any]) -> bytes:
    """The access log as a spreadsheet: when, who, what, which fields, where and why."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Access log")[:31])
    sheet.append([_("Access log of personal data: %(name)s") % {"name": pemda.name}])
    sheet.append(
        [
            _("When"),
            _("Who"),
            _("Record type"),
            _("Record"),
            _("Fields"),
            _("Where"),
            _("Why (context)"),
        ]
    )
    for event in events:
        context = dict(event.context)
        fields = context.pop("fields", [])
        surface = context.pop("surface", "")
        sheet.append(
            [
                event.created_at.isoformat(),
                event.actor_label,
                event.target_type,
                event.target_id,
                ", ".join(fields),
                surface,
                ", ".join(f"{k}={v}" for k, v in sorted(context.items())),
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
