"""``melayani skm_compute FILE [--weights …]``: the IKM of a CSV/XLSX of responses, as JSON.

The same reader as the import and the same computation as the web pages. Prints one JSON object
on stdout; on bad input prints the reason on stderr, nothing on stdout, and exits with code 2.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from melayani.surveys.computation import Tally, skm_score
from melayani.surveys.instrument import CODES, WeightMode
from melayani.surveys.reader import FileRefused, read_responses

_DECIMAL = re.compile(r'"__decimal__(-?[0-9.]+)"')


def as_json(data: dict[str, Any]) -> str:
    """JSON with Decimal values written as exact numbers (3.2500 stays 3.2500)."""

    def default(value: object) -> str:
        if isinstance(value, Decimal):
            return f"__decimal__{value}"
        raise TypeError(type(value).__name__)

    return _DECIMAL.sub(r"\1", json.dumps(data, default=default, ensure_ascii=False))


class Command(BaseCommand):
    help = "Compute NRR, index, IKM, mutu and kinerja of a CSV or XLSX file of SKM responses."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX, columns U1…U9 (1–4 or blank).")
        parser.add_argument(
            "--weights",
            choices=WeightMode.CHOOSABLE,
            default=WeightMode.EXACT,
            help="exact (1/9, the default and correct) or a legacy weight to reproduce old reports",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help="Refuse larger files (default: setting SKM_IMPORT_MAX_BYTES, 50 MB).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            parsed = read_responses(options["file"], max_bytes=options["max_bytes"])
        except FileNotFoundError:
            self._fail(_("No such file: %(file)s") % {"file": options["file"]})
        except (FileRefused, OSError) as exc:
            self._fail(str(exc))
        if parsed.errors:
            shown = parsed.errors[:20]
            lines = [str(e) for e in shown]
            if len(parsed.errors) > len(shown):
                more = len(parsed.errors) - len(shown)
                lines.append(
                    ngettext("… and %(count)s more error.", "… and %(count)s more errors.", more)
                    % {"count": more}
                )
            self._fail("\n".join([_("The file has errors; nothing was computed:"), *lines]))
        tally = Tally.of((row.answers for row in parsed.rows), CODES)
        score = skm_score(tally, weight_mode=options["weights"])
        self.stdout.write(as_json(score.as_dict()))

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)
