"""Minimal Region and Pemda rows for calendar tests, plus calendar rows."""

from __future__ import annotations

import datetime as dt

import factory

from melayani.core.models import Pemda, PemdaKind, TimeZoneName
from melayani.regions.models import Region, RegionKind, RegionLevel, RegionVersion


class RegionVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionVersion
        django_get_or_create = ("year",)

    year = 2025
    legal_basis = "Kepmendagri 300.2.2-2138/2025"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{10 + n % 80:02d}")
    level = RegionLevel.PROVINCE
    kind = RegionKind.PROVINCE
    name = factory.Sequence(lambda n: f"Region {n}")
    is_autonomous = True
    first_version = factory.SubFactory(RegionVersionFactory)
    last_version = factory.SelfAttribute("first_version")


class ProvincePemdaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pemda
        django_get_or_create = ("code",)

    region = factory.SubFactory(
        RegionFactory, code=factory.SelfAttribute("..code"), name=factory.SelfAttribute("..name")
    )
    code = "34"
    name = "Daerah Istimewa Yogyakarta"
    kind = PemdaKind.PROVINCE
    time_zone = TimeZoneName.WIB


class RegencyPemdaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pemda
        django_get_or_create = ("code",)

    province = factory.SubFactory(ProvincePemdaFactory)
    region = factory.SubFactory(
        RegionFactory,
        code=factory.SelfAttribute("..code"),
        name=factory.SelfAttribute("..name"),
        level=RegionLevel.REGENCY_OR_CITY,
        kind=RegionKind.CITY,
        parent=factory.SelfAttribute("..province.region"),
    )
    code = "34.71"
    name = "Kota Yogyakarta"
    kind = PemdaKind.CITY
    time_zone = TimeZoneName.WIB


def yogyakarta() -> Pemda:
    return RegencyPemdaFactory()


def merauke() -> Pemda:
    province = ProvincePemdaFactory(code="93", name="Papua Selatan", time_zone=TimeZoneName.WIT)
    return RegencyPemdaFactory(
        code="93.01",
        name="Kabupaten Merauke",
        kind=PemdaKind.REGENCY,
        time_zone=TimeZoneName.WIT,
        province=province,
        region__kind=RegionKind.REGENCY,
    )


def local_dt(zone: str, *args: int) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]
