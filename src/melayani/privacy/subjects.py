"""Finding, exporting and anonymising one person's records, driven by the inventory.

A record's ``subject_match`` says how to find a person; :func:`subject_records` asks every
declared record for the rows of one :class:`~melayani.privacy.inventory.SubjectIdentity` in its
Pemda. Export takes the declared fields (plus the record's id); anonymisation writes each field's
``erase`` value, deletes files, or deletes the row when the record's retention says so and no
reason to keep it is declared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from melayani.core.fields import blind_index_candidates
from melayani.privacy.inventory import (
    DELETE_FILE,
    PersonalRecord,
    RetentionAction,
    SubjectIdentity,
    records,
)

CONTACT_INDEX_PURPOSE = "contact"


def contact_index_candidates(contact: str) -> list[str]:
    return blind_index_candidates(contact.strip().lower(), purpose=CONTACT_INDEX_PURPOSE)


def _condition(record: PersonalRecord, identity: SubjectIdentity) -> Q | None:
    condition = Q()
    for kind, lookup in record.subject_match.items():
        if kind == "phone":
            values: list[Any] = list(identity.phones)
        elif kind == "email":
            values = list(identity.emails)
        elif kind == "nik_index":
            if identity.nik_indexes:
                condition |= Q(**{f"{lookup}__in": list(identity.nik_indexes)})
            continue
        elif kind == "contact_index":
            indexes = [
                index
                for contact in (*identity.phones, *identity.emails)
                for index in contact_index_candidates(contact)
            ]
            if indexes:
                condition |= Q(**{f"{lookup}__in": indexes})
            continue
        elif kind == "user":
            values = [identity.user_id] if identity.user_id is not None else []
        else:
            raise ValueError(f"{record.model}: unknown identifier kind {kind!r}")
        for value in values:
            if value:
                condition |= Q(**{lookup: value})
    return condition or None


def _tenant_filter(model: type[models.Model], pemda_id: int) -> Q:
    tenant_field = getattr(model, "tenant_field", None)
    if tenant_field is None:
        return Q()
    lookup = "pk" if tenant_field == "pk" else f"{tenant_field}__pk"
    return Q(**{lookup: pemda_id})


def subject_queryset(record: PersonalRecord, identity: SubjectIdentity) -> models.QuerySet[Any]:
    """The rows of ``record`` that belong to the person, within their Pemda."""
    model = record.model_class()
    condition = _condition(record, identity)
    if condition is None:
        return model._default_manager.none()
    return model._default_manager.filter(_tenant_filter(model, identity.pemda_id) & condition)


@dataclass(frozen=True)
class SubjectRows:
    record: PersonalRecord
    rows: list[models.Model]


def subject_records(identity: SubjectIdentity) -> Iterator[SubjectRows]:
    for record in records():
        if not record.subject_match:
            continue
        rows = list(subject_queryset(record, identity).order_by("pk"))
        if rows:
            yield SubjectRows(record, rows)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def export_row(record: PersonalRecord, obj: models.Model) -> dict[str, Any]:
    """The person's data in one row: the declared fields plus what says what the row is."""
    data: dict[str, Any] = {"id": obj.pk, "record": str(obj)}
    for pf in record.fields:
        if pf.export:
            data[pf.name] = _jsonable(getattr(obj, pf.name))
    return data


def erase_row(record: PersonalRecord, obj: models.Model) -> str:
    """Remove the personal data of one row; ``"deleted"`` or ``"anonymised"``."""
    retention = record.retention
    deletable = retention is not None and not retention.keep_reason
    if deletable and retention is not None and retention.action == RetentionAction.DELETE:
        for pf in record.fields:
            if pf.erase is DELETE_FILE:
                stored = getattr(obj, pf.name)
                if stored:
                    stored.delete(save=False)
        obj.delete()
        return "deleted"
    changed = []
    for pf in record.fields:
        if pf.erase is DELETE_FILE:
            stored = getattr(obj, pf.name)
            if stored:
                stored.delete(save=False)
            setattr(obj, pf.name, "")
        else:
            setattr(obj, pf.name, pf.erase(obj) if callable(pf.erase) else pf.erase)
        changed.append(pf.name)
    obj.save(update_fields=changed)
    if record.erase_hook is not None:
        record.erase_hook(obj)
    return "anonymised"
