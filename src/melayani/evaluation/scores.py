"""Stored results (:class:`CycleScore`): kept up to date incrementally, recomputable in bulk.

When one answer changes, only its sub-indicator is recomputed (one small query); the difference
is added to the sub-indicator and each ancestor, and the total, index and predicate follow
(:func:`score_update`). :func:`cycles_recompute` recomputes many cycles from their answers in a
handful of queries (one read of the answers, one bulk update), e.g. after a correction of data or
for the national recompute; ``melayani evaluation_recompute --check`` proves they match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from melayani.evaluation.models import Answer, AssessmentCycle, CycleScore, ScoreTier
from melayani.evaluation.scoring import CTX, ZERO, Tree, compiled_tree, to_text

TIER_FIELD = {
    ScoreTier.SELF: "self_value",
    ScoreTier.VERIFIED: "verified_value",
    ScoreTier.EXTERNAL: "external_value",
}
STORED_TIERS = (ScoreTier.SELF, ScoreTier.VERIFIED)
INDEX_PLACES = Decimal("0.01")


def _apply(score: CycleScore, tree: Tree, scores: dict[int, Decimal]) -> None:
    total = tree.total(scores)
    index = tree.index(total)
    # ``str`` of a Decimal keeps full precision (and parses back exactly).
    score.node_scores = {str(k): str(v) for k, v in scores.items() if v}
    score.total = to_text(total)
    score.index = index.quantize(INDEX_PLACES, context=CTX)
    score.predicate = tree.predicate(index)
    score.computed_at = timezone.now()


def scores_create(cycle: AssessmentCycle) -> None:
    """Empty results of a new cycle, one per stored tier."""
    tree = compiled_tree(cycle.preset_id)
    rows = []
    for tier in STORED_TIERS:
        score = CycleScore(cycle=cycle, pemda_id=cycle.pemda_id, year=cycle.year, tier=tier)
        _apply(score, tree, {})
        rows.append(score)
    CycleScore.objects.bulk_create(rows)


def score_update(cycle: AssessmentCycle, sub_indicator_id: int, tier: str) -> CycleScore:
    """Recompute one sub-indicator for one tier and carry the difference up the tree.

    Call inside the transaction that changed the answer; the result row is locked.
    """
    created = cycle.instrument.created_at if "instrument" in cycle._state.fields_cache else None
    tree = compiled_tree(cycle.preset_id, instrument_created=created)
    field = TIER_FIELD[ScoreTier(tier)]
    score = CycleScore.objects.select_for_update().get(cycle=cycle, tier=tier)
    values = {
        qid: CTX.plus(Decimal(text))
        for qid, text in Answer.objects.filter(
            cycle=cycle, sub_indicator_id=sub_indicator_id
        ).values_list("question_id", field)
        if text
    }
    new = tree.sub_score(sub_indicator_id, values)
    stored = score.node_scores
    old = Decimal(stored.get(str(sub_indicator_id), "0"))
    delta = CTX.subtract(new, old)
    if delta:
        for node_id in (sub_indicator_id, *tree.ancestors.get(sub_indicator_id, ())):
            value = CTX.add(Decimal(stored.get(str(node_id), "0")), delta)
            if value:
                stored[str(node_id)] = to_text(value)
            else:
                stored.pop(str(node_id), None)
        total = CTX.add(Decimal(score.total), delta)
        index = tree.index(total)
        score.total = to_text(total)
        score.index = index.quantize(INDEX_PLACES, context=CTX)
        score.predicate = tree.predicate(index)
    score.computed_at = timezone.now()
    score.save(update_fields=["node_scores", "total", "index", "predicate", "computed_at"])
    return score


def cycle_values(
    cycle_ids: Sequence[int], tiers: Iterable[str] = STORED_TIERS
) -> dict[tuple[int, str], dict[int, Decimal]]:
    """(cycle id, tier) → question id → value, read in one query."""
    chosen = [ScoreTier(t) for t in tiers]
    fields = [TIER_FIELD[t] for t in chosen]
    found: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(dict)
    rows = Answer.objects.filter(cycle_id__in=cycle_ids).values_list(
        "cycle_id", "question_id", *fields
    )
    parsed: dict[str, Decimal] = {}  # answers repeat a handful of values: parse each once
    for row in rows.iterator(chunk_size=20000):
        cycle_id, question_id = row[0], row[1]
        for tier, text in zip(chosen, row[2:], strict=True):
            if text:
                value = parsed.get(text)
                if value is None:
                    value = parsed[text] = Decimal(text)
                found[(cycle_id, tier)][question_id] = value
    return found


def cycles_recompute(cycles: QuerySet[AssessmentCycle], *, check: bool = False) -> list[int]:
    """Recompute the stored results of ``cycles`` from their answers.

    With ``check`` nothing is written; the ids of cycles whose stored result differs are returned
    (without it, the ids of the cycles updated).
    """
    ids_presets = list(cycles.values_list("pk", "preset_id"))
    values = cycle_values([pk for pk, _preset in ids_presets])
    stored = {
        (s.cycle_id, s.tier): s
        for s in CycleScore.objects.filter(
            cycle_id__in=[pk for pk, _p in ids_presets], tier__in=STORED_TIERS
        )
    }
    trees: dict[int, Tree] = {}
    changed: list[CycleScore] = []
    differing: list[int] = []
    for cycle_id, preset_id in ids_presets:
        tree = trees.get(preset_id) or trees.setdefault(preset_id, compiled_tree(preset_id))
        for tier in STORED_TIERS:
            score = stored.get((cycle_id, tier))
            if score is None:
                continue
            before = (score.node_scores, score.total, score.predicate)
            _apply(score, tree, tree.score(values.get((cycle_id, tier), {})))
            after = (score.node_scores, score.total, score.predicate)
            if check and after != before and _rounded(*before) != _rounded(*after):
                differing.append(cycle_id)
            changed.append(score)
    if check:
        return sorted(set(differing))
    _write(changed)
    return [pk for pk, _preset in ids_presets]


WRITTEN = ("node_scores", "total", "index", "predicate", "computed_at")


def _write(rows: list[CycleScore]) -> None:
    """One prepared ``UPDATE … WHERE id = %s`` executed for every row (``bulk_update`` builds a
    ``CASE`` per column, which grows with the batch and is several times slower here)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields: list[Any] = [CycleScore._meta.get_field(name) for name in WRITTEN]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table = quote(CycleScore._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 — names from the model
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)


#: Stored and recomputed results are compared at 20 places: an incremental update adds
#: differences, a recompute sums afresh, and with exact thirds held at 34 digits the last digit
#: may differ by rounding order.
COMPARE_PLACES = Decimal("1e-20")


def _rounded(node_scores: dict[str, str], total: str, predicate: str) -> tuple[object, ...]:
    def rounded(text: str) -> Decimal:
        return Decimal(text).quantize(COMPARE_PLACES, context=CTX)

    nodes = {k: rounded(v) for k, v in node_scores.items() if rounded(v)}
    return (nodes, rounded(total), predicate)


def node_score(score: CycleScore | None, node_id: int) -> Decimal:
    if score is None:
        return ZERO
    return Decimal(score.node_scores.get(str(node_id), "0"))
