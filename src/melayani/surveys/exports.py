"""The unit's SKM report as an Excel workbook, in the customary layout.

Sheet 1 ("Ringkasan" / "Summary"): the unit, the period, the method (questionnaire version,
weight mode, channels), respondents and sample adequacy, the index, IKM, mutu and kinerja, the
weakest unsur, then the table of NRR per unsur. Sheet 2 ("Profil responden" / "Respondent
profile"): respondents per sex, age band, education and occupation. Numbers are written as
numbers (not text) with the same rounding as the page, so the sheet can be summed and charted.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from melayani.surveys.forms import PROFILE_LABELS
from melayani.surveys.web_selectors import UnitReport, period_label

BOLD = Font(bold=True)


def adequacy_label(met: bool | None) -> str:
    if met is None:
        return _("Unknown: population (number of service users) not set")
    return _("Met") if met else _("Not met")


def report_workbook(report: UnitReport) -> Workbook:
    result, score = report.result, report.result.score
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")[:31]

    def row(label: str, value: Any = None) -> None:
        summary.append([label, value])
        summary.cell(row=summary.max_row, column=1).font = BOLD

    summary.append([_("Community Satisfaction Survey (SKM) report")])
    summary.cell(row=1, column=1).font = Font(bold=True, size=14)
    row(_("Pemda"), report.opd.pemda.name)
    row(_("Unit"), report.opd.name)
    row(_("Period"), period_label(report.period))
    row(_("From"), report.period.start)
    row(_("To"), report.period.end)
    summary.append([])
    row(_("Method"), _("Questionnaire of PermenPANRB 14/2017, answers scored 1 to 4"))
    row(_("Questionnaire version"), result.questionnaire)
    row(_("Weight mode"), score.weight_mode)
    for label, number in report.channels:
        row(_("Respondents by channel: %(channel)s") % {"channel": label}, number)
    summary.append([])
    row(_("Respondents"), result.n)
    row(_("Number of service users (population)"), result.sample.population)
    row(_("Target sample (Krejcie & Morgan)"), result.sample.target)
    row(_("Sample adequacy"), adequacy_label(result.sample.met))
    summary.append([])
    row(_("Index (1–4 scale)"), score.index_4)
    row(_("IKM (25–100)"), result.ikm)
    row(_("Mutu"), result.mutu)
    row(_("Kinerja"), result.kinerja)
    row(_("Weakest unsur"), ", ".join(f"{r.code} {r.name}" for r in report.weakest) or None)
    summary.append([])
    summary.append(
        [
            _("Code"),
            _("Unsur"),
            _("NRR"),
            _("Weight"),
            _("Weighted NRR"),
            _("NRR × 25"),
            _("Mutu"),
            _("Kinerja"),
        ]
    )
    for cell in summary[summary.max_row]:
        cell.font = BOLD
    for unsur in report.unsur:
        summary.append(
            [
                unsur.code,
                unsur.name,
                unsur.nrr,
                unsur.weight,
                unsur.weighted,
                unsur.ikm,
                unsur.mutu,
                unsur.kinerja,
            ]
        )
    summary.append([])
    summary.append([_("IKM per service")])
    summary.cell(row=summary.max_row, column=1).font = Font(bold=True, size=12)
    summary.append([_("Service"), _("Respondents"), _("IKM"), _("Mutu"), _("Kinerja")])
    for cell in summary[summary.max_row]:
        cell.font = BOLD
    for service_result in report.services:
        score_of = service_result.score
        summary.append(
            [service_result.name, score_of.n, score_of.ikm, score_of.mutu, score_of.kinerja]
        )
    summary.append([])
    summary.append([_("Follow-up plan (rencana tindak lanjut)")])
    summary.cell(row=summary.max_row, column=1).font = Font(bold=True, size=12)
    summary.append(
        [
            _("Code"),
            _("Unsur"),
            _("Action"),
            _("Responsible"),
            _("Due date"),
            _("Status"),
            _("Completed on"),
            _("Evidence of completion"),
        ]
    )
    for cell in summary[summary.max_row]:
        cell.font = BOLD
    for plan_row in report.followups:
        plan = plan_row.plan
        status = plan_row.status_label
        if plan_row.overdue:
            status = _("%(status)s (overdue)") % {"status": status}
        summary.append(
            [
                plan.unsur,
                plan_row.unsur_name,
                plan.action,
                plan.owner,
                plan.due_on,
                status,
                plan.completed_on,
                plan.evidence or None,
            ]
        )
        for column in (5, 7):
            summary.cell(row=summary.max_row, column=column).number_format = "yyyy-mm-dd"
    if not report.followups:
        summary.append([_("No follow-up plans.")])
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["B"].width = 44

    profile = book.create_sheet(_("Respondent profile")[:31])
    profile.append([_("Characteristic"), _("Answer"), _("Respondents"), _("Share (%)")])
    for cell in profile[1]:
        cell.font = BOLD
    total = result.n
    for field, counts in report.profile.items():
        for item in counts:
            share = round(item.count * 100 / total, 2) if total else None
            profile.append(
                [str(PROFILE_LABELS[field]), item.label or _("Not given"), item.count, share]
            )
    profile.column_dimensions["A"].width = 22
    profile.column_dimensions["B"].width = 36
    return book
