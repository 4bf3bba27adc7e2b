"""Encrypted fields, blind indexes, key rotation and the ``genkey`` command."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import ClassVar

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django import forms
from django.apps.registry import Apps
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, models
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from melayani.core.fields import (
    BLIND_INDEX_LENGTH,
    EncryptedTextField,
    NIKField,
    blind_index,
    blind_index_candidates,
    decrypt,
    encrypt,
    nik_blind_index,
    reencrypt,
)
from melayani.core.formfields import NIKFormField
from melayani.core.nik import validate_nik

NIK = "9301011708900003"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()

_isolated = Apps()


class EncryptedPerson(models.Model):  # noqa: DJ008
    """Test-only model in its own registry: no migration, never seen by ``makemigrations``."""

    nik = NIKField(null=True, blank=True)
    nik_index = models.CharField(max_length=BLIND_INDEX_LENGTH, db_index=True, blank=True)
    address = EncryptedTextField(blank=True, default="")

    objects: ClassVar[models.Manager[EncryptedPerson]] = models.Manager()

    class Meta:
        apps = _isolated
        app_label = "core"
        db_table = "test_core_encrypted_person"


@pytest.fixture(scope="module")
def person_table(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    # Created outside the per-test transaction: SQLite cannot alter its schema inside one.
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        with connection.schema_editor() as editor:
            editor.create_model(EncryptedPerson)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(EncryptedPerson)


@pytest.fixture
def people(person_table: None, db: None) -> type[EncryptedPerson]:
    return EncryptedPerson


def raw_row(column: str, pk: int) -> str:
    table = connection.ops.quote_name(EncryptedPerson._meta.db_table)
    sql = f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        (value,) = cursor.fetchone()
    return str(value)


# --- Encryption -------------------------------------------------------------------------------


def test_encrypt_round_trip_without_the_plain_text_in_the_token() -> None:
    token = encrypt("Jl. Merdeka 17, Merauke")
    assert "Merdeka" not in token
    assert token != encrypt("Jl. Merdeka 17, Merauke")  # random IV
    assert decrypt(token) == "Jl. Merdeka 17, Merauke"


@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    assert decrypt(encrypt(text)) == text


def test_field_prep_and_from_db_value_are_inverse() -> None:
    field = EncryptedTextField()
    stored = field.get_prep_value("rahasia")
    assert stored != "rahasia"
    assert field.from_db_value(stored, None, connection) == "rahasia"
    assert field.get_prep_value(None) is None
    assert field.from_db_value(None, None, connection) is None
    # Blank stays blank (no cipher work for optional fields left empty); older rows that hold
    # a token of the empty text still read back as empty.
    assert field.get_prep_value("") == ""
    assert field.from_db_value("", None, connection) == ""
    assert field.from_db_value(encrypt(""), None, connection) == ""


def test_nik_field_stores_the_normalised_nik() -> None:
    field = NIKField()
    stored = field.get_prep_value("93.01.01 170890-0003")
    assert field.from_db_value(stored, None, connection) == NIK
    assert field.to_python("9301 0117 0890 0003") == NIK


def test_nik_field_validates_and_uses_the_nik_form_field() -> None:
    field = NIKField()
    assert validate_nik in field.validators
    form_field = field.formfield()
    assert isinstance(form_field, NIKFormField)
    assert isinstance(form_field.widget, forms.TextInput)


def test_fields_deconstruct_for_migrations() -> None:
    _name, path, _args, kwargs = NIKField(null=True).deconstruct()
    assert path == "melayani.core.fields.NIKField"
    assert kwargs == {"null": True}
    assert EncryptedTextField().deconstruct()[1] == "melayani.core.fields.EncryptedTextField"


def test_a_token_no_key_opens_is_a_configuration_error() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        token = encrypt(NIK)
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]),
        pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"),
    ):
        decrypt(token)
    with pytest.raises(ImproperlyConfigured):
        decrypt("not a token ✗")


def test_a_bad_key_in_settings_is_a_configuration_error() -> None:
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=["not-a-fernet-key"]),
        pytest.raises(ImproperlyConfigured, match="genkey"),
    ):
        encrypt(NIK)


def test_without_keys_one_is_derived_from_the_secret_key() -> None:
    secret = "x" * 30 + "abcdefghijklmnopqrstuvwxyz"
    with override_settings(FIELD_ENCRYPTION_KEYS=[], SECRET_KEY=secret):
        token = encrypt(NIK)
        assert decrypt(token) == NIK
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[], SECRET_KEY=secret + "!"),
        pytest.raises(ImproperlyConfigured),
    ):
        decrypt(token)


# --- Key rotation ------------------------------------------------------------------------------


def test_rotation_old_key_still_decrypts_and_new_writes_use_the_newest_key() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        old_token = encrypt(NIK)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert decrypt(old_token) == NIK
        new_token = encrypt(NIK)
        rotated = reencrypt(old_token)
    for token in (new_token, rotated):
        assert Fernet(NEW_KEY).decrypt(token.encode()).decode() == NIK
        with pytest.raises(InvalidToken):
            Fernet(OLD_KEY).decrypt(token.encode())
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert decrypt(rotated) == NIK


# --- Blind indexes -----------------------------------------------------------------------------


def test_blind_index_is_stable_hex_and_hides_the_value() -> None:
    index = blind_index(NIK, purpose="nik")
    assert index == blind_index(NIK, purpose="nik")
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert len(index) == BLIND_INDEX_LENGTH
    assert NIK not in index
    assert index != blind_index("9301011708900004", purpose="nik")


def test_blind_index_is_separated_by_purpose() -> None:
    assert blind_index(NIK, purpose="nik") != blind_index(NIK, purpose="phone")


def test_blind_index_depends_on_the_key() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        old = blind_index(NIK, purpose="nik")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert blind_index(NIK, purpose="nik") != old


def test_blind_index_needs_a_purpose() -> None:
    with pytest.raises(ValueError, match="purpose"):
        blind_index(NIK, purpose="")


def test_nik_blind_index_normalises_separators() -> None:
    assert nik_blind_index("93.01.01.170890.0003") == blind_index(NIK, purpose="nik")


def test_candidates_cover_every_key_newest_first() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        old = blind_index(NIK, purpose="nik")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        new = blind_index(NIK, purpose="nik")
        assert blind_index_candidates(NIK, purpose="nik") == [new, old]


# --- Through the database -----------------------------------------------------------------------


def test_database_round_trip_stores_only_ciphertext(people: type[EncryptedPerson]) -> None:
    person = people.objects.create(
        nik="9301 0117 0890 0003", nik_index=nik_blind_index(NIK), address="Jl. Merdeka 17"
    )
    raw_nik = raw_row("nik", person.pk)
    assert NIK not in raw_nik
    assert "Merdeka" not in raw_row("address", person.pk)
    assert raw_nik.startswith("gAAAAA")  # a Fernet token
    fetched = people.objects.get(pk=person.pk)
    assert fetched.nik == NIK
    assert fetched.address == "Jl. Merdeka 17"


def test_null_stays_null_and_isnull_works(people: type[EncryptedPerson]) -> None:
    person = people.objects.create(nik=None)
    assert people.objects.get(pk=person.pk).nik is None
    assert list(people.objects.filter(nik__isnull=True)) == [person]


def test_update_and_bulk_update_encrypt(people: type[EncryptedPerson]) -> None:
    person = people.objects.create(nik=None)
    people.objects.filter(pk=person.pk).update(nik=NIK)
    assert NIK not in raw_row("nik", person.pk)
    person.nik = "9301011708900004"
    people.objects.bulk_update([person], ["nik"])
    assert people.objects.get(pk=person.pk).nik == "9301011708900004"
    assert "9301011708900004" not in raw_row("nik", person.pk)


@pytest.mark.parametrize("lookup", ["nik", "nik__exact", "nik__contains", "nik__in", "nik__lower"])
def test_searching_the_ciphertext_is_refused(people: type[EncryptedPerson], lookup: str) -> None:
    value: object = [NIK] if lookup.endswith("__in") else NIK
    with pytest.raises(FieldError, match="encrypted"):
        people.objects.filter(**{lookup: value}).exists()


def test_lookup_by_blind_index_survives_key_rotation(people: type[EncryptedPerson]) -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        old_person = people.objects.create(nik=NIK, nik_index=nik_blind_index(NIK))
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        other = "9301011708900004"
        people.objects.create(nik=other, nik_index=nik_blind_index(other))
        found = people.objects.get(nik_index__in=blind_index_candidates(NIK, purpose="nik"))
        assert found.pk == old_person.pk
        assert found.nik == NIK
        # The rotation job: load and save each row, which re-encrypts every encrypted field
        # (here also ``address``) and re-indexes it.
        found.nik_index = nik_blind_index(found.nik)
        found.save()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        found = people.objects.get(nik_index__in=blind_index_candidates(NIK, purpose="nik"))
        assert found.pk == old_person.pk
        assert found.nik == NIK


# --- genkey ------------------------------------------------------------------------------------


def test_genkey_prints_a_new_fernet_key() -> None:
    first, second = io.StringIO(), io.StringIO()
    call_command("genkey", stdout=first)
    call_command("genkey", stdout=second)
    key = first.getvalue().strip()
    assert Fernet(key.encode())
    assert key != second.getvalue().strip()
