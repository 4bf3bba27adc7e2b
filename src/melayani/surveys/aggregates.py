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
from typing import Any

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
        increments: dict[str, Any] = {"n": F("n") + len(items)}
        for field in ANSWER_FIELDS:
            scores = [s for s in (c.answers.get(field) for c in items) if s is not None]
            if scores:
                increments[f"sum_{field}"] = F(f"sum_{field}") + sum(scores)
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


Row = dict[str, Any]


def _grouped(responses: QuerySet[SurveyResponse] | None = None) -> Any:
    """The aggregates as computed from the raw answers: one ``GROUP BY`` query."""
    qs = responses if responses is not None else SurveyResponse.objects.all()
    sums = {f"sum_{f}": Coalesce(Sum(f), 0) for f in ANSWER_FIELDS}
    counts = {f"cnt_{f}": Count(f) for f in ANSWER_FIELDS}
    return qs.order_by().values(*BUCKET).annotate(n=Count("pk"), **sums, **counts).order_by(*BUCKET)


def _extra_grouped() -> Any:
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


def _stored() -> Any:
    return SkmAggregate.objects.order_by(*BUCKET).values(*BUCKET, *NUMBER_FIELDS)


def _rows(qs: Any, chunk: int = 5000) -> Iterator[Row]:
    return qs.iterator(chunk_size=chunk)


def _compare(computed: Iterator[Row], stored: Iterator[Row]) -> tuple[int, int, Mismatch | None]:
    """Merge two streams ordered by bucket; the first difference wins."""
    buckets = responses = 0
    sentinel: Row = {}
    a, b = next(computed, sentinel), next(stored, sentinel)
    while a is not sentinel or b is not sentinel:
        ka = tuple(a[k] for k in BUCKET) if a is not sentinel else None
        kb = tuple(b[k] for k in BUCKET) if b is not sentinel else None
        if kb is None or (ka is not None and ka < kb):
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
                    row["n"],
                ),
            )
        if ka is None or kb < ka:
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
                    None,
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
                        a[f],
                    ),
                )
        buckets += 1
        responses += int(a["n"])
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


def _quoted(columns: Iterable[str]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in columns)


def _differences() -> tuple[int, int, int, int]:
    """(computed buckets, responses, stored buckets, computed buckets not stored exactly).

    The grouped answers are compared with the stored rows by ``EXCEPT`` inside the database, so
    the check costs about one ``GROUP BY``; the row-by-row merge runs only to name a mismatch.
    """
    grouped_sql, params = _grouped().order_by().query.sql_with_params()
    columns = _quoted([*BUCKET, *NUMBER_FIELDS])
    table = connection.ops.quote_name(SkmAggregate._meta.db_table)
    differ = f"SELECT {columns} FROM g EXCEPT SELECT {columns} FROM {table}"  # noqa: S608
    counts = f"(SELECT count(*) FROM g), (SELECT coalesce(sum(n), 0) FROM g), (SELECT count(*) FROM {table})"  # noqa: E501, S608
    sql = f"WITH g AS ({grouped_sql}) SELECT {counts}, (SELECT count(*) FROM ({differ}) d)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        computed, responses, stored, missing = cursor.fetchone()
    return int(computed), int(responses), int(stored), int(missing)


def aggregates_check() -> RecomputeReport:
    """Compare the stored aggregates with the answers; nothing is written."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every read, so concurrent submissions cannot fake a mismatch.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        computed, responses, stored, missing = _differences()
        mismatch = None
        if missing or computed != stored:
            _buckets, _responses, mismatch = _compare(_rows(_grouped()), _rows(_stored()))
        if mismatch is None:
            mismatch = _extra_mismatch()
    return RecomputeReport(buckets=computed, responses=responses, mismatch=mismatch)


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


BULK_THRESHOLD = 5000


def aggregates_rebuild() -> RecomputeReport:
    """Make every aggregate equal to the ``GROUP BY`` of the answers, in one transaction.

    The grouping is compared with the stored rows inside the database (``EXCEPT``), and only the
    buckets that differ are written (upserted), and only those without answers deleted: when the
    aggregates are in step this costs one grouped read, and from empty it writes every bucket.
    """
    table = connection.ops.quote_name(SkmAggregate._meta.db_table)
    extra_table = connection.ops.quote_name(SkmExtraAggregate._meta.db_table)
    grouped_sql, params = _grouped().order_by().query.sql_with_params()
    columns = [*BUCKET, *NUMBER_FIELDS]
    cols = _quoted(columns)
    key = ("opd_id", "service_id", "quarter_start")
    joined = " AND ".join(f"g.{k} = a.{k}" for k in key)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Writers update aggregate rows; make them wait for the swap (reads go on).
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            # One grouped read (parallel where the database can): the buckets whose numbers
            # differ, then the ids of stored buckets that have no answers any more.
            nulls = ", ".join(["NULL"] * len(columns))
            differ = f"SELECT {cols} FROM g EXCEPT SELECT {cols} FROM {table}"  # noqa: S608
            gone = f"SELECT 1, a.id, {nulls} FROM {table} a LEFT JOIN g ON {joined}"  # noqa: S608
            cursor.execute(
                f"WITH g AS ({grouped_sql}) SELECT 0, NULL, d.* FROM ({differ}) d "  # noqa: S608
                f"UNION ALL {gone} WHERE g.opd_id IS NULL",
                params,
            )
            changed: list[Row] = []
            stale: list[int] = []
            for row in cursor.fetchall():
                if row[0]:
                    stale.append(int(row[1]))
                else:
                    changed.append(dict(zip(columns, row[2:], strict=True)))
            if len(changed) > BULK_THRESHOLD:
                # Many buckets (a first build): let the database write them in one statement.
                updates = ", ".join(f"{c} = excluded.{c}" for c in ["pemda_id", *NUMBER_FIELDS])
                cursor.execute(
                    f"WITH g AS ({grouped_sql}) INSERT INTO {table} ({cols}) "  # noqa: S608
                    f"SELECT {cols} FROM ({differ}) d WHERE 1 = 1 "
                    f"ON CONFLICT (opd_id, service_id, quarter_start) DO UPDATE SET {updates}",
                    params,
                )
                changed = []
            for start in range(0, len(stale), 5000):
                ids = ", ".join(str(int(i)) for i in stale[start : start + 5000])
                cursor.execute(f"DELETE FROM {extra_table} WHERE aggregate_id IN ({ids})")  # noqa: S608
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({ids})")  # noqa: S608
        SkmAggregate.objects.bulk_create(
            (SkmAggregate(**row) for row in changed),
            batch_size=2000,
            update_conflicts=True,
            unique_fields=list(key),
            update_fields=["pemda_id", *NUMBER_FIELDS],
        )
        SkmExtraAggregate.objects.all().delete()
        _extra_rebuild()
        totals = SkmAggregate.objects.aggregate(
            buckets=Count("pk"), responses=Coalesce(Sum("n"), 0)
        )
    return RecomputeReport(buckets=totals["buckets"], responses=totals["responses"])
