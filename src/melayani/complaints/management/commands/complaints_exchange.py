"""Exchange reports with the national system through the file adapter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from melayani.complaints.exchange import (
    ExchangeError,
    FileAdapter,
    exchange_export,
    exchange_import,
)
from melayani.core.models import Pemda


class Command(BaseCommand):
    help = (
        "Send reports marked for SP4N-LAPOR! and status updates to DIR/outbox, and take in the "
        "batches in DIR/inbox (neutral JSON format; see melayani.complaints.exchange)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--pemda", required=True, help="The Pemda's region code, e.g. 93.01")
        parser.add_argument("--export-only", action="store_true")
        parser.add_argument("--import-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pemda = Pemda.objects.get(code=options["pemda"])
        except Pemda.DoesNotExist:
            raise CommandError(f"no Pemda with code {options['pemda']!r}") from None
        adapter = FileAdapter(options["directory"])
        if not options["import_only"]:
            sent = exchange_export(pemda=pemda, adapter=adapter)
            self.stdout.write(
                f"sent {sent.name}: {sent.reports} reports, {sent.status_updates} updates"
            )
        if not options["export_only"]:
            try:
                got = exchange_import(pemda=pemda, adapter=adapter)
            except ExchangeError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                f"imported {got.batches} batches: {got.created} new reports, "
                f"{got.updates} updates, {got.skipped} skipped"
            )
