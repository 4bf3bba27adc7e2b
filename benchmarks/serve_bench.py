"""Compare WSGI servers for ``melayani serve``: gunicorn (sync, gthread) and granian.

For each server it starts the real Melayani application with production settings and measures
``/healthz`` (one trivial query on a persistent PostgreSQL connection) and the public home page
(a template render, no query); then the same server serving a bare WSGI "hello world" — the
ceiling the server itself allows on this machine.

The load comes from ``wrk`` when installed (``/usr/bin/wrk``), otherwise from a small
keep-alive HTTP load generator in this file. Run from the repository root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/melayani_bench \\
        .venv/bin/python benchmarks/serve_bench.py --duration 15

The database must exist and be migrated (the script runs ``migrate`` and ``collectstatic`` into a
temporary data directory first). Results are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def hello_app(environ: dict[str, object], start_response: Callable[..., object]) -> Iterable[bytes]:
    """The ceiling: the smallest WSGI application."""
    body = b"Hello, world"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@dataclass
class Result:
    server: str
    target: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer {path} with 200")


def server_command(kind: str, app: str, port: int, workers: int, threads: int) -> list[str]:
    bind = f"127.0.0.1:{port}"
    if kind == "gunicorn-sync":
        return [
            str(VENV_BIN / "gunicorn"),
            app,
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ]
    if kind == "gunicorn-gthread":
        return [
            str(VENV_BIN / "gunicorn"),
            app,
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ]
    if kind == "granian":
        return [
            str(VENV_BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--log-level",
            "warning",
            "--no-access-log",
            app,
        ]
    raise ValueError(kind)


# --- Load generators ---------------------------------------------------------------------------


def run_wrk(
    url: str, duration: int, connections: int, script: Path | None = None
) -> tuple[float, float, float, int]:
    extra = ["-s", str(script)] if script is not None else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def latency(label: str) -> float:
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return rps, latency("50%"), latency("99%"), errors


def run_python_load(url: str, duration: int, connections: int) -> tuple[float, float, float, int]:
    """Keep-alive clients in threads (weaker than wrk: the GIL caps it near a few thousand/s)."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    stop = time.monotonic() + duration
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine: list[float] = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn.request("GET", "/" + path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(host, int(port), timeout=10)
            except OSError:
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
    return len(latencies) / elapsed, statistics.median(latencies), p99, errors[0]


# --- Orchestration ----------------------------------------------------------------------------


def production_env(data_dir: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        MELAYANI_ENV="production",
        MELAYANI_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(64),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="melayani.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT / "benchmarks")]),
    )
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/melayani_bench")
    return env


def measure(
    kind: str, app: str, targets: list[str], env: dict[str, str], args: argparse.Namespace
) -> list[Result]:
    port = free_port()
    command = server_command(kind, app, port, args.workers, args.threads)
    process = subprocess.Popen(command, env=env, start_new_session=True)
    results = []
    try:
        wait_ready(port, targets[0])
        for target in targets:
            url = f"http://127.0.0.1:{port}{target}"
            load = run_wrk if shutil.which("wrk") and not args.python_load else run_python_load
            load(url, 2, args.connections)  # warm up every worker
            rps, p50, p99, errors = load(url, args.duration, args.connections)
            label = "hello world (ceiling)" if app.startswith("serve_bench") else target
            results.append(Result(kind, label, rps, p50, p99, errors))
            print(
                f"{kind:18} {label:24} {rps:9.0f} req/s  p50 {p50:6.1f} ms  "
                f"p99 {p99:6.1f} ms  errors {errors}",
                flush=True,
            )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return results


def main() -> None:
    cores = len(os.sched_getaffinity(0))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * cores + 1)
    parser.add_argument("--threads", type=int, default=4, help="gthread/granian threads")
    parser.add_argument("--servers", default="gunicorn-sync,gunicorn-gthread,granian")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (median and best shown)")
    parser.add_argument("--python-load", action="store_true", help="do not use wrk")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="melayani-bench-"))
    env = production_env(data_dir)
    melayani = [str(VENV_BIN / "melayani")]
    subprocess.run([*melayani, "migrate", "--no-input", "-v0"], env=env, check=True)
    subprocess.run([*melayani, "collectstatic", "--no-input", "-v0"], env=env, check=True)

    print(
        f"{cores} cores, {args.workers} workers, {args.threads} threads, "
        f"{args.connections} connections, {args.duration} s each, load: "
        f"{'wrk' if shutil.which('wrk') and not args.python_load else 'python'}\n"
    )
    # Rounds interleave the servers, so that other load on a shared machine hits them alike.
    runs: dict[tuple[str, str], list[Result]] = {}
    for round_number in range(1, args.repeat + 1):
        print(f"-- round {round_number}", flush=True)
        for kind in args.servers.split(","):
            for r in [
                *measure(kind, "melayani.wsgi:application", ["/healthz", "/"], env, args),
                *measure(kind, "serve_bench:hello_app", ["/"], env, args),
            ]:
                runs.setdefault((r.server, r.target), []).append(r)

    print(f"\nmedian (best) of {args.repeat} rounds\n")
    print("| server | target | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|")
    for (server, target), rs in runs.items():
        rps = [r.requests_per_second for r in rs]
        p50 = statistics.median(r.p50_ms for r in rs)
        p99 = statistics.median(r.p99_ms for r in rs)
        print(
            f"| {server} | {target} | {statistics.median(rps):.0f} ({max(rps):.0f}) | "
            f"{p50:.1f} | {p99:.1f} | {sum(r.errors for r in rs)} |"
        )
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
