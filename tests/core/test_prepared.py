"""Inserts compiled once (``core.prepared.insert_row``): the same row and side effects as save()."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import signals
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from melayani.audit.models import AuditEvent
from melayani.core.models import Pemda, User
from melayani.core.prepared import insert_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def merauke(reference_data: None) -> Pemda:
    return Pemda.objects.get(code="93.01")


def _event(pemda: Pemda | None, **overrides: Any) -> AuditEvent:
    fields: dict[str, Any] = {
        "chain": pemda.code if pemda else "national",
        "pemda": pemda,
        "created_at": dt.datetime(2026, 3, 2, 1, 2, 3, tzinfo=dt.UTC),
        "actor_label": "system",
        "action": "prepared.test",
        "target_type": "t",
        "target_id": "1",
        "context": {"a": [1, "dua"], "b": None},
        **overrides,
    }
    return AuditEvent(**fields)


def _columns(row: AuditEvent) -> dict[str, Any]:
    return {f.attname: getattr(row, f.attname) for f in AuditEvent._meta.concrete_fields}


def test_the_row_is_what_save_would_store(merauke: Pemda) -> None:
    mine, theirs = _event(merauke), _event(merauke)
    assert insert_row(mine) is mine
    theirs.save()
    assert mine.pk is not None and mine.pk != theirs.pk
    assert not mine._state.adding and mine._state.db == "default"
    stored, expected = (_columns(AuditEvent.objects.get(pk=pk)) for pk in (mine.pk, theirs.pk))
    for row in (stored, expected):
        row.pop("id"), row.pop("group")  # a fresh UUID each
    assert stored == expected
    assert stored["context"] == {"a": [1, "dua"], "b": None}


def test_auto_now_fields_and_signals_behave_as_in_save(merauke: Pemda) -> None:
    from melayani.audit.models import AuditChainHead

    seen: list[tuple[str, bool]] = []

    def before(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(("pre", instance.pk is None))

    def after(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        seen.append(("post", created))

    signals.pre_save.connect(before, sender=AuditChainHead)
    signals.post_save.connect(after, sender=AuditChainHead)
    try:
        head = insert_row(AuditChainHead(chain="prep-test"))
    finally:
        signals.pre_save.disconnect(before, sender=AuditChainHead)
        signals.post_save.disconnect(after, sender=AuditChainHead)
    assert seen == [("pre", True), ("post", True)]
    assert head.updated_at is not None  # auto_now, set by the field's pre_save
    assert AuditChainHead.objects.get(pk=head.pk).updated_at == head.updated_at


def test_a_chosen_key_or_an_expression_is_saved_the_ordinary_way(merauke: Pemda) -> None:
    chosen = insert_row(_event(merauke, id=987654))
    assert AuditEvent.objects.filter(pk=987654).exists() and chosen.pk == 987654
    timed = insert_row(_event(merauke, created_at=Now()))
    assert AuditEvent.objects.get(pk=timed.pk).created_at is not None


def test_a_refused_insert_raises_the_database_error_and_keeps_nothing(merauke: Pemda) -> None:
    User.objects.create_user(username="prep-dup", password="x-very-long-password-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_row(User(username="prep-dup", kind="citizen"))
    assert User.objects.filter(username="prep-dup").count() == 1


def test_an_unsaved_related_object_is_refused_as_save_would(merauke: Pemda) -> None:
    unsaved = Pemda(code="99.99", name="Tidak tersimpan")
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_row(_event(unsaved))


def test_a_saved_row_is_refused() -> None:
    row = insert_row(_event(None))
    with pytest.raises(ValueError):
        insert_row(row)


@pytest.mark.postgres
def test_on_postgresql_the_insert_is_prepared_and_logged_without_values(
    merauke: Pemda, settings
) -> None:
    for _ in range(6):  # psycopg prepares a statement on its fifth run on a connection
        insert_row(_event(merauke, target_id="secret-value-42"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any(s.startswith('INSERT INTO "audit_auditevent"') for s in statements)
    with CaptureQueriesContext(connection) as captured:
        insert_row(_event(merauke, target_id="secret-value-42"))
    [logged] = [q["sql"] for q in captured.captured_queries]
    assert logged.startswith('INSERT INTO "audit_auditevent"') and "%s" in logged
    assert "secret-value-42" not in logged
    # Turned off (behind a pooler that cannot keep them): the same insert, bound on the client.
    settings.DATABASE_PREPARED_STATEMENTS = False
    plain = insert_row(_event(merauke, target_id="plain"))
    assert AuditEvent.objects.get(pk=plain.pk).target_id == "plain"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_prepared_insert_survives_a_refused_one_and_a_rollback() -> None:
    from melayani.audit.models import AuditChainHead

    for n in range(6):  # prepared from here on
        insert_row(AuditChainHead(chain=f"prep-{n}"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_row(AuditChainHead(chain="prep-0"))  # taken: the transaction is refused
    with transaction.atomic():
        insert_row(AuditChainHead(chain="prep-rb"))
        transaction.set_rollback(True)
    insert_row(AuditChainHead(chain="prep-ok"))
    chains = set(
        AuditChainHead.objects.filter(chain__startswith="prep-").values_list("chain", flat=True)
    )
    assert chains == {*(f"prep-{n}" for n in range(6)), "prep-ok"}
