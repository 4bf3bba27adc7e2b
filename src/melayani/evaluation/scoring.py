"""Scoring at full precision: weights, answer values, the tree sums, the index and the predicate.

The score rule (EVALUATION.md 2.5): a sub-indicator scores ``weight × mean of its question
values`` (an unanswered question counts 0); every other node scores the sum of its children; the
index is the total divided by the maximum, times 100 (or the total as it is, per instrument). All
arithmetic is :class:`~decimal.Decimal` at 34 significant digits, weights may be exact fractions
(``"1/3"``); rounding happens only for display. Nothing here touches the database except
:func:`compiled_tree`, which reads an instrument version once and caches it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CTX = Context(prec=34)
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
#: Weights are compared after rounding to this many places (sums of exact fractions).
SUM_TOLERANCE = Decimal("1e-20")
TWO_PLACES = Decimal("0.01")
DECISION_PLACES = Decimal("1e-12")


def parse_number(text: str) -> Decimal:
    """``"2.50"`` or ``"1/3"`` → Decimal at full precision; ``ValueError`` for anything else."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        raise ValueError("empty number")
    try:
        if "/" in text:
            top, bottom = text.split("/", 1)
            value = CTX.divide(Decimal(top.strip()), Decimal(bottom.strip()))
        else:
            value = Decimal(text)
    except (InvalidOperation, ZeroDivisionError, ValueError):
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return value


def to_text(value: Decimal) -> str:
    """A stored decimal string (full precision, no exponent)."""
    return format(value.normalize(CTX), "f") if value else "0"


