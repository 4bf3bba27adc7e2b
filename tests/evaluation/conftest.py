"""Fixtures of the evaluation tests: the shipped instruments, small hand-made instruments, and a
cycle of Merauke ready to answer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from melayani.evaluation.instruments import instruments_load
from melayani.evaluation.models import AssessmentCycle, Instrument, WeightPreset
from melayani.evaluation.services import Windows, cycle_open
from tests.conftest import World

BANDS = [
    {"code": "AA", "label": "Sangat memuaskan", "lower": "90", "upper": "100"},
    {"code": "A", "label": "Memuaskan", "lower": "80", "upper": "90"},
    {"code": "BB", "label": "Sangat baik", "lower": "70", "upper": "80"},
    {"code": "B", "label": "Baik", "lower": "60", "upper": "70"},
    {"code": "CC", "label": "Cukup", "lower": "50", "upper": "60"},
    {"code": "C", "label": "Kurang", "lower": "30", "upper": "50"},
    {"code": "D", "label": "Sangat kurang", "lower": "0", "upper": "30", "lower_inclusive": True},
]


def q(title: str, answer_type: str = "yes_no", **extra: Any) -> dict[str, Any]:
    return {"title": title, "type": answer_type, **extra}


def worked_example_data(code: str = "zi_test") -> dict[str, Any]:
    """The notes' worked example (EVALUATION.md 2.5): Manajemen Perubahan, weight 4.00, with
    Rencana Pembangunan ZI (weight 1.00, three questions)."""
    return {
        "code": code,
        "version": 1,
        "title": "Worked example",
        "level": "work_unit",
        "year_from": 2021,
        "presets": [{"code": "x", "name": "X", "default": True}],
        "bands": BANDS,
        "nodes": [
            {
                "code": "mp",
                "kind": "area",
                "title": "Manajemen Perubahan",
                "weights": {"x": "4.00"},
                "children": [
                    {
                        "code": "mp.team",
                        "kind": "sub_indicator",
                        "title": "Tim Kerja",
                        "weights": {"x": "0.50"},
                        "questions": [q("Tim dibentuk"), q("Anggota dipilih", "abc")],
                    },
                    {
                        "code": "mp.plan",
                        "kind": "sub_indicator",
                        "title": "Rencana Pembangunan ZI",
                        "weights": {"x": "1.00"},
                        "questions": [q("Dokumen"), q("Target"), q("Sosialisasi")],
                    },
                    {
                        "code": "mp.rest",
                        "kind": "sub_indicator",
                        "title": "Lainnya",
                        "weights": {"x": "2.50"},
                        "questions": [q("Pemantauan", "abcd"), q("Maturitas", "maturity")],
                    },
                ],
            }
        ],
    }


def single_score_data(code: str = "single") -> dict[str, Any]:
    """One sub-indicator of weight 100 with one 0–100 question: the index is the answer."""
    return {
        "code": code,
        "version": 1,
        "title": "Single",
        "level": "agency",
        "year_from": 2020,
        "presets": [{"code": "p", "name": "P", "default": True}],
        "bands": BANDS,
        "nodes": [
            {
                "code": "all",
                "kind": "sub_indicator",
                "title": "All",
                "weights": {"p": "100"},
                "questions": [q("Score", "score_100")],
            }
        ],
    }


@pytest.fixture
def load_data(tmp_path: Path) -> Callable[[dict[str, Any]], Instrument]:
    def load(data: dict[str, Any]) -> Instrument:
        path = tmp_path / f"{data['code']}_{data['version']}.json"
        path.write_text(json.dumps(data))
        instruments_load([path])
        return Instrument.objects.get(code=data["code"], version=data["version"])

    return load


@pytest.fixture
def shipped(db: None) -> None:
    instruments_load()


WINDOWS = Windows(
    dt.date(2026, 3, 2), dt.date(2026, 3, 31), dt.date(2026, 4, 30), dt.date(2026, 5, 15)
)


@pytest.fixture
def example_cycle(
    world: World, load_data: Callable[[dict[str, Any]], Instrument]
) -> AssessmentCycle:
    instrument = load_data(worked_example_data())
    preset = WeightPreset.objects.get(instrument=instrument)
    return cycle_open(
        actor=world["reform_team"],
        pemda=world.merauke,
        year=2026,
        preset=preset,
        windows=WINDOWS,
        lead=world["reform_team"],
    )


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def answer_of(cycle: AssessmentCycle, code: str) -> Any:
    return cycle.answers.select_related("cycle", "opd").get(question__code=code)
