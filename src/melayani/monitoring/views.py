"""Monitoring pages (read-only): the national / provincial dashboard and its XLSX export."""

from __future__ import annotations

from io import BytesIO

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from melayani.monitoring.selectors import Dashboard, dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAT_BANDS = ((85, "heat-4"), (70, "heat-3"), (50, "heat-2"), (0, "heat-1"))
SORTS = ("rank", "code", "change")


def _dashboard(request: HttpRequest) -> Dashboard:
    try:
        year = int(request.GET.get("year", "")) or None
    except ValueError:
        year = None
    sort = request.GET.get("sort", "rank")
    found = dashboard(
        request.user,
        year=year,
        province=request.GET.get("province", ""),
        kind=request.GET.get("kind", ""),
        sort=sort if sort in SORTS else "rank",
    )
    if found is None:
        raise Http404
    return found


def _heat_class(value: object) -> str:
    if value is None:
        return "heat-none"
    for threshold, name in HEAT_BANDS:
        if value >= threshold:  # type: ignore[operator]
            return name
    return "heat-1"


@require_GET
def national(request: HttpRequest) -> HttpResponse:
    data = _dashboard(request)
    biggest = max((n for _code, n in data.distribution), default=0) or 1
    bars = [
        (code, n, round(n * 300 / biggest), 20 * i + 4, 20 * i + 15)
        for i, (code, n) in enumerate(data.distribution)
    ]
    heat = [(row, [(v, _heat_class(v)) for v in row.cells]) for row in data.heat]
    kept: dict[str, str] = {
        key: str(request.GET[key])
        for key in ("year", "province", "kind", "sort")
        if key in request.GET
    }
    query = urlencode(kept)
    return render(
        request,
        "monitoring/national.html",
        {
            "data": data,
            "bars": bars,
            "chart_height": 20 * len(bars) + 8,
            "heat": heat,
            "rows": [(row, [(v, _heat_class(v)) for v in row.areas]) for row in data.rows],
            "query": query,
        },
    )


@require_GET
def national_xlsx(request: HttpRequest) -> HttpResponse:
    data = _dashboard(request)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(data.year)
    header = [
        _("Rank"),
        _("Code"),
        _("Pemda"),
        _("Province"),
        _("Status"),
        _("On time"),
        _("Index"),
        _("Predicate"),
        _("Index last year"),
        _("Change"),
        *data.area_titles,
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data.rows:
        sheet.append(
            [
                row.rank,
                row.code,
                row.name,
                row.province,
                row.status_label,
                "" if row.status == "not_started" else (_("late") if row.late else _("on time")),
                float(row.index) if row.index is not None else None,
                row.predicate,
                float(row.previous_index) if row.previous_index is not None else None,
                float(row.change) if row.change is not None else None,
                *(round(float(v), 2) if v is not None else None for v in row.areas),
            ]
        )
    sheet.column_dimensions["C"].width = 36
    sheet.column_dimensions["D"].width = 30
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="monitoring-rb-{data.year}.xlsx"'
    return response
