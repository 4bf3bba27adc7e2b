"""Writes for tenancy and people. Each is one transaction that records its audit event."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from melayani.audit.services import audit_record
from melayani.core import access
from melayani.core.models import (
    OPD,
    Acting,
    Action,
    NationalBody,
    Pemda,
    PemdaKind,
    Role,
    RoleAssignment,
    RoleScope,
    User,
)
from melayani.core.roles import ACTIONS, ROLES


def roles_sync_builtin() -> None:
    """Create or refresh the built-in actions and roles (idempotent)."""
    with transaction.atomic():
        actions = {}
        for spec in ACTIONS:
            action, _created = Action.objects.update_or_create(
                code=spec.code,
                defaults={"description": str(spec.description), "is_read_only": spec.read_only},
            )
            actions[spec.code] = action
        for role_spec in ROLES:
            role, _created = Role.objects.update_or_create(
                code=role_spec.code,
                pemda=None,
                defaults={
                    "name": str(role_spec.name),
                    "scope": role_spec.scope,
                    "requires_two_factor": role_spec.requires_two_factor,
                },
            )
            role.actions.set([actions[c] for c in role_spec.actions])


def pemda_sync_from_regions() -> int:
    """Create a Pemda for every autonomous region that has none (all 546); returns how many."""
    from melayani.regions.selectors import autonomous_regions

    regions = list(autonomous_regions().select_related("parent").order_by("level", "code"))
    existing = set(Pemda.objects.values_list("code", flat=True))
    created = 0
    with transaction.atomic():
        provinces = {p.code: p for p in Pemda.objects.filter(kind=PemdaKind.PROVINCE)}
        for region in regions:
            if region.code in existing:
                continue
            if region.level == 1:
                kind, province = PemdaKind.PROVINCE, None
            else:
                kind = PemdaKind.CITY if region.kind == "city" else PemdaKind.REGENCY
                province = provinces[region.code[:2]]
            pemda = Pemda.objects.create(
                region=region,
                code=region.code,
                name=_pemda_name(region.name, kind),
                kind=kind,
                province=province,
                time_zone=_time_zone_of(region),
            )
            if kind == PemdaKind.PROVINCE:
                provinces[pemda.code] = pemda
            created += 1
        if created:
            audit_record(
                actor=None,
                action="pemda.synced_from_regions",
                target_type="core.pemda",
                pemda=None,
                after={"created": created},
            )
    return created


def _time_zone_of(region: Any) -> str:
    from melayani.regions.selectors import region_time_zone

    return region_time_zone(region.code)


def _pemda_name(region_name: str, kind: str) -> str:
    if kind == PemdaKind.PROVINCE and not region_name.lower().startswith("provinsi"):
        return f"Provinsi {region_name}"
    return region_name


def opd_create(
    *,
    actor: User | None,
    pemda: Pemda,
    name: str,
    kind: str,
    slug: str = "",
    parent: OPD | None = None,
) -> OPD:
    if actor is not None and not access.can(actor, "opd.manage", pemda=pemda):
        raise PermissionError("opd.manage")
    if parent is not None and parent.pemda_id != pemda.pk:
        raise ValidationError({"parent": _("The parent unit belongs to another Pemda.")})
    opd = OPD(
        pemda=pemda, parent=parent, name=name.strip(), kind=kind, slug=slug or slugify(name)[:60]
    )
    opd.full_clean(exclude=["path"])
    with transaction.atomic():
        opd.path = "/"  # placeholder until the primary key exists
        opd.save()
        opd.path = f"{parent.path if parent else '/'}{opd.pk}/"
        opd.save(update_fields=["path"])
        audit_record(
            actor=actor,
            action="opd.created",
            target=opd,
            pemda=pemda,
            after={"name": opd.name, "kind": opd.kind, "parent": parent.pk if parent else None},
        )
    return opd


def role_assignment_create(
    *,
    actor: User | None,
    user: User,
    role: Role,
    pemda: Pemda | None = None,
    opd: OPD | None = None,
    national_body: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    acting: str = Acting.DEFINITIVE,
    decree: str = "",
) -> RoleAssignment:
    """Assign a role in its proper scope; the scope rules are checked here, once."""
    if opd is not None:
        pemda = opd.pemda
    errors: dict[str, str] = {}
    if role.scope == RoleScope.OPD and opd is None:
        errors["opd"] = _("This role is held in an OPD; choose one.")
    if role.scope == RoleScope.PEMDA and (pemda is None or opd is not None):
        errors["pemda"] = _("This role is held for a whole Pemda; choose the Pemda only.")
    if role.scope == RoleScope.NATIONAL:
        if pemda is not None:
            errors["pemda"] = _("A national role is not held in a Pemda.")
        if national_body not in NationalBody.values:
            errors["national_body"] = _("Choose Kemendagri or KemenPANRB.")
    if role.scope == RoleScope.PLATFORM and pemda is not None:
        errors["pemda"] = _("The platform role is not held in a Pemda.")
    if role.pemda_id is not None and role.pemda_id != (pemda.pk if pemda else None):
        errors["role"] = _("This role belongs to another Pemda.")
    if errors:
        raise ValidationError(errors)
    if actor is not None and not (
        access.can(actor, "people.manage", pemda=pemda)
        if pemda is not None
        else "people.manage" in access.user_scope(actor).everywhere
    ):
        raise PermissionError("people.manage")
    assignment = RoleAssignment(
        user=user,
        role=role,
        pemda=pemda,
        opd=opd,
        national_body=national_body,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
        acting=acting,
        decree=decree,
    )
    assignment.full_clean()
    with transaction.atomic():
        assignment.save()
        if user.kind != User.Kind.OFFICIAL:
            user.kind = User.Kind.OFFICIAL
            user.save(update_fields=["kind"])
        audit_record(
            actor=actor,
            action="role_assignment.created",
            target=assignment,
            pemda=pemda,
            after={
                "user": user.pk,
                "role": role.code,
                "opd": opd.pk if opd else None,
                "starts_on": str(assignment.starts_on),
                "ends_on": str(ends_on) if ends_on else None,
                "acting": acting,
            },
        )
    access.forget_scope(user)
    return assignment


def role_assignment_end(
    *, actor: User | None, assignment: RoleAssignment, ends_on: datetime.date
) -> RoleAssignment:
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    if actor is not None and not access.can(actor, "people.manage", pemda=assignment.pemda):
        raise PermissionError("people.manage")
    with transaction.atomic():
        before = {"ends_on": str(assignment.ends_on) if assignment.ends_on else None}
        assignment.ends_on = ends_on
        assignment.save(update_fields=["ends_on"])
        audit_record(
            actor=actor,
            action="role_assignment.ended",
            target=assignment,
            pemda=assignment.pemda,
            before=before,
            after={"ends_on": str(ends_on)},
        )
    access.forget_scope(assignment.user)
    return assignment


def user_create_official(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    email: str = "",
    nip: str = "",
    password: str | None = None,
    pemda: Pemda | None = None,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        nip=nip,
        kind=User.Kind.OFFICIAL,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor,
            action="user.created",
            target=user,
            pemda=pemda,
            after={"username": username, "kind": user.kind},
        )
    return user


def pemda_update_settings(
    *, actor: User, pemda: Pemda, two_factor_for_all_officials: bool
) -> Pemda:
    """Per-Pemda policy: whether every official, not only sensitive roles, needs one-time codes."""
    if not access.can(actor, "pemda.manage_settings", pemda=pemda):
        raise PermissionError("pemda.manage_settings")
    with transaction.atomic():
        before = {"two_factor_for_all_officials": pemda.two_factor_for_all_officials}
        pemda.two_factor_for_all_officials = two_factor_for_all_officials
        pemda.save(update_fields=["two_factor_for_all_officials"])
        audit_record(
            actor=actor,
            action="pemda.settings_changed",
            target=pemda,
            pemda=pemda,
            before=before,
            after={"two_factor_for_all_officials": two_factor_for_all_officials},
        )
    return pemda


def user_set_nik(*, actor: User | None, user: User, nik: str) -> User:
    """Record a person's NIK: validated, encrypted at rest, findable through its blind index."""
    from melayani.core.fields import nik_blind_index
    from melayani.core.nik import clean_nik, validate_nik

    value = clean_nik(nik)
    if value:
        validate_nik(value)
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionError("personal_data")
    with transaction.atomic():
        changed = user.nik != value
        user.nik = value
        user.nik_index = nik_blind_index(value) if value else ""
        user.save(update_fields=["nik", "nik_index"])
        if changed:
            # The trail names the field, never the value.
            audit_record(
                actor=actor,
                action="user.nik_changed",
                target=user,
                pemda=None,
                after={"nik": "(changed)"},
            )
    return user


