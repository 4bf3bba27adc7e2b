"""The default SKM instrument: PermenPANRB 14/2017 (nine unsur, four answers each, four bands).

This module is the single literal copy of the regulation's data in the code. The database holds
the questionnaire as versioned data (seeded from these values by migration ``0002``, which copies
them literally as migrations must); the command line, which needs no database, reads them here.
Indonesian answer labels and kinerja labels are domain data, not translations of English text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DEFAULT_QUESTIONNAIRE_CODE = "permenpanrb-14-2017"


class WeightMode:
    """How the unsur are weighted. Only ``EXACT`` (1/n) is correct; the legacy modes reproduce
    old reports that wrote the weight 1/9 as 0.11 or 0.111. ``CUSTOM`` = a unit's own weights."""

    EXACT = "exact"
    LEGACY_0_11 = "legacy_0_11"
    LEGACY_0_111 = "legacy_0_111"
    CUSTOM = "custom"

    CHOOSABLE = (EXACT, LEGACY_0_11, LEGACY_0_111)
    LEGACY_WEIGHT = {LEGACY_0_11: Decimal("0.11"), LEGACY_0_111: Decimal("0.111")}


@dataclass(frozen=True)
class Unsur:
    code: str
    identifier: str
    name_id: str
    name_en: str
    labels_id: tuple[str, str, str, str]
    labels_en: tuple[str, str, str, str]


UNSUR: tuple[Unsur, ...] = (
    Unsur(
        "U1",
        "requirements",
        "Persyaratan",
        "Requirements",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ("Not appropriate", "Less appropriate", "Appropriate", "Very appropriate"),
    ),
    Unsur(
        "U2",
        "procedure",
        "Sistem, mekanisme, dan prosedur",
        "Systems, mechanisms and procedures",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
        ("Not easy", "Less easy", "Easy", "Very easy"),
    ),
    Unsur(
        "U3",
        "completion_time",
        "Waktu penyelesaian",
        "Completion time",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
        ("Not fast", "Less fast", "Fast", "Very fast"),
    ),
    Unsur(
        "U4",
        "fee",
        "Biaya/tarif",
        "Fee/tariff",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
        ("Very expensive", "Fairly expensive", "Cheap", "Free"),
    ),
    Unsur(
        "U5",
        "product",
        "Produk spesifikasi jenis pelayanan",
        "Product specification of the service",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ("Not as specified", "Partly as specified", "As specified", "Fully as specified"),
    ),
    Unsur(
        "U6",
        "staff_competence",
        "Kompetensi pelaksana",
        "Competence of the staff",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
        ("Not competent", "Less competent", "Competent", "Very competent"),
    ),
    Unsur(
        "U7",
        "staff_behaviour",
        "Perilaku pelaksana",
        "Behaviour of the staff",
        (
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ),
        (
            "Not polite and friendly",
            "Less polite and friendly",
            "Polite and friendly",
            "Very polite and friendly",
        ),
    ),
    Unsur(
        "U8",
        "facilities",
        "Sarana dan prasarana",
        "Facilities and infrastructure",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
        ("Poor", "Fair", "Good", "Very good"),
    ),
    Unsur(
        "U9",
        "complaint_handling",
        "Penanganan pengaduan, saran dan masukan",
        "Handling of complaints, suggestions and feedback",
        (
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ),
        ("None", "Exists but does not work", "Works but not fully", "Well managed"),
    ),
)

CODES: tuple[str, ...] = tuple(u.code for u in UNSUR)


@dataclass(frozen=True)
class Band:
    """A mutu band: applies to a converted value (25–100, rounded to 2 decimals) >= ``min_ikm``."""

    min_ikm: Decimal
    mutu: str
    kinerja: str  # Bahasa Indonesia label (domain data)
    kinerja_en: str


# SKM.md §4, highest first. Classification is on the rounded converted value, so no gaps.
BANDS: tuple[Band, ...] = (
    Band(Decimal("88.31"), "A", "Sangat Baik", "Very good"),
    Band(Decimal("76.61"), "B", "Baik", "Good"),
    Band(Decimal("65.00"), "C", "Kurang Baik", "Less than good"),
    Band(Decimal("0"), "D", "Tidak Baik", "Not good"),
)
