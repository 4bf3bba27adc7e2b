"""Reads of the evaluation: cycles a user may reach, the worksheet, the verification queue, the
per-area results, unit (OPD) roll-ups, self-versus-verified gaps, the weakest indicators and the
report. Every figure comes from the stored results (:class:`CycleScore`) or the answers; nothing
here writes.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from melayani.core import access
from melayani.core.models import OPD, User
from melayani.evaluation.models import (
    ActionItem,
    Answer,
    AnswerStatus,
    AssessmentCycle,
    CycleScore,
    CycleStatus,
    Evidence,
    InstrumentNode,
    NodeKind,
    ScoreTier,
)
from melayani.evaluation.scoring import CTX, HUNDRED, ZERO, Tree, compiled_tree

MANAGE, ANSWER, VERIFY, AGGREGATES = (
    "reform.manage",
    "reform.answer",
    "reform.verify",
    "aggregates.view",
)
CYCLE_ACTIONS = (MANAGE, VERIFY, AGGREGATES)


# --- reaching cycles --------------------------------------------------------------------------


def cycles_visible(user: Any, actions: Sequence[str] = CYCLE_ACTIONS) -> QuerySet[AssessmentCycle]:
    """Cycles the user reaches with any of ``actions`` (plus, for unit staff, cycles in which
    their unit has questions to answer)."""
    condition = Q(pk__in=[])
    for action in actions:
        condition |= Q(
            pk__in=access.scoped(user, AssessmentCycle.objects.all(), action).values("pk")
        )
    if ANSWER in actions:
        condition |= Q(pk__in=access.scoped(user, Answer.objects.all(), ANSWER).values("cycle_id"))
    return AssessmentCycle.objects.filter(condition).select_related("pemda", "instrument", "preset")


def cycle_for(
    user: Any, ref: str, actions: Sequence[str] = CYCLE_ACTIONS
) -> AssessmentCycle | None:
    return cycles_visible(user, actions).filter(ref=ref).first()


def user_can(user: Any, action: str, cycle: AssessmentCycle) -> bool:
    return access.can(user, action, pemda=cycle.pemda_id)


# --- outline and areas ------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeInfo:
    id: int
    code: str
    title: str
    kind: str
    depth: int
    parent_id: int | None
    is_draft: bool
    answer_type: str
    options: tuple[tuple[str, str, str], ...]  # (code, label, value)
    scale_max: str
    metric: str


@dataclass
class AreaGroup:
    """An area perubahan across the aspects it appears in (Pemenuhan, Hasil Antara, Reform), or
    an aspect that has no areas (the Hasil aspects)."""

    title: str
    node_ids: list[int]
    maximum: Decimal


_outline_cache: dict[tuple[int, str], dict[int, NodeInfo]] = {}
_lock = threading.Lock()


def outline(cycle_or_instrument: Any) -> dict[int, NodeInfo]:
    instrument = getattr(cycle_or_instrument, "instrument", cycle_or_instrument)
    key = (instrument.pk, instrument.created_at.isoformat())
    found = _outline_cache.get(key)
    if found is not None:
        return found
    nodes = {
        n.pk: NodeInfo(
            n.pk,
            n.code,
            n.title,
            n.kind,
            n.depth,
            n.parent_id,
            n.is_draft,
            n.answer_type,
            tuple(
                (str(o["code"]), str(o.get("label", o["code"])), str(o["value"])) for o in n.options
            ),
            n.scale_max,
            n.metric,
        )
        for n in InstrumentNode.objects.filter(instrument=instrument).order_by("order")
    }
    with _lock:
        if len(_outline_cache) > 64:
            _outline_cache.clear()
        _outline_cache[key] = nodes
    return nodes


def area_groups(cycle: AssessmentCycle) -> list[AreaGroup]:
    tree = compiled_tree(cycle.preset_id)
    nodes = outline(cycle)
    has_area_below: set[int] = set()
    for node in nodes.values():
        if node.kind == NodeKind.AREA:
            parent = node.parent_id
            while parent is not None:
                has_area_below.add(parent)
                parent = nodes[parent].parent_id
    groups: dict[str, AreaGroup] = {}
    for node in nodes.values():
        is_group = node.kind == NodeKind.AREA or (
            node.kind == NodeKind.ASPECT and node.id not in has_area_below
        )
        if not is_group:
            continue
        group = groups.setdefault(node.title, AreaGroup(node.title, [], ZERO))
        group.node_ids.append(node.id)
        group.maximum += tree.weight.get(node.id, ZERO)
    return list(groups.values())


@dataclass(frozen=True)
class AreaResult:
    title: str
    maximum: Decimal
    self_score: Decimal
    verified_score: Decimal | None

    @property
    def self_percent(self) -> Decimal:
        return CTX.divide(self.self_score * HUNDRED, self.maximum) if self.maximum else ZERO

    @property
    def verified_percent(self) -> Decimal | None:
        if self.verified_score is None or not self.maximum:
            return None
        return CTX.divide(self.verified_score * HUNDRED, self.maximum)

    @property
    def difference(self) -> Decimal | None:
        return None if self.verified_score is None else self.self_score - self.verified_score


def group_score(score: CycleScore | None, group: AreaGroup) -> Decimal:
    if score is None:
        return ZERO
    stored = score.node_scores
    return sum((Decimal(stored.get(str(pk), "0")) for pk in group.node_ids), ZERO)


def scores_of(cycle: AssessmentCycle) -> dict[str, CycleScore]:
    return {s.tier: s for s in CycleScore.objects.filter(cycle=cycle)}


def verified_is_shown(cycle: AssessmentCycle) -> bool:
    return cycle.status != CycleStatus.FILLING


def area_results(
    cycle: AssessmentCycle, scores: dict[str, CycleScore] | None = None
) -> list[AreaResult]:
    scores = scores if scores is not None else scores_of(cycle)
    show_verified = verified_is_shown(cycle)
    return [
        AreaResult(
            g.title,
            g.maximum,
            group_score(scores.get(ScoreTier.SELF), g),
            group_score(scores.get(ScoreTier.VERIFIED), g) if show_verified else None,
        )
        for g in area_groups(cycle)
    ]


# --- gaps -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    node_id: int
    code: str
    title: str
    area: str
    weight: Decimal
    score: Decimal
    lost: Decimal


def _area_title(nodes: dict[int, NodeInfo], node_id: int) -> str:
    parent = nodes[node_id].parent_id
    while parent is not None:
        if nodes[parent].kind in (NodeKind.AREA, NodeKind.ASPECT):
            return nodes[parent].title
        parent = nodes[parent].parent_id
    return ""


def cycle_gaps(cycle: AssessmentCycle, limit: int = 10) -> list[Gap]:
    """The weakest sub-indicators by weighted points lost (verified results once verification
    has begun, the self-assessment before)."""
    tree = compiled_tree(cycle.preset_id)
    nodes = outline(cycle)
    tier = ScoreTier.VERIFIED if verified_is_shown(cycle) else ScoreTier.SELF
    score = CycleScore.objects.filter(cycle=cycle, tier=tier).first()
    gaps = []
    for sub_id in tree.sub_questions:
        weight = tree.weight.get(sub_id, ZERO)
        value = Decimal(score.node_scores.get(str(sub_id), "0")) if score else ZERO
        lost = weight - value
        if lost > 0:
            node = nodes[sub_id]
            gaps.append(
                Gap(sub_id, node.code, node.title, _area_title(nodes, sub_id), weight, value, lost)
            )
    gaps.sort(key=lambda g: (-g.lost, nodes[g.node_id].depth, g.code))
    return gaps[:limit]


def cycle_strengths(cycle: AssessmentCycle, limit: int = 3) -> list[AreaResult]:
    results = [r for r in area_results(cycle) if r.maximum and r.self_score]
    results.sort(
        key=lambda r: -(r.verified_percent if r.verified_percent is not None else r.self_percent)
    )
    return results[:limit]


# --- units (OPD) and verifiers ----------------------------------------------------------------


@dataclass
class UnitRow:
    opd_id: int | None
    name: str
    questions: int = 0
    answered: int = 0
    verified: int = 0
    returned: int = 0
    self_score: Decimal = ZERO
    verified_score: Decimal = ZERO
    maximum: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        return self.self_score - self.verified_score


def _values(rows: Iterable[tuple[int, str]]) -> dict[int, Decimal]:
    return {qid: Decimal(text) for qid, text in rows if text}


def unit_rows(cycle: AssessmentCycle) -> list[UnitRow]:
    """Each OPD's part of the worksheet (its assigned sub-indicators), rolling up to the Pemda:
    the rows' scores add up to the Pemda's totals."""
    tree = compiled_tree(cycle.preset_id)
    answers = list(
        Answer.objects.filter(cycle=cycle).values_list(
            "opd_id",
            "opd__name",
            "sub_indicator_id",
            "question_id",
            "status",
            "self_value",
            "verified_value",
        )
    )
    rows: dict[int | None, UnitRow] = {}
    subs_of: dict[int | None, set[int]] = defaultdict(set)
    self_values: dict[int, Decimal] = {}
    verified_values: dict[int, Decimal] = {}
    for opd_id, name, sub_id, qid, status, self_value, verified_value in answers:
        row = rows.setdefault(opd_id, UnitRow(opd_id, name or ""))
        row.questions += 1
        row.answered += status != AnswerStatus.OPEN
        row.verified += status in (AnswerStatus.ACCEPTED, AnswerStatus.ADJUSTED)
        row.returned += status == AnswerStatus.RETURNED
        subs_of[opd_id].add(sub_id)
        if self_value:
            self_values[qid] = Decimal(self_value)
        if verified_value:
            verified_values[qid] = Decimal(verified_value)
    for unit_id, subs in subs_of.items():
        row = rows[unit_id]
        for sub_id in subs:
            row.self_score += tree.sub_score(sub_id, self_values)
            row.verified_score += tree.sub_score(sub_id, verified_values)
            row.maximum += tree.weight.get(sub_id, ZERO)
    return sorted(rows.values(), key=lambda r: (r.opd_id is None, r.name))


@dataclass(frozen=True)
class VerifierRow:
    name: str
    reviewed: int
    adjusted: int
    returned: int
    mean_difference: Decimal


def verifier_rows(cycle: AssessmentCycle) -> list[VerifierRow]:
    """Per verifier: answers reviewed, adjusted, sent back, and the mean self − verified value."""
    found: dict[int, list[Any]] = {}
    rows = Answer.objects.filter(cycle=cycle, verified_by__isnull=False).values_list(
        "verified_by_id",
        "verified_by__full_name",
        "verified_by__username",
        "status",
        "self_value",
        "verified_value",
    )
    for pk, full_name, username, status, self_value, verified_value in rows:
        entry = found.setdefault(pk, [full_name or username, 0, 0, 0, ZERO])
        entry[1] += 1
        entry[2] += status == AnswerStatus.ADJUSTED
        entry[3] += status == AnswerStatus.RETURNED
        if self_value and verified_value:
            entry[4] += Decimal(self_value) - Decimal(verified_value)
    return [
        VerifierRow(name, n, adjusted, returned, CTX.divide(total, n) if n else ZERO)
        for name, n, adjusted, returned, total in sorted(found.values(), key=lambda e: e[0])
    ]


# --- worksheet and verification queue --------------------------------------------------------


@dataclass
class SheetRow:
    answer: Answer
    node: NodeInfo
    sub: NodeInfo
    area: str
    evidence: list[Evidence] = field(default_factory=list)
    previous: list[Evidence] = field(default_factory=list)  # earlier years', offered for reuse
    editable: bool = False
    verifiable: bool = False


def _rows(cycle: AssessmentCycle, answers: QuerySet[Answer]) -> list[SheetRow]:
    nodes = outline(cycle)
    answers = answers.select_related("opd", "verified_by", "answered_by")
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(answer__in=answers).order_by("created_at"):
        evidence[item.answer_id].append(item)
    rows = [
        SheetRow(
            a,
            nodes[a.question_id],
            nodes[a.sub_indicator_id],
            _area_title(nodes, a.sub_indicator_id),
            evidence[a.pk],
        )
        for a in answers
    ]
    order = {node_id: number for number, node_id in enumerate(nodes)}
    rows.sort(key=lambda r: order[r.node.id])
    return rows


def worksheet_rows(
    cycle: AssessmentCycle, user: Any, opd: OPD | None = None, *, answer_id: int | None = None
) -> list[SheetRow]:
    """The questions the user may see in the worksheet: all for the RB team and verifiers (or one
    unit's), their own units' for unit staff."""
    answers = Answer.objects.filter(cycle=cycle)
    if not (user_can(user, MANAGE, cycle) or user_can(user, VERIFY, cycle)):
        answers = access.scoped(user, answers, ANSWER)
    if opd is not None:
        answers = answers.filter(opd=opd)
    if answer_id is not None:
        answers = answers.filter(pk=answer_id)
    rows = _rows(cycle, answers)
    manage = user_can(user, MANAGE, cycle)
    for row in rows:
        status = row.answer.status
        open_phase = cycle.status == CycleStatus.FILLING or (
            cycle.status == CycleStatus.VERIFYING and status == AnswerStatus.RETURNED
        )
        row.editable = open_phase and (
            manage or (row.answer.opd is not None and access.can(user, ANSWER, opd=row.answer.opd))
        )
    editable = {row.node.code: row for row in rows if row.editable}
    if editable:
        earlier = (
            Evidence.objects.filter(
                pemda_id=cycle.pemda_id,
                year__lt=cycle.year,
                answer__question__code__in=list(editable),
            )
            .select_related("answer__question")
            .order_by("-year", "-created_at")
        )
        for item in earlier:
            row = editable[item.answer.question.code]
            if len(row.previous) < 10:
                row.previous.append(item)
    return rows


def verification_rows(cycle: AssessmentCycle, user: User) -> list[SheetRow]:
    from melayani.evaluation.services import verification_refusal

    answers = Answer.objects.filter(cycle=cycle).exclude(status=AnswerStatus.OPEN)
    rows = _rows(cycle, answers)
    for row in rows:
        row.answer.cycle = cycle
        row.verifiable = (
            cycle.status == CycleStatus.VERIFYING
            and row.answer.status != AnswerStatus.RETURNED
            and verification_refusal(user, row.answer) is None
        )
    return rows


def cycle_counts(cycle: AssessmentCycle) -> dict[str, int]:
    counts = dict(Answer.objects.filter(cycle=cycle).values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in AnswerStatus.values}


def cycle_actions(cycle: AssessmentCycle) -> QuerySet[ActionItem]:
    return cycle.actions.select_related("opd", "person", "node").order_by("status", "due_on", "pk")


def pemda_options(cycle: AssessmentCycle) -> tuple[list[OPD], list[User]]:
    """OPD and officials of the cycle's Pemda (for assignments and action items)."""
    from melayani.core.models import RoleAssignment

    opds = list(
        OPD.objects.filter(pemda_id=cycle.pemda_id, is_active=True).order_by("path", "name")
    )
    user_ids = (
        RoleAssignment.objects.current()
        .filter(Q(pemda_id=cycle.pemda_id) | Q(opd__pemda_id=cycle.pemda_id))
        .values("user_id")
    )
    people = list(
        User.objects.filter(pk__in=user_ids, is_active=True).order_by("full_name", "username")
    )
    return opds, people


def tree_of(cycle: AssessmentCycle) -> Tree:
    return compiled_tree(cycle.preset_id)


# --- national and provincial reads (for monitoring) --------------------------------------------


@dataclass(frozen=True)
class NationalRow:
    """One Pemda's cycle of a year as the monitoring pages show it (no people, no units)."""

    pemda_id: int
    year: int
    status: str
    late: bool
    index: Decimal | None
    predicate: str
    areas: tuple[tuple[str, Decimal | None], ...]  # (area title, % of its weight)


def national_rows(
    years: Sequence[int], pemda_ids: Iterable[int] | None = None, *, today: Any = None
) -> list[NationalRow]:
    """Stored results of the given years (verified tier once verification began, else self),
    with each cycle's status, lateness and per-area percentages. Reads O(cycles) rows."""
    from django.utils import timezone

    today = today or timezone.localdate()
    cycles = AssessmentCycle.objects.filter(year__in=years)
    if pemda_ids is not None:
        cycles = cycles.filter(pemda_id__in=list(pemda_ids))
    cycle_rows = list(
        cycles.values_list(
            "pk",
            "pemda_id",
            "year",
            "status",
            "preset_id",
            "fill_ends",
            "verify_ends",
            "finalise_ends",
            "finalised_at",
        )
    )
    # One tier per cycle: the self-assessment while filling, the verified result after.
    shown = Q(tier=ScoreTier.SELF, cycle__status=CycleStatus.FILLING) | Q(
        tier=ScoreTier.VERIFIED, cycle__status__in=[CycleStatus.VERIFYING, CycleStatus.FINAL]
    )
    scores = {
        (s_cycle, tier): (index, predicate, node_scores)
        for s_cycle, tier, index, predicate, node_scores in CycleScore.objects.filter(
            shown, cycle_id__in=[c[0] for c in cycle_rows]
        ).values_list("cycle_id", "tier", "index", "predicate", "node_scores")
    }
    groups_by_preset: dict[int, list[AreaGroup]] = {}
    found = []
    for (
        pk,
        pemda_id,
        year,
        status,
        preset_id,
        fill_ends,
        verify_ends,
        finalise_ends,
        done,
    ) in cycle_rows:
        if preset_id not in groups_by_preset:
            cycle = AssessmentCycle.objects.select_related("instrument").get(pk=pk)
            groups_by_preset[preset_id] = area_groups(cycle)
        tier = ScoreTier.SELF if status == CycleStatus.FILLING else ScoreTier.VERIFIED
        index, predicate, node_scores = scores.get((pk, tier), (None, "", {}))
        stored: dict[str, str] = node_scores or {}
        areas: list[tuple[str, Decimal | None]] = []
        for group in groups_by_preset[preset_id]:
            if not group.maximum:
                areas.append((group.title, None))
                continue
            total = sum((Decimal(stored.get(str(n), "0")) for n in group.node_ids), ZERO)
            areas.append((group.title, CTX.divide(total * HUNDRED, group.maximum)))
        if status == CycleStatus.FINAL:
            late = bool(done and done.date() > finalise_ends)
        else:
            late = today > (fill_ends if status == CycleStatus.FILLING else verify_ends)
        found.append(NationalRow(pemda_id, year, status, late, index, predicate, tuple(areas)))
    return found


def cycle_years() -> list[int]:
    """Years with at least one cycle, newest first."""
    return sorted(
        set(AssessmentCycle.objects.values_list("year", flat=True).distinct()), reverse=True
    )


def latest_final_year() -> int | None:
    """The latest year with a final cycle (else the latest year with any cycle)."""
    final = (
        AssessmentCycle.objects.filter(status=CycleStatus.FINAL)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if final is not None:
        return final
    return AssessmentCycle.objects.order_by("-year").values_list("year", flat=True).first()


def reusable_evidence(*, cycle: Any, source_id: int | None) -> Evidence | None:
    """Evidence of the cycle's Pemda from an earlier year, to reuse (None when there is none
    with that id); :func:`~melayani.evaluation.services.evidence_reuse` checks the rest."""
    if not source_id:
        return None
    return Evidence.objects.filter(
        pk=source_id, pemda_id=cycle.pemda_id, year__lt=cycle.year
    ).first()
