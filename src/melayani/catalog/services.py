"""Writes to the service catalogue: services, their Standar Pelayanan versions, and Maklumat.

Every function runs in one transaction, refuses with :class:`PermissionError` an actor without
``catalog.manage`` on the service's unit (``actor=None`` is the system: commands, the demo,
tests), refuses invalid input with a ``ValidationError`` carrying a stable ``code``, and records
an audit event in the Pemda's chain.

A standard (and a pledge) is edited only while it is a draft. Publishing checks completeness (the
14 components, at least one requirement and one step, a fee unless free), freezes the version and
its rows (the models refuse later changes too) and supersedes the version published before it.
A change after that is a new version: :func:`standard_new_version` copies a published version
into a new draft. Publishing a standard publishes ``catalog.standard_published`` with::

    service_id: int, standard_id: int, pemda_id: int
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from melayani.audit.services import audit_record
from melayani.catalog import selectors
from melayani.catalog.models import (
    FieldType,
    FormField,
    ProcedureStep,
    PublicationStatus,
    Requirement,
    ServicePledge,
    ServiceStandard,
    ServiceType,
)
from melayani.core import access
from melayani.core.events import publish
from melayani.core.models import OPD, User
from melayani.workcalendar.clock import DeadlineUnit

MANAGE = "catalog.manage"
EVENT_STANDARD_PUBLISHED = "catalog.standard_published"
EVENT_PLEDGE_PUBLISHED = "catalog.pledge_published"

# The components an editor fills in (fields of ServiceStandard); requirements and procedure are
# rows of their own.
TEXT_COMPONENTS = (
    "product",
    "complaint_handling",
    "legal_basis",
    "facilities",
    "staff_competence",
    "internal_supervision",
    "staff_count",
    "service_guarantee",
    "safety_guarantee",
    "performance_evaluation",
)
COMPONENT_FIELDS = (
    "completion_time_value",
    "completion_time_unit",
    "fee_is_free",
    "fee_amount",
    "fee_legal_basis",
    *TEXT_COMPONENTS,
    "stop_clock_when_returned",
)
Direction = Literal["up", "down"]
_ORDER_SHIFT = 10000


# ----------------------------------------------------------------------------- helpers


def _require_manager(actor: User | None, opd: OPD) -> None:
    if actor is not None and not access.can(actor, MANAGE, opd=opd):
        raise PermissionError(MANAGE)


def _require_draft(version: ServiceStandard | ServicePledge) -> None:
    if version.status != PublicationStatus.DRAFT:
        raise ValidationError(
            _("Version %(version)s is published. Make a new version to change it.")
            % {"version": version.version},
            code="not_draft",
        )


def _standard_fields(standard: ServiceStandard) -> dict[str, Any]:
    fields = {name: getattr(standard, name) for name in COMPONENT_FIELDS}
    fields["fee_amount"] = str(standard.fee_amount) if standard.fee_amount is not None else None
    fields["status"] = standard.status
    return fields


def _audit(
    *,
    actor: User | None,
    action: str,
    target: Model,
    service: ServiceType | None = None,
    opd: OPD | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **context: Any,
) -> None:
    pemda = service.pemda if service is not None else opd.pemda if opd is not None else None
    audit_record(
        actor=actor,
        action=action,
        target=target,
        pemda=pemda,
        before=before,
        after=after,
        context=context,
    )


def _components(components: dict[str, Any]) -> dict[str, Any]:
    unknown = set(components) - set(COMPONENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown standard components: {', '.join(sorted(unknown))}")
    cleaned = dict(components)
    if "completion_time_unit" in cleaned:
        try:
            cleaned["completion_time_unit"] = DeadlineUnit(cleaned["completion_time_unit"]).value
        except ValueError:
            raise ValidationError(
                _("Choose a unit for the completion time."), code="completion_time_unit"
            ) from None
    for name in (*TEXT_COMPONENTS, "fee_legal_basis"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if cleaned.get("fee_is_free"):
        cleaned["fee_amount"] = None
    amount = cleaned.get("fee_amount")
    if amount is not None:
        amount = Decimal(amount)
        if amount <= 0 or amount != amount.to_integral_value():
            raise ValidationError(
                _("The fee must be a whole number of rupiah above zero."), code="fee_amount"
            )
        cleaned["fee_amount"] = amount
    return cleaned


def _fee_is_consistent(standard: ServiceStandard) -> None:
    if not standard.fee_is_free and standard.fee_amount is None:
        raise ValidationError(
            _("Give the fee in rupiah, or mark the service as free."), code="fee_amount"
        )


def _next_order(model: type[Requirement | ProcedureStep | FormField], standard_id: int) -> int:
    current = model.objects.filter(standard_id=standard_id).aggregate(top=Max("order"))["top"]
    return (current or 0) + 1


def _renumber(model: type[Requirement | ProcedureStep | FormField], ids: list[int]) -> None:
    """Give the rows ``ids`` the orders 1..n in that sequence (two passes: orders are unique)."""
    for index, pk in enumerate(ids, start=1):
        model.objects.filter(pk=pk).update(order=_ORDER_SHIFT + index)
    for index, pk in enumerate(ids, start=1):
        model.objects.filter(pk=pk).update(order=index)


def _move(
    model: type[Requirement | ProcedureStep | FormField], row: Any, direction: Direction
) -> None:
    ids = list(
        model.objects.filter(standard_id=row.standard_id)
        .order_by("order")
        .values_list("pk", flat=True)
    )
    index = ids.index(row.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        _renumber(model, ids)


def _lock_draft(standard: ServiceStandard) -> ServiceStandard:
    locked = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
    _require_draft(locked)
    return locked


# ----------------------------------------------------------------------------- services


@transaction.atomic
def service_create(
    *,
    actor: User | None,
    opd: OPD,
    code: str,
    name: str,
    description: str = "",
    category: str = "",
    keywords: str = "",
    accepts_online: bool = True,
) -> ServiceType:
    """A new service of ``opd``; it appears in the public catalogue once a standard is published."""
    _require_manager(actor, opd)
    code = slugify(code)[:60]
    name = name.strip()
    if not code:
        raise ValidationError(_("Give the service a short code, e.g. akta-kelahiran."), code="code")
    if not name:
        raise ValidationError(_("Give the service a name."), code="name")
    if ServiceType.objects.filter(pemda_id=opd.pemda_id, code=code).exists():
        raise ValidationError(
            _("Another service of this Pemda already uses the code %(code)s.") % {"code": code},
            code="code_taken",
        )
    service = ServiceType.objects.create(
        pemda_id=opd.pemda_id,
        opd=opd,
        code=code,
        name=name,
        description=description.strip(),
        category=category.strip(),
        keywords=keywords.strip(),
        accepts_online=accepts_online,
    )
    _audit(actor=actor, action="catalog.service_created", target=service, service=service)
    return service


@transaction.atomic
def service_update(
    *,
    actor: User | None,
    service: ServiceType,
    name: str,
    description: str = "",
    category: str = "",
    keywords: str = "",
    accepts_online: bool = True,
    is_active: bool = True,
) -> ServiceType:
    """Change how a service is listed (not its standard), or withdraw it from the catalogue."""
    _require_manager(actor, service.opd)
    if not name.strip():
        raise ValidationError(_("Give the service a name."), code="name")
    names = ("name", "description", "category", "keywords", "accepts_online", "is_active")
    before = {n: getattr(service, n) for n in names}
    service.name = name.strip()
    service.description = description.strip()
    service.category = category.strip()
    service.keywords = keywords.strip()
    service.accepts_online = accepts_online
    service.is_active = is_active
    service.save(update_fields=list(names))
    after = {n: getattr(service, n) for n in names}
    _audit(
        actor=actor,
        action="catalog.service_updated",
        target=service,
        service=service,
        before=before,
        after=after,
    )
    return service


# ----------------------------------------------------------------------------- standards


@transaction.atomic
def standard_draft_create(
    *, actor: User | None, service: ServiceType, **components: Any
) -> ServiceStandard:
    """A new draft version of ``service``'s standard (the next version number)."""
    _require_manager(actor, service.opd)
    ServiceType.objects.select_for_update().filter(pk=service.pk).first()
    if service.standards.filter(status=PublicationStatus.DRAFT).exists():
        raise ValidationError(
            _("This service already has a draft. Finish or delete it first."), code="draft_exists"
        )
    values: dict[str, Any] = {
        "completion_time_value": 1,
        "completion_time_unit": DeadlineUnit.WORKING_DAYS,
        **dict.fromkeys(TEXT_COMPONENTS, ""),
    }
    values.update(_components(components))
    top = service.standards.aggregate(top=Max("version"))["top"] or 0
    standard = ServiceStandard(service=service, version=top + 1, **values)
    _fee_is_consistent(standard)
    standard.save()
    _audit(
        actor=actor,
        action="catalog.standard_draft_created",
        target=standard,
        service=service,
        after=_standard_fields(standard),
        version=standard.version,
    )
    return standard


