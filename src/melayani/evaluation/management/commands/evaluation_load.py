"""``melayani evaluation_load [FILE …]``: load the evaluation instruments (idempotent).

Without arguments, every data file shipped in ``melayani/evaluation/data/`` is loaded: a version
is created, replaced while no assessment uses it, or left alone (unchanged, or in use).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from melayani.evaluation.instruments import instruments_load


class Command(BaseCommand):
    help = "Load the evaluation instruments from their data files (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="Instrument JSON files (default: shipped).")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(f) for f in options["files"]] or None
        for path in paths or ():
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            report = instruments_load(paths)
        except (ValidationError, ValueError, KeyError) as error:
            raise CommandError(str(error)) from None
        for label, names in (
            (_("created"), report.created),
            (_("replaced"), report.updated),
            (_("unchanged"), report.unchanged),
            (_("in use, left alone"), report.in_use),
        ):
            for name in names:
                self.stdout.write(f"{name}: {label}")
