from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from melayani.regions.services import regions_load


class Command(BaseCommand):
    help = "Load or update administrative regions (2019, 2022, 2025 codes) from the shipped files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=None, help="Directory of the files.")
        parser.add_argument(
            "--max-level",
            type=int,
            default=4,
            choices=[1, 2, 3, 4],
            help="Deepest level to load (4 = villages).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = regions_load(data_dir=options["data_dir"], max_level=options["max_level"])
        self.stdout.write(
            f"Regions: {report.regions_created} created, {report.regions_updated} updated, "
            f"{report.regions_unchanged} unchanged; versions: {report.versions_created} created, "
            f"{report.versions_updated} updated; successions: {report.successions_created} "
            f"created, {report.successions_updated} updated; {report.seconds:.2f} s"
        )