@transaction.atomic
def standard_draft_update(
    *, actor: User | None, standard: ServiceStandard, **components: Any
) -> ServiceStandard:
    """Change components of a draft standard (only those given)."""
    service = standard.service
    _require_manager(actor, service.opd)
    standard = _lock_draft(standard)
    before = _standard_fields(standard)
    for name, value in _components(components).items():
        setattr(standard, name, value)
    _fee_is_consistent(standard)
    standard.save()
    _audit(
        actor=actor,
        action="catalog.standard_draft_updated",
        target=standard,
        service=service,
        before=before,
        after=_standard_fields(standard),
        version=standard.version,
    )
    return standard


@transaction.atomic
def standard_draft_delete(*, actor: User | None, standard: ServiceStandard) -> None:
    """Throw away a draft version (with its rows)."""
    service = standard.service
    _require_manager(actor, service.opd)
    standard = _lock_draft(standard)
    _audit(
        actor=actor,
        action="catalog.standard_draft_deleted",
        target=standard,
        service=service,
        version=standard.version,
    )
    standard.delete()


def standard_problems(standard: ServiceStandard) -> list[ValidationError]:
    """What keeps ``standard`` from being published (empty when it is complete)."""
    problems: list[ValidationError] = []
    labels = {f.name: f.verbose_name for f in ServiceStandard._meta.get_fields() if f.concrete}
    if not standard.completion_time_value or standard.completion_time_value < 1:
        problems.append(
            ValidationError(_("Give the completion time (1 or more)."), code="completion_time")
        )
    for name in TEXT_COMPONENTS:
        if not getattr(standard, name).strip():
            problems.append(
                ValidationError(
                    _("The component “%(component)s” is empty.") % {"component": labels[name]},
                    code=f"missing_{name}",
                )
            )
    if not standard.fee_is_free:
        if standard.fee_amount is None:
            problems.append(
                ValidationError(_("Give the fee, or mark the service as free."), code="fee_amount")
            )
        if not standard.fee_legal_basis.strip():
            problems.append(
                ValidationError(
                    _("Give the legal basis of the fee (e.g. the Perda on retribusi)."),
                    code="fee_legal_basis",
                )
            )
    requirements = list(standard.requirements.all())
    if not requirements:
        problems.append(ValidationError(_("Add at least one requirement."), code="requirements"))
    if not standard.steps.exists():
        problems.append(ValidationError(_("Add at least one procedure step."), code="procedure"))
    fields = list(standard.form_fields.all())
    uploads = {f.requirement_id for f in fields if f.field_type == FieldType.FILE}
    for requirement in requirements:
        if requirement.needs_upload and requirement.pk not in uploads:
            problems.append(
                ValidationError(
                    _("The requirement “%(text)s” needs an upload field in the form.")
                    % {"text": requirement.text},
                    code="upload_field_missing",
                )
            )
    for field in fields:
        if field.field_type == FieldType.CHOICE and not field.choice_list:
            problems.append(
                ValidationError(
                    _("The choice field “%(label)s” has no choices.") % {"label": field.label},
                    code="choices_missing",
                )
            )
    return problems


