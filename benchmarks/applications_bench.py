"""Tracking and submission under the production server, each beside its bare Django twin.

(a) ``POST /api/v1/applications/track`` (tracking code + contact) against ``GET /bare/read/<pk>``,
a view that reads one application row by primary key; (b) ``POST
/api/v1/pemda/93.01/services/<code>/applications`` (a real submission: validation, encryption of
personal data, audit event, sealing, idempotency) against ``POST /bare/insert``, a view that inserts
one row in a transaction. Each pair runs in the same server (``melayani serve``: granian, several
workers, persistent connections), the same process and the same PostgreSQL database, in the same
run; the ratios are what Melayani costs over the bare minimum. Targets: lookup ≥ 0.60, submission
≥ 0.50. Needs ``wrk`` (Debian: ``apt-get install wrk``). Run from the repository root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/melayani_bench_apps \\
        .venv/bin/python benchmarks/applications_bench.py --duration 15

The database is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_bench import VENV_BIN, free_port, production_env, run_wrk, wait_ready

SEED = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from melayani.applications.models import Application
    from melayani.applications.services import application_submit
    from melayani.audit.services import audit_sealing_deferred, audit_seal
    from melayani.catalog import services as catalog
    from melayani.core.models import Pemda
    from melayani.core.services import opd_create, pemda_sync_from_regions, roles_sync_builtin
    from melayani.regions.services import regions_load
    import datetime

    regions_load(max_level=3, with_population=False)
    roles_sync_builtin()
    pemda_sync_from_regions()
    merauke = Pemda.objects.get(code="93.01")
    opd = opd_create(actor=None, pemda=merauke, name="Dinas Dukcapil", kind="dinas",
                     slug="dukcapil")
    service = catalog.service_create(actor=None, opd=opd, code="surat-pindah",
                                     name="Surat Keterangan Pindah")
    text = "Sesuai ketentuan."
    standard = catalog.standard_draft_create(
        actor=None, service=service, completion_time_value=3,
        completion_time_unit="working_days", fee_is_free=True, product="Surat pindah",
        complaint_handling=text, legal_basis="UU 24/2013", facilities=text,
        staff_competence=text, internal_supervision=text, staff_count="2 orang",
        service_guarantee=text, safety_guarantee=text, performance_evaluation=text,
    )
    catalog.requirement_add(actor=None, standard=standard, text="Surat pengantar RT/RW")
    catalog.step_add(actor=None, standard=standard, text="Isi formulir")
    catalog.form_field_add(actor=None, standard=standard, key="alasan", label="Alasan pindah",
                           field_type="text")
    catalog.standard_publish(actor=None, standard=standard, decree_number="BENCH/1",
                             decree_date=datetime.date(2026, 1, 5))
    samples = []
    with audit_sealing_deferred():
        for i in range(int(sys.argv[1])):
            phone = f"08123{i:07d}"
            app = application_submit(service=service, files={}, data={
                "applicant_name": f"Warga {i}", "applicant_phone": phone, "alasan": "Bekerja",
            })
            samples.append({"code": app.tracking_code, "phone": phone, "pk": app.pk})
    audit_seal()
    print(json.dumps({"service": service.code, "samples": samples}))
    """
)


def lua_script(directory: Path, name: str, body: str) -> Path:
    path = directory / f"{name}.lua"
    path.write_text(textwrap.dedent(body))
    return path


