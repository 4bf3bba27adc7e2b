"""The officer's filtered queue as an Excel workbook.

No personal data beyond the applicant's name: never the NIK, phone, e-mail or address.
Times are written in each application's Pemda zone, with the zone (WIB/WITA/WIT) in its own column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from melayani.applications.models import Application
from melayani.applications.tracking import tracking_code_display

if TYPE_CHECKING:
    from melayani.applications.workbench_views import Due

MAX_ROWS = 100_000


def _naive(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """Excel has no time zones: the wall-clock time in the Pemda's zone."""
    if value is None:
        return None
    return timezone.localtime(value, zone).replace(tzinfo=None)


def queue_workbook(rows: Iterable[tuple[Application, Due]]) -> Workbook:
    """One sheet, one row per application (at most :data:`MAX_ROWS`)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Applications"))
    sheet.append(
        [
            _("Tracking code"),
            _("Service"),
            _("Unit"),
            _("Applicant"),
            _("Status"),
            _("Submitted"),
            _("Due"),
            _("Time zone"),
            _("Deadline"),
            _("Assigned to"),
        ]
    )
    for count, (application, due) in enumerate(rows):
        if count >= MAX_ROWS:
            break
        zone = ZoneInfo(application.pemda.time_zone)
        sheet.append(
            [
                tracking_code_display(application.tracking_code),
                application.service.name,
                application.opd.name,
                application.applicant_name,
                str(application.get_status_display()),
                _naive(application.submitted_at, zone),
                _naive(application.due_at, zone),
                due.zone,
                due.label,
                application.assigned_to.display_name if application.assigned_to else "",
            ]
        )
    return book
