"""Retention and data-subject exports at volume, against a ceiling measured in the same run.

Run: ``DATABASE_URL=postgres://… python benchmarks/privacy_bench.py [--rows 3000]`` (without
DATABASE_URL it uses the development SQLite file's test twin). It builds a fresh test database
(``melayani_privacy_bench``), runs, and drops it.

* retention — ``--rows`` applications closed six years ago are anonymised by
  :func:`retention_run` (decrypt-free erase of the declared fields, one audit event per row, in
  batches of 500), against the ceiling: one plain ``UPDATE`` per row of the same columns in the
  same batch transactions, without audit;
* export — one person's data export (:func:`subject_export`: every declared record, the processing
  log) when they hold 5 of the ``--rows`` applications.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MELAYANI_ENV", "development")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "melayani.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from melayani.applications.models import Application  # noqa: E402
from melayani.core.fields import nik_blind_index  # noqa: E402
from melayani.core.models import OPD, Pemda  # noqa: E402
from melayani.privacy.inventory import SubjectIdentity  # noqa: E402
from melayani.privacy.retention import BATCH, retention_run  # noqa: E402
from melayani.privacy.services import subject_export  # noqa: E402

SUBJECT_PHONE = "+6281299990000"


def seed(rows: int, closed_at: dt.datetime) -> tuple[Pemda, list[int]]:
    from tests.catalog.factories import published_service
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    pemda = Pemda.objects.get(code="93.01")
    opd = OPD.objects.create(pemda=pemda, name="Dinas Bench", slug="bench", kind="dinas")
    service = published_service(opd, code="bench")
    standard = service.standards.get(status="published")
    nik = "9301011708900003"
    apps = [
        Application(
            pemda=pemda,
            opd=opd,
            service=service,
            standard=standard,
            tracking_code=f"B{n:09d}",
            status="completed",
            applicant_name=f"Warga {n}",
            applicant_phone=SUBJECT_PHONE if n < 5 else f"+628120{n:07d}",
            applicant_email=f"warga{n}@example.id",
            applicant_nik=nik,
            applicant_nik_index=nik_blind_index(nik),
            applicant_address=f"Jl. Bench {n}",
            submitted_at=closed_at - dt.timedelta(days=3),
            completed_at=closed_at,
        )
        for n in range(rows)
    ]
    Application.objects.bulk_create(apps, batch_size=1000)
    return pemda, list(Application.objects.order_by("pk").values_list("pk", flat=True))


def ceiling(pks: list[int]) -> float:
    started = time.perf_counter()
    for i in range(0, len(pks), BATCH):
        with transaction.atomic():
            for pk in pks[i : i + BATCH]:
                Application.objects.filter(pk=pk).update(
                    applicant_name="—",
                    applicant_phone="",
                    applicant_email="",
                    applicant_nik="",
                    applicant_nik_index="",
                    applicant_address="",
                    answers_private="",
                    applicant_user=None,
                )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    args = parser.parse_args()
    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "melayani_privacy_bench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        old = timezone.now() - dt.timedelta(days=6 * 365)
        pemda, pks = seed(args.rows, old)
        print(f"database: {connection.vendor}; {args.rows} applications closed 6 years ago")

        started = time.perf_counter()
        export = subject_export(SubjectIdentity(pemda_id=pemda.pk, phones=(SUBJECT_PHONE,)), pemda)
        export_s = time.perf_counter() - started
        rows = sum(len(r["rows"]) for r in export["records"])
        print(f"  export of one person ({rows} rows found): {export_s * 1000:8.1f} ms")

        ceiling_s = ceiling(pks)
        Application.objects.update(applicant_name="Warga", applicant_phone=SUBJECT_PHONE)
        started = time.perf_counter()
        done = 0
        while True:
            summary = retention_run()
            count = summary.get("applications.application", {}).get("anonymised", 0)
            if not count:
                break
            done += count
        retention_s = time.perf_counter() - started
        print(f"  ceiling (plain UPDATE)    {args.rows / ceiling_s:8.0f} rows/s")
        print(f"  retention_run (audited)   {done / retention_s:8.0f} rows/s ({done} rows)")
        print(f"  ratio to the ceiling: {(done / retention_s) / (args.rows / ceiling_s):5.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
