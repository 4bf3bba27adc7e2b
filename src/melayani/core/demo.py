"""Demo tenants and personas: Papua Selatan and Merauke (WIT), and Kota Yogyakarta (WIB).

Idempotent: running it again changes nothing and prints the same logins. Every demo user gets a
confirmed TOTP device whose secret is printed, so that every persona can be tried.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from melayani.core.models import OPD, Acting, NationalBody, Pemda, Role, RoleAssignment, User
from melayani.core.services import (
    opd_create,
    pemda_sync_from_regions,
    role_assignment_create,
    roles_sync_builtin,
    user_create_official,
)

DEMO_PASSWORD = "Melayani-Demo-2026"  # noqa: S105 — printed for the demo on purpose
DEMO_PEMDA = ("93", "93.01", "34.71")
ASSIGNMENTS_START = datetime.date(2026, 1, 2)

# (pemda code, slug, name, kind, parent slug)
OPDS = [
    ("93", "setda", "Sekretariat Daerah Provinsi Papua Selatan", "secretariat", None),
    ("93", "inspektorat", "Inspektorat Provinsi Papua Selatan", "inspectorate", None),
    ("93.01", "setda", "Sekretariat Daerah Kabupaten Merauke", "secretariat", None),
    ("93.01", "bagian-organisasi", "Bagian Organisasi", "bureau", "setda"),
    ("93.01", "inspektorat", "Inspektorat Kabupaten Merauke", "inspectorate", None),
    ("93.01", "dukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", None),
    ("93.01", "dukcapil-pelayanan", "Bidang Pelayanan Pendaftaran Penduduk", "other", "dukcapil"),
    ("93.01", "dpmptsp", "Dinas Penanaman Modal dan PTSP", "dinas", None),
    ("93.01", "dinkes", "Dinas Kesehatan", "dinas", None),
    ("93.01", "bkpsdm", "Badan Kepegawaian dan Pengembangan SDM", "badan", None),
    ("93.01", "kec-merauke", "Kecamatan Merauke", "kecamatan", None),
    ("34.71", "setda", "Sekretariat Daerah Kota Yogyakarta", "secretariat", None),
    ("34.71", "bagian-organisasi", "Bagian Organisasi", "bureau", "setda"),
    ("34.71", "inspektorat", "Inspektorat Kota Yogyakarta", "inspectorate", None),
    ("34.71", "dukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", None),
    ("34.71", "dpmptsp", "Dinas Penanaman Modal dan Perizinan", "dinas", None),
    ("34.71", "kec-gondokusuman", "Kemantren Gondokusuman", "kecamatan", None),
]


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    role: str
    pemda: str | None = None
    opd: str | None = None
    national_body: str = ""
    acting: str = Acting.DEFINITIVE
    nip: str = ""


PERSONAS = [
    Persona(
        "merauke.petugas",
        "Yohanes Gebze",
        "opd_officer",
        "93.01",
        "dukcapil",
        nip="199003152015031002",
    ),
    Persona(
        "merauke.kadis", "Maria Kaize", "opd_head", "93.01", "dukcapil", nip="197801202003122001"
    ),
    Persona("merauke.admin", "Agustinus Mahuze", "pemda_admin", "93.01", nip="198506102010011003"),
    Persona("merauke.timrb", "Fransiska Ndiken", "reform_team", "93.01", nip="198811052012022004"),
    Persona(
        "merauke.inspektur", "Paulus Samkakai", "inspectorate", "93.01", nip="197504171998031005"
    ),
    Persona(
        "merauke.koordinator",
        "Elisabeth Balagaize",
        "complaint_coordinator",
        "93.01",
        nip="199201232019032006",
    ),
    Persona(
        "merauke.penghubung",
        "Kristian Basik-Basik",
        "complaint_liaison",
        "93.01",
        "dukcapil",
        nip="199407302020121007",
    ),
    Persona("merauke.dpo", "Theresia Kaize", "dpo", "93.01", nip="198702142011012008"),
    Persona("merauke.bupati", "Bupati Merauke", "regional_leader", "93.01"),
    Persona("papuaselatan.gubernur", "Gubernur Papua Selatan", "regional_leader", "93"),
    Persona(
        "papuaselatan.inspektur",
        "Benediktus Gebze",
        "inspectorate",
        "93",
        acting=Acting.PLT,
        nip="197912012005011009",
    ),
    Persona(
        "jogja.petugas", "Sri Rahayu", "opd_officer", "34.71", "dukcapil", nip="199105122016032010"
    ),
    Persona("jogja.admin", "Bambang Wicaksono", "pemda_admin", "34.71", nip="198303032009011011"),
    Persona("jogja.inspektur", "Dwi Lestari", "inspectorate", "34.71", nip="197610102001122012"),
    Persona(
        "kemendagri.analis", "Analis Kemendagri", "national_analyst", national_body="kemendagri"
    ),
    Persona(
        "kemenpanrb.evaluator",
        "Evaluator KemenPANRB",
        "national_analyst",
        national_body="kemenpanrb",
    ),
    Persona("platform.admin", "Administrator Platform", "platform_admin"),
]


@dataclass
class DemoLogin:
    username: str
    role: str
    scope: str
    totp_secret: str


@dataclass
class DemoReport:
    password: str
    logins: list[DemoLogin] = field(default_factory=list)
    regions_loaded: bool = False
    pemda_created: int = 0


def demo_seed() -> DemoReport:
    from melayani.regions.models import Region
    from melayani.regions.services import regions_load

    report = DemoReport(password=DEMO_PASSWORD)
    if not Region.objects.filter(level=4).exists():
        regions_load()
        report.regions_loaded = True
    roles_sync_builtin()
    report.pemda_created = pemda_sync_from_regions()
    with transaction.atomic():
        pemda = {p.code: p for p in Pemda.objects.filter(code__in=DEMO_PEMDA)}
        Pemda.objects.filter(code__in=DEMO_PEMDA).update(is_active=True)
        opds = _seed_opds(pemda)
        for persona in PERSONAS:
            report.logins.append(_seed_persona(persona, pemda, opds))
    return report


def _seed_opds(pemda: dict[str, Pemda]) -> dict[tuple[str, str], OPD]:
    existing = {
        (o.pemda.code, o.slug): o
        for o in OPD.objects.filter(pemda__code__in=DEMO_PEMDA).select_related("pemda")
    }
    for code, slug, name, kind, parent_slug in OPDS:
        if (code, slug) in existing:
            continue
        parent = existing[(code, parent_slug)] if parent_slug else None
        existing[(code, slug)] = opd_create(
            actor=None, pemda=pemda[code], name=name, kind=kind, slug=slug, parent=parent
        )
    return existing


def _seed_persona(
    persona: Persona, pemda: dict[str, Pemda], opds: dict[tuple[str, str], OPD]
) -> DemoLogin:
    user = User.objects.filter(username=persona.username).first()
    if user is None:
        user = user_create_official(
            actor=None,
            username=persona.username,
            full_name=persona.full_name,
            email=f"{persona.username}@demo.melayani.id",
            nip=persona.nip,
            password=DEMO_PASSWORD,
            pemda=pemda.get(persona.pemda) if persona.pemda else None,
        )
    role = Role.objects.get(code=persona.role, pemda=None)
    opd = opds[(persona.pemda, persona.opd)] if persona.pemda and persona.opd else None
    target_pemda = None if opd else (pemda[persona.pemda] if persona.pemda else None)
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        role_assignment_create(
            actor=None,
            user=user,
            role=role,
            pemda=target_pemda,
            opd=opd,
            national_body=persona.national_body,
            starts_on=ASSIGNMENTS_START,
            acting=persona.acting,
            decree="SK/DEMO/2026",
        )
    if persona.role == "platform_admin" and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    device = TOTPDevice.objects.filter(user=user, name="demo").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    scope = (opd.name + ", " if opd else "") + (
        pemda[persona.pemda].name
        if persona.pemda
        else str(NationalBody(persona.national_body).label)
        if persona.national_body
        else "Platform"
    )
    return DemoLogin(
        username=persona.username,
        role=persona.role,
        scope=scope,
        totp_secret=base64.b32encode(device.bin_key).decode(),
    )
