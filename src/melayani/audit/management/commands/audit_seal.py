"""Seal the audit chains: the periodic backstop of the seal that follows each commit."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from melayani.audit.services import DEFAULT_SEAL_BATCH, audit_seal


class Command(BaseCommand):
    help = "Link unsealed audit events into their hash chains."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", metavar="CODE", help="Only this Pemda's chain.")
        parser.add_argument("--national", action="store_true", help="Only the national chain.")
        parser.add_argument(
            "--limit", type=int, default=DEFAULT_SEAL_BATCH, help="Events per transaction."
        )
        parser.add_argument(
            "--every", type=float, metavar="SECONDS", help="Keep running, sealing every SECONDS."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chain = "national" if options["national"] else options["pemda"]
        while True:
            sealed = audit_seal(chain=chain, limit=options["limit"])
            if options["verbosity"] > 0 and (sealed or not options["every"]):
                self.stdout.write(_("sealed %(n)s event(s)") % {"n": sealed})
            if not options["every"]:
                return
            time.sleep(options["every"])
