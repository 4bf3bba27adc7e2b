"""Enqueue the recurring jobs of :mod:`melayani.schedule` when they are due."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.module_loading import import_string

from melayani.schedule import SCHEDULE, Job


class Command(BaseCommand):
    help = "Run the platform's recurring jobs: enqueue each one when it is due (or once, --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            for job in SCHEDULE:
                self._enqueue(job)
            return
        last_run: dict[str, float] = {}
        self.stdout.write(f"Scheduling {len(SCHEDULE)} job(s); stop with Ctrl+C.")
        while True:
            now = time.monotonic()
            for job in SCHEDULE:
                if now - last_run.get(job.name, -1e12) >= job.every.total_seconds():
                    self._enqueue(job)
                    last_run[job.name] = now
            time.sleep(options["tick"])

    def _enqueue(self, job: Job) -> None:
        result = import_string(job.task).enqueue()
        self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} enqueued {job.name} ({result.id})")
