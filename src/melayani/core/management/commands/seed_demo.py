from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from melayani.demo import demo_seed_all


class Command(BaseCommand):
    help = "Create the demo Pemda, units and a user for every role (idempotent); print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even in production (demo users have a published password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MELAYANI_ENV == "production" and not options["allow_production"]:
            raise CommandError("Refusing to create demo users in production.")
        report = demo_seed_all()
        if report.regions_loaded:
            self.stdout.write("Loaded the region reference data.")
        if report.pemda_created:
            self.stdout.write(f"Created {report.pemda_created} Pemda from the region data.")
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo logins (password for all: {report.password})")
        )
        self.stdout.write("One-time codes: add the TOTP secret to an authenticator app.\n")
        width = max(len(login.username) for login in report.logins)
        for login in report.logins:
            self.stdout.write(
                f"  {login.username:<{width}}  {login.role:<22} {login.totp_secret}  {login.scope}"
            )
