"""``melayani serve``: the production web server (gunicorn, several worker processes).

The choice of server and the measurements behind it are in ``docs/decisions/0003-wsgi-server.md``.
Static files are served by WhiteNoise from ``STATIC_ROOT``; filling it is a deployment step
(``melayani collectstatic --no-input``, run once per release before ``serve``), not this command's
job. Database connections persist between requests (``CONN_MAX_AGE``, 600 s in production).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


def default_workers() -> int:
    """2 × cores + 1: gunicorn's rule of thumb for workers that sometimes wait on the database."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return 2 * cores + 1


def server_options(
    *, bind: str, workers: int, threads: int, timeout: int, max_requests: int
) -> dict[str, Any]:
    """gunicorn settings; one place, so tests can check what would run."""
    return {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": timeout,
        "keepalive": 5,
        # Recycle workers now and then (memory held by long-lived processes); jitter avoids
        # restarting them all at once.
        "max_requests": max_requests,
        "max_requests_jitter": max_requests // 10 if max_requests else 0,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "melayani",
        # The application is loaded once here and shared by the forked workers.
        "preload_app": True,
        # Behind the TLS proxy: trust its X-Forwarded-* only from addresses listed in the env.
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
    }


def run_gunicorn(options: dict[str, Any]) -> None:  # pragma: no cover - exercised by serve_bench
    from django.core.wsgi import get_wsgi_application
    from gunicorn.app.base import BaseApplication

    wsgi_app = get_wsgi_application()

    class MelayaniServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return wsgi_app

    # Connections opened while loading must not be shared by the forked workers.
    connections.close_all()
    MelayaniServer().run()


class Command(BaseCommand):
    help = "Run Melayani's production web server (gunicorn with several worker processes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("MELAYANI_BIND", "127.0.0.1:8000"),
            help="Address to listen on: HOST:PORT or unix:PATH (default 127.0.0.1:8000; in a "
            "container use 0.0.0.0:8000).",
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
            default=1,
            help="Threads per worker (default 1; more than 1 uses gunicorn's threaded worker and "
            "one database connection per thread).",
        )
        parser.add_argument(
            "--timeout", type=int, default=30, help="Seconds before a stuck worker is restarted."
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=2000,
            help="Restart a worker after this many requests (0: never).",
        )
        parser.add_argument(
            "--allow-development",
            action="store_true",
            help="Run even with MELAYANI_ENV=development (use `melayani runserver` to develop).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        env = getattr(settings, "MELAYANI_ENV", "production")
        if (env == "development" or settings.DEBUG) and not options["allow_development"]:
            raise CommandError(
                "MELAYANI_ENV is 'development' (or DEBUG is on): use `melayani runserver` to "
                "develop, or pass --allow-development to try the production server anyway."
            )
        for name in ("workers", "threads", "timeout"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1")
        if options["max_requests"] < 0:
            raise CommandError("--max-requests must be 0 or more")
        server = server_options(
            bind=options["bind"],
            workers=options["workers"],
            threads=options["threads"],
            timeout=options["timeout"],
            max_requests=options["max_requests"],
        )
        self.stdout.write(
            f"Melayani on {options['bind']}: {options['workers']} workers × "
            f"{options['threads']} threads ({env})"
        )
        run_gunicorn(server)
