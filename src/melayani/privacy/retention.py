"""Retention: what is past its period after closure is anonymised or deleted.

For each declared record with a ``retention`` rule, rows whose closure moment (the first
non-empty of ``closed_at``) lies more than the Pemda's period (its ``RetentionPolicy`` or the
declared default) in the past are erased through :func:`melayani.privacy.subjects.erase_row`.
Aggregates (SKM aggregates, statistics, scores) are separate records with no retention rule, so
they are never touched. Every row erased gets its own audit event, and each Pemda's run one
summary event. The job is idempotent: rows already anonymised (they have an audit event saying
so) are skipped, deleted rows are gone.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from django.db import models, transaction
from django.db.models import F, IntegerField, Q
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from melayani.audit.models import AuditEvent
from melayani.audit.services import audit_record
from melayani.core.models import Pemda
from melayani.privacy import subjects
from melayani.privacy.inventory import PersonalRecord, records
from melayani.privacy.models import RetentionPolicy

#: Rows erased per transaction.
BATCH = 500
#: How long one run may work before it leaves the rest to the next run.
DEFAULT_BUDGET = dt.timedelta(minutes=10)


def _tenant_path(model: type[models.Model]) -> str | None:
    tenant_field = getattr(model, "tenant_field", None)
    if tenant_field is None:
        return None
    return "pk" if tenant_field == "pk" else f"{tenant_field}__pk"


def _due(record: PersonalRecord, now: dt.datetime) -> models.QuerySet[Any]:
    """Rows of ``record`` past their period, in any Pemda, not yet anonymised."""
    assert record.retention is not None
    model = record.model_class()
    tenant = _tenant_path(model)
    if tenant is None:
        return model._default_manager.none()
    paths = record.retention.closed_at
    closed = Coalesce(*[F(p) for p in paths]) if len(paths) > 1 else F(paths[0])
    rows = model._default_manager.annotate(_closed=closed).filter(_closed__isnull=False)
    overrides: dict[int, int] = dict(
        RetentionPolicy.objects.filter(record_type=record.label).values_list("pemda_id", "days")
    )
    by_days: dict[int, list[int]] = defaultdict(list)
    for pemda_id, days in overrides.items():
        by_days[days].append(pemda_id)
    condition = Q(_closed__lt=now - dt.timedelta(days=record.retention.days)) & ~Q(
        **{f"{tenant}__in": list(overrides)}
    )
    for days, pemda_ids in by_days.items():
        condition |= Q(_closed__lt=now - dt.timedelta(days=days)) & Q(
            **{f"{tenant}__in": pemda_ids}
        )
    done = AuditEvent.objects.filter(
        action="personal_data.anonymised", target_type=record.label
    ).annotate(as_int=Cast("target_id", IntegerField()))
    return (
        rows.filter(condition)
        .exclude(pk__in=done.values("as_int"))
        .annotate(_pemda=F(tenant))
        .order_by("pk")
    )


def _batch(
    record: PersonalRecord, now: dt.datetime, per_pemda: dict[int, dict[str, dict[str, int]]]
) -> dict[str, int]:
    """Erase one batch of due rows of ``record`` in one transaction; the counts."""
    counts = {"anonymised": 0, "deleted": 0}
    with transaction.atomic():
        rows = list(_due(record, now)[:BATCH])
        pemdas = {p.pk: p for p in Pemda.objects.filter(pk__in={r._pemda for r in rows})}
        for row in rows:
            pemda = pemdas[row._pemda]
            target_id = str(row.pk)
            result = subjects.erase_row(record, row)
            counts[result] += 1
            bucket = per_pemda[pemda.pk].setdefault(record.label, {"anonymised": 0, "deleted": 0})
            bucket[result] += 1
            audit_record(
                actor=None,
                action=f"personal_data.{result}",
                target_type=record.label,
                target_id=target_id,
                pemda=pemda,
                context={"reason": "retention"},
            )
    return counts if rows else {}


def retention_run(
    *, now: dt.datetime | None = None, budget: dt.timedelta = DEFAULT_BUDGET
) -> dict[str, dict[str, int]]:
    """Apply every retention rule; ``{record_type: {"anonymised": n, "deleted": n}}``.

    Works in batches of :data:`BATCH` rows, one transaction each, until nothing is due or the
    time ``budget`` is spent (the next run continues where this one stopped)."""
    now = now or timezone.now()
    deadline = time.monotonic() + budget.total_seconds()
    summary: dict[str, dict[str, int]] = {}
    per_pemda: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for record in records():
        if record.retention is None:
            continue
        while time.monotonic() < deadline:
            done = _batch(record, now, per_pemda)
            if not done:
                break
            counts = summary.setdefault(record.label, {"anonymised": 0, "deleted": 0})
            for key, value in done.items():
                counts[key] += value
    if per_pemda:
        with transaction.atomic():
            for pemda in Pemda.objects.filter(pk__in=list(per_pemda)):
                audit_record(
                    actor=None,
                    action="privacy.retention_run",
                    pemda=pemda,
                    target=pemda,
                    context={"records": per_pemda[pemda.pk], "at": now.isoformat()},
                )
    return summary
