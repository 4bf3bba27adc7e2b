"""Demo evaluation data.

* The shipped instruments are loaded, and a demo version of PMPRB is cloned from version 1 for
  the evaluation years from 2024 with every missing weight filled by equal exact shares
  (:func:`~melayani.evaluation.instruments.preset_fill_evenly`): demo weights, not official ones.
* Kabupaten Merauke runs two cycles through the real services: 2025 filled, verified (one answer
  sent back and revised, some adjusted) and final, with action items; 2026 open and partly filled,
  with last year's open items carried over.
* Every Pemda gets synthetic finished cycles for 2024 and 2025 (bulk inserts, results computed by
  the same recompute as production), so the national view has 546 rows per year.

Idempotent: what exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from melayani.core.models import OPD, Pemda, User
from melayani.evaluation.instruments import instrument_clone, instruments_load, preset_fill_evenly
from melayani.evaluation.models import (
    Answer,
    AnswerStatus,
    AssessmentCycle,
    CycleScore,
    CycleStatus,
    Instrument,
    InstrumentNode,
    NodeKind,
    WeightPreset,
)
from melayani.evaluation.scores import STORED_TIERS, cycles_recompute
from melayani.evaluation.scoring import answer_value, compiled_tree, to_text

DEMO_NOTE = (
    "Demo version: every weight the sources do not give was filled with equal exact shares for "
    "the demo. These are not official weights."
)
DEMO_YEAR_FROM = 2024
SYNTHETIC_YEARS = (2024, 2025)


def demo_instrument() -> WeightPreset:
    """The demo PMPRB version's default preset (cloned and filled once)."""
    instruments_load()
    base = Instrument.objects.get(code="pmprb_2020", version=1)
    clone = Instrument.objects.filter(cloned_from=base, year_from=DEMO_YEAR_FROM).first()
    if clone is None:
        clone = instrument_clone(actor=None, instrument=base, year_from=DEMO_YEAR_FROM)
        Instrument.objects.filter(pk=clone.pk).update(notes=f"{DEMO_NOTE}\n\n{base.notes}")
        for preset in clone.presets.all():
            preset_fill_evenly(actor=None, preset=preset)
    return clone.presets.get(is_default=True)


def _raw_for(spec: object, level: float, rng: random.Random) -> str:
    """An answer near ``level`` (0–1) for a question spec."""
    options = getattr(spec, "options", ())
    draw = min(1.0, max(0.0, rng.gauss(level, 0.25)))
    if options:
        return min(options, key=lambda o: abs(float(o[1]) - draw))[0]
    scale = getattr(spec, "scale_max", None) or Decimal(100)
    return str(round(draw * float(scale)))


