"""The one access layer: who may do which action on which tenant object.

Every tenant-owned model declares ``tenant_field``, the lookup path to its Pemda (``"pemda"``,
``"opd__pemda"``, or ``"pk"`` for the Pemda itself; a null Pemda marks a national object), and may
declare ``opd_field``, the path to the OPD it belongs to (``"pk"`` for the OPD itself).

Grants come from the user's current role assignments (roles → actions, all data):

* platform and national roles grant their actions on every Pemda and on national objects
  (national roles hold read-only actions only);
* Pemda roles grant their actions on objects of that Pemda; a province's ``aggregates.view``
  reaches the kabupaten/kota inside it;
* OPD roles grant their actions only on objects that belong to that OPD or a unit below it —
  and on objects a model declares ``shared_within_pemda = True``: things that belong to the whole
  Pemda and are meant for everyone who works in it (the Pemda itself, its working calendar).

Citizens reach what they own (``owner_field``) through :func:`owned`.

Views, API endpoints, commands and tasks fetch tenant objects only through :func:`scoped` and
:func:`access_object`, which answer "not found" for anything the user may not see, so that the
existence of another Pemda's data is never revealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from melayani.core.models import Pemda, RoleScope

M = TypeVar("M", bound=Model)

_CACHE_ATTR = "_melayani_access_scope"
ASSIGNMENTS_CACHE_ATTR = "_melayani_assignments"


@dataclass(frozen=True)
class OPDGrant:
    opd_id: int
    pemda_id: int
    path: str
    actions: frozenset[str]


@dataclass
class AccessScope:
    """What one user may do, computed once per request from their current assignments."""

    everywhere: frozenset[str] = frozenset()
    by_pemda: dict[int, frozenset[str]] = field(default_factory=dict)
    by_opd: tuple[OPDGrant, ...] = ()

    def pemda_ids(self, action: str) -> set[int]:
        return {pid for pid, actions in self.by_pemda.items() if action in actions}

    def opd_grants(self, action: str) -> list[OPDGrant]:
        return [g for g in self.by_opd if action in g.actions]

    def has_any(self, action: str) -> bool:
        return (
            action in self.everywhere
            or bool(self.pemda_ids(action))
            or bool(self.opd_grants(action))
        )


def user_scope(user: Any) -> AccessScope:
    """The user's grants, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return AccessScope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _build_scope(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached grants (after the user's assignments change)."""
    for attr in (_CACHE_ATTR, ASSIGNMENTS_CACHE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def _build_scope(user: Any) -> AccessScope:
    from melayani.core.selectors import user_current_assignments

    everywhere: set[str] = set()
    by_pemda: dict[int, set[str]] = {}
    by_opd: list[OPDGrant] = []
    provinces_with_aggregates: set[int] = set()
    for assignment in user_current_assignments(user):
        role = assignment.role
        actions = frozenset(a.code for a in role.actions.all())
        if role.scope in (RoleScope.PLATFORM, RoleScope.NATIONAL):
            if role.scope == RoleScope.NATIONAL:
                actions = frozenset(a.code for a in role.actions.all() if a.is_read_only)
            everywhere |= actions
        elif role.scope == RoleScope.PEMDA and assignment.pemda_id is not None:
            by_pemda.setdefault(assignment.pemda_id, set()).update(actions)
            pemda = assignment.pemda
            if "aggregates.view" in actions and pemda is not None and pemda.kind == "province":
                provinces_with_aggregates.add(assignment.pemda_id)
        elif role.scope == RoleScope.OPD and assignment.opd is not None:
            by_opd.append(
                OPDGrant(
                    opd_id=assignment.opd.pk,
                    pemda_id=assignment.opd.pemda_id,
                    path=assignment.opd.path,
                    actions=actions,
                )
            )
    if provinces_with_aggregates:
        for regency_id in Pemda.objects.filter(
            province_id__in=provinces_with_aggregates
        ).values_list("pk", flat=True):
            by_pemda.setdefault(regency_id, set()).add("aggregates.view")
    return AccessScope(
        everywhere=frozenset(everywhere),
        by_pemda={pid: frozenset(a) for pid, a in by_pemda.items()},
        by_opd=tuple(by_opd),
    )


def _tenant_lookup(model: type[Model]) -> str:
    tenant_field = getattr(model, "tenant_field", None)
    if tenant_field is None:
        raise TypeError(f"{model.__name__} declares no tenant_field; it is not a tenant object")
    return "pk" if tenant_field == "pk" else f"{tenant_field}__pk"


def _opd_path_lookup(model: type[Model]) -> str | None:
    opd_field = getattr(model, "opd_field", None)
    if opd_field is None:
        return None
    return "path" if opd_field == "pk" else f"{opd_field}__path"


def scoped(user: Any, queryset: QuerySet[M], action: str) -> QuerySet[M]:
    """Narrow ``queryset`` to the objects on which ``user`` may perform ``action``."""
    model = queryset.model
    tenant = _tenant_lookup(model)
    scope = user_scope(user)
    if action in scope.everywhere:
        return queryset
    condition = Q()
    pemda_ids = scope.pemda_ids(action)
    if pemda_ids:
        condition |= Q(**{f"{tenant}__in": pemda_ids})
    opd_path = _opd_path_lookup(model)
    if opd_path is not None:
        for grant in scope.opd_grants(action):
            condition |= Q(**{f"{opd_path}__startswith": grant.path})
    elif getattr(model, "shared_within_pemda", False):
        unit_pemda_ids = {grant.pemda_id for grant in scope.opd_grants(action)}
        if unit_pemda_ids:
            condition |= Q(**{f"{tenant}__in": unit_pemda_ids})
    if not condition:
        return queryset.none()
    return queryset.filter(condition)


def access_object(user: Any, queryset: QuerySet[M], action: str, **lookup: Any) -> M:
    """Fetch one object the user may act on, or raise ``Http404`` (never revealing existence)."""
    try:
        return scoped(user, queryset, action).get(**lookup)
    except (ObjectDoesNotExist, MultipleObjectsReturned, ValueError):
        raise Http404 from None


def can(user: Any, action: str, *, pemda: Pemda | int | None = None, opd: Any = None) -> bool:
    """Whether ``user`` may perform ``action`` at all (no target), in a Pemda, or in an OPD."""
    scope = user_scope(user)
    if action in scope.everywhere:
        return True
    if opd is not None:
        return any(opd.path.startswith(g.path) for g in scope.opd_grants(action)) or (
            opd.pemda_id in scope.pemda_ids(action)
        )
    if pemda is not None:
        pemda_id = pemda if isinstance(pemda, int) else pemda.pk
        return pemda_id in scope.pemda_ids(action)
    return scope.has_any(action)


def visible_pemda_ids(user: Any, action: str) -> set[int] | None:
    """Pemda ids where ``user`` may perform ``action``; ``None`` means every Pemda."""
    scope = user_scope(user)
    if action in scope.everywhere:
        return None
    return scope.pemda_ids(action) | {g.pemda_id for g in scope.opd_grants(action)}


def owned(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """The objects a citizen owns through the model's ``owner_field`` (e.g. their applications).

    Ownership is separate from roles: a citizen account sees its own things and nothing else.
    """
    owner_field = getattr(queryset.model, "owner_field", None)
    if owner_field is None:
        raise TypeError(f"{queryset.model.__name__} declares no owner_field")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    return queryset.filter(**{owner_field: user})
