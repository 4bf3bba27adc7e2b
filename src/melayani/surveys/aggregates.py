"""Keeping ``SkmAggregate`` in step with the answers, and proving it (``skm_recompute``).

Writes add to the aggregate of their bucket (unit, service, local quarter) inside the transaction
that stores the answers, with ``UPDATE … SET sum = sum + x`` so concurrent writers never lose an
increment. The recompute is one ``GROUP BY`` over the responses (a sequential scan of narrow rows)
written back with a single ``INSERT … SELECT``; the check compares that same ``GROUP BY`` with the
stored rows, streaming, and names the first bucket that differs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce

from melayani.surveys.models import (
    ANSWER_FIELDS,
    COUNT_FIELDS,
    SUM_FIELDS,
    SkmAggregate,
    SkmExtraAggregate,
    SurveyExtraAnswer,
    SurveyResponse,
)

BUCKET = ("pemda_id", "opd_id", "service_id", "quarter_start")
NUMBER_FIELDS = ("n", *SUM_FIELDS, *COUNT_FIELDS)


@dataclass(frozen=True)
class Contribution:
    """What one response adds to its bucket."""

    pemda_id: int
    opd_id: int
    service_id: int
    quarter_start: dt.date
    answers: Mapping[str, int | None]  # "u1" … "u9"
    extra: Mapping[str, int]  # "U10" → score

    @property
    def key(self) -> tuple[int, int, int, dt.date]:
        return (self.pemda_id, self.opd_id, self.service_id, self.quarter_start)


def aggregates_add(contributions: Iterable[Contribution]) -> None:
    """Add responses to their buckets; call inside the transaction that stores them."""
    buckets: dict[tuple[int, int, int, dt.date], list[Contribution]] = defaultdict(list)
    for c in contributions:
        buckets[c.key].append(c)
    for (pemda_id, opd_id, service_id, quarter), items in sorted(buckets.items()):
        aggregate, _created = SkmAggregate.objects.get_or_create(
            opd_id=opd_id,
            service_id=service_id,
            quarter_start=quarter,
            defaults={"pemda_id": pemda_id},
        )
        increments: dict[str, object] = {"n": F("n") + len(items)}
        for field in ANSWER_FIELDS:
            scores = [c.answers[field] for c in items if c.answers.get(field) is not None]
            if scores:
                increments[f"sum_{field}"] = F(f"sum_{field}") + sum(scores)  # type: ignore[arg-type]
                increments[f"cnt_{field}"] = F(f"cnt_{field}") + len(scores)
        SkmAggregate.objects.filter(pk=aggregate.pk).update(**increments)
        extra: dict[str, list[int]] = defaultdict(list)
        for c in items:
            for code, score in c.extra.items():
                extra[code].append(score)
        for code, scores in sorted(extra.items()):
            row, _created = SkmExtraAggregate.objects.get_or_create(aggregate=aggregate, code=code)
            SkmExtraAggregate.objects.filter(pk=row.pk).update(
                total=F("total") + sum(scores), count=F("count") + len(scores)
            )


# --- recompute ---------------------------------------------------------------------------------


def _grouped(responses: QuerySet[SurveyResponse] | None = None) -> QuerySet[SurveyResponse]:
    """The aggregates as computed from the raw answers: one ``GROUP BY`` query."""
    qs = responses if responses is not None else SurveyResponse.objects.all()
    sums = {f"sum_{f}": Coalesce(Sum(f), 0) for f in ANSWER_FIELDS}
    counts = {f"cnt_{f}": Count(f) for f in ANSWER_FIELDS}
    return qs.order_by().values(*BUCKET).annotate(n=Count("pk"), **sums, **counts).order_by(*BUCKET)


def _extra_grouped() -> QuerySet[SurveyExtraAnswer]:
    return (
        SurveyExtraAnswer.objects.order_by()
        .values("response__opd_id", "response__service_id", "response__quarter_start", "code")
        .annotate(total=Sum("score"), count=Count("pk"))
    )


@dataclass(frozen=True)
class Mismatch:
    opd_id: int
    service_id: int
    quarter_start: dt.date
    field: str
    stored: int | None
    computed: int | None

    def __str__(self) -> str:
        return (
            f"opd {self.opd_id}, service {self.service_id}, quarter {self.quarter_start}: "
            f"{self.field} stored {self.stored}, from the answers {self.computed}"
        )


@dataclass(frozen=True)
class RecomputeReport:
    buckets: int
    responses: int
    mismatch: Mismatch | None = None

    @property
    def ok(self) -> bool:
        return self.mismatch is None


def _stored() -> QuerySet[SkmAggregate]:
    return SkmAggregate.objects.order_by(*BUCKET).values(*BUCKET, *NUMBER_FIELDS)


def _rows(qs: QuerySet, chunk: int = 5000) -> Iterator[dict]:  # type: ignore[type-arg]
    return qs.iterator(chunk_size=chunk)


def _compare(
    computed: Iterator[Mapping[str, object]], stored: Iterator[Mapping[str, object]]
) -> tuple[int, int, Mismatch | None]:
    """Merge two streams ordered by bucket; the first difference wins."""
    buckets = responses = 0
    sentinel: dict[str, object] = {}
    a, b = next(computed, sentinel), next(stored, sentinel)
    while a is not sentinel or b is not sentinel:
        ka = tuple(a[k] for k in BUCKET) if a is not sentinel else None
        kb = tuple(b[k] for k in BUCKET) if b is not sentinel else None
        if kb is None or (ka is not None and ka < kb):  # type: ignore[operator]
            row = a
            return (
                buckets,
                responses,
                Mismatch(
                    row["opd_id"],
                    row["service_id"],
                    row["quarter_start"],
                    "n",
                    None,
                    row["n"],  # type: ignore[arg-type]
                ),
            )
        if ka is None or kb < ka:  # type: ignore[operator]
            row = b
            if all(row[f] == 0 for f in NUMBER_FIELDS):  # an emptied bucket is harmless
                b = next(stored, sentinel)
                continue
            return (
                buckets,
                responses,
                Mismatch(
                    row["opd_id"],
                    row["service_id"],
                    row["quarter_start"],
                    "n",
                    row["n"],
                    None,  # type: ignore[arg-type]
                ),
            )
        for f in NUMBER_FIELDS:
            if a[f] != b[f]:
                return (
                    buckets,
                    responses,
                    Mismatch(
                        a["opd_id"],
                        a["service_id"],
                        a["quarter_start"],
                        f,
                        b[f],
                        a[f],  # type: ignore[arg-type]
                    ),
                )
        buckets += 1
        responses += int(a["n"])  # type: ignore[call-overload]
        a, b = next(computed, sentinel), next(stored, sentinel)
    return buckets, responses, None


def _extra_mismatch() -> Mismatch | None:
    computed = {
        (
            r["response__opd_id"],
            r["response__service_id"],
            r["response__quarter_start"],
            r["code"],
        ): (
            r["total"],
            r["count"],
        )
        for r in _extra_grouped()
    }
    stored = {
        (
            r["aggregate__opd_id"],
            r["aggregate__service_id"],
            r["aggregate__quarter_start"],
            r["code"],
        ): (
            r["total"],
            r["count"],
        )
        for r in SkmExtraAggregate.objects.exclude(count=0).values(
            "aggregate__opd_id",
            "aggregate__service_id",
            "aggregate__quarter_start",
            "code",
            "total",
            "count",
        )
    }
    for key in sorted(set(computed) | set(stored), key=str):
        if computed.get(key) != stored.get(key):
            opd_id, service_id, quarter, code = key
            have, want = stored.get(key), computed.get(key)
            return Mismatch(
                opd_id, service_id, quarter, f"{code} sum/count", have and have[0], want and want[0]
            )
    return None


def aggregates_check() -> RecomputeReport:
    """Compare the stored aggregates with the answers; nothing is written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One snapshot for both reads, so concurrent submissions cannot fake a mismatch.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        buckets, responses, mismatch = _compare(_rows(_grouped()), _rows(_stored()))
        if mismatch is None:
            mismatch = _extra_mismatch()
    return RecomputeReport(buckets=buckets, responses=responses, mismatch=mismatch)


