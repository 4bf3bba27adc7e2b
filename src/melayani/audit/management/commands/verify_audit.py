"""Verify the audit chains; exits non-zero and names the first broken event on tampering."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
                    _("OK %(chain)s: %(checked)s sealed event(s), %(unsealed)s not sealed yet")
                    % {
                        "chain": report.chain,
                        "checked": report.checked,
                        "unsealed": report.unsealed,
                    }
                )
                continue
            broken += 1
            p = report.problem
            where = (
                _("seq %(seq)s, event %(id)s, action %(action)r, created_at %(at)s")
                % {
                    "seq": p.seq,
                    "id": p.event_id,
                    "action": p.action,
                    "at": p.created_at.isoformat() if p.created_at else "-",
                }
                if p.event_id is not None
                else _("chain head, seq %(seq)s") % {"seq": p.seq}
            )
            self.stderr.write(
                _("TAMPERED %(chain)s: %(kind)s at %(where)s: %(detail)s")
                % {"chain": report.chain, "kind": p.kind, "where": where, "detail": p.detail}
            )
        if not reports:
            self.stdout.write(_("OK: no audit events yet"))
        if broken:
            raise CommandError(_("%(n)s audit chain(s) failed verification") % {"n": broken})
