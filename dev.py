#!/usr/bin/env python3
"""Melayani's two commands, needing nothing but Python 3.11+ and access to PyPI.

    python3 dev.py start    install, create the SQLite database, load reference and demo data,
                            print the demo logins and serve http://127.0.0.1:8000
    python3 dev.py test     install the test tools and run the whole test suite

Everything is installed into ``.venv`` beside this file, pinned by ``constraints.txt``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"

if sys.version_info < (3, 11):  # noqa: UP036 — the one check that must run on old Pythons
    sys.exit("Melayani needs Python 3.11 or newer.")


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)  # noqa: S603
    if result.returncode:
        sys.exit(result.returncode)


def ensure_installed(extras: str) -> None:
    """Create the virtual environment and install the pinned packages (skipped when unchanged)."""
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    digest.update(extras.encode())
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    print("Installing Melayani and its pinned dependencies …", flush=True)
    target = f".[{extras}]" if extras else "."
    run(
        PYTHON,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-c",
        "constraints.txt",
        "-e",
        target,
    )
    stamp.write_text(digest.hexdigest())


def development_env() -> dict[str, str]:
    env_file = ROOT / ".env"
    if not env_file.exists():
        env_file.write_text(
            "# Local development settings (see .env.example)\nMELAYANI_ENV=development\n"
        )
    return dict(os.environ)


def start(args: list[str]) -> None:
    ensure_installed("")
    env = development_env()
    melayani = BIN / "melayani"
    run(melayani, "migrate", "--no-input", env=env)
    run(melayani, "seed_demo", env=env)
    address = args[0] if args else "127.0.0.1:8000"
    print(
        f"\nMelayani runs at http://{address}/ (development server; stop with Ctrl+C)\n", flush=True
    )
    run(melayani, "runserver", address, env=env)


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def test(args: list[str]) -> None:
    ensure_installed("dev")
    env = dict(os.environ)
    in_ci = env.get("CI", "").lower() in {"1", "true", "yes"}
    deselect = []
    if not _is_postgres(env.get("DATABASE_URL", "")):
        deselect.append("postgres")
        print(
            "Database: SQLite. PostgreSQL-only tests are left out; set DATABASE_URL to a "
            "PostgreSQL server to run them.",
            flush=True,
        )
    else:
        print(f"Database: PostgreSQL ({env['DATABASE_URL'].split('@')[-1]}).", flush=True)
    browser_wanted = env.get("MELAYANI_TEST_BROWSER", "auto")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_wanted == "0" or (browser_wanted == "auto" and not chromium and not in_ci):
        deselect.append("browser")
        print(
            "Browser tests are left out (install Chromium, or set MELAYANI_TEST_BROWSER=1).",
            flush=True,
        )
    marker = " and ".join(f"not {m}" for m in deselect)
    command = [
        str(PYTHON),
        "-m",
        "pytest",
        "-n",
        env.get("MELAYANI_TEST_WORKERS", "auto"),
        "--dist",
        "loadfile",
    ]
    if marker:
        command += ["-m", marker]
    run(*command, *args, env=env)


COMMANDS = {"start": start, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