def synthetic_cycles(
    preset: WeightPreset,
    *,
    years: Iterable[int] = SYNTHETIC_YEARS,
    pemdas: Iterable[Pemda] | None = None,
    seed: int = 546,
) -> int:
    """Finished cycles with plausible answers for every Pemda (bulk); returns how many were made.

    Each Pemda has a steady level of maturity that improves a little each year; about one in
    seven verified answers is adjusted down by the Inspektorat; about one in ten cycles was
    finalised after its window.
    """
    rng = random.Random(seed)  # noqa: S311 — demo data, the same every time
    tree = compiled_tree(preset.pk)
    questions = list(
        InstrumentNode.objects.filter(instrument=preset.instrument, kind=NodeKind.QUESTION)
        .order_by("order")
        .values_list("pk", "parent_id")
    )
    all_pemdas = list(pemdas if pemdas is not None else Pemda.objects.order_by("code"))
    made = 0
    for year in years:
        taken = set(AssessmentCycle.objects.filter(year=year).values_list("pemda_id", flat=True))
        todo = [p for p in all_pemdas if p.pk not in taken]
        if not todo:
            continue
        finalise_ends = dt.date(year, 5, 15)
        cycles = []
        levels = {}
        for pemda in todo:
            base = random.Random(pemda.pk * 7919 + seed).uniform(0.3, 0.92)  # noqa: S311
            levels[pemda.pk] = min(0.98, base + 0.03 * (year - min(SYNTHETIC_YEARS)))
            late = rng.random() < 0.1
            finalised = finalise_ends + dt.timedelta(
                days=rng.randint(10, 40) if late else -rng.randint(0, 20)
            )
            moment = timezone.make_aware(dt.datetime.combine(finalised, dt.time(15, 0)))
            cycles.append(
                AssessmentCycle(
                    pemda=pemda,
                    year=year,
                    instrument=preset.instrument,
                    preset=preset,
                    status=CycleStatus.FINAL,
                    fill_starts=dt.date(year, 2, 2),
                    fill_ends=dt.date(year, 3, 31),
                    verify_ends=dt.date(year, 4, 30),
                    finalise_ends=finalise_ends,
                    opened_at=moment - dt.timedelta(days=100),
                    verifying_at=moment - dt.timedelta(days=40),
                    finalised_at=moment,
                    is_synthetic=True,
                )
            )
        with transaction.atomic():
            AssessmentCycle.objects.bulk_create(cycles, batch_size=500)
            created = AssessmentCycle.objects.filter(year=year, pemda__in=todo, is_synthetic=True)
            by_pemda = dict(created.values_list("pemda_id", "pk"))
            rows = []
            for pemda in todo:
                level = levels[pemda.pk]
                for qid, sub_id in questions:
                    spec = tree.questions[qid]
                    raw = _raw_for(spec, level, rng)
                    value = to_text(answer_value(spec, raw))
                    adjusted = rng.random() < 0.14
                    verified_raw = _raw_for(spec, max(0.0, level - 0.3), rng) if adjusted else raw
                    verified = to_text(answer_value(spec, verified_raw)) if adjusted else value
                    status = AnswerStatus.ADJUSTED if adjusted else AnswerStatus.ACCEPTED
                    rows.append(
                        (
                            by_pemda[pemda.pk],
                            pemda.pk,
                            qid,
                            sub_id,
                            str(status),
                            raw,
                            value,
                            verified_raw,
                            verified,
                        )
                    )
            _insert_answers(rows)
            now = timezone.now()
            CycleScore.objects.bulk_create(
                [
                    CycleScore(
                        cycle_id=pk, pemda_id=pemda_id, year=year, tier=tier, computed_at=now
                    )
                    for pemda_id, pk in by_pemda.items()
                    for tier in STORED_TIERS
                ],
                batch_size=2000,
            )
            cycles_recompute(created)
        made += len(todo)
    return made


ANSWER_COLUMNS = (
    "cycle_id",
    "pemda_id",
    "question_id",
    "sub_indicator_id",
    "status",
    "self_raw",
    "self_value",
    "verified_raw",
    "verified_value",
)
ANSWER_EMPTY = {"justification": "", "revision": 0, "verification_note": "", "external_value": ""}


def _insert_answers(rows: Sequence[tuple[Any, ...]]) -> None:
    """Plain ``INSERT`` of many answer rows (the ORM's bulk insert costs ten times as much)."""
    quote = connection.ops.quote_name
    columns = [*ANSWER_COLUMNS, *ANSWER_EMPTY]
    # Table and column names come from the model, values are parameters.
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(Answer._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    tail: tuple[Any, ...] = tuple(ANSWER_EMPTY.values())
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, *tail) for row in rows])


