"""Writes of the assessment cycle: open, assign, answer, evidence, verify, phases, action plans.

The cycle is a state machine (filling → verifying → final); ``AssessmentCycle.status`` changes only
in :func:`cycle_advance`. Every function is one transaction that checks permission, validates,
writes, updates the stored results incrementally (:mod:`melayani.evaluation.scores`) and records
the audit event. Errors: ``PermissionError`` when refused, ``ValidationError`` (with a code) for
bad input or a step the current state does not allow.

Who may do what (actions in ``core/roles.py``):

* ``reform.manage`` (RB team) on the Pemda: open the cycle, assign, move phases, action plans;
* ``reform.answer`` (OPD staff) on the answer's OPD, or ``reform.manage``: answer and attach
  evidence while the cycle is filling (or a returned answer while verifying);
* ``reform.verify`` (Inspektorat) on the Pemda: accept, adjust or send back — never an answer of
  an OPD the verifier belongs to; the Inspektorat's own answers only by the cycle's RB team lead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from melayani.audit.services import audit_record
from melayani.core import access, metrics
from melayani.core.events import publish
from melayani.core.models import OPD, OPDKind, Pemda, RoleAssignment, User
from melayani.evaluation.evidence_files import evidence_file_check
from melayani.evaluation.instruments import preset_require_complete
from melayani.evaluation.models import (
    ActionItem,
    ActionStatus,
    Answer,
    AnswerReview,
    AnswerStatus,
    AssessmentCycle,
    Assignment,
    CycleStatus,
    Evidence,
    EvidenceKind,
    InstrumentNode,
    NodeKind,
    ReviewDecision,
    ScoreTier,
    WeightPreset,
)
from melayani.evaluation.scores import score_update, scores_create
from melayani.evaluation.scoring import Tree, answer_value, compiled_tree, to_text
from melayani.workcalendar.selectors import clock_for_pemda, pemda_today

MANAGE = "reform.manage"
ANSWER = "reform.answer"
VERIFY = "reform.verify"
TEXT_MAX = 4000

#: Default phase lengths in working days, and how many working days later a time zone's filling
#: window opens (the 2021 practice staggered WIB, WITA and WIT). Defaults only: the RB team sets
#: the dates of each cycle.
DEFAULT_FILL_DAYS = 20
DEFAULT_VERIFY_DAYS = 10
DEFAULT_FINALISE_DAYS = 5
ZONE_OFFSET_DAYS = {
    "Asia/Jakarta": 0,
    "Asia/Pontianak": 0,
    "Asia/Makassar": 10,
    "Asia/Jayapura": 20,
}

C = CycleStatus


def _require(
    actor: User | None, action: str, *, pemda: Pemda | None = None, opd: Any = None
) -> None:
    if actor is None:
        return
    if not access.can(actor, action, pemda=pemda, opd=opd):
        raise PermissionError(f"{action} refused")


def _text(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(
            {field: ValidationError(_("This field is required."), code="required")}
        )
    if len(value) > TEXT_MAX:
        raise ValidationError(
            {field: ValidationError(_("The text is too long."), code="max_length")}
        )
    return value


def _audit(
    cycle: AssessmentCycle, actor: User | None, action: str, target: Any = None, **context: Any
) -> None:
    audit_record(
        actor=actor,
        action=f"evaluation.{action}",
        target=target if target is not None else cycle,
        pemda=cycle.pemda,
        context={"cycle": cycle.ref, "year": cycle.year, **context},
    )


# --- opening a cycle --------------------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    fill_starts: dt.date
    fill_ends: dt.date
    verify_ends: dt.date
    finalise_ends: dt.date


def default_windows(pemda: Pemda, start: dt.date | None = None) -> Windows:
    """Default phase windows from the Pemda's working-day clock (per time zone)."""
    clock = clock_for_pemda(pemda)
    begin = start or pemda_today(pemda)
    day = begin if clock.is_working_day(begin) else clock.next_working_day(begin)
    offset = ZONE_OFFSET_DAYS.get(pemda.time_zone, 0)
    if offset:
        # The close of the offset-th working day; filling opens on the next working day.
        day = clock.next_working_day(clock.add(clock.opening(day), offset, "working_days").date())
    fill_start = clock.opening(day)
    fill_end = clock.add(fill_start, DEFAULT_FILL_DAYS, "working_days")
    verify_end = clock.add(fill_end, DEFAULT_VERIFY_DAYS, "working_days")
    finalise_end = clock.add(verify_end, DEFAULT_FINALISE_DAYS, "working_days")
    return Windows(day, fill_end.date(), verify_end.date(), finalise_end.date())


