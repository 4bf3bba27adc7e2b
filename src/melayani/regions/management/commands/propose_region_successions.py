from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from melayani.regions.succession import succession_propose, succession_to_csv


class Command(BaseCommand):
    help = (
        "Print the matcher's proposed old → new region codes as CSV (review, then ship as "
        "regions/data/succession.csv). Unmatched codes go to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        proposal = succession_propose(data_dir=options["data_dir"])
        self.stdout.write(succession_to_csv(proposal.rows), ending="")
        for code in proposal.unmatched_old:
            self.stderr.write(f"retired code without successor: {code}")
        for code in proposal.unmatched_new:
            self.stderr.write(f"new code without predecessor: {code}")
