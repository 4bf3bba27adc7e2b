"""Writes of the follow-up plans (rencana tindak lanjut) on a unit's weak unsur.

A plan is made for one unsur of one unit's survey period that the results flag as weak (the
weakest unsur, or any unsur whose NRR × 25 falls in mutu C or D): an action, who is responsible,
a due date on a working day of the Pemda's calendar (the one working-day clock), and a status
that moves only along :data:`TRANSITIONS`. Every write needs ``surveys.manage`` on the unit,
runs in one transaction, records a :class:`~melayani.surveys.models.FollowUpStatusChange` where
the status moves and an audit event always.

Errors: ``PermissionError`` when refused; :class:`~melayani.surveys.services.SurveyError` (a
``ValidationError`` with a stable ``code``) for bad input or a transition the status does not
allow.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from melayani.audit.services import audit_record
from melayani.core import access
from melayani.core.models import OPD
from melayani.surveys import followup_selectors
from melayani.surveys.models import FollowUpPlan, FollowUpStatus, FollowUpStatusChange
from melayani.surveys.periods import Period
from melayani.surveys.services import MANAGE, SurveyError
from melayani.workcalendar.clock import DeadlineUnit
from melayani.workcalendar.selectors import clock_for_pemda

if TYPE_CHECKING:
    from melayani.core.models import Pemda, User

S = FollowUpStatus
#: status → the statuses it may move to. Done and cancelled are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.IN_PROGRESS, S.DONE, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.DONE, S.CANCELLED}),
    S.DONE: frozenset(),
    S.CANCELLED: frozenset(),
}
OPEN_STATUSES = (S.PLANNED, S.IN_PROGRESS)
#: The due date offered for a new plan: this many working days from today.
DEFAULT_DUE_WORKING_DAYS = 60
ACTION_MAX = 2000
OWNER_MAX = 200
NOTE_MAX = 2000
#: A due date may be set at most this far ahead.
DUE_HORIZON = dt.timedelta(days=2 * 366)


def _at_most(limit: int) -> str:
    return ngettext(
        "Write at most %(limit)s character.", "Write at most %(limit)s characters.", limit
    ) % {"limit": limit}


def _require(actor: User | None, opd: OPD) -> None:
    if actor is None or not access.can(actor, MANAGE, opd=opd):
        raise PermissionError(f"{MANAGE} refused")


def followup_default_due(pemda: Pemda) -> dt.date:
    """The due date a new plan starts with: :data:`DEFAULT_DUE_WORKING_DAYS` working days on."""
    clock = clock_for_pemda(pemda)
    due = clock.add(timezone.now(), DEFAULT_DUE_WORKING_DAYS, DeadlineUnit.WORKING_DAYS)
    return clock.local_date(due)


def _clean_text(value: str, *, limit: int, code: str, missing: str) -> str:
    text = (value or "").strip()
    if not text:
        raise SurveyError(missing, code=f"{code}_required")
    if len(text) > limit:
        raise SurveyError(_at_most(limit), code=f"{code}_too_long")
    return text


def _check_due(pemda: Pemda, due_on: dt.date, *, today: dt.date) -> None:
    if due_on < today:
        raise SurveyError(_("The due date is in the past."), code="due_in_past")
    if due_on > today + DUE_HORIZON:
        raise SurveyError(_("Choose a due date within the next two years."), code="due_too_far")
    clock = clock_for_pemda(pemda)
    if not clock.is_working_day(due_on):
        raise SurveyError(
            _("%(date)s is not a working day in %(pemda)s. The next working day is %(next)s.")
            % {
                "date": date_format(due_on, "j F Y"),
                "pemda": pemda.name,
                "next": date_format(clock.next_working_day(due_on), "j F Y"),
            },
            code="due_not_working_day",
        )


def _local_today(pemda: Pemda) -> dt.date:
    return clock_for_pemda(pemda).local_date(timezone.now())


def followup_create(
    *,
    actor: User,
    opd: OPD,
    period: Period,
    unsur: str,
    action: str,
    owner: str,
    due_on: dt.date,
) -> FollowUpPlan:
    """A new plan for a weak unsur of ``opd``'s results in ``period``."""
    _require(actor, opd)
    pemda = opd.pemda
    action = _clean_text(action, limit=ACTION_MAX, code="action", missing=_("Describe the action."))
    owner = _clean_text(owner, limit=OWNER_MAX, code="owner", missing=_("Name who is responsible."))
    candidates = {c.code: c for c in followup_selectors.followup_candidates(opd, period)}
    if unsur not in candidates:
        raise SurveyError(
            _("Plans are made for the weak unsur of a period with answers."),
            code="unsur_not_weak",
        )
    _check_due(pemda, due_on, today=_local_today(pemda))
    now = timezone.now()
    with transaction.atomic():
        plan = FollowUpPlan.objects.create(
            pemda_id=opd.pemda_id,
            opd=opd,
            period=str(period),
            period_start=period.start,
            period_end=period.end,
            unsur=unsur,
            nrr=candidates[unsur].nrr,
            action=action,
            owner=owner,
            due_on=due_on,
            created_at=now,
            created_by=actor,
            updated_at=now,
        )
        FollowUpStatusChange.objects.create(
            plan=plan, to_status=plan.status, changed_at=now, changed_by=actor
        )
        audit_record(
            actor=actor,
            action="surveys.followup_created",
            target=plan,
            pemda=pemda,
            after={
                "period": plan.period,
                "unsur": unsur,
                "action": action,
                "owner": owner,
                "due_on": due_on.isoformat(),
            },
        )
    return plan


