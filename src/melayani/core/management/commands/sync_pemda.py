from typing import Any

from django.core.management.base import BaseCommand

from melayani.core.services import pemda_sync_from_regions, roles_sync_builtin


class Command(BaseCommand):
    help = "Create the built-in roles and a Pemda for every autonomous region (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        roles_sync_builtin()
        created = pemda_sync_from_regions()
        self.stdout.write(f"{created} Pemda created.")