def _check_windows(windows: Windows) -> None:
    if not (
        windows.fill_starts <= windows.fill_ends <= windows.verify_ends <= windows.finalise_ends
    ):
        raise ValidationError(
            _("The phases must follow each other: filling, then verification, then finalisation."),
            code="windows_order",
        )


@transaction.atomic
def cycle_open(
    *,
    actor: User | None,
    pemda: Pemda,
    year: int,
    preset: WeightPreset,
    windows: Windows | None = None,
    lead: User | None = None,
    synthetic: bool = False,
) -> AssessmentCycle:
    """Open a Pemda's evaluation for a year: one answer row per question, empty results, and the
    open action items of last year's cycle carried over."""
    _require(actor, MANAGE, pemda=pemda)
    instrument = preset.instrument
    if year < instrument.year_from or (instrument.year_to and year > instrument.year_to):
        raise ValidationError(
            _("This instrument version is not for the year %(year)s.") % {"year": year},
            code="instrument_year",
        )
    preset_require_complete(preset)
    windows = windows or default_windows(pemda)
    _check_windows(windows)
    if lead is not None and not access.can(lead, MANAGE, pemda=pemda):
        raise ValidationError(
            _("The lead must be a member of the Pemda's RB team."), code="lead_not_rb_team"
        )
    if AssessmentCycle.objects.filter(pemda=pemda, year=year).exists():
        raise ValidationError(
            _("An evaluation for %(year)s is already open.") % {"year": year},
            code="cycle_exists",
        )
    previous = AssessmentCycle.objects.filter(pemda=pemda, year__lt=year).order_by("-year").first()
    now = timezone.now()
    try:
        with transaction.atomic():
            cycle = AssessmentCycle.objects.create(
                pemda=pemda,
                year=year,
                instrument=instrument,
                preset=preset,
                lead=lead,
                fill_starts=windows.fill_starts,
                fill_ends=windows.fill_ends,
                verify_ends=windows.verify_ends,
                finalise_ends=windows.finalise_ends,
                opened_at=now,
                previous=previous,
                is_synthetic=synthetic,
            )
    except IntegrityError:
        raise ValidationError(
            _("An evaluation for %(year)s is already open.") % {"year": year},
            code="cycle_exists",
        ) from None
    questions = InstrumentNode.objects.filter(instrument=instrument, kind=NodeKind.QUESTION)
    Answer.objects.bulk_create(
        Answer(cycle=cycle, pemda=pemda, question_id=qid, sub_indicator_id=sub_id)
        for qid, sub_id in questions.values_list("pk", "parent_id")
    )
    scores_create(cycle)
    carried = 0
    if previous is not None:
        carried = _actions_carry(previous, cycle, now)
    _audit(
        cycle,
        actor,
        "cycle_opened",
        instrument=f"{instrument.code} v{instrument.version}",
        preset=preset.code,
        carried_actions=carried,
    )
    return cycle


def _actions_carry(previous: AssessmentCycle, cycle: AssessmentCycle, now: dt.datetime) -> int:
    open_items = list(previous.actions.filter(status=ActionStatus.OPEN))
    node_by_code = {n.code: n for n in cycle.instrument.nodes.exclude(kind=NodeKind.QUESTION)}
    for item in open_items:
        node = node_by_code.get(item.node.code) if item.node else None
        ActionItem.objects.create(
            cycle=cycle,
            pemda=cycle.pemda,
            node=node,
            opd=item.opd,
            person=item.person,
            title=item.title,
            due_on=item.due_on,
            progress=item.progress,
            carried_from=item,
            created_at=now,
        )
        item.status = ActionStatus.CARRIED
        item.save(update_fields=["status"])
    return len(open_items)


def _lock_cycle(cycle: AssessmentCycle) -> AssessmentCycle:
    return (
        AssessmentCycle.objects.select_for_update()
        .select_related("pemda", "instrument")
        .get(pk=cycle.pk)
    )


