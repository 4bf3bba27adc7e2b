"""``melayani evaluation_recompute [--year YEAR] [--check]``: rebuild or prove the stored results.

``--check`` writes nothing and exits non-zero naming the cycles whose stored result differs from
a computation from their answers.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from melayani.evaluation.models import AssessmentCycle
from melayani.evaluation.scores import cycles_recompute


class Command(BaseCommand):
    help = "Recompute the stored evaluation results from the answers (or only check them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="Only cycles of this year.")
        parser.add_argument("--check", action="store_true", help="Only compare; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        cycles = AssessmentCycle.objects.all()
        if options["year"]:
            cycles = cycles.filter(year=options["year"])
        result = cycles_recompute(cycles, check=options["check"])
        seconds = f"{time.perf_counter() - started:.2f}"
        if options["check"]:
            if result:
                refs = AssessmentCycle.objects.filter(pk__in=result[:10]).values_list(
                    "ref", flat=True
                )
                raise CommandError(
                    _("%(count)s stored results differ, e.g. %(refs)s.")
                    % {"count": len(result), "refs": ", ".join(refs)}
                )
            self.stdout.write(_("All stored results match (%(seconds)s s).") % {"seconds": seconds})
            return
        self.stdout.write(
            _("Recomputed %(count)s cycles in %(seconds)s s.")
            % {"count": len(result), "seconds": seconds}
        )
