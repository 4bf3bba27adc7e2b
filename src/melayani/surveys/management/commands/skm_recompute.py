"""``melayani skm_recompute [--check]``: rebuild the SKM aggregates from the answers, or prove them.

``--check`` writes nothing: it compares every stored aggregate with the ``GROUP BY`` of the raw
answers and exits non-zero naming the first bucket that differs. Without it, the aggregates are
rebuilt (one transaction) and then checked.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from melayani.surveys.services import aggregates_recompute


def _aggregates(count: int) -> str:
    return ngettext("%(count)s aggregate", "%(count)s aggregates", count) % {"count": count}


def _responses(count: int) -> str:
    return ngettext("%(count)s response", "%(count)s responses", count) % {"count": count}


class Command(BaseCommand):
    help = "Recompute all SKM aggregates from the raw answers (or only check them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Only compare; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if not options["check"]:
            rebuilt = aggregates_recompute()
            self.stdout.write(
                _("Rebuilt %(buckets)s from %(responses)s.")
                % {
                    "buckets": _aggregates(rebuilt.buckets),
                    "responses": _responses(rebuilt.responses),
                }
            )
        report = aggregates_recompute(check_only=True)
        elapsed = time.perf_counter() - started
        if not report.ok:
            raise CommandError(
                _("Aggregates do not match the answers: first mismatch at %(where)s")
                % {"where": report.mismatch}
            )
        self.stdout.write(
            _("OK: %(buckets)s match %(responses)s (%(s).1f s).")
            % {
                "buckets": _aggregates(report.buckets),
                "responses": _responses(report.responses),
                "s": elapsed,
            }
        )