@transaction.atomic
def standard_publish(
    *,
    actor: User | None,
    standard: ServiceStandard,
    decree_number: str,
    decree_date: datetime.date,
) -> ServiceStandard:
    """Set a complete draft as the service's standard (by decree); the previous one is superseded.

    Raises ``ValidationError`` listing every problem (codes as in :func:`standard_problems`).
    """
    service = standard.service
    _require_manager(actor, service.opd)
    ServiceType.objects.select_for_update().filter(pk=service.pk).first()
    standard = _lock_draft(standard)
    problems = standard_problems(standard)
    problems += _decree_problems(decree_number, decree_date)
    if problems:
        raise ValidationError(problems)
    previous = _supersede(service.standards.filter(status=PublicationStatus.PUBLISHED).first())
    standard.pledge = selectors.pledge_applicable(service.opd)
    _mark_published(standard, decree_number, decree_date)
    _audit(
        actor=actor,
        action="catalog.standard_published",
        target=standard,
        service=service,
        before={"status": PublicationStatus.DRAFT},
        after={"status": PublicationStatus.PUBLISHED},
        version=standard.version,
        superseded_version=previous.version if previous else None,
        decree_number=standard.decree_number,
    )
    publish(
        EVENT_STANDARD_PUBLISHED,
        service_id=service.pk,
        standard_id=standard.pk,
        pemda_id=service.pemda_id,
    )
    return standard


