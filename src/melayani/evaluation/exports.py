"""XLSX of a cycle: the filled worksheet (LKE) and the evaluation report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from melayani.evaluation.models import AssessmentCycle, ScoreTier
from melayani.evaluation.scoring import display
from melayani.evaluation.selectors import (
    area_results,
    cycle_actions,
    cycle_gaps,
    outline,
    scores_of,
    tree_of,
    unit_rows,
    worksheet_rows,
)

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")


def _header(sheet: Any, row: list[str]) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL


def _number(value: Decimal | None, places: int = 2) -> float | None:
    return None if value is None else float(display(value, places))


def filled_worksheet(cycle: AssessmentCycle, user: object) -> Workbook:
    """The LKE with the answers, justifications, evidence and both tiers, in tree order."""
    nodes = outline(cycle)
    tree = tree_of(cycle)
    scores = scores_of(cycle)
    self_scores = scores.get(ScoreTier.SELF)
    verified_scores = scores.get(ScoreTier.VERIFIED)
    rows = {r.answer.question_id: r for r in worksheet_rows(cycle, user)}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "LKE"
    sheet.append([_("Evaluation worksheet (LKE): %(title)s") % {"title": cycle.instrument.title}])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"{cycle.pemda.name} · {cycle.year} · {cycle.preset.name}"])
    sheet.append([])
    _header(
        sheet,
        [
            _("Code"),
            _("Description"),
            _("Weight"),
            _("Answer"),
            _("Value"),
            _("Justification"),
            _("Evidence"),
            _("Verified answer"),
            _("Verified value"),
            _("Verifier's note"),
            _("Self-assessment score"),
            _("Verified score"),
            _("OPD"),
        ],
    )
    for node in nodes.values():
        if node.kind == "question":
            row = rows.get(node.id)
            if row is None:
                continue
            answer = row.answer
            evidence = "; ".join(
                e.url or e.original_name or f"{e.title} = {e.metric_value}" for e in row.evidence
            )
            sheet.append(
                [
                    node.code,
                    node.title,
                    None,
                    answer.self_raw,
                    _number(Decimal(answer.self_value), 4) if answer.self_value else None,
                    answer.justification,
                    evidence,
                    answer.verified_raw,
                    _number(Decimal(answer.verified_value), 4) if answer.verified_value else None,
                    answer.verification_note,
                    None,
                    None,
                    answer.opd.name if answer.opd else "",
                ]
            )
            sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(
                indent=node.depth, wrap_text=True
            )
            continue
        self_value = (
            Decimal(self_scores.node_scores.get(str(node.id), "0")) if self_scores else None
        )
        verified = (
            Decimal(verified_scores.node_scores.get(str(node.id), "0")) if verified_scores else None
        )
        sheet.append(
            [
                node.code,
                node.title,
                _number(tree.weight.get(node.id), 4),
                *([None] * 7),
                _number(self_value, 4),
                _number(verified, 4),
                "",
            ]
        )
        sheet.cell(row=sheet.max_row, column=2).font = BOLD
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(
            indent=node.depth, wrap_text=True
        )
    for letter, width in zip(
        "ABCDEFGHIJKLM", (32, 70, 8, 10, 8, 40, 40, 10, 8, 30, 12, 12, 30), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C5"
    return book


def report_workbook(cycle: AssessmentCycle, *, units: bool = True) -> Workbook:
    """The evaluation report: result, per-area table, units, gaps and the action plan (without
    ``units``, no OPD is named: for readers outside the Pemda, such as its province)."""
    scores = scores_of(cycle)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")[:31]
    summary.append(
        [
            _("Evaluation report: %(pemda)s %(year)s")
            % {"pemda": cycle.pemda.name, "year": cycle.year}
        ]
    )
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([_("Instrument"), f"{cycle.instrument.title} v{cycle.instrument.version}"])
    summary.append([_("Weights"), cycle.preset.name])
    summary.append([_("Status"), cycle.get_status_display()])
    for tier, label in (
        (ScoreTier.SELF, _("Self-assessment")),
        (ScoreTier.VERIFIED, _("Verified")),
    ):
        score = scores.get(tier)
        if score is not None:
            summary.append(
                [_("%(tier)s: index") % {"tier": label}, float(score.index), score.predicate]
            )
    areas = book.create_sheet(_("Areas")[:31])
    _header(
        areas,
        [
            _("Area"),
            _("Weight"),
            _("Self-assessment score"),
            _("Self-assessment %"),
            _("Verified score"),
            _("Verified %"),
        ],
    )
    for area in area_results(cycle, scores):
        areas.append(
            [
                area.title,
                _number(area.maximum),
                _number(area.self_score, 4),
                _number(area.self_percent),
                _number(area.verified_score, 4),
                _number(area.verified_percent),
            ]
        )
    if units:
        unit_sheet = book.create_sheet(_("OPD")[:31])
        _header(
            unit_sheet,
            [
                _("OPD"),
                _("Questions"),
                _("Answered"),
                _("Verified"),
                _("Sent back"),
                _("Self-assessment score"),
                _("Verified score"),
            ],
        )
        for unit in unit_rows(cycle):
            unit_sheet.append(
                [
                    unit.name or "—",
                    unit.questions,
                    unit.answered,
                    unit.verified,
                    unit.returned,
                    _number(unit.self_score, 4),
                    _number(unit.verified_score, 4),
                ]
            )
    gaps = book.create_sheet(_("Gaps")[:31])
    _header(
        gaps, [_("Code"), _("Sub-indicator"), _("Area"), _("Weight"), _("Score"), _("Points lost")]
    )
    for gap in cycle_gaps(cycle, limit=50):
        gaps.append(
            [
                gap.code,
                gap.title,
                gap.area,
                _number(gap.weight, 4),
                _number(gap.score, 4),
                _number(gap.lost, 4),
            ]
        )
    plan = book.create_sheet(_("Action plan")[:31])
    _header(
        plan,
        [
            _("Action"),
            _("OPD"),
            _("Due date"),
            _("Progress (%)"),
            _("Status"),
            _("Evidence of completion"),
        ],
    )
    for item in cycle_actions(cycle):
        plan.append(
            [
                item.title,
                item.opd.name if units else "",
                item.due_on,
                item.progress,
                item.get_status_display(),
                item.completion_url or item.completion_note,
            ]
        )
    for sheet in book.worksheets:
        sheet.column_dimensions["A"].width = 50
    return book
