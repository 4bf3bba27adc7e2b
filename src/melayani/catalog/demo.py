"""Demo catalogue: real-looking published services and Maklumat for the demo Pemda.

Idempotent: a service that already exists is left alone; a unit with a published pledge keeps it.
Runs after :func:`melayani.core.demo.demo_seed` (which creates the units).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from melayani.catalog import selectors, services
from melayani.catalog.models import ServiceType
from melayani.core.models import OPD

SK_DATE = datetime.date(2026, 1, 5)

ADMINDUK = (
    "UU 23/2006 tentang Administrasi Kependudukan sebagaimana diubah dengan UU 24/2013; "
    "Perpres 96/2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk dan Pencatatan Sipil; "
    "Permendagri 108/2019"
)
COMMON = {
    "complaint_handling": (
        "SP4N-LAPOR! (lapor.go.id), kotak saran di ruang layanan, WhatsApp pengaduan dinas, "
        "atau langsung ke petugas pengaduan. Pengaduan ditanggapi paling lama 5 hari kerja."
    ),
    "facilities": (
        "Ruang tunggu ber-AC, nomor antrean, loket prioritas untuk lansia, ibu hamil dan "
        "penyandang disabilitas, kursi roda, toilet ramah disabilitas, area bermain anak."
    ),
    "internal_supervision": (
        "Pengawasan langsung oleh kepala bidang dan kepala dinas; pemeriksaan oleh Inspektorat."
    ),
    "service_guarantee": (
        "Pelayanan diberikan sesuai standar pelayanan ini; jika tidak, kami menerima sanksi "
        "sesuai peraturan."
    ),
    "safety_guarantee": (
        "Data pribadi pemohon dijaga kerahasiaannya; produk pelayanan sah dan bebas pungutan liar."
    ),
    "performance_evaluation": (
        "Evaluasi kinerja pelaksana setiap triwulan dan Survei Kepuasan Masyarakat setiap semester."
    ),
}

_DEFAULT_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("nama-pemohon", "Nama pemohon", "text", ""),
    ("nik-pemohon", "NIK pemohon", "nik", ""),
    ("telepon", "Nomor HP/WhatsApp", "phone", ""),
)


@dataclass(frozen=True)
class DemoService:
    code: str
    name: str
    description: str
    keywords: str
    days: int
    product: str
    legal_basis: str
    requirements: tuple[tuple[str, bool], ...]
    steps: tuple[str, ...]
    staff_competence: str
    staff_count: str
    fee: int | None = None
    fee_basis: str = ""
    fields: tuple[tuple[str, str, str, str], ...] = field(default=_DEFAULT_FIELDS)
    category: str = ""


_DUKCAPIL_STEPS = (
    "Isi formulir permohonan secara online atau di loket.",
    "Unggah atau serahkan berkas persyaratan.",
    "Petugas memeriksa berkas. Jika belum lengkap, berkas dikembalikan untuk dilengkapi.",
    "Petugas mencatat dan mencetak dokumen.",
    "Dokumen dikirim elektronik atau diambil di loket dengan tanda terima.",
)
_DUKCAPIL_COMPETENCE = "Memahami peraturan administrasi kependudukan dan aplikasi SIAK Terpusat."

DUKCAPIL = (
    DemoService(
        code="akta-kelahiran",
        name="Akta Kelahiran",
        description="Pencatatan kelahiran dan penerbitan kutipan akta kelahiran.",
        keywords="lahir bayi anak akte kelahiran",
        days=3,
        product="Kutipan Akta Kelahiran (dokumen elektronik dengan tanda tangan elektronik)",
        legal_basis=ADMINDUK,
        requirements=(
            ("Surat keterangan kelahiran dari rumah sakit, puskesmas atau bidan", True),
            ("Kartu Keluarga orang tua", True),
            ("Buku nikah atau akta perkawinan orang tua", False),
            ("Dua orang saksi", False),
        ),
        steps=_DUKCAPIL_STEPS,
        staff_competence=_DUKCAPIL_COMPETENCE,
        staff_count="3 orang petugas loket dan 1 orang pejabat pencatatan sipil",
        fields=(
            ("nama-anak", "Nama lengkap anak", "text", ""),
            ("tanggal-lahir", "Tanggal lahir anak", "date", ""),
            ("jenis-kelamin", "Jenis kelamin anak", "choice", "Laki-laki\nPerempuan"),
            ("nik-pelapor", "NIK pelapor (ayah/ibu)", "nik", ""),
            ("telepon", "Nomor HP/WhatsApp", "phone", ""),
        ),
        category="Pencatatan sipil",
    ),
    DemoService(
        code="kartu-keluarga",
        name="Kartu Keluarga",
        description="Penerbitan Kartu Keluarga baru, perubahan data, atau pengganti yang hilang.",
        keywords="KK kartu keluarga pindah tambah anggota",
        days=3,
        product="Kartu Keluarga (dicetak di kertas HVS atau dokumen elektronik)",
        legal_basis=ADMINDUK,
        requirements=(
            ("Kartu Keluarga lama (jika ada)", True),
            ("Buku nikah atau akta perkawinan", True),
            ("Surat keterangan pindah (jika pindah datang)", False),
        ),
        steps=_DUKCAPIL_STEPS,
        staff_competence=_DUKCAPIL_COMPETENCE,
        staff_count="3 orang",
        fields=(
            *_DEFAULT_FIELDS,
            ("alasan", "Alasan permohonan", "choice", "KK baru\nPerubahan data\nKK hilang/rusak"),
            ("alamat", "Alamat", "address", ""),
        ),
        category="Pendaftaran penduduk",
    ),
    DemoService(
        code="ktp-el",
        name="KTP Elektronik (KTP-el)",
        description="Perekaman dan pencetakan KTP-el untuk penduduk berusia 17 tahun atau menikah.",
        keywords="KTP KTP-el e-KTP kartu tanda penduduk rekam cetak hilang",
        days=1,
        product="KTP-el",
        legal_basis=ADMINDUK,
        requirements=(
            ("Kartu Keluarga", True),
            ("Surat kehilangan dari kepolisian (jika hilang)", False),
        ),
        steps=(
            "Datang ke loket untuk perekaman foto, sidik jari dan iris mata.",
            "Petugas memverifikasi data di SIAK.",
            "KTP-el dicetak dan diserahkan kepada pemohon.",
        ),
        staff_competence=_DUKCAPIL_COMPETENCE,
        staff_count="2 orang operator perekaman",
        category="Pendaftaran penduduk",
    ),
)

_PERIZINAN_STEPS = (
    "Ajukan permohonan melalui OSS atau loket DPMPTSP.",
    "Petugas memeriksa kelengkapan berkas.",
    "Tim teknis melakukan verifikasi dan, bila perlu, peninjauan lapangan.",
    "Izin ditandatangani secara elektronik.",
    "Pemohon menerima izin secara elektronik.",
)

DPMPTSP = (
    DemoService(
        code="nib-izin-usaha",
        name="Nomor Induk Berusaha (NIB) dan Izin Usaha",
        description="Pendampingan penerbitan NIB dan perizinan berusaha berbasis risiko.",
        keywords="NIB izin usaha UMKM OSS perizinan berusaha",
        days=3,
        product="Nomor Induk Berusaha (NIB) dan sertifikat standar sesuai tingkat risiko",
        legal_basis=(
            "UU 6/2023 tentang Penetapan Perppu Cipta Kerja; PP 5/2021 tentang Penyelenggaraan "
            "Perizinan Berusaha Berbasis Risiko; PP 6/2021 tentang Penyelenggaraan Perizinan "
            "Berusaha di Daerah"
        ),
        requirements=(
            ("KTP-el pemilik usaha", True),
            ("NPWP", True),
            ("Alamat lokasi usaha", False),
        ),
        steps=_PERIZINAN_STEPS,
        staff_competence="Memahami perizinan berusaha berbasis risiko dan sistem OSS.",
        staff_count="4 orang front office dan 2 orang back office",
        fields=(
            *_DEFAULT_FIELDS,
            ("nama-usaha", "Nama usaha", "text", ""),
            ("modal", "Modal usaha (Rp)", "number", ""),
            ("alamat-usaha", "Alamat usaha", "address", ""),
        ),
        category="Perizinan",
    ),
    DemoService(
        code="pbg",
        name="Persetujuan Bangunan Gedung (PBG)",
        description="Persetujuan untuk membangun baru, mengubah atau merawat bangunan gedung.",
        keywords="PBG IMB izin mendirikan bangunan gedung rumah",
        days=14,
        product="Persetujuan Bangunan Gedung (PBG)",
        legal_basis=(
            "UU 28/2002 tentang Bangunan Gedung sebagaimana diubah dengan UU 6/2023; "
            "PP 16/2021 tentang Peraturan Pelaksanaan UU Bangunan Gedung; "
            "Perda tentang Pajak Daerah dan Retribusi Daerah"
        ),
        requirements=(
            ("KTP-el pemilik bangunan", True),
            ("Bukti kepemilikan tanah (sertifikat)", True),
            ("Gambar rencana teknis bangunan", True),
            ("Dokumen lingkungan (jika diwajibkan)", False),
        ),
        steps=(
            "Ajukan permohonan melalui SIMBG.",
            "Petugas memeriksa kelengkapan dokumen.",
            "Tim Profesi Ahli (TPA) memeriksa rencana teknis.",
            "Pemohon membayar retribusi PBG sesuai perhitungan.",
            "PBG diterbitkan melalui SIMBG.",
        ),
        staff_competence="Tim Profesi Ahli bangunan gedung dan petugas SIMBG bersertifikat.",
        staff_count="3 orang petugas dan Tim Profesi Ahli",
        fee=750000,
        fee_basis="Perda tentang Pajak Daerah dan Retribusi Daerah (retribusi PBG)",
        fields=(
            *_DEFAULT_FIELDS,
            ("fungsi", "Fungsi bangunan", "choice", "Hunian\nUsaha\nSosial budaya\nKeagamaan"),
            ("luas", "Luas bangunan (m²)", "number", ""),
            ("lokasi", "Lokasi bangunan", "address", ""),
        ),
        category="Perizinan",
    ),
)

DINKES = (
    DemoService(
        code="surat-keterangan-sehat",
        name="Surat Keterangan Sehat",
        description="Pemeriksaan kesehatan umum dan surat keterangan sehat.",
        keywords="surat sehat dokter keterangan kesehatan melamar kerja",
        days=1,
        product="Surat Keterangan Sehat dari dokter",
        legal_basis="UU 17/2023 tentang Kesehatan; Perda tentang Retribusi Pelayanan Kesehatan",
        requirements=(("KTP-el", True), ("Pas foto 3x4", False)),
        steps=(
            "Daftar di loket pendaftaran.",
            "Pemeriksaan oleh dokter.",
            "Surat keterangan sehat diterbitkan.",
        ),
        staff_competence="Dokter umum dengan Surat Izin Praktik.",
        staff_count="2 orang dokter dan 2 orang perawat",
        fee=25000,
        fee_basis="Perda tentang Pajak Daerah dan Retribusi Daerah (retribusi pelayanan kesehatan)",
        category="Kesehatan",
    ),
)

CATALOGUE: dict[tuple[str, str], tuple[DemoService, ...]] = {
    ("93.01", "dukcapil"): DUKCAPIL,
    ("93.01", "dpmptsp"): DPMPTSP,
    ("93.01", "dinkes"): DINKES,
    ("34.71", "dukcapil"): DUKCAPIL,
    ("34.71", "dpmptsp"): DPMPTSP,
}

PLEDGE = (
    "Dengan ini, kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan "
    "yang telah ditetapkan dan apabila tidak menepati janji ini, kami siap menerima sanksi sesuai "
    "peraturan perundang-undangan yang berlaku."
)


def catalog_demo_seed() -> None:
    """Create the demo catalogue (idempotent)."""
    units = {
        (o.pemda.code, o.slug): o
        for o in OPD.objects.filter(
            pemda__code__in={code for code, _slug in CATALOGUE}
        ).select_related("pemda")
    }
    for index, (key, demo_services) in enumerate(sorted(CATALOGUE.items())):
        opd = units.get(key)
        if opd is None:
            continue
        with transaction.atomic():
            _seed_pledge(opd, index)
            for number, demo in enumerate(demo_services, start=1):
                _seed_service(opd, demo, f"{index + 1}.{number}")


def _seed_pledge(opd: OPD, index: int) -> None:
    if selectors.pledge_current(opd) is not None:
        return
    draft = opd.pledges.filter(status="draft").first()
    if draft is None:
        draft = services.pledge_draft_create(actor=None, opd=opd, text=PLEDGE)
    services.pledge_publish(
        actor=None,
        pledge=draft,
        decree_number=f"800/{index + 1:02d}/MAKLUMAT/2026",
        decree_date=SK_DATE,
    )


def _seed_service(opd: OPD, demo: DemoService, number: str) -> None:
    if ServiceType.objects.filter(pemda_id=opd.pemda_id, code=demo.code).exists():
        return
    service = services.service_create(
        actor=None,
        opd=opd,
        code=demo.code,
        name=demo.name,
        description=demo.description,
        category=demo.category,
        keywords=demo.keywords,
    )
    fee: dict[str, object] = {"fee_is_free": True}
    if demo.fee is not None:
        fee = {
            "fee_is_free": False,
            "fee_amount": Decimal(demo.fee),
            "fee_legal_basis": demo.fee_basis,
        }
    standard = services.standard_draft_create(
        actor=None,
        service=service,
        completion_time_value=demo.days,
        completion_time_unit="working_days",
        product=demo.product,
        legal_basis=demo.legal_basis,
        staff_competence=demo.staff_competence,
        staff_count=demo.staff_count,
        **COMMON,
        **fee,
    )
    for text, needs_upload in demo.requirements:
        services.requirement_add(
            actor=None, standard=standard, text=text, needs_upload=needs_upload
        )
    for step in demo.steps:
        services.step_add(actor=None, standard=standard, text=step)
    for key, label, field_type, choices in demo.fields:
        services.form_field_add(
            actor=None,
            standard=standard,
            key=key,
            label=label,
            field_type=field_type,
            choices=choices,
        )
    services.standard_publish(
        actor=None,
        standard=standard,
        decree_number=f"188.4/{number}/SP/2026",
        decree_date=SK_DATE,
    )