@transaction.atomic
def cycle_windows_set(
    *, actor: User | None, cycle: AssessmentCycle, windows: Windows
) -> AssessmentCycle:
    _require(actor, MANAGE, pemda=cycle.pemda)
    cycle = _lock_cycle(cycle)
    if cycle.status == C.FINAL:
        raise ValidationError(
            _("The evaluation is final and can no longer change."), code="cycle_final"
        )
    _check_windows(windows)
    cycle.fill_starts, cycle.fill_ends = windows.fill_starts, windows.fill_ends
    cycle.verify_ends, cycle.finalise_ends = windows.verify_ends, windows.finalise_ends
    cycle.save(update_fields=["fill_starts", "fill_ends", "verify_ends", "finalise_ends"])
    _audit(
        cycle,
        actor,
        "cycle_windows_set",
        fill_ends=str(windows.fill_ends),
        verify_ends=str(windows.verify_ends),
        finalise_ends=str(windows.finalise_ends),
    )
    return cycle


@transaction.atomic
def cycle_lead_set(*, actor: User | None, cycle: AssessmentCycle, lead: User) -> AssessmentCycle:
    _require(actor, MANAGE, pemda=cycle.pemda)
    if not access.can(lead, MANAGE, pemda=cycle.pemda):
        raise ValidationError(
            _("The lead must be a member of the Pemda's RB team."), code="lead_not_rb_team"
        )
    cycle = _lock_cycle(cycle)
    cycle.lead = lead
    cycle.save(update_fields=["lead"])
    _audit(cycle, actor, "cycle_lead_set", lead=lead.pk)
    return cycle


@transaction.atomic
def cycle_advance(*, actor: User | None, cycle: AssessmentCycle) -> AssessmentCycle:
    """Filling → verifying (every question answered) → final (every answer verified)."""
    _require(actor, MANAGE, pemda=cycle.pemda)
    cycle = _lock_cycle(cycle)
    now = timezone.now()
    answers = Answer.objects.filter(cycle=cycle)
    if cycle.status == C.FILLING:
        open_count = answers.filter(status=AnswerStatus.OPEN).count()
        if open_count:
            raise ValidationError(
                _("%(count)s questions are not answered yet.") % {"count": open_count},
                code="answers_missing",
            )
        cycle.status, cycle.verifying_at = C.VERIFYING, now
        fields = ["status", "verifying_at"]
    elif cycle.status == C.VERIFYING:
        pending = answers.exclude(status__in=[AnswerStatus.ACCEPTED, AnswerStatus.ADJUSTED]).count()
        if pending:
            raise ValidationError(
                _("%(count)s answers are not verified yet.") % {"count": pending},
                code="verification_missing",
            )
        cycle.status, cycle.finalised_at = C.FINAL, now
        fields = ["status", "finalised_at"]
    else:
        raise ValidationError(
            _("The evaluation is final and can no longer change."), code="cycle_final"
        )
    cycle.save(update_fields=fields)
    _audit(cycle, actor, "cycle_advanced", status=cycle.status)
    if cycle.status == C.FINAL:
        publish(
            "evaluation.cycle_finalised",
            cycle_id=cycle.pk,
            pemda_id=cycle.pemda_id,
            year=cycle.year,
        )
    return cycle


# --- assignments ------------------------------------------------------------------------------


def _person_in_pemda(person: User, pemda: Pemda) -> bool:
    return (
        RoleAssignment.objects.current()
        .filter(user=person)
        .filter(Q(pemda=pemda) | Q(opd__pemda=pemda))
        .exists()
    )