def _extra_rebuild() -> None:
    rows = list(_extra_grouped())
    if not rows:
        return
    ids = {
        (r["opd_id"], r["service_id"], r["quarter_start"]): r["pk"]
        for r in SkmAggregate.objects.values("pk", "opd_id", "service_id", "quarter_start")
    }
    SkmExtraAggregate.objects.bulk_create(
        SkmExtraAggregate(
            aggregate_id=ids[
                (r["response__opd_id"], r["response__service_id"], r["response__quarter_start"])
            ],
            code=r["code"],
            total=r["total"],
            count=r["count"],
        )
        for r in rows
    )


def aggregates_rebuild() -> RecomputeReport:
    """Replace every aggregate by the ``GROUP BY`` of the answers, in one transaction."""
    table = SkmAggregate._meta.db_table
    columns = [*BUCKET, *NUMBER_FIELDS]
    select_sql, params = _grouped().order_by().query.sql_with_params()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Writers take row locks on aggregates; block them for the swap (reads go on).
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        SkmExtraAggregate.objects.all().delete()
        SkmAggregate.objects.all().delete()
        with connection.cursor() as cursor:
            cols = ", ".join(connection.ops.quote_name(c) for c in columns)
            inner = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(
                f"INSERT INTO {table} ({cols}) SELECT {inner} FROM ({select_sql}) AS grouped",  # noqa: S608
                params,
            )
        _extra_rebuild()
        totals = SkmAggregate.objects.aggregate(
            buckets=Count("pk"), responses=Coalesce(Sum("n"), 0)
        )
    return RecomputeReport(buckets=totals["buckets"], responses=totals["responses"])
