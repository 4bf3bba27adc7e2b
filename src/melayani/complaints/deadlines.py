"""Stage limits as data, counted by the working-day clock (COMPLAINTS.md §6).

A :class:`~melayani.complaints.models.DeadlineRule` row gives a stage's limit with its unit; the
national defaults (``pemda`` empty) are seeded by a migration and a Pemda may add its own rows.
A stage without any rule has no deadline (e.g. "review" and aspirations: no source gives one).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from melayani.complaints.models import DeadlineRule
from melayani.core.models import Pemda
from melayani.workcalendar.clock import ClockStopped
from melayani.workcalendar.selectors import clock_for_pemda


def rule_for(
    *, pemda: Pemda, stage: str, classification: str = "", tier: str = "", on: dt.date
) -> DeadlineRule | None:
    """The most specific current rule: the Pemda's over the national, then by classification,
    tier and latest ``valid_from``."""
    rows = DeadlineRule.objects.filter(
        Q(pemda=pemda) | Q(pemda__isnull=True),
        Q(classification=classification) | Q(classification=""),
        Q(tier=tier) | Q(tier=""),
        stage=stage,
        valid_from__lte=on,
    )
    best: DeadlineRule | None = None
    best_key: tuple[int, int, int, dt.date] | None = None
    for rule in rows:
        key = (
            int(rule.pemda_id is not None),
            int(bool(rule.classification)),
            int(bool(rule.tier)),
            rule.valid_from,
        )
        if best_key is None or key > best_key:
            best, best_key = rule, key
    return best


def stage_due(
    *,
    pemda: Pemda,
    stage: str,
    start: dt.datetime,
    classification: str = "",
    tier: str = "",
) -> dt.datetime | None:
    """When a stage that started at ``start`` is due; ``None`` when no rule sets a limit."""
    clock = clock_for_pemda(pemda)
    local_day = start.astimezone(clock.zone).date()
    rule = rule_for(
        pemda=pemda, stage=stage, classification=classification, tier=tier, on=local_day
    )
    if rule is None:
        return None
    try:
        return clock.add(start, rule.value, rule.unit)
    except ClockStopped:  # pragma: no cover - no pauses are given
        return None
