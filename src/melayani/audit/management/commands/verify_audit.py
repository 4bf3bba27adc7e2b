"""Verify the audit chains; exits non-zero and names the first broken event on tampering."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from melayani.audit.models import NATIONAL_CHAIN
from melayani.audit.selectors import audit_verify


class Command(BaseCommand):
    help = "Check the audit chains; name the first edited, deleted or inserted event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", metavar="CODE", help="Only this Pemda's chain.")
        parser.add_argument("--national", action="store_true", help="Only the national chain.")

    def handle(self, *args: Any, **options: Any) -> None:
        chain = NATIONAL_CHAIN if options["national"] else options["pemda"]
        reports = audit_verify(chain=chain)
        broken = 0
        for report in reports:
            if report.problem is None:
                self.stdout.write(
                    f"OK {report.chain}: {report.checked} sealed event(s), "
                    f"{report.unsealed} not sealed yet"
                )
                continue
            broken += 1
            p = report.problem
            where = (
                f"seq {p.seq}, event {p.event_id}, action {p.action!r}, "
                f"created_at {p.created_at.isoformat() if p.created_at else '-'}"
                if p.event_id is not None
                else f"chain head, seq {p.seq}"
            )
            self.stderr.write(f"TAMPERED {report.chain}: {p.kind} at {where}: {p.detail}")
        if not reports:
            self.stdout.write("OK: no audit events yet")
        if broken:
            raise CommandError(f"{broken} audit chain(s) failed verification")
