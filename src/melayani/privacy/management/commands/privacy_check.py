"""``melayani privacy_check``: fields that look personal but are declared nowhere, and
declarations that name what does not exist (exit status 1 when there is any)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from melayani.privacy.inventory import declaration_errors, undeclared_fields


class Command(BaseCommand):
    help = "Check the personal-data inventory against every installed model."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = [f"undeclared: {name}" for name in undeclared_fields()]
        problems += [f"declaration: {error}" for error in declaration_errors()]
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s); declare them in <app>/personal_data.py "
                "(see src/melayani/privacy/README.md)"
            )
        self.stdout.write("The personal-data inventory covers every installed model.")
