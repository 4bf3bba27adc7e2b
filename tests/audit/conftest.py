"""Fixtures of the audit tests: Pemda from the reference data and raw-SQL tampering."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from melayani.core.models import Pemda

Tamper = Callable[..., None]


@pytest.fixture
def merauke(reference_data: None) -> Pemda:
    return Pemda.objects.get(code="93.01")


@pytest.fixture
def yogyakarta(reference_data: None) -> Pemda:
    return Pemda.objects.get(code="34.71")


@pytest.fixture
def tamper() -> Iterator[Tamper]:
    """Run raw SQL against the audit table as an attacker with database access would.

    On PostgreSQL the append-only trigger is switched off for the statement (as the table owner
    could); the test's transaction rolls that back with everything else.
    """
    postgres = connection.vendor == "postgresql"

    def run(sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            if postgres:
                # Deferred foreign-key checks must fire before the table can be altered.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only"
                )
            cursor.execute(sql, params)
            if postgres:
                cursor.execute(
                    "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only"
                )
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    yield run
