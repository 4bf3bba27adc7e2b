"""``melayani serve``: the production web server (granian, several worker processes).

Why granian, with the measurements: ``docs/decisions/0003-wsgi-server.md``. Static files are
served by WhiteNoise from ``STATIC_ROOT``; filling it is a deployment step (``melayani
collectstatic --no-input``, once per release, before ``serve``), not this command's job. Database
connections persist between requests (``CONN_MAX_AGE``, 600 s in production): one per thread per
worker, so ``workers × threads`` connections at most.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

WSGI_TARGET = "melayani.wsgi:application"


def default_workers() -> int:
    """2 × cores + 1: workers that sometimes wait on the database keep every core busy."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return 2 * cores + 1


def parse_bind(bind: str) -> dict[str, Any]:
    """``HOST:PORT``, ``[IPv6]:PORT`` or ``unix:/path``."""
    if bind.startswith("unix:"):
        return {"uds": bind.removeprefix("unix:")}
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise CommandError(f"--bind must be HOST:PORT or unix:PATH, not {bind!r}")
    return {"address": host.strip("[]"), "port": int(port)}


def server_options(
    *, bind: str, workers: int, threads: int, recycle: bool, access_log: bool
) -> dict[str, Any]:
    """granian's settings, in one place, so that tests can check what would run."""
    from granian.constants import Interfaces

    return {
        "target": WSGI_TARGET,
        "interface": Interfaces.WSGI,
        **parse_bind(bind),
        "workers": workers,
        # Python threads per worker; granian's default for WSGI (hundreds) would open as many
        # database connections. Slow clients are handled by granian's own I/O, not by these.
        "blocking_threads": threads,
        "respawn_failed_workers": True,
        # Restart workers now and then (memory held by long-lived processes).
        "workers_lifetime": 60 * 60 * 6 if recycle else None,
        "log_access": access_log,
        "websockets": False,
    }


def run_server(options: dict[str, Any]) -> None:  # pragma: no cover - exercised by serve_bench
    from granian.server import Server

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "melayani.settings")
    # Workers seal the audit chain in a background thread, not in the request (audit.services;
    # docs/decisions/0005-audit-chain.md). Set it to 0 to seal inline after each commit.
    background = os.environ.setdefault("AUDIT_SEAL_IN_BACKGROUND", "true").strip().lower()
    # Settings are already loaded in this process and workers may be forked from it.
    settings.AUDIT_SEAL_IN_BACKGROUND = background in {"1", "true", "yes", "on"}
    Server(**options).serve()


class Command(BaseCommand):
    help = "Run Melayani's production web server (granian, several worker processes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("MELAYANI_BIND", "127.0.0.1:8000"),
            help="HOST:PORT or unix:PATH to listen on (default 127.0.0.1:8000; in a container "
            "use 0.0.0.0:8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Worker processes (default 2 × cores + 1 = %(default)s).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=4,
            help="Python threads per worker (default 4). Each holds its own database connection: "
            "at most workers × threads connections.",
        )
        parser.add_argument(
            "--no-recycle",
            action="store_true",
            help="Do not restart workers every 6 hours.",
        )
        parser.add_argument(
            "--access-log", action="store_true", help="Log every request (the proxy usually does)."
        )
        parser.add_argument(
            "--allow-development",
            action="store_true",
            help="Run even with MELAYANI_ENV=development (to develop, use `melayani runserver`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        env = getattr(settings, "MELAYANI_ENV", "production")
        if (env == "development" or settings.DEBUG) and not options["allow_development"]:
            raise CommandError(
                "MELAYANI_ENV is 'development' (or DEBUG is on): use `melayani runserver` to "
                "develop, or pass --allow-development to try the production server anyway."
            )
        for name in ("workers", "threads"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1")
        server = server_options(
            bind=options["bind"],
            workers=options["workers"],
            threads=options["threads"],
            recycle=not options["no_recycle"],
            access_log=options["access_log"],
        )
        self.stdout.write(
            f"Melayani on {options['bind']}: {options['workers']} workers × "
            f"{options['threads']} threads ({env}). Static files come from STATIC_ROOT: run "
            "`melayani collectstatic --no-input` once per release."
        )
        run_server(server)
