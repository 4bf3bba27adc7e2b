"""Instruments as data: loading (idempotent), weights that must add up, read-only once used,
clones with editable weights, and the LKE worksheet out and back in."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from melayani.audit.models import AuditEvent
from melayani.evaluation.instruments import (
    InstrumentInUse,
    instrument_clone,
    instrument_import,
    instrument_workbook,
    instruments_load,
    preset_fill_evenly,
    preset_require_complete,
    preset_weights_set,
    weight_problems,
)
from melayani.evaluation.models import (
    AssessmentCycle,
    Instrument,
    InstrumentNode,
    PresetWeight,
    WeightPreset,
)
from melayani.evaluation.scoring import parse_number
from tests.evaluation.conftest import worked_example_data

pytestmark = pytest.mark.django_db


def _weight(preset: WeightPreset, code: str) -> Decimal:
    return parse_number(PresetWeight.objects.get(preset=preset, node__code=code).weight)


def test_shipped_instruments_load_once(shipped: None) -> None:
    codes = set(Instrument.objects.values_list("code", "version"))
    assert {("pmprb_2020", 1), ("rb_2023", 1), ("zi_2021", 1)} <= codes
    nodes = InstrumentNode.objects.count()
    report = instruments_load()
    assert report.created == [] and report.updated == []
    assert len(report.unchanged) >= 3
    assert InstrumentNode.objects.count() == nodes


def test_pmprb_presets_follow_the_notes(shipped: None) -> None:
    pmprb = Instrument.objects.get(code="pmprb_2020", version=1)
    a = pmprb.presets.get(code="A")
    b = pmprb.presets.get(code="B")
    assert a.is_default and not b.is_default
    # Preset A: Pemenuhan and Reform per area; rows 1-5 printed, 6-8 derived.
    assert _weight(a, "pem.hr_management") == Decimal("3.00")
    assert _weight(a, "ref.organisation") == Decimal("4.50")
    assert sum(
        _weight(a, f"pem.{c}") for c in ("accountability", "oversight", "public_service")
    ) == Decimal("7.5")
    # Preset B: Pemenuhan areas and sub-indicators; printed thirds are stored exactly.
    assert _weight(b, "pem.hr_management") == Decimal("5.00")
    assert (
        PresetWeight.objects.get(preset=b, node__code="pem.hr_management.planning").weight == "1/3"
    )
    # Every parent whose children all have weights adds up exactly, in both presets.
    assert weight_problems(a, missing=False) == []
    assert weight_problems(b, missing=False) == []
    # What the notes do not give is left for an administrator, and a cycle refuses it.
    missing = {p.code for p in weight_problems(a)}
    assert "pem.change_management.team" in missing  # sub-indicator weights unknown under A
    assert "ref.change_management" not in missing
    with pytest.raises(ValidationError):
        preset_require_complete(a)


def test_draft_questions_and_explicit_option_values(shipped: None) -> None:
    question = InstrumentNode.objects.get(
        instrument__code="zi_2021", code="zi.pem.change_management.plan.q1"
    )
    assert question.answer_type == "yes_no"
    assert question.options == [
        {"code": "Ya", "label": "Ya", "value": "1"},
        {"code": "Tidak", "label": "Tidak", "value": "0"},
    ]
    abcd = InstrumentNode.objects.filter(instrument__code="pmprb_2020", answer_type="abcd").first()
    assert abcd is not None
    assert [o["value"] for o in abcd.options] == ["1", "0.67", "0.33", "0"]
    assert InstrumentNode.objects.filter(instrument__code="pmprb_2020", is_draft=True).exists()
    rb = Instrument.objects.get(code="rb_2023")
    general = rb.presets.get()
    assert _weight(general, "general") == 100
    assert _weight(general, "tematik") == 20


def test_a_data_file_whose_weights_do_not_add_up_is_refused(tmp_path: Path, db: None) -> None:
    data = worked_example_data("broken")
    data["nodes"][0]["children"][2]["weights"] = {"x": "2.00"}  # 0.5 + 1 + 2 ≠ 4
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationError) as caught:
        instruments_load([path])
    assert caught.value.error_list[0].code == "weights_do_not_sum"
    assert "mp" in caught.value.messages[0]
    assert not Instrument.objects.filter(code="broken").exists()


def test_weights_set_refuses_sums_that_do_not_match(
    load_data: Callable[[dict[str, Any]], Instrument],
) -> None:
    instrument = load_data(worked_example_data())
    preset = instrument.presets.get()
    with pytest.raises(ValidationError) as caught:
        preset_weights_set(actor=None, preset=preset, weights={"mp.rest": "3"})
    assert "add up to 4.5" in caught.value.messages[0]
    assert _weight(preset, "mp.rest") == Decimal("2.50")
    with pytest.raises(ValidationError):
        preset_weights_set(actor=None, preset=preset, weights={"mp.rest": "lots"})
    preset_weights_set(actor=None, preset=preset, weights={"mp.rest": "2", "mp.plan": "1.5"})
    assert _weight(preset, "mp.plan") == Decimal("1.5")


def test_a_used_version_is_read_only_and_a_clone_is_editable(
    example_cycle: AssessmentCycle, world: Any
) -> None:
    instrument = example_cycle.instrument
    preset = example_cycle.preset
    with pytest.raises(InstrumentInUse):
        preset_weights_set(actor=None, preset=preset, weights={"mp.rest": "2", "mp.plan": "1.5"})
    clone = instrument_clone(actor=world["platform_admin"], instrument=instrument, year_from=2027)
    assert clone.version == instrument.version + 1
    assert clone.nodes.count() == instrument.nodes.count()
    new_preset = clone.presets.get()
    preset_weights_set(actor=None, preset=new_preset, weights={"mp.rest": "2", "mp.plan": "1.5"})
    assert _weight(new_preset, "mp.plan") == Decimal("1.5")
    assert _weight(preset, "mp.plan") == Decimal("1.00")  # the used version did not move
    assert AuditEvent.objects.filter(action="evaluation.instrument_cloned").exists()


def test_fill_evenly_completes_a_preset_with_exact_shares(shipped: None) -> None:
    pmprb = Instrument.objects.get(code="pmprb_2020", version=1)
    clone = instrument_clone(actor=None, instrument=pmprb, year_from=2023)
    a = clone.presets.get(code="A")
    assert preset_fill_evenly(actor=None, preset=a) > 0
    preset_require_complete(a)  # nothing missing, every parent adds up
    assert _weight(a, "ha.change_management") == Decimal("1.25")  # 10 over 8 areas


def test_lke_worksheet_round_trip(load_data: Callable[[dict[str, Any]], Instrument]) -> None:
    instrument = load_data(worked_example_data())
    book = instrument_workbook(instrument)
    sheet = book["LKE"]
    header = [c.value for c in sheet[4]]
    assert header[:4] == ["No", "Kode", "Tingkat", "Uraian"]
    assert "Bobot x" in header
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["mp.plan"][header.index("Bobot x")] == "1.00"
    assert rows["mp.team.q2"][header.index("Pilihan jawaban")] == "A=1; B=0.5; C=0"
    # Edit the official text, an option value and two weights, and read it back.
    for row in sheet.iter_rows(min_row=5):
        code = row[1].value
        if code == "mp.plan.q1":
            row[3].value = "Terdapat dokumen rencana kerja pembangunan Zona Integritas"
            row[header.index("Draft")].value = "Tidak"
        if code == "mp.team.q2":
            row[header.index("Pilihan jawaban")].value = "A=1; B=0.6; C=0"
        if code == "mp.plan":
            row[header.index("Bobot x")].value = "1.50"
        if code == "mp.rest":
            row[header.index("Bobot x")].value = "2.00"
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    applied = instrument_import(actor=None, instrument=instrument, file=buffer)
    assert applied == instrument.nodes.count()
    question = instrument.nodes.get(code="mp.plan.q1")
    assert question.title.startswith("Terdapat dokumen") and not question.is_draft
    assert instrument.nodes.get(code="mp.team.q2").options[1]["value"] == "0.6"
    assert _weight(instrument.presets.get(), "mp.plan") == Decimal("1.50")


def test_lke_import_with_bad_rows_changes_nothing(
    load_data: Callable[[dict[str, Any]], Instrument],
) -> None:
    instrument = load_data(worked_example_data())
    book = instrument_workbook(instrument)
    sheet = book["LKE"]
    header = [c.value for c in sheet[4]]
    for row in sheet.iter_rows(min_row=5):
        if row[1].value == "mp.plan.q1":
            row[3].value = "Changed"
        if row[1].value == "mp.plan":
            row[header.index("Bobot x")].value = "3"  # no longer adds up to 4
    sheet.append([99, "no.such.code", "question", "?"])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(ValidationError) as caught:
        instrument_import(actor=None, instrument=instrument, file=buffer)
    assert any("no.such.code" in m for m in caught.value.messages)
    assert instrument.nodes.get(code="mp.plan.q1").title == "Dokumen"
    with pytest.raises(ValidationError) as not_excel:
        instrument_import(actor=None, instrument=instrument, file=BytesIO(b"%PDF-1.4"))
    assert not_excel.value.code == "file_type"
