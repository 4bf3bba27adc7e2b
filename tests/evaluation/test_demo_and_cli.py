"""The demo seeder (two years for Merauke through the services, synthetic finished cycles for
every Pemda, idempotent) and the commands ``evaluation_load`` and ``evaluation_recompute``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from melayani.core.demo import demo_seed
from melayani.core.models import Pemda
from melayani.evaluation.demo import evaluation_demo_seed
from melayani.evaluation.models import AssessmentCycle, CycleScore, Instrument
from tests.evaluation.conftest import worked_example_data

pytestmark = pytest.mark.django_db


def test_demo_seed(reference_data: None) -> None:
    demo_seed()
    evaluation_demo_seed()
    assert AssessmentCycle.objects.filter(year=2025).count() == Pemda.objects.count() == 546
    assert AssessmentCycle.objects.filter(year=2024).count() == 546
    merauke = {c.year: c for c in AssessmentCycle.objects.filter(pemda__code="93.01")}
    assert merauke[2025].status == "final" and not merauke[2025].is_synthetic
    assert merauke[2026].status == "filling"
    assert merauke[2026].actions.filter(carried_from__isnull=False).exists()
    assert merauke[2025].answers.filter(reviews__decision="return").exists()
    assert (
        CycleScore.objects.filter(year=2025, tier="verified").exclude(predicate="").count() == 546
    )
    out = StringIO()
    call_command("evaluation_recompute", "--check", stdout=out)
    assert "match" in out.getvalue()
    counts = (AssessmentCycle.objects.count(), CycleScore.objects.count())
    evaluation_demo_seed()  # idempotent
    assert (AssessmentCycle.objects.count(), CycleScore.objects.count()) == counts


def test_load_command_is_idempotent(db: None, tmp_path: Path) -> None:
    out = StringIO()
    call_command("evaluation_load", stdout=out)
    assert "pmprb_2020 v1: created" in out.getvalue()
    again = StringIO()
    call_command("evaluation_load", stdout=again)
    assert "pmprb_2020 v1: unchanged" in again.getvalue()
    broken = worked_example_data("broken")
    broken["nodes"][0]["weights"] = {"x": "5"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(CommandError):
        call_command("evaluation_load", str(path))
    with pytest.raises(CommandError):
        call_command("evaluation_load", str(tmp_path / "missing.json"))
    assert not Instrument.objects.filter(code="broken").exists()


def test_recompute_check_names_a_differing_cycle(example_cycle: AssessmentCycle) -> None:
    CycleScore.objects.filter(cycle=example_cycle, tier="self").update(predicate="AA")
    with pytest.raises(CommandError) as caught:
        call_command("evaluation_recompute", "--check")
    assert example_cycle.ref in str(caught.value)
    call_command("evaluation_recompute", "--year", "2026", stdout=StringIO())
    call_command("evaluation_recompute", "--check", stdout=StringIO())