class CodeCheck:
    """Outcomes of checking a one-time code."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    THROTTLED = "throttled"


def two_factor_device_pending(*, user: User) -> Any:
    """The user's unconfirmed authenticator, kept across page loads until it is confirmed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Melayani", confirmed=False)
    return device


def two_factor_device_confirm(*, user: User, device: Any, token: str) -> str:
    """Confirm a new authenticator with its first code (django-otp throttles wrong codes)."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionError("two_factor")
    if not device.verify_is_allowed()[0]:
        return CodeCheck.THROTTLED
    with transaction.atomic():
        if not device.verify_token(token):
            return CodeCheck.WRONG
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=user,
            action="two_factor.device_confirmed",
            target=user,
            pemda=None,
            after={"device": device.persistent_id},
        )
    return CodeCheck.ACCEPTED


def two_factor_verify(*, user: User, token: str) -> tuple[str, Any]:
    """Check a sign-in code against the user's confirmed authenticators."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    allowed = [d for d in devices if d.verify_is_allowed()[0]]
    if not allowed:
        return CodeCheck.THROTTLED, None
    for device in allowed:
        if device.verify_token(token):
            return CodeCheck.ACCEPTED, device
    return CodeCheck.WRONG, None


def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's interface language; unknown languages are ignored."""
    from django.conf import settings

    if language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
