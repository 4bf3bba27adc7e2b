"""``melayani genkey``: print a new key for ``FIELD_ENCRYPTION_KEYS``.

To rotate, put the new key first and keep the old ones after it (comma-separated) until every
encrypted value has been re-encrypted (:func:`melayani.core.fields.reencrypt`).
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new Fernet key for FIELD_ENCRYPTION_KEYS (newest key first in the list)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(Fernet.generate_key().decode("ascii"))