@transaction.atomic
def assignment_set(
    *,
    actor: User | None,
    cycle: AssessmentCycle,
    node: InstrumentNode,
    opd: OPD,
    person: User | None = None,
) -> int:
    """Give a node's sub-indicators (an area or one sub-indicator) to an OPD and a person."""
    _require(actor, MANAGE, pemda=cycle.pemda)
    cycle = _lock_cycle(cycle)
    if cycle.status == C.FINAL:
        raise ValidationError(
            _("The evaluation is final and can no longer change."), code="cycle_final"
        )
    if node.instrument_id != cycle.instrument_id or node.kind == NodeKind.QUESTION:
        raise ValidationError(
            _("Choose an area or a sub-indicator of this instrument."), code="node_invalid"
        )
    if opd.pemda_id != cycle.pemda_id:
        raise ValidationError(_("Choose an OPD of this Pemda."), code="opd_invalid")
    if person is not None and not _person_in_pemda(person, cycle.pemda):
        raise ValidationError(_("Choose an official of this Pemda."), code="person_invalid")
    tree = _tree(cycle)
    subs = [s for s, path in tree.ancestors.items() if s == node.pk or node.pk in path]
    for sub_id in subs:
        Assignment.objects.update_or_create(
            cycle=cycle, node_id=sub_id, defaults={"opd": opd, "person": person}
        )
    Answer.objects.filter(cycle=cycle, sub_indicator_id__in=subs).update(opd=opd)
    _audit(
        cycle,
        actor,
        "assigned",
        node=node.code,
        opd=opd.pk,
        person=person.pk if person else None,
        sub_indicators=len(subs),
    )
    return len(subs)


# --- answers ----------------------------------------------------------------------------------


def _tree(cycle: AssessmentCycle) -> Tree:
    return compiled_tree(cycle.preset_id, instrument_created=cycle.instrument.created_at)


def _lock_answer(answer: Answer) -> Answer:
    return (
        Answer.objects.select_for_update(of=("self",))
        .select_related("cycle", "cycle__pemda", "cycle__instrument", "question", "opd")
        .get(pk=answer.pk)
    )


def answer_can_edit(actor: User | None, answer: Answer) -> bool:
    if actor is None:
        return True
    if access.can(actor, MANAGE, pemda=answer.pemda_id):
        return True
    return answer.opd is not None and access.can(actor, ANSWER, opd=answer.opd)


def _require_answer_editable(actor: User | None, answer: Answer) -> None:
    if not answer_can_edit(actor, answer):
        raise PermissionError(f"{ANSWER} refused")
    status = answer.cycle.status
    if status == C.FINAL:
        raise ValidationError(
            _("The evaluation is final and can no longer change."), code="cycle_final"
        )
    if status == C.VERIFYING and answer.status != AnswerStatus.RETURNED:
        raise ValidationError(
            _("The evaluation is being verified; only answers sent back can be revised."),
            code="cycle_verifying",
        )


@transaction.atomic
def answer_save(*, actor: User | None, answer: Answer, raw: str, justification: str = "") -> Answer:
    """The self-assessment of one question: the answer (checked against its options or scale)
    and a justification."""
    answer = _lock_answer(answer)
    _require_answer_editable(actor, answer)
    tree = _tree(answer.cycle)
    value = answer_value(tree.questions[answer.question_id], raw)
    justification = _text(justification, "justification")
    before = {"raw": answer.self_raw, "status": answer.status}
    revising = answer.status == AnswerStatus.RETURNED
    answer.self_raw = raw.strip()
    answer.self_value = to_text(value)
    answer.justification = justification
    answer.answered_by = actor
    answer.answered_at = timezone.now()
    answer.status = AnswerStatus.ANSWERED
    if revising:
        answer.revision += 1
    answer.save()
    score_update(answer.cycle, answer.sub_indicator_id, ScoreTier.SELF)
    audit_record(
        actor=actor,
        action="evaluation.answer_saved",
        target=answer,
        pemda=answer.cycle.pemda,
        before=before,
        after={"raw": answer.self_raw, "status": answer.status},
        context={
            "cycle": answer.cycle.ref,
            "question": answer.question.code,
            "revision": answer.revision,
        },
    )
    return answer


# --- verification -----------------------------------------------------------------------------


def _own_opd(verifier: User, opd: OPD) -> bool:
    """Whether ``opd`` is the verifier's own unit (or above or below it)."""
    paths = (
        RoleAssignment.objects.current()
        .filter(user=verifier, opd__isnull=False)
        .values_list("opd__path", flat=True)
    )
    return any(opd.path.startswith(p) or p.startswith(opd.path) for p in paths)


