"""Search, the published-standard metric, and the demo seeder."""

from __future__ import annotations

import datetime

import pytest

from melayani.catalog import selectors, services
from melayani.catalog.demo import catalog_demo_seed
from melayani.catalog.models import PublicationStatus, ServiceStandard, ServiceType
from melayani.core import metrics
from melayani.core.demo import demo_seed
from tests.catalog.factories import ServiceTypeFactory, draft_standard, published_service

pytestmark = pytest.mark.django_db


def names(queryset) -> list[str]:
    return sorted(s.name for s in queryset)


def test_search_is_case_insensitive_over_name_keywords_and_description(world) -> None:
    published_service(world.dukcapil, name="Akta Kelahiran", keywords="bayi lahir")
    published_service(
        world.dinkes, name="Surat Keterangan Sehat", description="Untuk melamar kerja"
    )
    draft_standard(ServiceTypeFactory(opd=world.dukcapil, name="Akta Kematian"))
    search = selectors.catalog_search
    assert names(search(pemda=world.merauke, query="akta")) == ["Akta Kelahiran"]
    assert names(search(pemda=world.merauke, query="BAYI")) == ["Akta Kelahiran"]
    assert names(search(pemda=world.merauke, query="melamar")) == ["Surat Keterangan Sehat"]
    assert names(search(pemda=world.merauke, query="akta sehat")) == []
    assert names(search(pemda=world.merauke, opd=world.dinkes)) == ["Surat Keterangan Sehat"]
    assert search(pemda=world.yogyakarta).count() == 0


def test_search_covers_sub_units_and_skips_inactive(world) -> None:
    desk = published_service(world.dukcapil_service_desk, name="KTP-el")
    published_service(world.dukcapil, name="Kartu Keluarga")
    assert names(selectors.catalog_search(pemda=world.merauke, opd=world.dukcapil)) == [
        "KTP-el",
        "Kartu Keluarga",
    ]
    services.service_update(actor=None, service=desk, name=desk.name, is_active=False)
    assert names(selectors.catalog_search(pemda=world.merauke)) == ["Kartu Keluarga"]
    with pytest.raises(ServiceType.DoesNotExist):
        selectors.service_get_public(pemda_code="93.01", code=desk.code)


def test_metric_share_of_services_with_a_published_standard(world) -> None:
    assert selectors.METRIC_PUBLISHED_SHARE in metrics.names()
    today = datetime.date.today()
    start = today.replace(month=1, day=1)
    empty = metrics.compute(
        "catalog.published_standard_share", pemda_id=world.merauke.pk, start=start, end=today
    )
    assert (empty.value, empty.numerator, empty.denominator) == (None, 0, 0)
    published = published_service(world.dukcapil)
    published_service(world.dinkes)
    draft_standard(ServiceTypeFactory(opd=world.dukcapil))
    ServiceTypeFactory(opd=world.dinkes)
    withdrawn = published_service(world.dinkes)
    services.service_update(actor=None, service=withdrawn, name="x", is_active=False)
    # A new version does not count twice.
    current = selectors.standard_current(published)
    assert current is not None
    services.standard_publish(
        actor=None,
        standard=services.standard_new_version(actor=None, standard=current),
        decree_number="2",
        decree_date=today,
    )
    value = metrics.compute(
        "catalog.published_standard_share", pemda_id=world.merauke.pk, start=start, end=today
    )
    assert (value.numerator, value.denominator) == (2, 4)
    assert str(value.value) == "50.00"
    before = metrics.compute(
        "catalog.published_standard_share",
        pemda_id=world.merauke.pk,
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2020, 12, 31),
    )
    assert before.denominator == 0
    other = metrics.compute(
        "catalog.published_standard_share", pemda_id=world.yogyakarta.pk, start=start, end=today
    )
    assert other.denominator == 0


def test_demo_seed_is_idempotent_and_publishes_everything(reference_data) -> None:
    demo_seed()
    catalog_demo_seed()
    counts = (ServiceType.objects.count(), ServiceStandard.objects.count())
    catalog_demo_seed()
    assert (ServiceType.objects.count(), ServiceStandard.objects.count()) == counts
    assert counts[0] >= 10
    assert not ServiceStandard.objects.exclude(status=PublicationStatus.PUBLISHED).exists()
    pbg = selectors.service_get_public(pemda_code="93.01", code="pbg")
    standard = selectors.standard_current(pbg)
    assert standard is not None
    assert (standard.completion_time_value, standard.fee_is_free) == (14, False)
    assert standard.pledge is not None
    jogja = selectors.catalog_search(pemda=selectors.public_pemda("34.71"), query="akta")
    assert [s.code for s in jogja] == ["akta-kelahiran"]


def test_metric_share_of_services_online(world) -> None:
    today = datetime.date.today()
    start = today.replace(month=1, day=1)
    online = published_service(world.dukcapil)
    offline = published_service(world.dinkes)
    services.service_update(actor=None, service=offline, name=offline.name, accepts_online=False)
    draft_standard(ServiceTypeFactory(opd=world.dukcapil))  # online switch on, nothing published
    published_service(world.jogja_dukcapil)  # another Pemda
    value = metrics.compute(
        selectors.METRIC_ONLINE_SHARE, pemda_id=world.merauke.pk, start=start, end=today
    )
    assert (value.numerator, value.denominator) == (1, 3)
    assert str(value.value) == "33.33"
    assert online.accepts_online
