"""Factories for tenancy and people. Pemda come from the loaded region data (all 546 exist)."""

from __future__ import annotations

import datetime

import factory
from django.utils.text import slugify

from melayani.core.models import OPD, Pemda, Role, RoleAssignment, User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.go.id")
    kind = User.Kind.OFFICIAL
    password = factory.django.Password("correct-horse-battery")


class OPDFactory(factory.django.DjangoModelFactory[OPD]):
    class Meta:
        model = OPD
        skip_postgeneration_save = True

    pemda = factory.LazyFunction(lambda: Pemda.objects.get(code="93.01"))
    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:60])
    kind = "dinas"
    parent = None
    path = "/"

    @factory.post_generation
    def fix_path(obj: OPD, create: bool, extracted: object, **kwargs: object) -> None:
        obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        obj.save(update_fields=["path"])


def assign(
    user: User,
    role_code: str,
    *,
    pemda: Pemda | None = None,
    opd: OPD | None = None,
    national_body: str = "",
    starts_on: datetime.date = datetime.date(2020, 1, 1),
    ends_on: datetime.date | None = None,
    acting: str = "",
) -> RoleAssignment:
    role = Role.objects.get(code=role_code, pemda=None)
    return RoleAssignment.objects.create(
        user=user,
        role=role,
        pemda=opd.pemda if opd else pemda,
        opd=opd,
        national_body=national_body,
        starts_on=starts_on,
        ends_on=ends_on,
        acting=acting,
    )
