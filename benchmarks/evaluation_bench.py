"""Reform evaluation at national scale: recompute, one answer change, the national dashboard.

Builds the 546 Pemda and, with the demo's synthetic generator, a finished PMPRB cycle per Pemda
for each of three years (the full demo instrument: every question answered, self and verified
tiers), then in the same run and on the same warm data times:

* ``read_answers``      — reading every answer value of one year's 546 cycles (one query), the
  floor any recompute must pay;
* ``recompute_546``     — ``cycles_recompute`` of one year: all 546 cycles' stored results (both
  tiers) computed from their answers and written (target < 1 s);
* ``check_546``         — the same with ``check=True`` (``melayani evaluation_recompute --check``);
* ``recompute_one``     — the full recompute of a single cycle, beside
* ``answer_change``     — ``answer_save`` of one answer: validation, audit, and the incremental
  update of the stored result (target < 50 ms);
* ``dashboard``         — the national monitoring page (546 rows, heat map, change from the
  previous year) rendered for a national analyst through the test client.

Run from the repository root (the database is created afresh)::

    DATABASE_URL=sqlite:////tmp/evaluation_bench.sqlite3 \\
        .venv/bin/python benchmarks/evaluation_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/evaluation_bench \\
        .venv/bin/python benchmarks/evaluation_bench.py
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
YEARS = (2023, 2024, 2025)


def recreate_database(url: str) -> None:
    parsed = urlparse(url)
    if url.startswith("sqlite"):
        path = Path(parsed.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed step")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("sqlite", "postgres")):
        sys.exit("set DATABASE_URL to a SQLite file or a PostgreSQL database (it is recreated)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "melayani.test_settings")
    recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from melayani.core.models import Pemda, Role, RoleAssignment, User
    from melayani.core.services import pemda_sync_from_regions, roles_sync_builtin
    from melayani.evaluation.demo import demo_instrument, synthetic_cycles
    from melayani.evaluation.models import Answer, AssessmentCycle
    from melayani.evaluation.scores import cycle_values, cycles_recompute
    from melayani.evaluation.services import answer_save
    from melayani.regions.services import regions_load

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    regions_load(max_level=2, with_population=False)
    roles_sync_builtin()
    pemda_sync_from_regions()
    preset = demo_instrument()
    synthetic_cycles(preset, years=YEARS)
    setup_s = time.perf_counter() - started

    year_cycles = AssessmentCycle.objects.filter(year=YEARS[-1])
    ids = list(year_cycles.values_list("pk", flat=True))
    answers = Answer.objects.filter(cycle_id__in=ids).count()
    read_s, _values = timed(lambda: cycle_values(ids), args.repeat)
    cycles_recompute(year_cycles)  # warm
    recompute_s, _ids = timed(lambda: cycles_recompute(year_cycles), args.repeat)
    check_s, differing = timed(lambda: cycles_recompute(year_cycles, check=True), args.repeat)
    assert differing == [], differing

    one = year_cycles.select_related("pemda").get(pemda__code="93.01")
    one_qs = AssessmentCycle.objects.filter(pk=one.pk)
    recompute_one_s, _one = timed(lambda: cycles_recompute(one_qs), 10)
    AssessmentCycle.objects.filter(pk=one.pk).update(status="filling")
    answer = (
        Answer.objects.filter(cycle=one, question__answer_type="abc")
        .select_related("cycle")
        .first()
    )
    assert answer is not None
    flips = iter(["A", "C"] * 50)
    change_s, _saved = timed(
        lambda: answer_save(actor=None, answer=answer, raw=next(flips), justification="bench"), 30
    )
    assert cycles_recompute(one_qs, check=True) == []

    analyst, _created = User.objects.get_or_create(
        username="bench.analyst", defaults={"kind": "official"}
    )
    RoleAssignment.objects.get_or_create(
        user=analyst,
        role=Role.objects.get(code="national_analyst", pemda=None),
        defaults={"national_body": "kemenpanrb", "starts_on": "2020-01-01"},
    )
    client = Client()
    client.force_login(analyst)
    device, _new = TOTPDevice.objects.get_or_create(user=analyst, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def render() -> int:
        response = client.get("/monitoring/", {"year": YEARS[-1]})
        assert response.status_code == 200, response.status_code
        return len(response.content)

    render()
    dashboard_s, page_bytes = timed(render, max(3, args.repeat))

    print(
        json.dumps(
            {
                "database": urlparse(url).scheme,
                "pemda": Pemda.objects.count(),
                "cycles": AssessmentCycle.objects.count(),
                "years": list(YEARS),
                "answers_per_year": answers,
                "questions_per_cycle": answers // len(ids),
                "setup_s": round(setup_s, 1),
                "read_answers_s": round(read_s, 3),
                "recompute_546_s": round(recompute_s, 3),
                "recompute_vs_read": round(recompute_s / read_s, 2),
                "check_546_s": round(check_s, 3),
                "recompute_one_cycle_ms": round(recompute_one_s * 1000, 2),
                "answer_change_ms": round(change_s * 1000, 2),
                "answer_change_vs_full_cycle": round(change_s / recompute_one_s, 2),
                "dashboard_546x3_ms": round(dashboard_s * 1000, 1),
                "dashboard_kb": round(page_bytes / 1024),
                "targets": {"recompute_546_s": 1.0, "answer_change_ms": 50},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