def _merauke_cycles(preset: WeightPreset) -> None:
    from melayani.evaluation import services
    from melayani.evaluation.models import ReviewDecision
    from melayani.evaluation.services import Windows

    pemda = Pemda.objects.filter(code="93.01").first()
    team = User.objects.filter(username="merauke.timrb").first()
    inspector = User.objects.filter(username="merauke.inspektur").first()
    if pemda is None or team is None or inspector is None:
        return
    if AssessmentCycle.objects.filter(pemda=pemda, year=2025).exists():
        return
    rng = random.Random(93)  # noqa: S311 — demo data
    opds = {o.slug: o for o in OPD.objects.filter(pemda=pemda)}
    by_area = {
        "change_management": "bagian-organisasi",
        "deregulation": "setda",
        "organisation": "bagian-organisasi",
        "business_process": "bagian-organisasi",
        "hr_management": "bkpsdm",
        "accountability": "setda",
        "oversight": "inspektorat",
        "public_service": "dpmptsp",
    }
    tree = compiled_tree(preset.pk)

    def open_cycle(year: int) -> AssessmentCycle:
        cycle = services.cycle_open(
            actor=team,
            pemda=pemda,
            year=year,
            preset=preset,
            lead=team,
            windows=Windows(
                dt.date(year, 3, 2),
                dt.date(year, 4, 30),
                dt.date(year, 5, 29),
                dt.date(year, 6, 12),
            ),
        )
        for node in InstrumentNode.objects.filter(instrument=preset.instrument, kind=NodeKind.AREA):
            slug = by_area.get(node.code.split(".", 1)[1])
            if slug in opds:
                services.assignment_set(actor=team, cycle=cycle, node=node, opd=opds[slug])
        return cycle

    last = open_cycle(2025)
    for answer in last.answers.select_related("cycle", "opd"):
        raw = _raw_for(tree.questions[answer.question_id], 0.72, rng)
        services.answer_save(actor=team, answer=answer, raw=raw, justification="Dokumen terlampir")
    services.cycle_advance(actor=team, cycle=last)
    for index, answer in enumerate(last.answers.select_related("cycle", "opd").order_by("pk")):
        if answer.opd is not None and answer.opd.kind == "inspectorate":
            services.answer_verify(actor=team, answer=answer, decision=ReviewDecision.ACCEPT)
        elif index == 3:
            services.answer_verify(
                actor=inspector,
                answer=answer,
                decision=ReviewDecision.RETURN,
                note="Lampirkan SK yang sudah ditandatangani.",
            )
            revised = services.answer_save(
                actor=team,
                answer=answer,
                raw=answer.self_raw,
                justification="SK bertanda tangan terlampir",
            )
            services.answer_verify(actor=inspector, answer=revised, decision=ReviewDecision.ACCEPT)
        elif index % 9 == 4:
            options = tree.questions[answer.question_id].options
            lower = options[-1][0] if options else "0"
            services.answer_verify(
                actor=inspector,
                answer=answer,
                decision=ReviewDecision.ADJUST,
                raw=lower,
                note="Bukti dukung belum memadai.",
            )
        else:
            services.answer_verify(actor=inspector, answer=answer, decision=ReviewDecision.ACCEPT)
    services.cycle_advance(actor=team, cycle=last)
    from melayani.evaluation.selectors import cycle_gaps

    for number, gap in enumerate(cycle_gaps(last, limit=4)):
        opd = opds.get("bagian-organisasi") or next(iter(opds.values()))
        item = services.action_item_create(
            actor=team,
            cycle=last,
            title=f"Perbaiki: {gap.title}"[:300],
            opd=opd,
            due_on=dt.date(2026, 3 + number * 2, 28),
            node=InstrumentNode.objects.get(pk=gap.node_id),
        )
        if number == 0:
            services.action_item_progress(
                actor=team,
                item=item,
                progress=100,
                completion_note="Telah ditetapkan dengan SK Bupati.",
            )
        elif number == 1:
            services.action_item_progress(actor=team, item=item, progress=40)
    current = open_cycle(2026)
    for answer in current.answers.select_related("cycle", "opd").order_by("pk")[:40]:
        raw = _raw_for(tree.questions[answer.question_id], 0.8, rng)
        services.answer_save(actor=team, answer=answer, raw=raw, justification="Dokumen terlampir")


def evaluation_demo_seed() -> None:
    preset = demo_instrument()
    _merauke_cycles(preset)
    synthetic_cycles(preset)
