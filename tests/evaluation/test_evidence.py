"""Evidence of an answer: files checked by content, hashed and versioned; links; platform metrics
computed, dated and traceable; explicit reuse of last year's evidence within its validity."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from melayani.evaluation import evidence_files
from melayani.evaluation.models import AssessmentCycle, Evidence
from melayani.evaluation.services import (
    Windows,
    answer_save,
    cycle_advance,
    cycle_open,
    evidence_add_file,
    evidence_add_link,
    evidence_add_metric,
    evidence_reuse,
)
from melayani.workcalendar.selectors import pemda_today
from tests.conftest import World
from tests.evaluation.conftest import answer_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% SK Tim RB\n"


def _pdf(name: str = "sk-tim.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_file_is_checked_hashed_and_versioned(
    example_cycle: AssessmentCycle, world: World
) -> None:
    answer = answer_of(example_cycle, "mp.team.q1")
    first = evidence_add_file(
        actor=world["reform_team"], answer=answer, upload=_pdf(), title="SK Tim RB"
    )
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
    assert first.content_type == "application/pdf" and first.version == 1
    assert first.year == 2026
    assert first.file.read() == PDF
    second = evidence_add_file(
        actor=world["reform_team"],
        answer=answer,
        upload=_pdf(content=PDF + b"rev"),
        title="SK Tim RB",
    )
    assert second.version == 2 and second.supersedes == first


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("sk.pdf", b"", "file_empty"),
        ("sk.exe", b"MZ\x90\x00", "file_type"),
        ("sk.png", PDF, "file_type_mismatch"),
        ("data.pdf", b"PK\x03\x04rest", "file_type_mismatch"),
    ],
)
def test_wrong_files_are_refused(
    example_cycle: AssessmentCycle, world: World, name: str, content: bytes, code: str
) -> None:
    answer = answer_of(example_cycle, "mp.team.q1")
    with pytest.raises(ValidationError) as caught:
        evidence_add_file(
            actor=world["reform_team"], answer=answer, upload=_pdf(name, content), title="SK"
        )
    assert caught.value.code == code
    assert not Evidence.objects.exists()


def test_a_file_too_large_is_refused(
    example_cycle: AssessmentCycle, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence_files, "MAX_SIZE_MB", 1)
    big = _pdf(content=PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        evidence_add_file(
            actor=world["reform_team"],
            answer=answer_of(example_cycle, "mp.team.q1"),
            upload=big,
            title="SK",
        )
    assert caught.value.code == "file_too_large"


def test_links_and_validity(example_cycle: AssessmentCycle, world: World) -> None:
    answer = answer_of(example_cycle, "mp.plan.q1")
    link = evidence_add_link(
        actor=world["reform_team"],
        answer=answer,
        url="https://jdih.merauke.go.id/sk-12",
        title="SK",
    )
    assert link.kind == "link"
    for bad in ("javascript:alert(1)", "ftp://x.go.id/a", "not a url"):
        with pytest.raises(ValidationError):
            evidence_add_link(actor=world["reform_team"], answer=answer, url=bad, title="SK")
    with pytest.raises(ValidationError):
        evidence_add_link(
            actor=world["reform_team"],
            answer=answer,
            url="https://x.go.id",
            title="SK",
            valid_from=dt.date(2026, 5, 1),
            valid_until=dt.date(2026, 1, 1),
        )
    with pytest.raises(PermissionError):
        evidence_add_link(
            actor=world["other_pemda_officer"], answer=answer, url="https://x.go.id", title="x"
        )


def test_platform_data_is_computed_dated_and_traceable(
    example_cycle: AssessmentCycle, world: World
) -> None:
    from tests.catalog.factories import published_service

    published_service(world.dukcapil, code="akta")
    answer = answer_of(example_cycle, "mp.team.q1")
    evidence = evidence_add_metric(
        actor=world["reform_team"],
        answer=answer,
        metric_name="catalog.published_standard_share",
    )
    assert evidence.kind == "metric"
    assert evidence.metric_value == "100.00" and evidence.metric_denominator == 1
    assert evidence.metric_period_start == dt.date(2026, 1, 1)
    assert evidence.metric_period_end == min(dt.date(2026, 12, 31), pemda_today(world.merauke))
    assert evidence.metric_computed_at is not None and "catalog.selectors" in evidence.metric_source
    with pytest.raises(ValidationError) as unknown:
        evidence_add_metric(actor=world["reform_team"], answer=answer, metric_name="no.such")
    assert unknown.value.code == "metric_unknown"


def test_reusing_last_years_evidence_is_explicit_and_respects_validity(
    example_cycle: AssessmentCycle, world: World
) -> None:
    # Last year's evidence lives in last year's cycle.
    last_year = cycle_open(
        actor=world["reform_team"],
        pemda=world.merauke,
        year=2025,
        preset=example_cycle.preset,
        windows=Windows(
            dt.date(2025, 3, 3), dt.date(2025, 3, 31), dt.date(2025, 4, 30), dt.date(2025, 5, 15)
        ),
    )
    old = answer_of(last_year, "mp.team.q1")
    lasting = evidence_add_file(
        actor=world["reform_team"], answer=old, upload=_pdf(), title="SK Tim RB"
    )
    expired = evidence_add_link(
        actor=world["reform_team"],
        answer=old,
        url="https://x.go.id/renja-2025",
        title="Renja 2025",
        valid_until=dt.date(2025, 12, 31),
    )
    answer = answer_of(example_cycle, "mp.team.q1")
    reused = evidence_reuse(actor=world["reform_team"], answer=answer, source=lasting)
    assert reused.reused_from == lasting and reused.year == 2026
    assert reused.sha256 == lasting.sha256 and reused.file.name == lasting.file.name
    with pytest.raises(ValidationError) as caught:
        evidence_reuse(actor=world["reform_team"], answer=answer, source=expired)
    assert caught.value.code == "evidence_expired"
    with pytest.raises(ValidationError):
        evidence_reuse(actor=world["reform_team"], answer=old, source=reused)  # not from the past


def test_no_evidence_after_finalisation(example_cycle: AssessmentCycle, world: World) -> None:
    cycle = example_cycle
    for code, raw in {
        "mp.team.q1": "Ya",
        "mp.team.q2": "A",
        "mp.plan.q1": "Ya",
        "mp.plan.q2": "Ya",
        "mp.plan.q3": "Ya",
        "mp.rest.q1": "A",
        "mp.rest.q2": "3",
    }.items():
        answer_save(actor=world["reform_team"], answer=answer_of(cycle, code), raw=raw)
    cycle_advance(actor=world["reform_team"], cycle=cycle)
    with pytest.raises(ValidationError) as caught:
        evidence_add_link(
            actor=world["reform_team"],
            answer=answer_of(cycle, "mp.team.q1"),
            url="https://x.go.id",
            title="x",
        )
    assert caught.value.code == "cycle_verifying"
