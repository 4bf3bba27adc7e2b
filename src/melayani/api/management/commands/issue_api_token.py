"""``melayani issue_api_token USERNAME``: a bearer token for an official to use the JSON API.

Prints the new token and nothing else; only its digest is kept. The token acts with the
official's current roles (tenant-scoped by the access layer), so ending a role ends its reach.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from melayani.api.services import officer_token_issue
from melayani.core.models import User


class Command(BaseCommand):
    help = "Issue a JSON API token to an official and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help="What the token is for.")
        parser.add_argument(
            "--days", type=int, default=90, help="Days until it expires (0: never; default 90)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user {options['username']!r}.") from None
        if options["days"] < 0:
            raise CommandError("--days must be 0 or more.")
        expires = (
            timezone.now() + datetime.timedelta(days=options["days"]) if options["days"] else None
        )
        try:
            _token, secret = officer_token_issue(
                actor=None, user=user, name=options["name"], expires_at=expires
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(secret)