@transaction.atomic
def standard_new_version(*, actor: User | None, standard: ServiceStandard) -> ServiceStandard:
    """A new draft that copies ``standard`` (published or superseded) with all its rows."""
    service = standard.service
    _require_manager(actor, service.opd)
    if standard.status == PublicationStatus.DRAFT:
        raise ValidationError(_("This version is still a draft: edit it."), code="is_draft")
    draft = standard_draft_create(
        actor=actor,
        service=service,
        **{name: getattr(standard, name) for name in COMPONENT_FIELDS},
    )
    requirement_map: dict[int, Requirement] = {}
    for requirement in standard.requirements.all():
        requirement_map[requirement.pk] = Requirement.objects.create(
            standard=draft,
            order=requirement.order,
            text=requirement.text,
            needs_upload=requirement.needs_upload,
            accepted_types=requirement.accepted_types,
            max_size_mb=requirement.max_size_mb,
        )
    ProcedureStep.objects.bulk_create(
        ProcedureStep(standard=draft, order=step.order, text=step.text)
        for step in standard.steps.all()
    )
    for field in standard.form_fields.all():
        FormField.objects.create(
            standard=draft,
            order=field.order,
            key=field.key,
            label=field.label,
            help_text=field.help_text,
            field_type=field.field_type,
            required=field.required,
            choices=field.choices,
            requirement=requirement_map.get(field.requirement_id) if field.requirement_id else None,
        )
    _audit(
        actor=actor,
        action="catalog.standard_new_version",
        target=draft,
        service=service,
        version=draft.version,
        copied_from_version=standard.version,
    )
    return draft


# ----------------------------------------------------------------------------- rows of a draft


def _row_audit(actor: User | None, action: str, row: Model, standard: ServiceStandard) -> None:
    _audit(
        actor=actor,
        action=action,
        target=row,
        service=standard.service,
        standard_id=standard.pk,
        version=standard.version,
    )


def _check_upload_limits(accepted_types: str, max_size_mb: int) -> str:
    allowed = {"pdf", "jpg", "jpeg", "png"}
    types = [t.strip().lower().lstrip(".") for t in accepted_types.split(",") if t.strip()]
    if not types or any(t not in allowed for t in types):
        raise ValidationError(
            _("Accepted file types are pdf, jpg and png, separated by commas."),
            code="accepted_types",
        )
    if not 1 <= max_size_mb <= 20:
        raise ValidationError(
            _("The largest file must be between 1 and 20 MB."), code="max_size_mb"
        )
    return ",".join(dict.fromkeys("jpg" if t == "jpeg" else t for t in types))