def _lock(plan: FollowUpPlan) -> FollowUpPlan:
    return FollowUpPlan.objects.select_for_update().select_related("pemda", "opd").get(pk=plan.pk)


def _sync(target: FollowUpPlan, source: FollowUpPlan) -> FollowUpPlan:
    for f in FollowUpPlan._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    return target


def followup_update(
    *, actor: User, plan: FollowUpPlan, action: str, owner: str, due_on: dt.date
) -> FollowUpPlan:
    """Change an open plan's action, responsible or due date (audited with before and after)."""
    _require(actor, plan.opd)
    action = _clean_text(action, limit=ACTION_MAX, code="action", missing=_("Describe the action."))
    owner = _clean_text(owner, limit=OWNER_MAX, code="owner", missing=_("Name who is responsible."))
    with transaction.atomic():
        locked = _lock(plan)
        if locked.status not in OPEN_STATUSES:
            raise SurveyError(_("This plan is closed."), code="followup_closed")
        if due_on != locked.due_on:
            _check_due(locked.pemda, due_on, today=_local_today(locked.pemda))
        before = {
            "action": locked.action,
            "owner": locked.owner,
            "due_on": locked.due_on.isoformat(),
        }
        after = {"action": action, "owner": owner, "due_on": due_on.isoformat()}
        if before == after:
            return _sync(plan, locked)
        locked.action, locked.owner, locked.due_on = action, owner, due_on
        locked.updated_at = timezone.now()
        locked.save(update_fields=["action", "owner", "due_on", "updated_at"])
        audit_record(
            actor=actor,
            action="surveys.followup_changed",
            target=locked,
            pemda=locked.pemda,
            before=before,
            after=after,
        )
    return _sync(plan, locked)


def followup_transition(
    *,
    actor: User,
    plan: FollowUpPlan,
    to_status: str,
    note: str = "",
    completed_on: dt.date | None = None,
) -> FollowUpPlan:
    """Move a plan to ``to_status``. Done needs the completion date and the evidence (``note``).

    The evidence of a done plan is public (the Pemda's results page); a cancellation needs a
    reason, kept in the history for officials.
    """
    _require(actor, plan.opd)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise SurveyError(_at_most(NOTE_MAX), code="note_too_long")
    if to_status not in S.values:
        raise SurveyError(_("Unknown status."), code="status_invalid")
    with transaction.atomic():
        locked = _lock(plan)
        if to_status not in TRANSITIONS[locked.status]:
            raise SurveyError(
                _("A plan that is %(current)s cannot become %(next)s.")
                % {"current": S(locked.status).label, "next": S(to_status).label},
                code="transition_not_allowed",
            )
        fields = ["status", "updated_at"]
        if to_status == S.DONE:
            if not note:
                raise SurveyError(
                    _("Describe what was done, as evidence of completion."),
                    code="evidence_required",
                )
            today = _local_today(locked.pemda)
            completed_on = completed_on or today
            if completed_on > today:
                raise SurveyError(
                    _("The completion date is in the future."), code="completed_in_future"
                )
            if (
                completed_on
                < locked.created_at.astimezone(clock_for_pemda(locked.pemda).zone).date()
            ):
                raise SurveyError(
                    _("The completion date is before the plan was made."),
                    code="completed_before_plan",
                )
            locked.completed_on, locked.evidence = completed_on, note
            fields += ["completed_on", "evidence"]
        elif to_status == S.CANCELLED and not note:
            raise SurveyError(_("Give the reason for cancelling."), code="reason_required")
        before = locked.status
        locked.status = to_status
        locked.updated_at = timezone.now()
        locked.save(update_fields=fields)
        FollowUpStatusChange.objects.create(
            plan=locked,
            from_status=before,
            to_status=to_status,
            changed_at=locked.updated_at,
            changed_by=actor,
            note=note,
        )
        audit_record(
            actor=actor,
            action="surveys.followup_status_changed",
            target=locked,
            pemda=locked.pemda,
            before={"status": before},
            after={
                "status": to_status,
                "completed_on": locked.completed_on.isoformat() if locked.completed_on else None,
            },
            context={"period": locked.period, "unsur": locked.unsur},
        )
    return _sync(plan, locked)