def display(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    return str(value.quantize(Decimal(1).scaleb(-places), context=CTX))


# --- answer values ------------------------------------------------------------------------------

#: Default option sets (EVALUATION.md 2.5); stored explicitly on each question when loaded.
DEFAULT_OPTIONS: dict[str, list[dict[str, str]]] = {
    "yes_no": [
        {"code": "Ya", "label": "Ya", "value": "1"},
        {"code": "Tidak", "label": "Tidak", "value": "0"},
    ],
    "abc": [
        {"code": "A", "label": "A", "value": "1"},
        {"code": "B", "label": "B", "value": "0.5"},
        {"code": "C", "label": "C", "value": "0"},
    ],
    "abcd": [
        {"code": "A", "label": "A", "value": "1"},
        {"code": "B", "label": "B", "value": "0.67"},
        {"code": "C", "label": "C", "value": "0.33"},
        {"code": "D", "label": "D", "value": "0"},
    ],
    "abcde": [
        {"code": "A", "label": "A", "value": "1"},
        {"code": "B", "label": "B", "value": "0.75"},
        {"code": "C", "label": "C", "value": "0.5"},
        {"code": "D", "label": "D", "value": "0.25"},
        {"code": "E", "label": "E", "value": "0"},
    ],
}
#: Numeric answer types and their default maximum (the value is the answer ÷ the maximum).
SCALE_MAX: dict[str, str] = {"percentage": "100", "maturity": "5", "score_100": "100", "number": ""}


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    answer_type: str
    options: tuple[tuple[str, Decimal], ...]
    scale_max: Decimal | None


def answer_value(question: QuestionSpec, raw: str) -> Decimal:
    """The 0–1 value of an answer, or ``ValidationError`` (code ``answer_invalid``)."""
    raw = (raw or "").strip()
    if question.options:
        for code, value in question.options:
            if code.lower() == raw.lower():
                return value
        codes = ", ".join(code for code, _value in question.options)
        raise ValidationError(
            _("Choose one of the options: %(codes)s.") % {"codes": codes}, code="answer_invalid"
        )
    if question.scale_max is None or question.scale_max <= 0:
        raise ValidationError(
            _("This question has no maximum set; an administrator must set it first."),
            code="question_incomplete",
        )
    try:
        number = parse_number(raw)
    except ValueError:
        raise ValidationError(_("Enter a number."), code="answer_invalid") from None
    if number < 0 or number > question.scale_max:
        raise ValidationError(
            _("Enter a number from 0 to %(max)s.") % {"max": to_text(question.scale_max)},
            code="answer_invalid",
        )
    return CTX.divide(number, question.scale_max)


# --- the compiled tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    lower: Decimal
    upper: Decimal
    lower_inclusive: bool
    upper_inclusive: bool

    def contains(self, index: Decimal) -> bool:
        above = index >= self.lower if self.lower_inclusive else index > self.lower
        below = index <= self.upper if self.upper_inclusive else index < self.upper
        return above and below


def predicate_of(bands: Iterable[Band], index: Decimal) -> str:
    for band in bands:
        if band.contains(index):
            return band.code
    return ""


@dataclass
class Tree:
    """An instrument version with one preset's weights, ready for arithmetic."""

    parent: dict[int, int | None] = field(default_factory=dict)
    weight: dict[int, Decimal] = field(default_factory=dict)
    sub_questions: dict[int, list[int]] = field(default_factory=dict)
    question_sub: dict[int, int] = field(default_factory=dict)
    ancestors: dict[int, tuple[int, ...]] = field(default_factory=dict)  # of sub-indicators
    scored: list[int] = field(default_factory=list)  # every non-question node
    roots: list[int] = field(default_factory=list)
    maximum: Decimal = ZERO
    index_rule: str = "scaled"
    bands: tuple[Band, ...] = ()
    questions: dict[int, QuestionSpec] = field(default_factory=dict)
    plan: list[tuple[int, tuple[int, ...], Decimal, int, tuple[int, ...]]] | None = None

    def index(self, total: Decimal) -> Decimal:
        if self.index_rule == "sum":
            return total
        if not self.maximum:
            return ZERO
        return CTX.divide(CTX.multiply(total, HUNDRED), self.maximum)

    def predicate(self, index: Decimal) -> str:
        # Decided on the index rounded to 12 places: thirds held at 34 digits (1/3 + 2/3 =
        # 0.999…9) must decide like the exact sum they stand for.
        return predicate_of(self.bands, index.quantize(DECISION_PLACES, context=CTX))

    def sub_score(self, sub_id: int, values: Mapping[int, Decimal]) -> Decimal:
        questions = self.sub_questions.get(sub_id, [])
        if not questions:
            return ZERO
        total = ZERO
        for qid in questions:
            value = values.get(qid)
            if value is not None:
                total = CTX.add(total, value)
        return CTX.divide(CTX.multiply(self.weight.get(sub_id, ZERO), total), len(questions))

    def score(self, values: Mapping[int, Decimal]) -> dict[int, Decimal]:
        """Every node's score from the question values (question id → 0–1 value).

        The national recompute calls this for every cycle: the loop runs over a prepared list
        (sub-indicator, its questions, weight, count, ancestors) with the context's methods bound.
        """
        scores = dict.fromkeys(self.scored, ZERO)
        add, multiply, divide, get = CTX.add, CTX.multiply, CTX.divide, values.get
        for sub_id, questions, weight, count, path in self._plan():
            total = ZERO
            for qid in questions:
                value = get(qid)
                if value is not None:
                    total = add(total, value)
            if not total:
                continue
            value = divide(multiply(weight, total), count)
            scores[sub_id] = value
            for node_id in path:
                scores[node_id] = add(scores[node_id], value)
        return scores

    def _plan(self) -> list[tuple[int, tuple[int, ...], Decimal, int, tuple[int, ...]]]:
        if self.plan is None:
            self.plan = [
                (
                    sub_id,
                    tuple(questions),
                    self.weight.get(sub_id, ZERO),
                    len(questions),
                    self.ancestors[sub_id],
                )
                for sub_id, questions in self.sub_questions.items()
                if questions
            ]
        return self.plan

    def total(self, scores: Mapping[int, Decimal]) -> Decimal:
        total = ZERO
        for root in self.roots:
            total = CTX.add(total, scores.get(root, ZERO))
        return total


_cache: dict[tuple[int, str], Tree] = {}
_lock = threading.Lock()


def forget_trees() -> None:
    with _lock:
        _cache.clear()


def compiled_tree(preset_id: int, *, instrument_created: dt.datetime | None = None) -> Tree:
    """The tree of a weight preset's instrument with that preset's weights (cached).

    The cache key carries the instrument's creation time, so a reused primary key (a rolled-back
    test database) never returns a stale tree; weight changes call :func:`forget_trees`. A
    caller that has the instrument at hand passes its creation time and saves the query.
    """
    from melayani.evaluation.models import InstrumentNode, PresetWeight, WeightPreset

    if instrument_created is not None:
        cached = _cache.get((preset_id, instrument_created.isoformat()))
        if cached is not None:
            return cached
    preset = WeightPreset.objects.select_related("instrument").get(pk=preset_id)
    instrument = preset.instrument
    key = (preset_id, instrument.created_at.isoformat())
    cached = _cache.get(key)
    if cached is not None:
        return cached
    tree = Tree(index_rule=instrument.index_rule)
    tree.bands = tuple(
        Band(b.code, b.label, b.lower, b.upper, b.lower_inclusive, b.upper_inclusive)
        for b in instrument.bands.all()
    )
    weights = {
        node_id: parse_number(text)
        for node_id, text in PresetWeight.objects.filter(preset=preset).values_list(
            "node_id", "weight"
        )
    }
    nodes = list(
        InstrumentNode.objects.filter(instrument=instrument)
        .order_by("order")
        .values("id", "parent_id", "kind", "answer_type", "options", "scale_max")
    )
    for node in nodes:
        tree.parent[node["id"]] = node["parent_id"]
        if node["kind"] == "question":
            sub_id = node["parent_id"]
            tree.sub_questions.setdefault(sub_id, []).append(node["id"])
            tree.question_sub[node["id"]] = sub_id
            tree.questions[node["id"]] = question_spec(node)
        else:
            tree.scored.append(node["id"])
            tree.weight[node["id"]] = weights.get(node["id"], ZERO)
            if node["parent_id"] is None:
                tree.roots.append(node["id"])
    for sub_id in tree.sub_questions:
        path = []
        parent = tree.parent[sub_id]
        while parent is not None:
            path.append(parent)
            parent = tree.parent[parent]
        tree.ancestors[sub_id] = tuple(path)
    tree.maximum = sum((tree.weight[r] for r in tree.roots), ZERO)
    with _lock:
        _cache[key] = tree
    return tree


def question_spec(node: Mapping[str, object]) -> QuestionSpec:
    options = tuple(
        (str(o["code"]), parse_number(str(o["value"])))
        for o in (node.get("options") or [])  # type: ignore[attr-defined]
    )
    scale_text = str(node.get("scale_max") or "")
    return QuestionSpec(
        id=int(node["id"]),  # type: ignore[call-overload]
        answer_type=str(node.get("answer_type") or ""),
        options=options,
        scale_max=parse_number(scale_text) if scale_text else None,
    )
