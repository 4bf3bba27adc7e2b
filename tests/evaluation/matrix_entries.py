"""Entries of the evaluation for the tenancy matrix (tests/core/test_tenancy_matrix.py)::

    from tests.evaluation.matrix_entries import EVALUATION_OBJECT_TYPES, EVALUATION_URL_KWARGS
    OBJECT_TYPES.update(EVALUATION_OBJECT_TYPES)
    URL_KWARGS.update(EVALUATION_URL_KWARGS)

A small cycle of Merauke (2026) with one answer assigned to Dukcapil, its review, a file as
evidence and an action item. Cycles are ``reform.manage`` (RB team); answers and reviews
``reform.verify`` (Inspektorat); a unit's assignments and evidence ``reform.answer`` (the unit's
staff); stored results ``aggregates.view`` (the Pemda's officials, its province, national
analysts); action items ``reform.manage``.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

MATRIX_YEAR = 2026


def _instrument() -> Any:
    from melayani.evaluation.instruments import instruments_load
    from melayani.evaluation.models import Instrument
    from tests.evaluation.conftest import worked_example_data

    found = Instrument.objects.filter(code="matrix_zi").first()
    if found is None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "matrix.json"
            path.write_text(json.dumps(worked_example_data("matrix_zi")))
            instruments_load([path])
        found = Instrument.objects.get(code="matrix_zi")
    return found


def matrix_cycle(w: Any) -> Any:
    from melayani.evaluation.models import AssessmentCycle
    from melayani.evaluation.services import Windows, cycle_open

    found = AssessmentCycle.objects.filter(pemda=w.merauke, year=MATRIX_YEAR).first()
    if found is not None:
        return found
    cycle = cycle_open(
        actor=None,
        pemda=w.merauke,
        year=MATRIX_YEAR,
        preset=_instrument().presets.get(),
        windows=Windows(
            dt.date(2026, 3, 2), dt.date(2026, 3, 31), dt.date(2026, 4, 30), dt.date(2026, 5, 15)
        ),
    )
    answer = cycle.answers.get(question__code="mp.team.q1")
    answer.opd = w.dukcapil
    answer.save(update_fields=["opd"])
    return cycle


def _answer(w: Any) -> Any:
    return matrix_cycle(w).answers.select_related("opd").get(question__code="mp.team.q1")


def _assignment(w: Any) -> Any:
    from melayani.evaluation.models import Assignment

    cycle = matrix_cycle(w)
    return Assignment.objects.get_or_create(
        cycle=cycle, node=cycle.instrument.nodes.get(code="mp.team"), defaults={"opd": w.dukcapil}
    )[0]


def _review(w: Any) -> Any:
    from melayani.evaluation.models import AnswerReview

    answer = _answer(w)
    return AnswerReview.objects.create(
        answer=answer,
        pemda=w.merauke,
        opd=answer.opd,
        reviewer=w["inspector"],
        decision="accept",
        created_at=timezone.now(),
    )


def _evidence(w: Any) -> Any:
    from melayani.evaluation.models import Evidence

    answer = _answer(w)
    found = Evidence.objects.filter(answer=answer, kind="file").first()
    if found is not None:
        return found
    evidence = Evidence(
        answer=answer,
        pemda=w.merauke,
        opd=answer.opd,
        kind="file",
        title="SK Tim",
        original_name="sk.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        year=MATRIX_YEAR,
        created_at=timezone.now(),
    )
    evidence.file.save("sk.pdf", ContentFile(b"%PDF-1.4"), save=False)
    evidence.save()
    return evidence


def _score(w: Any) -> Any:
    return matrix_cycle(w).scores.get(tier="self")


def _action(w: Any) -> Any:
    from melayani.evaluation.models import ActionItem

    cycle = matrix_cycle(w)
    found = ActionItem.objects.filter(cycle=cycle).first()
    if found is not None:
        return found
    return ActionItem.objects.create(
        cycle=cycle,
        pemda=w.merauke,
        opd=w.dukcapil,
        title="Sosialisasi",
        due_on=dt.date(2026, 9, 30),
        created_at=timezone.now(),
    )


MANAGERS = {"reform_team", "platform_admin"}
VERIFIERS = {"inspector", "platform_admin"}
UNIT_ANSWERERS = {"opd_head", "platform_admin"}
RESULT_READERS = {
    "pemda_admin",
    "reform_team",
    "inspector",
    "complaint_coordinator",
    "dpo",
    "leader",
    "province_leader",
    "national_analyst",
    "kemenpanrb_evaluator",
    "platform_admin",
}

EVALUATION_OBJECT_TYPES: dict[str, tuple[Callable[[Any], Any], str, set[str]]] = {
    "evaluation.assessmentcycle": (matrix_cycle, "reform.manage", MANAGERS),
    "evaluation.assignment": (_assignment, "reform.answer", UNIT_ANSWERERS),
    "evaluation.answer": (_answer, "reform.verify", VERIFIERS),
    "evaluation.answerreview": (_review, "reform.verify", VERIFIERS),
    "evaluation.evidence": (_evidence, "reform.answer", UNIT_ANSWERERS),
    "evaluation.cyclescore": (_score, "aggregates.view", RESULT_READERS),
    "evaluation.actionitem": (_action, "reform.manage", MANAGERS),
}


def _cycle_kwargs(w: Any, **extra: Any) -> dict[str, Any]:
    return {"ref": matrix_cycle(w).ref, **extra}


EVALUATION_URL_KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "evaluation:instrument": lambda w: {"pk": _instrument().pk},
    "evaluation:instrument-xlsx": lambda w: {"pk": _instrument().pk},
    "evaluation:open": lambda w: {"pemda_code": w.merauke.code},
    "evaluation:evidence-file": lambda w: {"pk": _evidence(w).pk},
    **{
        f"evaluation:{name}": _cycle_kwargs
        for name in (
            "cycle",
            "advance",
            "windows",
            "assignments",
            "worksheet",
            "worksheet-xlsx",
            "verification",
            "actions",
            "report",
            "report-xlsx",
        )
    },
    "evaluation:answer": lambda w: _cycle_kwargs(w, pk=_answer(w).pk),
    "evaluation:evidence-add": lambda w: _cycle_kwargs(w, pk=_answer(w).pk),
    "evaluation:verify": lambda w: _cycle_kwargs(w, pk=_answer(w).pk),
    "evaluation:action-progress": lambda w: _cycle_kwargs(w, pk=_action(w).pk),
}
