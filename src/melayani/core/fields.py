"""Encrypted model fields for personal data, and blind indexes to find them by equality.

**Encryption.** :class:`EncryptedTextField` stores a Fernet token (AES-128-CBC + HMAC-SHA256,
random IV) and gives plain text back in Python. Keys come from ``settings.FIELD_ENCRYPTION_KEYS``
(Fernet keys, newest first; make one with ``melayani genkey``). Writes use the newest key; reads
try every key, so rotation is: put the new key first, keep the old ones, re-encrypt rows with
:func:`reencrypt` (and recompute their blind indexes), then drop the old key. With an empty list
(development and tests only; production refuses to start) one key is derived from
``SECRET_KEY`` with HKDF-SHA256.

**Lookups.** A ciphertext is different every time, so the encrypted column cannot be searched:
every lookup on it except ``isnull`` raises ``FieldError``. To find a record by NIK, the model has
a separate indexed column (convention: ``nik_index = models.CharField(max_length=64,
db_index=True)``, unique where that fits) that the **service layer** fills with
:func:`nik_blind_index` (or :func:`blind_index` for other values) whenever it writes the NIK. A
selector looks up with ``nik_index__in=blind_index_candidates(nik, purpose="nik")`` so rows not
yet re-indexed after a key rotation are still found. A blind index is an HMAC-SHA256 keyed by a
key derived (HKDF) from the encryption key and the *purpose*, so indexes for different purposes
(NIK, phone, ...) cannot be compared with each other, and without the key they cannot be
recomputed. The values' space is small (a NIK has < 10^12 plausible values), so treat the keys as
the protection: never log or export them.

**Elsewhere.** ``dumpdata`` and model forms see plain text; mask before showing
(:mod:`melayani.core.masking`) and record every unmasked view in the audit log.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup
from django.utils.translation import gettext_lazy as _

from melayani.core.nik import clean_nik, validate_nik

__all__ = [
    "BLIND_INDEX_LENGTH",
    "EncryptedTextField",
    "NIKField",
    "blind_index",
    "blind_index_candidates",
    "decrypt",
    "encrypt",
    "nik_blind_index",
    "reencrypt",
]

BLIND_INDEX_LENGTH = 64  # hex SHA-256
_ALLOWED_LOOKUPS = frozenset({"isnull"})


# --- Keys ---------------------------------------------------------------------------------------


def _hkdf(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material)


@functools.lru_cache(maxsize=8)
def _fernet_keys(configured: tuple[str, ...], secret_key: str) -> tuple[bytes, ...]:
    if configured:
        keys = tuple(key.strip().encode("ascii") for key in configured)
        for key in keys:
            try:
                Fernet(key)
            except ValueError as exc:
                raise ImproperlyConfigured(
                    "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
                    "(32 url-safe base64-encoded bytes); generate one with `melayani genkey`."
                ) from exc
        return keys
    derived = _hkdf(secret_key.encode(), b"melayani field encryption key")
    return (base64.urlsafe_b64encode(derived),)


def _keys() -> tuple[bytes, ...]:
    return _fernet_keys(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


@functools.lru_cache(maxsize=64)
def _index_key(fernet_key: bytes, purpose: str) -> bytes:
    return _hkdf(base64.urlsafe_b64decode(fernet_key), b"melayani blind index:" + purpose.encode())


# --- Encryption ---------------------------------------------------------------------------------


def encrypt(plaintext: str) -> str:
    """A Fernet token (ASCII) for ``plaintext``, made with the newest key."""
    return _multi_fernet(_keys()).encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text of a token made with any configured key.

    Raises ``ImproperlyConfigured`` when no key opens it: the keys are wrong, not the data.
    """
    try:
        return _multi_fernet(_keys()).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS "
            "(a key was removed too early, or the value is not a token)."
        ) from exc


def reencrypt(token: str) -> str:
    """The same plain text encrypted with the newest key (for a key-rotation job)."""
    return _multi_fernet(_keys()).rotate(token.encode("ascii")).decode("ascii")


# --- Blind indexes ------------------------------------------------------------------------------


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed HMAC-SHA256 (hex, 64 characters) of ``value`` for equality lookups, newest key.

    The caller normalises ``value`` first (for a NIK use :func:`nik_blind_index`). ``purpose``
    (e.g. ``"nik"``) separates indexes of different kinds of value.
    """
    return _blind_index_with(_keys()[0], value, purpose)


def blind_index_candidates(value: str, *, purpose: str) -> list[str]:
    """The blind index of ``value`` under every configured key, newest first (for lookups)."""
    return list(dict.fromkeys(_blind_index_with(key, value, purpose) for key in _keys()))


def nik_blind_index(nik: str) -> str:
    """:func:`blind_index` of a NIK after removing separators (purpose ``"nik"``)."""
    return blind_index(clean_nik(nik), purpose="nik")


def _blind_index_with(fernet_key: bytes, value: str, purpose: str) -> str:
    if not purpose:
        raise ValueError("A blind index needs a purpose.")
    key = _index_key(fernet_key, purpose)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


# --- Model fields -------------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """Text stored encrypted; plain ``str`` in Python. Only ``isnull`` lookups are possible."""

    description = _("Encrypted text")

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name not in _ALLOWED_LOOKUPS:
            raise FieldError(
                f"{type(self).__name__} {self.name!r} is encrypted and cannot be searched with "
                f"'{lookup_name}'; look it up through its blind-index column instead."
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(
            f"{type(self).__name__} {self.name!r} is encrypted and cannot be transformed with "
            f"'{lookup_name}'."
        )

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            # Empty stays empty: that a field was left blank is no secret, and most optional
            # fields are, so inserts and reads skip a cipher operation per blank field.
            return value
        return encrypt(str(value))

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)


class NIKField(EncryptedTextField):
    """An encrypted NIK: normalised (separators removed) and checked with ``validate_nik``.

    Pair it with a ``nik_index`` column filled by the service layer (module docstring).
    """

    description = _("NIK (encrypted)")
    default_validators = [validate_nik]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return clean_nik(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, str):
            value = clean_nik(value)
        return super().get_prep_value(value)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        from melayani.core.formfields import NIKFormField

        # Skip TextField.formfield, which would impose a Textarea.
        return models.Field.formfield(
            self,
            form_class=form_class or NIKFormField,
            choices_form_class=choices_form_class,
            **kwargs,
        )
