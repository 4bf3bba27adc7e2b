"""Tenancy writes: scope rules for assignments, the OPD tree, settings, and their audit events."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from melayani.audit.models import AuditEvent
from melayani.core import selectors, services
from melayani.core.models import OPD, Pemda, Role, User
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


def role(code: str) -> Role:
    return Role.objects.get(code=code, pemda=None)


def test_all_546_pemda_exist_with_their_time_zones(reference_data) -> None:
    assert Pemda.objects.count() == 546
    assert Pemda.objects.filter(kind="province").count() == 38
    assert Pemda.objects.exclude(kind="province").count() == 508
    # The six administrative units of DKI Jakarta are regions, not Pemda.
    assert not Pemda.objects.filter(code__in=["31.01", "31.71", "31.75"]).exists()
    zones = dict(
        Pemda.objects.filter(code__in=["93.01", "34.71", "62", "65", "21", "96"]).values_list(
            "code", "time_zone"
        )
    )
    assert zones == {
        "93.01": "Asia/Jayapura",
        "34.71": "Asia/Jakarta",
        "62": "Asia/Pontianak",
        "65": "Asia/Makassar",
        "21": "Asia/Jakarta",
        "96": "Asia/Jayapura",
    }
    merauke = Pemda.objects.get(code="93.01")
    assert (merauke.kind, merauke.province.code, merauke.zone_abbreviation) == (
        "regency",
        "93",
        "WIT",
    )
    assert Pemda.objects.get(code="34.71").kind == "city"
    assert services.pemda_sync_from_regions() == 0  # idempotent


def test_opd_tree_paths_and_audit(world) -> None:
    admin = world["pemda_admin"]
    parent = services.opd_create(
        actor=admin, pemda=world.merauke, name="Dinas Pendidikan", kind="dinas"
    )
    child = services.opd_create(
        actor=admin, pemda=world.merauke, name="Bidang SD", kind="other", parent=parent
    )
    assert child.path == f"{parent.path}{child.pk}/"
    assert set(selectors.opd_subtree(parent)) == {parent, child}
    assert AuditEvent.objects.filter(action="opd.created", pemda=world.merauke).count() >= 2


def test_opd_create_refuses_other_pemda_and_cross_pemda_parent(world) -> None:
    with pytest.raises(PermissionError):
        services.opd_create(
            actor=world["other_pemda_admin"],
            pemda=world.merauke,
            name="Dinas Sisipan",
            kind="dinas",
        )
    with pytest.raises(ValidationError):
        services.opd_create(
            actor=None,
            pemda=world.yogyakarta,
            name="Anak Salah",
            kind="other",
            parent=world.dukcapil,
        )
    assert not OPD.objects.filter(name__in=["Dinas Sisipan", "Anak Salah"]).exists()


@pytest.mark.parametrize(
    ("role_code", "kwargs", "field"),
    [
        ("opd_officer", {"pemda": "merauke"}, "opd"),
        ("inspectorate", {"opd": "dukcapil"}, "pemda"),
        ("national_analyst", {"pemda": "merauke"}, "pemda"),
        ("national_analyst", {}, "national_body"),
        ("platform_admin", {"pemda": "merauke"}, "pemda"),
    ],
)
def test_assignment_scope_rules(world, role_code, kwargs, field) -> None:
    resolved = {k: getattr(world, v) for k, v in kwargs.items()}
    user = UserFactory(username="newcomer")
    with pytest.raises(ValidationError) as excinfo:
        services.role_assignment_create(actor=None, user=user, role=role(role_code), **resolved)
    assert field in excinfo.value.message_dict
    assert not user.assignments.exists()


def test_assignment_dates_and_acting(world) -> None:
    user = UserFactory(username="plt.kadis", kind=User.Kind.CITIZEN)
    with pytest.raises(ValidationError):
        services.role_assignment_create(
            actor=world["pemda_admin"],
            user=user,
            role=role("opd_head"),
            opd=world.dinkes,
            starts_on=datetime.date(2026, 5, 1),
            ends_on=datetime.date(2026, 4, 1),
        )
    assignment = services.role_assignment_create(
        actor=world["pemda_admin"],
        user=user,
        role=role("opd_head"),
        opd=world.dinkes,
        starts_on=datetime.date(2026, 1, 5),
        acting="plt",
        decree="800/123/2026",
    )
    user.refresh_from_db()
    assert user.kind == User.Kind.OFFICIAL
    assert assignment.pemda == world.merauke
    event = AuditEvent.objects.filter(action="role_assignment.created").latest("pk")
    assert event.pemda_id == world.merauke.pk
    services.role_assignment_end(
        actor=world["pemda_admin"], assignment=assignment, ends_on=datetime.date(2026, 3, 31)
    )
    assert selectors.user_current_assignments(user, on=datetime.date(2026, 4, 1)) == []


def test_only_people_managers_of_that_pemda_assign(world) -> None:
    user = UserFactory(username="target")
    for actor in ("other_pemda_admin", "opd_head", "inspector", "national_analyst"):
        with pytest.raises(PermissionError):
            services.role_assignment_create(
                actor=world[actor], user=user, role=role("opd_officer"), opd=world.dinkes
            )
    # National and platform roles: only the platform.
    with pytest.raises(PermissionError):
        services.role_assignment_create(
            actor=world["pemda_admin"],
            user=user,
            role=role("national_analyst"),
            national_body="kemendagri",
        )
    services.role_assignment_create(
        actor=world["platform_admin"],
        user=user,
        role=role("national_analyst"),
        national_body="kemendagri",
    )


def test_two_factor_requirement(world) -> None:
    assert selectors.user_requires_two_factor(world["inspector"])
    assert selectors.user_requires_two_factor(world["pemda_admin"])
    assert selectors.user_requires_two_factor(world["dpo"])
    assert selectors.user_requires_two_factor(world["national_analyst"])
    assert selectors.user_requires_two_factor(world["platform_admin"])
    officer = world["officer"]
    assert not selectors.user_requires_two_factor(officer)
    services.pemda_update_settings(
        actor=world["pemda_admin"], pemda=world.merauke, two_factor_for_all_officials=True
    )
    officer = User.objects.get(pk=officer.pk)  # a fresh request
    assert selectors.user_requires_two_factor(officer)
    assert not selectors.user_requires_two_factor(world["other_pemda_officer"])
    with pytest.raises(PermissionError):
        services.pemda_update_settings(
            actor=world["other_pemda_admin"],
            pemda=world.merauke,
            two_factor_for_all_officials=False,
        )


def test_builtin_roles_are_data_a_pemda_can_extend(world) -> None:
    from melayani.core import access
    from melayani.core.models import Action

    custom = Role.objects.create(
        code="verifikator", name="Verifikator", pemda=world.merauke, scope="pemda"
    )
    custom.actions.add(Action.objects.get(code="audit.view_events"))
    user = UserFactory(username="verifikator")
    services.role_assignment_create(
        actor=world["pemda_admin"], user=user, role=custom, pemda=world.merauke
    )
    assert access.can(user, "audit.view_events", pemda=world.merauke)
    with pytest.raises(ValidationError):  # Merauke's role cannot be used in Yogyakarta
        services.role_assignment_create(actor=None, user=user, role=custom, pemda=world.yogyakarta)
    services.roles_sync_builtin()  # re-sync leaves a Pemda's own roles alone
    assert Role.objects.filter(pk=custom.pk).exists()
