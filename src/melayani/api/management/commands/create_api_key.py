"""``melayani create_api_key NAME --pemda CODE``: a key for an Open311 client application.

Prints the new key and nothing else (so that scripts can capture it); only its digest is kept, so
it cannot be shown again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from melayani.api.services import api_client_create
from melayani.core.models import Pemda


class Command(BaseCommand):
    help = "Create an Open311 API client for a Pemda and print its key (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Name of the client application.")
        parser.add_argument("--pemda", required=True, help="Region code of the Pemda, e.g. 93.01.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pemda = Pemda.objects.get(code=options["pemda"])
        except Pemda.DoesNotExist:
            raise CommandError(f"No Pemda with the code {options['pemda']!r}.") from None
        if not options["name"].strip():
            raise CommandError("The name must not be empty.")
        _client, key = api_client_create(actor=None, pemda=pemda, name=options["name"])
        self.stdout.write(key)
