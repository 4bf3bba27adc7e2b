"""Shared fixtures: reference data loaded once per test database, and the personas.

The personas carry the permission matrix into every test: officials of Kabupaten Merauke (the
home Pemda), its province Papua Selatan, national analysts, a platform administrator, a citizen,
and officials of Kota Yogyakarta (another Pemda, who must never see Merauke's private data).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps as django_apps

from melayani.core.models import OPD, Pemda, User
from tests.core.factories import OPDFactory, UserFactory, assign


def ensure_reference_data() -> None:
    """Regions (to kecamatan level), built-in roles and the 546 Pemda, if not present."""
    from melayani.core.services import pemda_sync_from_regions, roles_sync_builtin
    from melayani.regions.models import Region
    from melayani.regions.services import regions_load

    if not Region.objects.filter(level=3).exists():
        regions_load(max_level=3)
    roles_sync_builtin()
    if Pemda.objects.count() < 546:
        pemda_sync_from_regions()
    # Rows that data migrations write (a transactional test's flush removes them too).
    for module, function, model in DATA_MIGRATIONS:
        if not django_apps.get_model(model).objects.exists():
            getattr(importlib.import_module(module), function)(django_apps, None)


DATA_MIGRATIONS = (
    (
        "melayani.complaints.migrations.0002_national_deadline_rules",
        "add_rules",
        "complaints.DeadlineRule",
    ),
    ("melayani.surveys.migrations.0002_questionnaire_14_2017", "seed", "surveys.Questionnaire"),
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _region_cache_is_per_test() -> Iterator[None]:
    # Region code sets are cached in-process; a rolled-back test database must not leave them stale.
    from melayani.regions.selectors import region_cache_clear

    region_cache_clear()
    yield
    region_cache_clear()


@pytest.fixture
def indonesian_default(settings) -> None:
    """The real default language (the test settings use English to match source texts)."""
    settings.LANGUAGE_CODE = "id"


@pytest.fixture
def reference_data(db: None) -> None:
    # Transactional tests empty the tables when they finish; load again where needed.
    ensure_reference_data()


@dataclass
class World:
    merauke: Pemda
    papua_selatan: Pemda
    yogyakarta: Pemda
    dukcapil: OPD
    dukcapil_service_desk: OPD
    dinkes: OPD
    merauke_inspectorate: OPD
    jogja_dukcapil: OPD
    personas: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.personas[name]


PERSONA_NAMES = (
    "citizen",
    "officer",
    "opd_head",
    "pemda_admin",
    "reform_team",
    "inspector",
    "complaint_coordinator",
    "liaison",
    "dpo",
    "leader",
    "province_leader",
    "national_analyst",
    "kemenpanrb_evaluator",
    "platform_admin",
    "other_pemda_officer",
    "other_pemda_admin",
    "other_pemda_inspector",
    "former_inspector",
)


@pytest.fixture
def world(reference_data: None) -> World:
    merauke = Pemda.objects.get(code="93.01")
    papua_selatan = Pemda.objects.get(code="93")
    yogyakarta = Pemda.objects.get(code="34.71")
    dukcapil = OPDFactory(pemda=merauke, name="Dinas Kependudukan dan Pencatatan Sipil")
    desk = OPDFactory(pemda=merauke, name="Bidang Pelayanan", parent=dukcapil, kind="other")
    dinkes = OPDFactory(pemda=merauke, name="Dinas Kesehatan")
    inspectorate = OPDFactory(pemda=merauke, name="Inspektorat", kind="inspectorate")
    jogja_dukcapil = OPDFactory(pemda=yogyakarta, name="Dinas Dukcapil Yogyakarta")

    p: dict[str, User] = {}
    for name in PERSONA_NAMES:
        p[name] = UserFactory(username=name)
    p["citizen"].kind = User.Kind.CITIZEN
    p["citizen"].save(update_fields=["kind"])
    assign(p["officer"], "opd_officer", opd=desk)
    assign(p["opd_head"], "opd_head", opd=dukcapil)
    assign(p["pemda_admin"], "pemda_admin", pemda=merauke)
    assign(p["reform_team"], "reform_team", pemda=merauke)
    assign(p["inspector"], "inspectorate", pemda=merauke)
    assign(p["complaint_coordinator"], "complaint_coordinator", pemda=merauke)
    assign(p["liaison"], "complaint_liaison", opd=dukcapil)
    assign(p["dpo"], "dpo", pemda=merauke)
    assign(p["leader"], "regional_leader", pemda=merauke)
    assign(p["province_leader"], "regional_leader", pemda=papua_selatan)
    assign(p["national_analyst"], "national_analyst", national_body="kemendagri")
    assign(p["kemenpanrb_evaluator"], "national_analyst", national_body="kemenpanrb")
    assign(p["platform_admin"], "platform_admin")
    assign(p["other_pemda_officer"], "opd_officer", opd=jogja_dukcapil)
    assign(p["other_pemda_admin"], "pemda_admin", pemda=yogyakarta)
    assign(p["other_pemda_inspector"], "inspectorate", pemda=yogyakarta)
    import datetime

    assign(
        p["former_inspector"],
        "inspectorate",
        pemda=merauke,
        starts_on=datetime.date(2019, 1, 1),
        ends_on=datetime.date(2020, 12, 31),
    )
    return World(
        merauke=merauke,
        papua_selatan=papua_selatan,
        yogyakarta=yogyakarta,
        dukcapil=dukcapil,
        dukcapil_service_desk=desk,
        dinkes=dinkes,
        merauke_inspectorate=inspectorate,
        jogja_dukcapil=jogja_dukcapil,
        personas=p,
    )