def verification_refusal(actor: User, answer: Answer) -> str | None:
    """Why ``actor`` may not verify ``answer`` (``None`` if they may)."""
    cycle = answer.cycle
    if answer.opd is not None and answer.opd.kind == OPDKind.INSPECTORATE:
        if cycle.lead_id is None:
            return str(
                _("The Inspektorat's answers are verified by the RB team lead; set the lead first.")
            )
        if cycle.lead_id != actor.pk:
            return str(_("The Inspektorat's own answers are verified by the RB team lead."))
        return None
    if not access.can(actor, VERIFY, pemda=answer.pemda_id):
        return str(_("Only the Inspektorat verifies answers."))
    if answer.opd is not None and _own_opd(actor, answer.opd):
        return str(_("You may not verify the answers of your own OPD."))
    return None


@transaction.atomic
def answer_verify(
    *, actor: User, answer: Answer, decision: str, raw: str = "", note: str = ""
) -> Answer:
    """Accept, adjust (own value and a note) or send back (with a note) one answer."""
    answer = _lock_answer(answer)
    cycle = answer.cycle
    refusal = verification_refusal(actor, answer)
    if refusal is not None:
        raise PermissionError(refusal)
    if cycle.status != C.VERIFYING:
        raise ValidationError(
            _("Answers are verified only in the verification phase."), code="not_verifying"
        )
    if answer.status not in (AnswerStatus.ANSWERED, AnswerStatus.ACCEPTED, AnswerStatus.ADJUSTED):
        raise ValidationError(
            _("This answer is waiting for its revision."), code="answer_not_ready"
        )
    decision = ReviewDecision(decision)
    note = _text(note, "note", required=decision != ReviewDecision.ACCEPT)
    tree = _tree(cycle)
    if decision == ReviewDecision.ACCEPT:
        answer.verified_raw, answer.verified_value = answer.self_raw, answer.self_value
        answer.status = AnswerStatus.ACCEPTED
    elif decision == ReviewDecision.ADJUST:
        value = answer_value(tree.questions[answer.question_id], raw)
        answer.verified_raw, answer.verified_value = raw.strip(), to_text(value)
        answer.status = AnswerStatus.ADJUSTED
    else:
        answer.verified_raw, answer.verified_value = "", ""
        answer.status = AnswerStatus.RETURNED
    now = timezone.now()
    answer.verification_note = note
    answer.verified_by, answer.verified_at = actor, now
    answer.save()
    AnswerReview.objects.create(
        answer=answer,
        pemda=answer.pemda,
        opd=answer.opd,
        reviewer=actor,
        decision=decision,
        value_raw=answer.verified_raw,
        note=note,
        created_at=now,
    )
    score_update(cycle, answer.sub_indicator_id, ScoreTier.VERIFIED)
    audit_record(
        actor=actor,
        action="evaluation.answer_verified",
        target=answer,
        pemda=cycle.pemda,
        after={"status": answer.status, "raw": answer.verified_raw},
        context={"cycle": cycle.ref, "question": answer.question.code, "decision": decision.value},
    )
    return answer


# --- evidence ---------------------------------------------------------------------------------


def _evidence_validity(valid_from: dt.date | None, valid_until: dt.date | None) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError(
            {
                "valid_until": ValidationError(
                    _("The end of validity is before its start."), code="validity_order"
                )
            }
        )


def _evidence_base(
    actor: User | None, answer: Answer, title: str, kind: str, **fields: Any
) -> Evidence:
    return Evidence(
        answer=answer,
        pemda=answer.pemda,
        opd=answer.opd,
        kind=kind,
        title=_text(title, "title", required=True)[:200],
        year=answer.cycle.year,
        created_by=actor,
        created_at=timezone.now(),
        **fields,
    )