def scripts(directory: Path, seed: dict[str, object]) -> dict[str, tuple[str, Path]]:
    samples = seed["samples"]
    assert isinstance(samples, list)
    track_bodies = ",\n".join(
        "[[" + json.dumps({"tracking_code": s["code"], "contact": s["phone"]}) + "]]"
        for s in samples
    )
    pks = ",".join(str(s["pk"]) for s in samples)
    submission = json.dumps(
        {
            "answers": {"alasan": "Bekerja"},
            "applicant_name": "Warga Bench",
            "applicant_phone": "081234567890",
        }
    )
    return {
        "track": (
            "/api/v1/applications/track",
            lua_script(
                directory,
                "track",
                f"""
                local bodies = {{ {track_bodies} }}
                local json = {{["Content-Type"] = "application/json"}}
                local i = 0
                request = function()
                  i = i % #bodies + 1
                  return wrk.format("POST", nil, json, bodies[i])
                end
            """,
            ),
        ),
        "bare read": (
            "/bare/read/1",
            lua_script(
                directory,
                "read",
                f"""
                local pks = {{ {pks} }}
                local i = 0
                request = function()
                  i = i % #pks + 1
                  return wrk.format("GET", "/bare/read/" .. pks[i])
                end
            """,
            ),
        ),
        "submit": (
            f"/api/v1/pemda/93.01/services/{seed['service']}/applications",
            lua_script(
                directory,
                "submit",
                f"""
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                wrk.body = [[{submission}]]
            """,
            ),
        ),
        "bare insert": (
            "/bare/insert",
            lua_script(
                directory,
                "insert",
                """
                wrk.method = "POST"
            """,
            ),
        ),
    }


def reset_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = [
        "psql",
        "-h",
        parsed.hostname or "127.0.0.1",
        "-U",
        parsed.username or "postgres",
        "-p",
        str(parsed.port or 5432),
        "-q",
        "-d",
        "postgres",
        "-c",
    ]
    subprocess.run([*admin, f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run([*admin, f'CREATE DATABASE "{name}"'], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rows", type=int, default=300, help="applications to seed")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (median shown)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (apt-get install wrk)")

    data_dir = Path(tempfile.mkdtemp(prefix="melayani-bench-"))
    env = production_env(data_dir)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/melayani_bench_apps")
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        DATABASE_CONN_MAX_AGE="600",
        # Rate limits protect the public API from guessing; here one address is the whole load.
        API_TRACK_RATE="100000000/s",
        API_SUBMIT_RATE="100000000/s",
        AXES_ENABLED="false",
    )
    reset_database(env["DATABASE_URL"])
    melayani = str(VENV_BIN / "melayani")
    subprocess.run([melayani, "migrate", "--no-input", "-v0"], env=env, check=True)
    subprocess.run([melayani, "collectstatic", "--no-input", "-v0"], env=env, check=True)
    seeded = subprocess.run(
        [str(VENV_BIN / "python"), "-c", SEED, str(args.rows)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seed = json.loads(seeded.stdout.strip().splitlines()[-1])
    targets = scripts(data_dir, seed)

    port = free_port()
    server = subprocess.Popen(
        [melayani, "serve", "--bind", f"127.0.0.1:{port}"], env=env, start_new_session=True
    )
    results: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name in targets}
    try:
        wait_ready(port, "/healthz")
        for round_number in range(1, args.repeat + 1):
            print(f"-- round {round_number}", flush=True)
            # Twins back to back, so that other load on the machine hits both alike.
            for name, (path, script) in targets.items():
                url = f"http://127.0.0.1:{port}{path}"
                run_wrk(url, 2, args.connections, script)  # warm every worker
                measured = run_wrk(url, args.duration, args.connections, script)
                results[name].append(measured)
                rps, p50, p99, errors = measured
                print(
                    f"{name:12} {rps:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
                    f"non-2xx/errors {errors}",
                    flush=True,
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)

    def median(name: str, index: int) -> float:
        return statistics.median(r[index] for r in results[name])

    print(
        f"\nmedian of {args.repeat} rounds, {args.connections} connections, "
        f"{args.duration} s each\n"
    )
    print("| endpoint | req/s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for name in targets:
        errors = sum(r[3] for r in results[name])
        print(
            f"| {name} | {median(name, 0):.0f} | {median(name, 1):.1f} | "
            f"{median(name, 2):.1f} | {errors} |"
        )
    lookup = median("track", 0) / median("bare read", 0)
    submit = median("submit", 0) / median("bare insert", 0)
    print(f"\nlookup / bare read    = {lookup:.2f}  (target ≥ 0.60)")
    print(f"submit / bare insert  = {submit:.2f}  (target ≥ 0.50)")


if __name__ == "__main__":
    main()
