"""Writes and checks of instruments (national reference data): load the shipped data files, check
weights, clone a version for a new year, set weights, and the LKE worksheet export and import.

A version is read-only once a cycle uses it (:func:`instrument_is_used`); every write here refuses
such a version. Writes are audited on the national chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from melayani.audit.services import audit_record
from melayani.core.models import User
from melayani.evaluation.models import (
    AnswerType,
    AssessmentCycle,
    Instrument,
    InstrumentNode,
    NodeKind,
    PredicateBand,
    PresetWeight,
    WeightPreset,
)
from melayani.evaluation.scoring import (
    DEFAULT_OPTIONS,
    SCALE_MAX,
    SUM_TOLERANCE,
    ZERO,
    forget_trees,
    parse_number,
    to_text,
)

DATA_DIR = Path(__file__).parent / "data"
KIND_ORDER = [k.value for k in NodeKind]
LKE_SHEET = "LKE"
LKE_HEADERS = (
    "No",
    "Kode",
    "Tingkat",
    "Uraian",
    "Jenis jawaban",
    "Pilihan jawaban",
    "Maks. skala",
    "Data platform",
    "Evaluator",
    "Draft",
)


class InstrumentInUse(ValidationError):
    """The instrument version is used by a cycle and can no longer change."""


def instrument_is_used(instrument: Instrument) -> bool:
    return AssessmentCycle.objects.filter(instrument=instrument).exists()


def _refuse_if_used(instrument: Instrument) -> None:
    if instrument_is_used(instrument):
        raise InstrumentInUse(
            _(
                "This instrument version is used by an assessment and cannot change. "
                "Clone it for a new year instead."
            ),
            code="instrument_in_use",
        )


# --- weight checks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightProblem:
    code: str
    message: str


def _weights_of(preset: WeightPreset) -> dict[int, Decimal]:
    return {w.node_id: parse_number(w.weight) for w in preset.weights.all()}


def weight_problems(preset: WeightPreset, *, missing: bool = True) -> list[WeightProblem]:
    """Parents whose children's weights do not add up to them (and, if asked, missing weights)."""
    weights = _weights_of(preset)
    nodes = list(preset.instrument.nodes.exclude(kind=NodeKind.QUESTION).order_by("order"))
    children: dict[int, list[InstrumentNode]] = {}
    for node in nodes:
        if node.parent_id is not None:
            children.setdefault(node.parent_id, []).append(node)
    problems: list[WeightProblem] = []
    for node in nodes:
        if missing and node.pk not in weights:
            problems.append(
                WeightProblem(node.code, _("No weight is set; an administrator must set it."))
            )
        kids = children.get(node.pk, [])
        if not kids or node.pk not in weights or any(k.pk not in weights for k in kids):
            continue
        total = sum((weights[k.pk] for k in kids), ZERO)
        if abs(total - weights[node.pk]) > SUM_TOLERANCE:
            problems.append(
                WeightProblem(
                    node.code,
                    _("The weights below add up to %(sum)s, not to its weight %(weight)s.")
                    % {
                        "sum": to_text(total.quantize(Decimal("0.0001"))),
                        "weight": to_text(weights[node.pk]),
                    },
                )
            )
    return problems


def _raise_problems(problems: list[WeightProblem]) -> None:
    if problems:
        raise ValidationError(
            [ValidationError(f"{p.code}: {p.message}", code="weights_do_not_sum") for p in problems]
        )


def preset_require_complete(preset: WeightPreset) -> None:
    """Refuse a preset with a missing weight or a parent its children do not add up to."""
    _raise_problems(weight_problems(preset, missing=True))


# --- loading data files ----------------------------------------------------------------------


@dataclass
class LoadReport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    in_use: list[str]


def instruments_load(
    paths: Iterable[Path] | None = None, *, actor: User | None = None
) -> LoadReport:
    """Load the instrument data files (idempotent): a version is created, replaced while no cycle
    uses it, or left alone (unchanged, or in use)."""
    report = LoadReport([], [], [], [])
    for path in sorted(paths or DATA_DIR.glob("*.json")):
        raw = path.read_bytes()
        data = json.loads(raw)
        digest = hashlib.sha256(raw).hexdigest()
        label = f"{data['code']} v{data['version']}"
        existing = Instrument.objects.filter(code=data["code"], version=data["version"]).first()
        if existing is not None and existing.data_digest == digest:
            report.unchanged.append(label)
            continue
        if existing is not None and instrument_is_used(existing):
            report.in_use.append(label)
            continue
        with transaction.atomic():
            if existing is not None:
                existing.delete()
            instrument = _instrument_create(data, digest)
            audit_record(
                actor=actor,
                action="evaluation.instrument_loaded",
                target=instrument,
                pemda=None,
                context={"code": instrument.code, "version": instrument.version},
            )
        (report.updated if existing is not None else report.created).append(label)
    forget_trees()
    return report