@transaction.atomic
def requirement_add(
    *,
    actor: User | None,
    standard: ServiceStandard,
    text: str,
    needs_upload: bool = False,
    accepted_types: str = "pdf,jpg,png",
    max_size_mb: int = 5,
    upload_label: str = "",
) -> Requirement:
    """Add a requirement to a draft; one that needs an upload also gets its file field."""
    _require_manager(actor, standard.service.opd)
    standard = _lock_draft(standard)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the requirement."), code="text")
    accepted_types = _check_upload_limits(accepted_types, max_size_mb)
    requirement = Requirement.objects.create(
        standard=standard,
        order=_next_order(Requirement, standard.pk),
        text=text[:300],
        needs_upload=needs_upload,
        accepted_types=accepted_types,
        max_size_mb=max_size_mb,
    )
    _row_audit(actor, "catalog.requirement_added", requirement, standard)
    if needs_upload:
        base = slugify(text)[:50] or "dokumen"
        key = base
        taken = set(standard.form_fields.values_list("key", flat=True))
        suffix = 2
        while key in taken:
            key = f"{base}-{suffix}"
            suffix += 1
        field = FormField.objects.create(
            standard=standard,
            order=_next_order(FormField, standard.pk),
            key=key,
            label=(upload_label.strip() or text)[:200],
            field_type=FieldType.FILE,
            required=True,
            requirement=requirement,
        )
        _row_audit(actor, "catalog.form_field_added", field, standard)
    return requirement


@transaction.atomic
def step_add(*, actor: User | None, standard: ServiceStandard, text: str) -> ProcedureStep:
    """Add a procedure step (as the citizen experiences it) at the end of a draft's procedure."""
    _require_manager(actor, standard.service.opd)
    standard = _lock_draft(standard)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the step."), code="text")
    step = ProcedureStep.objects.create(
        standard=standard, order=_next_order(ProcedureStep, standard.pk), text=text[:300]
    )
    _row_audit(actor, "catalog.step_added", step, standard)
    return step


@transaction.atomic
def form_field_add(
    *,
    actor: User | None,
    standard: ServiceStandard,
    key: str,
    label: str,
    field_type: str,
    required: bool = True,
    help_text: str = "",
    choices: str = "",
    requirement: Requirement | None = None,
) -> FormField:
    """Add a field to a draft's application form; a file field names the requirement it fulfils."""
    _require_manager(actor, standard.service.opd)
    standard = _lock_draft(standard)
    key = slugify(key or label)[:60]
    label = label.strip()
    if not label:
        raise ValidationError(_("Give the field a label."), code="label")
    if not key:
        raise ValidationError(_("Give the field a key, e.g. nama-anak."), code="key")
    try:
        field_type = FieldType(field_type).value
    except ValueError:
        raise ValidationError(_("Choose the type of the field."), code="field_type") from None
    if standard.form_fields.filter(key=key).exists():
        raise ValidationError(
            _("The form already has a field with the key %(key)s.") % {"key": key},
            code="key_taken",
        )
    choices = "\n".join(line.strip() for line in choices.splitlines() if line.strip())
    if field_type == FieldType.CHOICE and not choices:
        raise ValidationError(_("Give the choices, one per line."), code="choices_missing")
    if field_type == FieldType.FILE:
        if requirement is None or requirement.standard_id != standard.pk:
            raise ValidationError(
                _("Choose the requirement this upload fulfils."), code="requirement"
            )
        if not requirement.needs_upload:
            raise ValidationError(
                _("That requirement does not ask for an upload."), code="requirement"
            )
    else:
        requirement = None
    field = FormField.objects.create(
        standard=standard,
        order=_next_order(FormField, standard.pk),
        key=key,
        label=label[:200],
        help_text=help_text.strip()[:300],
        field_type=field_type,
        required=required,
        choices=choices if field_type == FieldType.CHOICE else "",
        requirement=requirement,
    )
    _row_audit(actor, "catalog.form_field_added", field, standard)
    return field


def _decree_problems(
    decree_number: str, decree_date: datetime.date | None
) -> list[ValidationError]:
    """What publishing needs in every case: the decree (SK) that sets the text."""
    problems = []
    if not decree_number.strip():
        problems.append(
            ValidationError(_("Give the number of the decree (SK)."), code="decree_number")
        )
    if decree_date is None:
        problems.append(ValidationError(_("Give the date of the decree."), code="decree_date"))
    return problems


P = TypeVar("P", ServiceStandard, ServicePledge)


def _supersede(previous: P | None) -> P | None:
    """The published version becomes superseded; returns it (or ``None`` for a first version)."""
    if previous is not None:
        previous.status = PublicationStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    return previous


def _mark_published(
    record: ServiceStandard | ServicePledge, decree_number: str, decree_date: datetime.date
) -> None:
    record.status = PublicationStatus.PUBLISHED
    record.decree_number = decree_number.strip()
    record.decree_date = decree_date
    record.published_at = timezone.now()
    record.save()


