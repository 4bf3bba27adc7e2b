"""Reads of the audit trail: the Inspektorat's event list and the chain verifier."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from melayani.audit.hashing import CONTENT_FIELDS, event_content, link_hash
from melayani.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from melayani.core import access

VIEW_EVENTS = "audit.view_events"


def audit_event_list(
    *,
    user: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = "",
    target_type: str = "",
    actor: str = "",
) -> QuerySet[AuditEvent]:
    """Events ``user`` may browse, newest first, filtered; dates are days in the current zone."""
    events = access.scoped(user, AuditEvent.objects.all(), VIEW_EVENTS)
    zone = timezone.get_current_timezone()
    if date_from is not None:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
        events = events.filter(created_at__gte=start)
    if date_to is not None:
        end = datetime.datetime.combine(
            date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        events = events.filter(created_at__lt=end)
    if action:
        events = events.filter(action=action)
    if target_type:
        events = events.filter(target_type=target_type)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    return events.select_related("pemda").order_by("-created_at", "-id")


def audit_event_facets(*, user: Any) -> dict[str, list[str]]:
    """The actions and object types present in what ``user`` may browse (for the filters)."""
    events = access.scoped(user, AuditEvent.objects.all(), VIEW_EVENTS).order_by()
    return {
        "actions": list(
            events.values_list("action", flat=True).distinct().order_by("action")[:500]
        ),
        "target_types": list(
            events.exclude(target_type="")
            .values_list("target_type", flat=True)
            .distinct()
            .order_by("target_type")[:500]
        ),
    }


# --- Verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    """The first place where a chain does not hold."""

    kind: str  # "edited" | "deleted" | "inserted" | "truncated" | "no_head"
    seq: int | None
    event_id: int | None
    action: str
    created_at: datetime.datetime | None
    detail: str


@dataclass(frozen=True)
class ChainReport:
    chain: str
    checked: int
    unsealed: int
    last_seq: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def audit_verify(*, chain: str | None = None) -> list[ChainReport]:
    """Check every chain (or one): each link's hash, the sequence, and the chain head.

    Names the FIRST event where the chain breaks: an edited event (its content no longer matches
    its hash), a deleted one (a gap in ``seq`` or a ``prev_hash`` that does not match, reported
    at the event after it), an inserted one (a repeated ``seq`` or one beyond the chain head), or
    a removed tail (the head records more than is there).
    """
    heads = {h.chain: h for h in AuditChainHead.objects.filter(**_only(chain))}
    unsealed = dict(
        AuditEvent.objects.unsealed()
        .filter(**_only(chain))
        .order_by()
        .values_list("chain")
        .annotate(n=Count("id"))
    )
    sealed_chains = set(
        AuditEvent.objects.filter(seq__isnull=False, **_only(chain))
        .order_by()
        .values_list("chain", flat=True)
        .distinct()
    )
    return [
        _verify_chain(key, heads.get(key), unsealed.get(key, 0))
        for key in sorted(set(heads) | sealed_chains | set(unsealed))
    ]


def _only(chain: str | None) -> dict[str, str]:
    return {} if chain is None else {"chain": chain}


def _verify_chain(chain: str, head: AuditChainHead | None, unsealed: int) -> ChainReport:
    rows: Iterable[Mapping[str, Any]] = (
        AuditEvent.objects.filter(chain=chain, seq__isnull=False)
        .order_by("seq", "id")
        .values(*CONTENT_FIELDS, "seq", "prev_hash", "hash")
        .iterator(chunk_size=2000)
    )
    expected, prev_hash, checked = 1, GENESIS_HASH, 0
    last_seq = head.last_seq if head else 0

    def report(problem: ChainProblem | None) -> ChainReport:
        return ChainReport(chain, checked, unsealed, last_seq, problem)

    for row in rows:
        checked += 1
        seq = row["seq"]
        kind, detail = "", ""
        if seq < expected:
            kind, detail = "inserted", _("its sequence number repeats or goes backwards")
        elif head is not None and seq > head.last_seq:
            kind, detail = "inserted", _("it lies beyond the last sealed event of the chain")
        elif seq > expected:
            kind = "deleted"
            detail = _("events %(first)s to %(last)s before it are missing") % {
                "first": expected,
                "last": seq - 1,
            }
        elif row["prev_hash"] != prev_hash:
            kind = "deleted"
            detail = _("it does not link to the event before it (removed or replaced)")
        elif link_hash(prev_hash, seq, event_content(row)) != row["hash"]:
            kind, detail = "edited", _("its content no longer matches its hash")
        if kind:
            return report(
                ChainProblem(kind, seq, row["id"], row["action"], row["created_at"], detail)
            )
        prev_hash, expected = row["hash"], seq + 1

    if head is None:
        if checked:
            detail = _("sealed events exist but the chain head is missing")
            return report(ChainProblem("no_head", None, None, "", None, detail))
        return report(None)
    if expected - 1 != head.last_seq or prev_hash != head.last_hash:
        detail = _("the chain ends at %(found)s but its head records %(recorded)s") % {
            "found": expected - 1,
            "recorded": head.last_seq,
        }
        return report(ChainProblem("truncated", head.last_seq, None, "", None, detail))
    return report(None)
