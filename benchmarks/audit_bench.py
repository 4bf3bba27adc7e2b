"""Audit trail throughput: N threads × K events, against a ceiling measured in the same run.

Each scenario runs ``--repeat`` times (best kept: the server may be shared).

Run: ``DATABASE_URL=postgres://… python benchmarks/audit_bench.py [--threads 8] [--events 200]``
(without DATABASE_URL it uses the development SQLite file's test twin). It builds a fresh test
database (``test_<name>``), runs, and drops it.

Scenarios, each with every event in its own transaction (as a service function would):

* ceiling — the same threads insert an equivalent plain row into the same table: no digest, no
  seal (what any write of that size costs);
* audit — :func:`audit_record` with the seal that follows each commit (the default path);
* audit, deferred seal — :func:`audit_record` only, then one :func:`audit_seal` of everything
  (bulk imports; shows what the insert path and the sealer cost on their own);

each (a) with all threads in the same Pemda and (b) with every thread in its own Pemda.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("MELAYANI_ENV", "development")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "melayani.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from melayani.audit.models import AuditEvent  # noqa: E402
from melayani.audit.selectors import audit_verify  # noqa: E402
from melayani.audit.services import (  # noqa: E402
    audit_record,
    audit_seal,
    audit_sealing_deferred,
)
from melayani.core.models import Pemda  # noqa: E402


def make_pemda(count: int, prefix: str) -> list[Pemda]:
    """Minimal regions and Pemda of our own (province ``prefix``, regencies below it)."""
    from melayani.regions.models import Region, RegionVersion

    version, _ = RegionVersion.objects.get_or_create(year=2025, defaults={"legal_basis": "bench"})
    common = {"first_version": version, "last_version": version, "is_autonomous": True}
    province_region = Region.objects.create(
        code=prefix, level=1, kind="province", name=f"Bench {prefix}", **common
    )
    province = Pemda.objects.create(
        region=province_region,
        code=prefix,
        name=f"Provinsi Bench {prefix}",
        kind="province",
        time_zone="Asia/Jakarta",
    )
    pemda = []
    for i in range(1, count + 1):
        code = f"{prefix}.{i:02d}"
        region = Region.objects.create(
            code=code,
            level=2,
            kind="regency",
            name=f"Bench {code}",
            parent=province_region,
            **common,
        )
        pemda.append(
            Pemda.objects.create(
                region=region,
                code=code,
                name=f"Kabupaten Bench {code}",
                kind="regency",
                province=province,
                time_zone="Asia/Jakarta",
            )
        )
    return pemda


def run_threads(threads: int, work: Callable[[int], None]) -> float:
    """Run ``work(thread_number)`` in ``threads`` threads (own connections); wall seconds."""
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def target(n: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            work(n)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=target, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def plain_row(pemda: Pemda, n: int, i: int) -> None:
    with transaction.atomic():
        AuditEvent.objects.create(
            chain=pemda.code,
            pemda=pemda,
            actor_label="system",
            action="bench.plain",
            target_type="bench.row",
            target_id=f"{n}-{i}",
        )


def audited(pemda: Pemda, n: int, i: int) -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            action="bench.audited",
            target_type="bench.row",
            target_id=f"{n}-{i}",
            pemda=pemda,
            before={"status": "new", "phone": ""},
            after={"status": "verified", "phone": "+6281234567890"},
        )


def deferred(pemda: Pemda, n: int, i: int) -> None:
    with audit_sealing_deferred():
        audited(pemda, n, i)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--events", type=int, default=200, help="events per thread")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario; best is kept")
    args = parser.parse_args()
    threads, k = args.threads, args.events
    total = threads * k

    setup_test_environment()
    # Its own scratch database, so a test run on the same server is never disturbed.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "melayani_audit_bench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(
            f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
            f"{threads} threads × {k} events, one transaction each"
        )
        # Separate Pemda per scenario so that one scenario's rows never enter another's chain.
        sets = {
            name: make_pemda(threads, prefix)
            for name, prefix in [("ceiling", "97"), ("audit", "98"), ("deferred", "99")]
        }
        results: dict[str, float] = {}
        for layout in ("same", "different"):
            for name, write in (("ceiling", plain_row), ("audit", audited), ("deferred", deferred)):
                group = sets[name]

                def work(n: int, write=write, group=group, layout=layout) -> None:  # type: ignore[no-untyped-def]
                    pemda = group[0] if layout == "same" else group[n]
                    for i in range(k):
                        write(pemda, n, i)

                best = (float("inf"), 0.0)
                for _ in range(args.repeat):
                    elapsed = run_threads(threads, work)
                    seal_s = 0.0
                    if name == "deferred":
                        started = time.perf_counter()
                        for pemda in group:
                            audit_seal(chain=pemda.code)
                        seal_s = time.perf_counter() - started
                    best = min(best, (elapsed + seal_s, seal_s))
                wall, seal_s = best
                results[f"{layout}/{name}"] = total / wall
                extra = (
                    f" (writes {total / (wall - seal_s):8.0f}/s, then seal {total / seal_s:8.0f}/s)"
                    if seal_s
                    else ""
                )
                print(f"  {layout:9} Pemda  {name:8}  {total / wall:8.0f} events/s{extra}")
        print("ratios to the ceiling (1.00 = audit costs nothing):")
        for layout in ("same", "different"):
            ceiling = results[f"{layout}/ceiling"]
            print(
                f"  {layout:9} Pemda  audit {results[f'{layout}/audit'] / ceiling:5.2f}   "
                f"deferred seal {results[f'{layout}/deferred'] / ceiling:5.2f}"
            )
        audit_chains = {p.code for name in ("audit", "deferred") for p in sets[name]}
        unsealed = AuditEvent.objects.unsealed().filter(chain__in=audit_chains).count()
        reports = [r for r in audit_verify() if r.chain in audit_chains]
        checked = sum(r.checked for r in reports)
        print(
            f"verify: {'OK' if all(r.ok for r in reports) else 'BROKEN'}; {checked} sealed, "
            f"{unsealed} unsealed audit events in {len(reports)} chains"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
