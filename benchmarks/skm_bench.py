"""SKM at national scale: full recompute of the aggregates beside a raw SQL ``GROUP BY``.

Generates responses (nine answers each, ~8 % left blank) for ~30,000 units (one service each) of
the 546 Pemda on PostgreSQL with ``INSERT … SELECT generate_series`` (server-side, no round
trips), then in the same run and on the same warm data times:

* ``raw``      — ``SELECT … GROUP BY`` computing the same sums and counts, fetched by the client;
* ``rebuild``  — ``aggregates_recompute()``: the same grouping compared with the stored rows in
  the database, differing buckets upserted (``from_empty``: the first build, every bucket written);
* ``check``    — ``aggregates_recompute(check_only=True)`` (the grouping streamed and compared
  with every stored aggregate row), i.e. ``melayani skm_recompute --check``;
* dashboard reads from the aggregates: ``skm_result`` for a Pemda / a unit, and
  ``skm_results_by_unit`` for a Pemda (the public page) and a unit's eight-quarter trend
  (``skm_scores_over_periods``), median of repeated calls;
* incremental submissions (kiosk) per second, aggregates updated in the same transaction.

Target: rebuild and check ≤ 1.5 × raw. Run from the repository root (the database is dropped
and created afresh)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/melayani_skm_bench \\
        .venv/bin/python benchmarks/skm_bench.py --rows 1000000

``--rows`` is the number of responses (each carries nine answers; the issue's "10 million
answers" is ``--rows 1111112``, and ``--rows 10000000`` is 90 million answers).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_111_112, help="responses to generate")
    parser.add_argument("--units", type=int, default=30_000, help="units (one service each)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed step")
    parser.add_argument("--keep", action="store_true", help="reuse the database if filled")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is dropped and created)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "melayani.test_settings")
    if not args.keep:
        recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from melayani.core.models import Pemda
    from melayani.surveys import selectors, services
    from melayani.surveys.models import SkmAggregate, SurveyResponse
    from melayani.surveys.periods import Period

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not SurveyResponse.objects.exists():
        from melayani.core.services import pemda_sync_from_regions, roles_sync_builtin
        from melayani.regions.services import regions_load

        regions_load(max_level=2, with_population=False)
        roles_sync_builtin()
        pemda_sync_from_regions()
        _generate(connection, rows=args.rows, units=args.units)
    setup_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_surveyresponse")
        cursor.execute("SELECT pg_total_relation_size('surveys_surveyresponse')")
        table_bytes = cursor.fetchone()[0]
    responses = SurveyResponse.objects.count()

    sums = ", ".join(f"coalesce(sum(u{i}), 0)" for i in range(1, 10))
    counts = ", ".join(f"count(u{i})" for i in range(1, 10))
    bucket = "pemda_id, opd_id, service_id, quarter_start"
    raw_sql = f"SELECT {bucket}, count(*) AS n, {sums}, {counts} "
    raw_sql += f"FROM surveys_surveyresponse GROUP BY {bucket}"

    def raw() -> int:
        with connection.cursor() as cursor:
            cursor.execute(raw_sql)
            return len(cursor.fetchall())

    raw()  # warm the cache for everyone
    raw_s, groups = timed(raw, args.repeat)
    SkmAggregate.objects.all().delete()
    from_empty_s, _first = timed(lambda: services.aggregates_recompute(), 1)
    rebuild_s, rebuilt = timed(lambda: services.aggregates_recompute(), args.repeat)
    check_s, check = timed(lambda: services.aggregates_recompute(check_only=True), args.repeat)
    assert check.ok, check.mismatch
    assert rebuilt.buckets == groups == check.buckets, (rebuilt, groups, check)

    period = Period(2025)
    busiest = (
        SkmAggregate.objects.values("pemda_id")
        .order_by()
        .annotate(units=django.db.models.Count("opd_id", distinct=True))
        .order_by("-units")
        .first()
    )
    pemda = Pemda.objects.get(pk=busiest["pemda_id"])
    unit = SkmAggregate.objects.filter(pemda=pemda).select_related("opd").first().opd
    from melayani.surveys.periods import QUARTER
    from melayani.surveys.web_selectors import period_series

    trend = period_series(Period(2025, QUARTER, 4), 8)
    reads = {
        "skm_result_pemda_ms": lambda: selectors.skm_result(pemda=pemda, period=period),
        "skm_result_unit_ms": lambda: selectors.skm_result(opd=unit, period=period),
        "skm_results_by_unit_ms": lambda: selectors.skm_results_by_unit(pemda=pemda, period=period),
        # The unit report's trend: eight quarters in a constant number of queries.
        "unit_trend_8_quarters_ms": lambda: selectors.skm_scores_over_periods(
            opd=unit, periods=trend
        ),
    }
    read_ms = {}
    for name, fn in reads.items():
        fn()
        read_ms[name] = round(timed(fn, 30)[0] * 1000, 2)
    by_unit = selectors.skm_results_by_unit(pemda=pemda, period=period)

    from melayani.catalog.models import ServiceType

    service = ServiceType.objects.filter(opd=unit).first()
    answers = {f"U{i}": 1 + i % 4 for i in range(1, 10)}
    n_submit = 300
    submit_started = time.perf_counter()
    for _ in range(n_submit):
        services.response_submit_kiosk(service=service, answers=answers)
    submit_s = time.perf_counter() - submit_started
    assert services.aggregates_recompute(check_only=True).ok

    print(
        json.dumps(
            {
                "responses": responses,
                "answers": responses * 9,
                "units": args.units,
                "aggregate_rows": groups,
                "table_mb": round(table_bytes / 2**20),
                "setup_s": round(setup_s, 1),
                "raw_group_by_s": round(raw_s, 3),
                "recompute_from_empty_s": round(from_empty_s, 3),
                "recompute_rebuild_s": round(rebuild_s, 3),
                "recompute_check_s": round(check_s, 3),
                "rebuild_vs_raw": round(rebuild_s / raw_s, 2),
                "check_vs_raw": round(check_s / raw_s, 2),
                "dashboard_pemda": pemda.code,
                "dashboard_units": len(by_unit),
                **read_ms,
                "kiosk_submissions_per_s": round(n_submit / submit_s, 1),
            },
            indent=2,
        )
    )


def _generate(connection: Any, *, rows: int, units: int) -> None:
    """OPD and services spread over every Pemda, then ``rows`` responses over 2025's quarters."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM core_pemda ORDER BY id")
        pemda_ids = [r[0] for r in cursor.fetchall()]
        per = -(-units // len(pemda_ids))
        cursor.execute(
            """
            INSERT INTO core_opd (pemda_id, parent_id, kind, name, slug, path, is_active)
            SELECT p.id, NULL, 'dinas', 'Unit ' || g, 'unit-' || g, '/', true
            FROM core_pemda p CROSS JOIN generate_series(1, %s) g
            ORDER BY p.id, g LIMIT %s
            """,
            [per, units],
        )
        cursor.execute("UPDATE core_opd SET path = '/' || id || '/' WHERE path = '/'")
        cursor.execute(
            """
            INSERT INTO catalog_servicetype (pemda_id, opd_id, code, name, description, category,
                keywords, accepts_online, is_active, created_at)
            SELECT pemda_id, id, 'svc-' || id, 'Layanan ' || id, '', '', '', true, true, now()
            FROM core_opd WHERE slug LIKE 'unit-%%'
            """
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_svc AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id, opd_id, pemda_id
            FROM catalog_servicetype
            """
        )
        cursor.execute("SELECT count(*) FROM bench_svc")
        services = cursor.fetchone()[0]

        def answer(i: int) -> str:
            # 1–4 with a slant towards 3, about 8 % blank; deterministic per row and item.
            h = f"hashtextextended(g::text || ':{i}', 0)"
            return f"CASE WHEN abs({h}) %% 100 < 8 THEN NULL ELSE 1 + (abs({h}) / 100) %% 4 END"

        batch = 1_000_000
        for first in range(0, rows, batch):
            last = min(rows, first + batch)
            cursor.execute(
                f"""
                INSERT INTO surveys_surveyresponse (pemda_id, opd_id, service_id, application_id,
                    channel, submitted_at, quarter_start, entered_by_id, source_import_id, sex,
                    age_band, education, occupation, suggestion,
                    u1, u2, u3, u4, u5, u6, u7, u8, u9)
                SELECT s.pemda_id, s.opd_id, s.id, NULL, 'kiosk',
                    make_date(2025, 1 + 3 * (g %% 4)::int, 15)::timestamptz,
                    make_date(2025, 1 + 3 * (g %% 4)::int, 1), NULL, NULL, '', '', '', '', '',
                    {", ".join(answer(i) for i in range(1, 10))}
                FROM generate_series(%s, %s) g
                JOIN bench_svc s ON s.rn = (g / 4) %% %s
                """,  # noqa: S608 — numbers only
                [first + 1, last, services],
            )
            print(f"generated {last:,} responses", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
