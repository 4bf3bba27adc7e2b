"""The access layer: grants from dated role assignments, by scope, answering 404 for the rest."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from melayani.core import access
from melayani.core.models import OPD, Pemda, RoleAssignment
from tests.core.factories import UserFactory, assign

pytestmark = pytest.mark.django_db


def visible_opds(user, world) -> set[str]:
    qs = OPD.objects.filter(
        pk__in=[
            world.dukcapil.pk,
            world.dukcapil_service_desk.pk,
            world.dinkes.pk,
            world.jogja_dukcapil.pk,
        ]
    )
    return set(access.scoped(user, qs, "opd.view").values_list("name", flat=True))


def test_opd_role_sees_its_unit_and_units_below_only(world) -> None:
    assert visible_opds(world["opd_head"], world) == {
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Bidang Pelayanan",
    }
    # The officer sits in the sub-unit: the parent OPD is not theirs.
    assert visible_opds(world["officer"], world) == {"Bidang Pelayanan"}


def test_pemda_role_sees_whole_pemda_and_nothing_of_another(world) -> None:
    names = visible_opds(world["pemda_admin"], world)
    assert "Dinas Kesehatan" in names and "Dinas Dukcapil Yogyakarta" not in names
    assert visible_opds(world["other_pemda_admin"], world) == {"Dinas Dukcapil Yogyakarta"}


def test_national_and_platform_roles_read_across_pemda(world) -> None:
    assert len(visible_opds(world["national_analyst"], world)) == 4
    assert len(visible_opds(world["platform_admin"], world)) == 4


def test_national_roles_never_get_write_actions(world) -> None:
    from melayani.core.models import Action, Role

    role = Role.objects.get(code="national_analyst", pemda=None)
    role.actions.add(Action.objects.get(code="opd.manage"))  # a misconfiguration
    analyst = world["national_analyst"]
    access.forget_scope(analyst)
    assert not access.can(analyst, "opd.manage", pemda=world.merauke)
    assert access.can(analyst, "opd.view", pemda=world.merauke)


def test_citizens_anonymous_and_ended_assignments_get_nothing(world) -> None:
    from django.contrib.auth.models import AnonymousUser

    for user in (world["citizen"], AnonymousUser(), world["former_inspector"]):
        assert visible_opds(user, world) == set()
        assert not access.can(user, "audit.view_events")


def test_dated_assignment_starts_and_ends(world) -> None:
    user = UserFactory(username="future")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assign(user, "inspectorate", pemda=world.merauke, starts_on=tomorrow)
    assert not access.can(user, "audit.view_events", pemda=world.merauke)
    RoleAssignment.objects.filter(user=user).update(starts_on=datetime.date.today())
    access.forget_scope(user)
    assert access.can(user, "audit.view_events", pemda=world.merauke)


def test_province_sees_aggregates_of_its_regencies_but_not_their_private_data(world) -> None:
    leader = world["province_leader"]
    assert access.can(leader, "aggregates.view", pemda=world.merauke)
    assert not access.can(leader, "aggregates.view", pemda=world.yogyakarta)
    assert not access.can(leader, "opd.view", pemda=world.merauke)
    assert not access.can(leader, "people.view", pemda=world.merauke)


def test_access_object_answers_404_for_what_is_not_visible(world) -> None:
    admin = world["pemda_admin"]
    found = access.access_object(admin, OPD.objects.all(), "opd.view", pk=world.dinkes.pk)
    assert found == world.dinkes
    with pytest.raises(Http404):
        access.access_object(admin, OPD.objects.all(), "opd.view", pk=world.jogja_dukcapil.pk)
    with pytest.raises(Http404):  # absent and forbidden look the same
        access.access_object(admin, OPD.objects.all(), "opd.view", pk=10**9)
    with pytest.raises(Http404):
        access.access_object(admin, OPD.objects.all(), "opd.view", pk="not-a-number")


def test_pemda_itself_is_scoped_by_pk(world) -> None:
    visible = access.scoped(world["other_pemda_admin"], Pemda.objects.all(), "pemda.view")
    assert list(visible.values_list("code", flat=True)) == ["34.71"]


def test_scope_is_computed_once_per_user_object(world, django_assert_max_num_queries) -> None:
    user = world["pemda_admin"]
    access.forget_scope(user)
    access.can(user, "opd.view")
    with django_assert_max_num_queries(0):
        for _ in range(20):
            access.can(user, "opd.view", pemda=world.merauke)


def test_acting_assignments_grant_like_definitive_ones(world) -> None:
    user = UserFactory(username="plt")
    assign(user, "opd_head", opd=world.dinkes, acting="plt")
    assert access.can(user, "services.supervise", opd=world.dinkes)
    assert not access.can(user, "services.supervise", opd=world.dukcapil)


def test_tenant_field_is_required() -> None:
    from melayani.core.models import User

    with pytest.raises(TypeError):
        access.scoped(None, User.objects.all(), "people.view")