def _instrument_create(data: Mapping[str, Any], digest: str) -> Instrument:
    instrument = Instrument.objects.create(
        code=data["code"],
        version=data["version"],
        title=data["title"],
        legal_basis=data.get("legal_basis", ""),
        level=data.get("level", "agency"),
        year_from=data["year_from"],
        year_to=data.get("year_to"),
        index_rule=data.get("index_rule", "scaled"),
        notes=data.get("notes", ""),
        data_digest=digest,
    )
    presets = {
        p["code"]: WeightPreset.objects.create(
            instrument=instrument,
            code=p["code"],
            name=p["name"],
            source=p.get("source", ""),
            is_default=bool(p.get("default")),
        )
        for p in data["presets"]
    }
    for order, band in enumerate(data.get("bands", [])):
        PredicateBand.objects.create(
            instrument=instrument,
            code=band["code"],
            label=band["label"],
            lower=Decimal(band["lower"]),
            upper=Decimal(band["upper"]),
            lower_inclusive=band.get("lower_inclusive", False),
            upper_inclusive=band.get("upper_inclusive", True),
            order=order,
        )
    counter = [0]
    weights: list[PresetWeight] = []

    def add(node: Mapping[str, Any], parent: InstrumentNode | None, depth: int) -> None:
        counter[0] += 1
        kind = node.get("kind", NodeKind.QUESTION)
        answer_type = node.get("type", "") if kind == NodeKind.QUESTION else ""
        if answer_type and answer_type not in AnswerType.values:
            raise ValueError(f"{node.get('code')}: unknown answer type {answer_type!r}")
        created = InstrumentNode.objects.create(
            instrument=instrument,
            parent=parent,
            kind=kind,
            code=node["code"],
            order=counter[0],
            depth=depth,
            title=node["title"],
            description=node.get("description", ""),
            is_draft=bool(node.get("draft")),
            answer_type=answer_type,
            options=node.get("options") or DEFAULT_OPTIONS.get(answer_type, []),
            scale_max=node.get("scale_max", SCALE_MAX.get(answer_type, "")),
            metric=node.get("metric", ""),
            evaluator_type=node.get("evaluator", "internal"),
        )
        for preset_code, text in (node.get("weights") or {}).items():
            if text is None:
                continue
            parse_number(text)  # refuse a malformed weight at load time
            weights.append(PresetWeight(preset=presets[preset_code], node=created, weight=text))
        for child in node.get("children", []):
            add(child, created, depth + 1)
        for number, question in enumerate(node.get("questions", []), start=1):
            add(
                {**question, "code": f"{node['code']}.q{number}", "kind": "question"},
                created,
                depth + 1,
            )

    for root in data["nodes"]:
        add(root, None, 0)
    PresetWeight.objects.bulk_create(weights)
    for preset in presets.values():
        _raise_problems(weight_problems(preset, missing=False))
    return instrument


# --- clone and weights ------------------------------------------------------------------------


@transaction.atomic
def instrument_clone(*, actor: User | None, instrument: Instrument, year_from: int) -> Instrument:
    """A new, editable version for a new year with the same tree, presets, weights and bands."""
    version = (
        Instrument.objects.filter(code=instrument.code).order_by("-version").first().version + 1  # type: ignore[union-attr]
    )
    clone = Instrument.objects.create(
        code=instrument.code,
        version=version,
        title=instrument.title,
        legal_basis=instrument.legal_basis,
        level=instrument.level,
        year_from=year_from,
        year_to=None,
        index_rule=instrument.index_rule,
        notes=instrument.notes,
        cloned_from=instrument,
    )
    mapping: dict[int, InstrumentNode] = {}
    for node in instrument.nodes.order_by("order"):
        old_pk = node.pk
        parent = mapping[node.parent_id] if node.parent_id else None
        node.pk = None
        node.instrument = clone
        node.parent = parent
        node.save()
        mapping[old_pk] = node
    for preset in instrument.presets.all():
        new = WeightPreset.objects.create(
            instrument=clone,
            code=preset.code,
            name=preset.name,
            source=preset.source,
            is_default=preset.is_default,
        )
        PresetWeight.objects.bulk_create(
            PresetWeight(preset=new, node=mapping[w.node_id], weight=w.weight)
            for w in preset.weights.all()
        )
    for band in instrument.bands.all():
        band.pk = None
        band.instrument = clone
        band.save()
    audit_record(
        actor=actor,
        action="evaluation.instrument_cloned",
        target=clone,
        pemda=None,
        context={"code": clone.code, "from_version": instrument.version, "version": version},
    )
    return clone