@transaction.atomic
def evidence_add_file(
    *,
    actor: User | None,
    answer: Answer,
    upload: UploadedFile,
    title: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Evidence:
    """A file, checked by content and hashed; a file with the title of an earlier one becomes its
    next version."""
    answer = _lock_answer(answer)
    _require_answer_editable(actor, answer)
    checked = evidence_file_check(upload)
    _evidence_validity(valid_from, valid_until)
    previous = (
        Evidence.objects.filter(answer=answer, kind=EvidenceKind.FILE, title=title.strip())
        .order_by("-version")
        .first()
    )
    evidence = _evidence_base(
        actor,
        answer,
        title,
        EvidenceKind.FILE,
        original_name=(upload.name or "")[-200:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        version=(previous.version + 1) if previous else 1,
        supersedes=previous,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    evidence.file.save(upload.name or "evidence", upload, save=False)
    evidence.save()
    _audit(
        answer.cycle,
        actor,
        "evidence_added",
        target=evidence,
        kind="file",
        sha256=checked.sha256,
        version=evidence.version,
    )
    return evidence


@transaction.atomic
def evidence_add_link(
    *,
    actor: User | None,
    answer: Answer,
    url: str,
    title: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Evidence:
    answer = _lock_answer(answer)
    _require_answer_editable(actor, answer)
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {
                "url": ValidationError(
                    _("Enter a web address starting with https://."), code="url_invalid"
                )
            }
        ) from None
    _evidence_validity(valid_from, valid_until)
    evidence = _evidence_base(
        actor,
        answer,
        title,
        EvidenceKind.LINK,
        url=url[:500],
        valid_from=valid_from,
        valid_until=valid_until,
    )
    evidence.save()
    _audit(answer.cycle, actor, "evidence_added", target=evidence, kind="link")
    return evidence


@transaction.atomic
def evidence_add_metric(
    *, actor: User | None, answer: Answer, metric_name: str, today: dt.date | None = None
) -> Evidence:
    """Platform data as evidence: the metric computed for the cycle's year up to today, dated and
    traceable to its source."""
    answer = _lock_answer(answer)
    _require_answer_editable(actor, answer)
    if metric_name not in metrics.names():
        raise ValidationError(_("There is no such platform metric."), code="metric_unknown")
    year = answer.cycle.year
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today or pemda_today(answer.cycle.pemda))
    if end < start:
        raise ValidationError(_("The evaluation year has not started yet."), code="metric_period")
    found = metrics.compute(metric_name, pemda_id=answer.pemda_id, start=start, end=end)
    label = str(metrics.get(metric_name).label)
    evidence = _evidence_base(
        actor,
        answer,
        label,
        EvidenceKind.METRIC,
        metric_name=metric_name,
        metric_value="" if found.value is None else str(found.value),
        metric_numerator=found.numerator,
        metric_denominator=found.denominator,
        metric_period_start=found.period_start,
        metric_period_end=found.period_end,
        metric_computed_at=found.computed_at or timezone.now(),
        metric_source=found.source[:300],
        valid_from=start,
        valid_until=dt.date(year, 12, 31),
    )
    evidence.save()
    _audit(
        answer.cycle,
        actor,
        "evidence_added",
        target=evidence,
        kind="metric",
        metric=metric_name,
        value=evidence.metric_value,
    )
    return evidence


@transaction.atomic
def evidence_reuse(*, actor: User | None, answer: Answer, source: Evidence) -> Evidence:
    """Reuse evidence of an earlier year, explicitly: refused when it has expired by the start of
    this cycle's year or belongs to another Pemda."""
    answer = _lock_answer(answer)
    _require_answer_editable(actor, answer)
    year = answer.cycle.year
    if source.pemda_id != answer.pemda_id or source.year >= year:
        raise ValidationError(
            _("Only evidence of this Pemda's earlier years can be reused."), code="reuse_invalid"
        )
    if source.valid_until is not None and source.valid_until < dt.date(year, 1, 1):
        raise ValidationError(
            _("This evidence was valid only until %(date)s; add new evidence.")
            % {"date": source.valid_until.isoformat()},
            code="evidence_expired",
        )
    fields = {
        f.name: getattr(source, f.name)
        for f in Evidence._meta.concrete_fields
        if f.name
        not in (
            "id",
            "answer",
            "pemda",
            "opd",
            "year",
            "created_by",
            "created_at",
            "reused_from",
            "supersedes",
            "version",
        )
    }
    evidence = Evidence(
        **fields,
        answer=answer,
        pemda=answer.pemda,
        opd=answer.opd,
        year=year,
        reused_from=source,
        created_by=actor,
        created_at=timezone.now(),
    )
    evidence.save()
    _audit(
        answer.cycle,
        actor,
        "evidence_reused",
        target=evidence,
        source=source.pk,
        source_year=source.year,
    )
    return evidence


# --- action plans -----------------------------------------------------------------------------


@transaction.atomic
def action_item_create(
    *,
    actor: User | None,
    cycle: AssessmentCycle,
    title: str,
    opd: OPD,
    due_on: dt.date,
    node: InstrumentNode | None = None,
    person: User | None = None,
) -> ActionItem:
    _require(actor, MANAGE, pemda=cycle.pemda)
    if opd.pemda_id != cycle.pemda_id:
        raise ValidationError(_("Choose an OPD of this Pemda."), code="opd_invalid")
    if node is not None and node.instrument_id != cycle.instrument_id:
        raise ValidationError(_("Choose an indicator of this instrument."), code="node_invalid")
    if person is not None and not _person_in_pemda(person, cycle.pemda):
        raise ValidationError(_("Choose an official of this Pemda."), code="person_invalid")
    item = ActionItem.objects.create(
        cycle=cycle,
        pemda=cycle.pemda,
        node=node,
        opd=opd,
        person=person,
        title=_text(title, "title", required=True)[:300],
        due_on=due_on,
        created_at=timezone.now(),
    )
    _audit(cycle, actor, "action_created", target=item, opd=opd.pk, due_on=due_on.isoformat())
    return item


@transaction.atomic
def action_item_progress(
    *,
    actor: User | None,
    item: ActionItem,
    progress: int,
    completion_url: str = "",
    completion_note: str = "",
) -> ActionItem:
    """Report progress; 100 % needs evidence of completion (a link or a description)."""
    item = (
        ActionItem.objects.select_for_update()
        .select_related("cycle", "pemda", "opd")
        .get(pk=item.pk)
    )
    if actor is not None and not (
        access.can(actor, MANAGE, pemda=item.pemda) or access.can(actor, ANSWER, opd=item.opd)
    ):
        raise PermissionError("action progress refused")
    if item.status != ActionStatus.OPEN:
        raise ValidationError(_("This action is closed."), code="action_closed")
    if not 0 <= progress <= 100:
        raise ValidationError(
            {
                "progress": ValidationError(
                    _("Enter a percentage from 0 to 100."), code="progress_invalid"
                )
            }
        )
    completion_url = (completion_url or "").strip()
    if completion_url:
        try:
            URLValidator(schemes=["http", "https"])(completion_url)
        except ValidationError:
            raise ValidationError(
                {
                    "completion_url": ValidationError(
                        _("Enter a web address starting with https://."), code="url_invalid"
                    )
                }
            ) from None
    completion_note = _text(completion_note, "completion_note")
    if progress == 100 and not (
        completion_url or completion_note or item.completion_url or item.completion_note
    ):
        raise ValidationError(
            {
                "completion_note": ValidationError(
                    _("Describe or link the evidence of completion."), code="completion_evidence"
                )
            }
        )
    item.progress = progress
    item.completion_url = completion_url or item.completion_url
    item.completion_note = completion_note or item.completion_note
    if progress == 100:
        item.status = ActionStatus.DONE
    item.save()
    _audit(item.cycle, actor, "action_progress", target=item, progress=progress, status=item.status)
    return item


@dataclass(frozen=True)
class EscalationReport:
    escalated: int


def actions_escalate_overdue(now: dt.datetime | None = None) -> EscalationReport:
    """Mark open action items past their due date (in their Pemda's local date) as escalated,
    once each, and publish ``evaluation.action_overdue`` for the subscribers. Idempotent."""
    now = now or timezone.now()
    candidates = ActionItem.objects.filter(
        status=ActionStatus.OPEN,
        escalated_at__isnull=True,
        due_on__lt=now.date() + dt.timedelta(days=1),
    ).select_related("pemda", "cycle")
    escalated = 0
    for item in candidates.iterator():
        local = now.astimezone(_zone(item.pemda)).date()
        if item.due_on >= local:
            continue
        with transaction.atomic():
            updated = ActionItem.objects.filter(pk=item.pk, escalated_at__isnull=True).update(
                escalated_at=now
            )
            if not updated:
                continue
            _audit(
                item.cycle, None, "action_escalated", target=item, due_on=item.due_on.isoformat()
            )
            publish(
                "evaluation.action_overdue",
                action_id=item.pk,
                pemda_id=item.pemda_id,
                opd_id=item.opd_id,
            )
        escalated += 1
    return EscalationReport(escalated)


def _zone(pemda: Pemda) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(pemda.time_zone)
