"""Reads for tenancy and people."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from melayani.core import access
from melayani.core.models import OPD, Action, Pemda, RoleAssignment, RoleScope, User
from melayani.core.roles import ALWAYS_TWO_FACTOR


def user_current_assignments(user: Any, *, on: datetime.date | None = None) -> list[RoleAssignment]:
    """The user's assignments in force today (or ``on``), with role, actions, Pemda and OPD.

    Today's list is cached on the user object, which lives for one request.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    if on is None and hasattr(user, access.ASSIGNMENTS_CACHE_ATTR):
        return list(getattr(user, access.ASSIGNMENTS_CACHE_ATTR))
    assignments = list(
        RoleAssignment.objects.current(on)
        .filter(user=user)
        .select_related("role", "pemda", "opd", "opd__pemda")
        .prefetch_related(
            Prefetch("role__actions", queryset=Action.objects.only("code", "is_read_only"))
        )
        .order_by("starts_on", "pk")
    )
    if on is None:
        setattr(user, access.ASSIGNMENTS_CACHE_ATTR, tuple(assignments))
    return assignments


def user_is_platform_admin(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(
        a.role.scope == RoleScope.PLATFORM for a in user_current_assignments(user)
    )


def user_requires_two_factor(user: Any) -> bool:
    """One-time codes are required for sensitive roles, and for everyone where a Pemda says so."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    for assignment in user_current_assignments(user):
        role = assignment.role
        if role.requires_two_factor or role.code in ALWAYS_TWO_FACTOR:
            return True
        pemda = assignment.pemda or (assignment.opd.pemda if assignment.opd else None)
        if pemda is not None and pemda.two_factor_for_all_officials:
            return True
    return False


def user_home_pemda(user: Any) -> Pemda | None:
    """The Pemda a signed-in official works for (their first current assignment's)."""
    for assignment in user_current_assignments(user):
        if assignment.pemda is not None:
            return assignment.pemda
        if assignment.opd is not None:
            return assignment.opd.pemda
    return None


def pemda_list(*, kind: str | None = None, province_code: str | None = None) -> QuerySet[Pemda]:
    """Public list of Pemda (tenants are public facts; their data is not)."""
    queryset = Pemda.objects.select_related("province").order_by("code")
    if kind:
        queryset = queryset.filter(kind=kind)
    if province_code:
        queryset = queryset.filter(province__code=province_code)
    return queryset


def pemda_get_by_code(code: str) -> Pemda:
    return Pemda.objects.select_related("province", "region").get(code=code)


def opd_tree(*, user: Any, pemda: Pemda) -> list[OPD]:
    """A Pemda's units in tree order (parents before children), as the user may see them."""
    return list(
        access.scoped(user, OPD.objects.filter(pemda=pemda), "opd.view").order_by("path", "name")
    )


def opd_subtree(opd: OPD) -> QuerySet[OPD]:
    return OPD.objects.filter(pemda_id=opd.pemda_id, path__startswith=opd.path)


def people_list(*, user: Any, pemda: Pemda) -> QuerySet[RoleAssignment]:
    """A Pemda's role assignments (current and past) that the user may see."""
    return access.scoped(
        user,
        RoleAssignment.objects.filter(pemda=pemda).select_related("user", "role", "opd"),
        "people.view",
    ).order_by("user__full_name", "starts_on")


def user_find_by_nik(nik: str) -> User | None:
    from melayani.core.fields import blind_index_candidates
    from melayani.core.nik import clean_nik

    value = clean_nik(nik)
    if not value:
        return None
    return User.objects.filter(nik_index__in=blind_index_candidates(value, purpose="nik")).first()


def user_nik_for(*, viewer: Any, subject: User, pemda: Pemda | None = None) -> str:
    """The subject's NIK as ``viewer`` may see it: whole for the person themself and for roles
    that need it (``personal_data.view_unmasked`` in that Pemda), masked for everyone else.
    Every unmasked view by an official is written to the audit trail."""
    from melayani.core.masking import mask_nik
    from melayani.privacy.services import unmasked_read_record

    if not subject.nik:
        return ""
    if getattr(viewer, "pk", None) == subject.pk:
        return subject.nik
    if pemda is not None and access.can(viewer, "personal_data.view_unmasked", pemda=pemda):
        unmasked_read_record(
            actor=viewer, pemda=pemda, target=subject, fields=["nik"], surface="core.user_nik"
        )
        return subject.nik
    return mask_nik(subject.nik)


def action_holders(
    *, pemda_id: int, action: str, opds: Iterable[OPD] = (), pemda_wide: bool = True
) -> list[User]:
    """The active people who hold ``action`` today through a role in the Pemda (Pemda-wide
    roles, when ``pemda_wide``) or on one of ``opds`` or a unit above it. One query."""
    condition = Q()
    if pemda_wide:
        condition |= Q(pemda_id=pemda_id, opd__isnull=True)
    opd_list = list(opds)
    if opd_list:
        condition |= Q(opd__pemda_id=pemda_id)
    if not condition:
        return []
    assignments = (
        RoleAssignment.objects.current()
        .filter(condition, role__actions__code=action, user__is_active=True)
        .select_related("user", "opd")
        .distinct()
    )
    users: dict[int, User] = {}
    for a in assignments:
        if a.opd is not None and not any(o.path.startswith(a.opd.path) for o in opd_list):
            continue
        users[a.user.pk] = a.user
    return list(users.values())