@transaction.atomic
def preset_weights_set(
    *, actor: User | None, preset: WeightPreset, weights: Mapping[str, str]
) -> WeightPreset:
    """Set weights by node code (``""`` clears one); every parent must still add up."""
    _refuse_if_used(preset.instrument)
    nodes = {
        n.code: n for n in preset.instrument.nodes.exclude(kind=NodeKind.QUESTION).order_by("order")
    }
    errors = []
    for code, text in weights.items():
        node = nodes.get(code)
        if node is None:
            errors.append(ValidationError(_("%(code)s: no such node.") % {"code": code}))
            continue
        text = (text or "").strip()
        if not text:
            PresetWeight.objects.filter(preset=preset, node=node).delete()
            continue
        try:
            value = parse_number(text)
        except ValueError:
            errors.append(ValidationError(_("%(code)s: enter a number.") % {"code": code}))
            continue
        if value < 0:
            errors.append(
                ValidationError(_("%(code)s: a weight cannot be negative.") % {"code": code})
            )
            continue
        PresetWeight.objects.update_or_create(preset=preset, node=node, defaults={"weight": text})
    if errors:
        raise ValidationError(errors)
    _raise_problems(weight_problems(preset, missing=False))
    forget_trees()
    audit_record(
        actor=actor,
        action="evaluation.weights_set",
        target=preset.instrument,
        pemda=None,
        context={"preset": preset.code, "nodes": sorted(weights)},
    )
    return preset


