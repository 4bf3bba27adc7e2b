"""The personal-data inventory: every model field holding personal data, declared once.

Each app declares its records in its own ``personal_data.py`` (found by :func:`autodiscover`, like
Django admin's ``admin.py``); the privacy app never imports a domain app. A declaration drives:

* **masking** — :func:`masked_value` masks a field by its declared kind;
* **the processing register** — :mod:`melayani.privacy.register` lists every record's purpose,
  lawful basis, data classes, retention and who may see it;
* **data-subject requests** — :mod:`melayani.privacy.subjects` finds a person's records through
  ``subject_match``, exports the declared fields and anonymises them;
* **retention** — :mod:`melayani.privacy.retention` applies ``retention`` after closure.

See ``README.md`` in this package for the format, with an example.
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from melayani.core import masking

MODULE_NAME = "personal_data"


class DataClass(models.TextChoices):
    """UU PDP Pasal 4: general (umum) or specific (spesifik) personal data."""

    GENERAL = "general", _("general")
    SPECIFIC = "specific", _("specific")


class LawfulBasis(models.TextChoices):
    """UU PDP Pasal 20. A Pemda's core processing rests on public service or legal obligation;
    consent is for optional features only."""

    PUBLIC_SERVICE = "public_service", _("public service / public interest")
    LEGAL_OBLIGATION = "legal_obligation", _("legal obligation")
    CONSENT = "consent", _("consent")
    CONTRACT = "contract", _("contract")
    VITAL_INTEREST = "vital_interest", _("vital interest")
    LEGITIMATE_INTEREST = "legitimate_interest", _("legitimate interest")


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", _("anonymise (keep the record without personal data)")
    DELETE = "delete", _("delete")


class Mask(enum.StrEnum):
    """How a field is shown to someone who may not see it whole."""

    NIK = "nik"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"
    HIDDEN = "hidden"  # addresses, free text, files, indexes: only "***"


#: How ``subject_match`` can find a person (see :class:`PersonalRecord`).
IDENTIFIER_KINDS = frozenset({"phone", "email", "nik_index", "contact_index", "user"})

#: Written into a file field when its record is anonymised: the stored file is deleted.
DELETE_FILE = object()


@dataclass(frozen=True)
class PersonalField:
    """One field of personal data.

    ``erase`` is what anonymisation writes (a value, a callable taking the object, or
    :data:`DELETE_FILE` for a file field); ``export`` is ``False`` for technical fields (a blind
    index) that are personal but mean nothing to the person.
    """

    name: str
    mask: Mask = Mask.HIDDEN
    data_class: str = DataClass.GENERAL
    erase: Any = ""
    export: bool = True


@dataclass(frozen=True)
class Retention:
    """How long a record is kept after it is closed, and what happens then.

    ``closed_at``: fields holding the closure moment, the first non-empty wins (e.g.
    ``("completed_at", "rejected_at")``); a record with none of them is still open and kept.
    ``days`` is the default period; each Pemda may set its own (``RetentionPolicy``).
    ``keep_reason``: why the record itself must stay (shown to the subject when they ask for
    deletion) — with it the record is anonymised, never deleted, whatever the action says.
    """

    closed_at: tuple[str, ...]
    days: int
    action: str = RetentionAction.ANONYMISE
    keep_reason: Promise | str = ""


@dataclass(frozen=True)
class PersonalRecord:
    """A model that holds personal data, and why.

    ``model``: ``"app_label.ModelName"``. ``fields``: the personal fields. ``not_personal``:
    fields whose names look personal but are not (a unit's name). ``subject_match``: identifier
    kind → lookup, used to find a person's records; kinds are ``"phone"`` (E.164), ``"email"``
    (lower case), ``"nik_index"`` (blind-index candidates, matched with ``__in``) and
    ``"user"`` (the account's pk). ``visible_to``: the actions that reveal these fields whole.
    ``aggregate``: True when the record is itself statistics that retention must never touch.
    """

    model: str
    description: Promise | str
    purpose: Promise | str
    basis: str
    subjects: Promise | str
    fields: tuple[PersonalField, ...] = ()
    not_personal: tuple[str, ...] = ()
    subject_match: Mapping[str, str] = field(default_factory=dict)
    visible_to: tuple[str, ...] = ()
    retention: Retention | None = None
    erase_hook: Callable[[Any], None] | None = None  # extra clean-up after anonymising one object

    @property
    def label(self) -> str:
        return self.model.lower()

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def field(self, name: str) -> PersonalField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def data_classes(self) -> set[str]:
        return {f.data_class for f in self.fields}


@dataclass(frozen=True)
class NotPersonal:
    """A model whose fields look personal by name but hold none (and why)."""

    model: str
    fields: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class SubjectIdentity:
    """Who a data-subject request is about, as proven at intake (never shown to others)."""

    pemda_id: int
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    nik_indexes: tuple[str, ...] = ()
    user_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "pemda_id": self.pemda_id,
            "phones": list(self.phones),
            "emails": list(self.emails),
            "nik_indexes": list(self.nik_indexes),
            "user_id": self.user_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubjectIdentity:
        return cls(
            pemda_id=int(data["pemda_id"]),
            phones=tuple(data.get("phones", ())),
            emails=tuple(data.get("emails", ())),
            nik_indexes=tuple(data.get("nik_indexes", ())),
            user_id=data.get("user_id"),
        )


#: A verifier proves who a citizen is from what they know: ``(pemda, code, contact)`` → the
#: identity, or ``None`` alike for an unknown code and a wrong contact.
Verifier = Callable[[Any, str, str], SubjectIdentity | None]


class _Registry:
    def __init__(self) -> None:
        self.records: dict[str, PersonalRecord] = {}
        self.not_personal: dict[str, NotPersonal] = {}
        self.verifiers: dict[str, Verifier] = {}

    def declare(self, *records: PersonalRecord) -> None:
        for record in records:
            existing = self.records.get(record.label)
            if existing is not None and existing != record:
                raise ValueError(f"{record.model} is declared twice")
            self.records[record.label] = record

    def declare_not_personal(self, model: str, *fields: str, reason: str) -> None:
        self.not_personal[model.lower()] = NotPersonal(model.lower(), tuple(fields), reason)


_registry = _Registry()


def declare(*records: PersonalRecord) -> None:
    """Declare records holding personal data (call at import of ``<app>/personal_data.py``)."""
    _registry.declare(*records)


def declare_not_personal(model: str, *fields: str, reason: str) -> None:
    """Declare fields that look personal by name but are not (e.g. an OPD's ``name``)."""
    _registry.declare_not_personal(model, *fields, reason=reason)


def register_verifier(name: str, verifier: Verifier) -> None:
    """Register how citizens prove who they are (e.g. tracking code + phone/e-mail on record)."""
    _registry.verifiers[name] = verifier


def records() -> list[PersonalRecord]:
    return sorted(_registry.records.values(), key=lambda r: r.label)


def record_for(model: type[models.Model] | str) -> PersonalRecord | None:
    label = model if isinstance(model, str) else model._meta.label_lower
    return _registry.records.get(label.lower())


def verifiers() -> dict[str, Verifier]:
    return dict(_registry.verifiers)


def autodiscover() -> None:
    """Import ``personal_data`` of every installed app that has one (idempotent)."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, MODULE_NAME):
            importlib.import_module(f"{config.name}.{MODULE_NAME}")


# --- the check --------------------------------------------------------------------------------

#: Field names that look like personal data (name, NIK, phone, e-mail, address, birth date,
#: attachments, network addresses, user names).
LOOKS_PERSONAL = re.compile(
    r"(^|_)(name|names|nama|nik|kk|phone|mobile|hp|whatsapp|wa|email|mail|address|alamat|"
    r"birth|born|dob|lahir|age|file|files|photo|foto|attachment|lampiran|document|contact|"
    r"ktp|ip|username|reporter|complainant|pelapor|identity|signature)($|_)"
)
#: Field types that hold personal data whatever their name.
PERSONAL_TYPES: tuple[type[models.Field[Any, Any]], ...] = (
    models.EmailField,
    models.FileField,
    models.GenericIPAddressField,
)


def _looks_personal(f: models.Field[Any, Any]) -> bool:
    from melayani.core.fields import EncryptedTextField

    if isinstance(f, (*PERSONAL_TYPES, EncryptedTextField)):
        return True
    if f.is_relation or isinstance(f, models.BooleanField):
        return False
    return bool(LOOKS_PERSONAL.search(f.name))


def _path_exists(model: type[models.Model], path: str) -> bool:
    *relations, last = path.split("__")
    for name in relations:
        try:
            f = model._meta.get_field(name)
        except Exception:
            return False
        if f.related_model is None:
            return False
        model = f.related_model
    return last == "pk" or any(f.name == last for f in model._meta.concrete_fields)


def undeclared_fields(models_: Iterable[type[models.Model]] | None = None) -> list[str]:
    """``"app.model.field"`` for every field that looks personal and is declared nowhere."""
    found = []
    for model in models_ if models_ is not None else apps.get_models():
        label = model._meta.label_lower
        record = _registry.records.get(label)
        declared = {f.name for f in record.fields} | set(record.not_personal) if record else set()
        exempt = _registry.not_personal.get(label)
        if exempt is not None:
            declared |= set(exempt.fields)
        for f in model._meta.concrete_fields:
            if _looks_personal(f) and f.name not in declared:
                found.append(f"{label}.{f.name}")
    return found


def declaration_errors() -> list[str]:
    """Declarations that name a model or field that does not exist, or a bad lookup."""
    errors = []
    for record in records():
        try:
            model = record.model_class()
        except LookupError:
            errors.append(f"{record.model}: no such model")
            continue
        names = {f.name for f in model._meta.concrete_fields}
        for pf in record.fields:
            if pf.name not in names:
                errors.append(f"{record.model}.{pf.name}: no such field")
        for name in record.not_personal:
            if name not in names:
                errors.append(f"{record.model}.{name}: no such field (not_personal)")
        if record.retention is not None:
            for name in record.retention.closed_at:
                if not _path_exists(model, name):
                    errors.append(f"{record.model}.{name}: no such field (closed_at)")
        if not hasattr(model, "tenant_field") and set(record.subject_match) - {"user"}:
            errors.append(f"{record.model}: only 'user' finds rows of a model without a Pemda")
        for kind, lookup in record.subject_match.items():
            if kind not in IDENTIFIER_KINDS:
                errors.append(f"{record.model}: unknown identifier kind {kind!r}")
            elif not _path_exists(model, lookup.removesuffix("__iexact")):
                errors.append(f"{record.model}.{lookup}: no such field (subject_match)")
    return errors


# --- masking ----------------------------------------------------------------------------------


def mask_value(value: Any, kind: Mask | str) -> str:
    """``value`` as someone who may not see it whole sees it."""
    if value in (None, "", {}, []):
        return ""
    kind = Mask(kind)
    if kind is Mask.HIDDEN:
        return "***"
    return masking.mask(str(value), kind.value)


def masked_value(obj: models.Model, field_name: str) -> str:
    """The field of ``obj`` masked by its declaration (undeclared fields are hidden)."""
    record = record_for(type(obj))
    pf = record.field(field_name) if record else None
    return mask_value(getattr(obj, field_name), pf.mask if pf else Mask.HIDDEN)
