"""Complaints: intake throughput, and the confidentiality-filtered queue at Pemda scale.

(a) ``complaint_submit`` one after another (validation, encryption of the NIK, deadline from the
working clock, timeline, audit event, idempotency key) — reports per second; (b) the first page
of the workbench queue (``complaint_queue`` + ``complaint_row`` for 50 rows, the same work as the
page and the API) for a coordinator and for a unit's liaison over ``--reports`` reports of one
Pemda, beside the bare ``SELECT`` of 50 rows by the queue index; (c) the per-unit statistics of
the public page. LAPOR! carried ≈ 9,000 reports a month nationally in 2023 (COMPLAINTS.md §9),
so 20,000 in one Pemda is years of a large one. Run from the repository root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/complaints_bench \\
        .venv/bin/python benchmarks/complaints_bench.py --reports 20000

The database is dropped and created afresh (PostgreSQL); without DATABASE_URL a temporary SQLite
file is used.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def _fresh_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parsed = urlparse(url)
        name = parsed.path.lstrip("/")
        base = ["psql", "-h", parsed.hostname or "127.0.0.1", "-U", parsed.username or "postgres"]
        base += ["-q", "-c"]
        subprocess.run([*base, f"DROP DATABASE IF EXISTS {name}", "postgres"], check=True)
        subprocess.run([*base, f"CREATE DATABASE {name}", "postgres"], check=True)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"


def _timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--submissions", type=int, default=300)
    args = parser.parse_args()
    _fresh_database()
    os.environ.setdefault("MELAYANI_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "melayani.settings")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    from tests.complaints.factories import report_data
    from tests.core.factories import UserFactory, assign

    from melayani.complaints import access, selectors, services
    from melayani.complaints.models import Complaint, ComplaintDisposition
    from melayani.core.models import Pemda
    from melayani.core.services import opd_create, pemda_sync_from_regions, roles_sync_builtin
    from melayani.regions.services import regions_load

    regions_load(max_level=3, with_population=False)
    roles_sync_builtin()
    pemda_sync_from_regions()
    merauke = Pemda.objects.get(code="93.01")
    units = [
        opd_create(actor=None, pemda=merauke, name=f"Dinas {i}", kind="dinas", slug=f"dinas-{i}")
        for i in range(10)
    ]
    coordinator = UserFactory(username="bench.koordinator")
    assign(coordinator, "complaint_coordinator", pemda=merauke)
    liaison = UserFactory(username="bench.penghubung")
    assign(liaison, "complaint_liaison", opd=units[0])

    started = time.perf_counter()
    for i in range(args.submissions):
        services.complaint_submit(
            pemda=merauke,
            data=report_data(title=f"Laporan bench nomor {i}"),
            idempotency_key=f"bench-{i}",
        )
    submit_seconds = time.perf_counter() - started

    now = timezone.now()
    batch = []
    for i in range(args.reports):
        batch.append(
            Complaint(
                pemda=merauke,
                tracking_code=f"B{i:09d}",
                channel="web",
                status="assigned" if i % 3 else "received",
                classification="whistleblowing" if i % 50 == 0 else "complaint",
                title=f"Laporan massal {i}",
                text="Isi laporan untuk pengukuran kinerja antrean.",
                reporter_name="Warga",
                reporter_phone="+6281234567890",
                submitted_at=now,
                due_at=now,
            )
        )
    Complaint.objects.bulk_create(batch, batch_size=2000)
    dispositions = [
        ComplaintDisposition(
            complaint=c, to_opd=units[c.pk % 10], created_at=now, started_at=now, due_at=now
        )
        for c in Complaint.objects.filter(status="assigned").only("pk")
    ]
    ComplaintDisposition.objects.bulk_create(dispositions, batch_size=2000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")

    def page(user) -> None:
        rows = [access.complaint_row(user, c) for c in selectors.complaint_queue(user=user)[:50]]
        assert rows

    def bare() -> None:
        rows = list(
            Complaint.objects.filter(pemda=merauke, status__in=["received", "assigned"])
            .order_by("due_at")
            .values()[:50]
        )
        assert rows

    results = {
        "database": connection.vendor,
        "reports": Complaint.objects.count(),
        "submit_per_second": round(args.submissions / submit_seconds, 1),
        "queue_page_ms_coordinator": round(
            statistics.median(_timed(lambda: page(coordinator), 15)), 1
        ),
        "queue_page_ms_liaison": round(statistics.median(_timed(lambda: page(liaison), 15)), 1),
        "queue_query_only_ms_coordinator": round(
            statistics.median(
                _timed(lambda: list(selectors.complaint_queue(user=coordinator)[:50]), 15)
            ),
            1,
        ),
        "bare_select_ms": round(statistics.median(_timed(bare, 15)), 1),
        "unit_statistics_ms": round(
            statistics.median(_timed(lambda: selectors.unit_statistics(merauke), 3)), 1
        ),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