def preset_fill_evenly(*, actor: User | None, preset: WeightPreset) -> int:
    """Give every node without a weight an equal, exact share of what its parent has left.

    A convenience for demo data and trials only: the shares are not official weights, and the
    instrument's notes say that an administrator must review them. Returns the number filled.
    """
    weights = _weights_of(preset)
    nodes = list(preset.instrument.nodes.exclude(kind=NodeKind.QUESTION).order_by("order"))
    children: dict[int | None, list[InstrumentNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    filled: dict[str, str] = {}
    for node in nodes:  # parents come before children in tree order
        kids = children.get(node.pk, [])
        if node.pk not in weights or not kids:
            continue
        unknown = [k for k in kids if k.pk not in weights]
        if not unknown:
            continue
        left = weights[node.pk] - sum((weights[k.pk] for k in kids if k.pk in weights), ZERO)
        text = to_text(left) if len(unknown) == 1 else f"{to_text(left)}/{len(unknown)}"
        for kid in unknown:
            weights[kid.pk] = parse_number(text)
            filled[kid.code] = text
    if filled:
        preset_weights_set(actor=actor, preset=preset, weights=filled)
    return len(filled)


# --- the LKE worksheet ------------------------------------------------------------------------


def _options_text(options: list[dict[str, str]]) -> str:
    return "; ".join(f"{o['code']}={o['value']}" for o in options)


def _parse_options(text: str) -> list[dict[str, str]]:
    options = []
    for part in (text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ValueError(part)
        code, value = (s.strip() for s in part.split("=", 1))
        parse_number(value)
        options.append({"code": code, "label": code, "value": value})
    return options


HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")


def instrument_workbook(instrument: Instrument) -> Workbook:
    """The instrument in the familiar LKE layout: one row per node, weights per preset."""
    presets = list(instrument.presets.all())
    weights = {
        (w.preset_id, w.node_id): w.weight
        for w in PresetWeight.objects.filter(preset__instrument=instrument)
    }
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = LKE_SHEET
    sheet.append([f"Lembar Kerja Evaluasi — {instrument.title}"])
    sheet.append([f"{instrument.legal_basis} · versi {instrument.version} · {instrument.code}"])
    sheet.append([])
    headers = [*LKE_HEADERS, *(f"Bobot {p.code}" for p in presets)]
    sheet.append(headers)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    sheet["A1"].font = Font(bold=True, size=13)
    for number, node in enumerate(instrument.nodes.order_by("order"), start=1):
        row = [
            number,
            node.code,
            node.kind,
            node.title,
            node.answer_type,
            _options_text(node.options),
            node.scale_max if not node.options else "",
            node.metric,
            node.evaluator_type,
            "Ya" if node.is_draft else "Tidak",
            *(weights.get((p.pk, node.pk), "") for p in presets),
        ]
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=4).alignment = Alignment(
            indent=node.depth, wrap_text=True
        )
        if node.kind != NodeKind.QUESTION:
            sheet.cell(row=sheet.max_row, column=4).font = Font(bold=node.depth < 3)
    for letter, width in zip("ABCDEFGHIJ", (6, 34, 14, 80, 12, 28, 10, 30, 10, 7), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "E5"
    return book


@transaction.atomic
def instrument_import(*, actor: User | None, instrument: Instrument, file: IO[bytes]) -> int:
    """Read an LKE worksheet back into an editable version: texts, answer options, scale maxima,
    draft marks and weights, matched by code. All or nothing; returns the rows applied."""
    _refuse_if_used(instrument)
    try:
        book = load_workbook(BytesIO(file.read()), read_only=True, data_only=True)
    except Exception:
        raise ValidationError(
            _("This is not an Excel (XLSX) file. Export the worksheet again and fill that in."),
            code="file_type",
        ) from None
    sheet = book[LKE_SHEET] if LKE_SHEET in book.sheetnames else book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(
        (i for i, row in enumerate(rows) if row and "Kode" in [str(c or "") for c in row]), None
    )
    if header_at is None:
        raise ValidationError(_("The worksheet has no “Kode” column."), code="no_header")
    header = [str(c or "").strip() for c in rows[header_at]]
    column = {name: i for i, name in enumerate(header) if name}
    presets = {p.code: p for p in instrument.presets.all()}
    nodes = {n.code: n for n in instrument.nodes.all()}
    errors: list[ValidationError] = []
    weights: dict[str, dict[str, str]] = {}
    applied = 0

    def cell(row: tuple[Any, ...], name: str) -> str:
        index = column.get(name)
        if index is None or index >= len(row) or row[index] is None:
            return ""
        return str(row[index]).strip()

    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        code = cell(row, "Kode")
        if not code:
            continue
        node = nodes.get(code)
        if node is None:
            errors.append(
                ValidationError(
                    _("Row %(row)s: unknown code %(code)s.") % {"row": offset, "code": code}
                )
            )
            continue
        title = cell(row, "Uraian")
        if title:
            node.title = title[:500]
        node.is_draft = cell(row, "Draft").lower() in ("ya", "yes", "1", "true")
        if node.kind == NodeKind.QUESTION:
            try:
                options = _parse_options(cell(row, "Pilihan jawaban"))
            except ValueError:
                errors.append(
                    ValidationError(
                        _("Row %(row)s: write the options as “A=1; B=0.5; C=0”.") % {"row": offset}
                    )
                )
                continue
            if node.answer_type in DEFAULT_OPTIONS and not options:
                errors.append(
                    ValidationError(
                        _("Row %(row)s: this question needs its answer options.") % {"row": offset}
                    )
                )
                continue
            node.options = options if node.answer_type in DEFAULT_OPTIONS else []
            scale = cell(row, "Maks. skala")
            if node.answer_type not in DEFAULT_OPTIONS:
                try:
                    if scale:
                        parse_number(scale)
                except ValueError:
                    errors.append(
                        ValidationError(_("Row %(row)s: enter a number.") % {"row": offset})
                    )
                    continue
                node.scale_max = scale
        else:
            for preset_code in presets:
                weights.setdefault(preset_code, {})[code] = cell(row, f"Bobot {preset_code}")
        node.save()
        applied += 1
    if errors:
        raise ValidationError(errors)
    for preset_code, values in weights.items():
        try:
            preset_weights_set(actor=actor, preset=presets[preset_code], weights=values)
        except ValidationError as error:
            raise ValidationError(
                [ValidationError(f"{preset_code}: {m}") for m in error.messages]
            ) from None
    audit_record(
        actor=actor,
        action="evaluation.instrument_imported",
        target=instrument,
        pemda=None,
        context={"rows": applied},
    )
    forget_trees()
    return applied