# Rows of a draft: requirements, procedure steps and form fields are removed and reordered alike.
DraftRow = Requirement | ProcedureStep | FormField
_ROW_NAMES = {Requirement: "requirement", ProcedureStep: "step", FormField: "form_field"}


@transaction.atomic
def draft_row_remove(*, actor: User | None, row: DraftRow) -> None:
    """Remove a requirement (with its upload field), step or form field from a draft."""
    standard = row.standard
    _require_manager(actor, standard.service.opd)
    standard = _lock_draft(standard)
    model = type(row)
    _row_audit(actor, f"catalog.{_ROW_NAMES[model]}_removed", row, standard)
    row.delete()
    remaining = model.objects.filter(standard=standard).order_by("order")
    _renumber(model, list(remaining.values_list("pk", flat=True)))


@transaction.atomic
def draft_row_move(*, actor: User | None, row: DraftRow, direction: Direction) -> None:
    """Move a requirement, step or form field of a draft one place up or down."""
    standard = row.standard
    _require_manager(actor, standard.service.opd)
    _lock_draft(standard)
    _move(type(row), row, direction)
    _row_audit(actor, f"catalog.{_ROW_NAMES[type(row)]}_moved", row, standard)


# ----------------------------------------------------------------------------- pledges


@transaction.atomic
def pledge_draft_create(*, actor: User | None, opd: OPD, text: str) -> ServicePledge:
    """A new draft Maklumat Pelayanan of ``opd`` (the next version number)."""
    _require_manager(actor, opd)
    OPD.objects.select_for_update().filter(pk=opd.pk).first()
    if opd.pledges.filter(status=PublicationStatus.DRAFT).exists():
        raise ValidationError(
            _("This unit already has a draft pledge. Finish it first."), code="draft_exists"
        )
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the text of the pledge."), code="text")
    top = opd.pledges.aggregate(top=Max("version"))["top"] or 0
    pledge = ServicePledge.objects.create(opd=opd, version=top + 1, text=text)
    _audit(
        actor=actor,
        action="catalog.pledge_draft_created",
        target=pledge,
        opd=opd,
        version=pledge.version,
    )
    return pledge


@transaction.atomic
def pledge_draft_update(*, actor: User | None, pledge: ServicePledge, text: str) -> ServicePledge:
    _require_manager(actor, pledge.opd)
    locked = ServicePledge.objects.select_for_update().get(pk=pledge.pk)
    _require_draft(locked)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the text of the pledge."), code="text")
    before = {"text": locked.text}
    locked.text = text
    locked.save(update_fields=["text"])
    _audit(
        actor=actor,
        action="catalog.pledge_draft_updated",
        target=locked,
        opd=pledge.opd,
        before=before,
        after={"text": text},
        version=locked.version,
    )
    return locked


@transaction.atomic
def pledge_publish(
    *,
    actor: User | None,
    pledge: ServicePledge,
    decree_number: str,
    decree_date: datetime.date,
) -> ServicePledge:
    """Set a draft pledge as the unit's Maklumat; the previous one is superseded."""
    opd = pledge.opd
    _require_manager(actor, opd)
    OPD.objects.select_for_update().filter(pk=opd.pk).first()
    locked = ServicePledge.objects.select_for_update().get(pk=pledge.pk)
    _require_draft(locked)
    problems = []
    if not locked.text.strip():
        problems.append(ValidationError(_("Write the text of the pledge."), code="text"))
    problems += _decree_problems(decree_number, decree_date)
    if problems:
        raise ValidationError(problems)
    previous = _supersede(opd.pledges.filter(status=PublicationStatus.PUBLISHED).first())
    _mark_published(locked, decree_number, decree_date)
    _audit(
        actor=actor,
        action="catalog.pledge_published",
        target=locked,
        opd=opd,
        before={"status": PublicationStatus.DRAFT},
        after={"status": PublicationStatus.PUBLISHED},
        version=locked.version,
        superseded_version=previous.version if previous else None,
    )
    publish(EVENT_PLEDGE_PUBLISHED, opd_id=opd.pk, pledge_id=locked.pk, pemda_id=opd.pemda_id)
    return locked
