"""Old → new region codes for the Papua splits, proposed by name and shipped after review.

The 2022 decree moved the kabupaten of Papua Selatan (93), Papua Tengah (94) and Papua Pegunungan
(95) out of Papua (91); the 2025 decree moved those of Papua Barat Daya (96) out of Papua Barat
(92). Kabupaten and kecamatan kept their names, so :func:`succession_propose` matches codes that
disappear against codes that appear, by normalised name within the same kind (``Kab. Sorong`` is
not ``Kota Sorong``). Its output is reviewed by hand and shipped as ``data/succession.csv``; the
loader reads only the shipped file, and a test checks that the matcher still agrees with it.

Regenerate with ``melayani propose_region_successions > src/melayani/regions/data/succession.csv``
and review the diff.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from melayani.regions.sources import (
    SUCCESSION_FILENAME,
    VERSIONS,
    default_data_dir,
    read_version,
    read_version_levels,
)

# Provinces formed by the splits and the statute forming each (cited in the ``note`` column).
NEW_PROVINCE_STATUTES: dict[str, str] = {
    "93": "UU 14/2022 (Papua Selatan)",
    "94": "UU 15/2022 (Papua Tengah)",
    "95": "UU 16/2022 (Papua Pegunungan)",
    "96": "UU 29/2022 (Papua Barat Daya)",
}
PARENT_PROVINCES = frozenset({"91", "92"})

# Matches decided by hand on review: the kecamatan moved but its spelling changed, so the name
# match misses it. Seen in the 2019 and 2022 files side by side (kecamatan were also renumbered).
REVIEWED_SPELLING_CHANGES: dict[str, str] = {
    "91.13.44": "95.03.42",  # Seredela → Seradala (Yahukimo)
    "91.13.47": "95.03.45",  # Kwelemdua → Kwelamdua (Yahukimo)
    "91.21.01": "95.05.01",  # Kobagma → Kobakma (Mamberamo Tengah)
}

COLUMNS = (
    "old_code",
    "new_code",
    "level",
    "old_name",
    "new_name",
    "effective_year",
    "legal_basis",
    "note",
)

_PREFIXES = (
    ("KABUPATEN ", "KAB"),
    ("KAB. ", "KAB"),
    ("KOTA ", "KOTA"),
)


@dataclass(frozen=True)
class SuccessionRow:
    old_code: str
    new_code: str
    level: int
    old_name: str
    new_name: str
    effective_year: int
    legal_basis: str
    note: str


@dataclass(frozen=True)
class SuccessionProposal:
    rows: tuple[SuccessionRow, ...]
    unmatched_old: tuple[str, ...]  # retired codes with no successor found (review these)
    unmatched_new: tuple[str, ...]  # new codes in the new provinces with no predecessor


def normalise_name(name: str) -> str:
    """``KAB. FAK FAK`` and ``Kabupaten Fak Fak`` both become ``KAB:FAKFAK``."""
    upper = " ".join(name.upper().split())
    kind = ""
    for prefix, label in _PREFIXES:
        if upper.startswith(prefix):
            kind, upper = label, upper[len(prefix) :]
            break
    return f"{kind}:{re.sub(r'[^A-Z0-9]', '', upper)}"


def succession_propose(*, data_dir: Path | None = None) -> SuccessionProposal:
    """Match codes of 91/92 that disappear between versions to codes that appear in 93–96."""
    directory = data_dir or default_data_dir()
    rows: list[SuccessionRow] = []
    unmatched_old: list[str] = []
    unmatched_new: list[str] = []
    for old_spec, new_spec in itertools.pairwise(VERSIONS):
        old = read_version(old_spec, data_dir=directory, max_level=3)
        new = read_version(new_spec, data_dir=directory, max_level=3)
        levels = read_version_levels(new_spec, data_dir=directory, max_level=3)
        retired = {c for c in old if c not in new and c[:2] in PARENT_PROVINCES}
        added = {c for c in new if c not in old and c[:2] in NEW_PROVINCE_STATUTES}
        # Kabupaten/kota first, then kecamatan within each matched pair of kabupaten.
        regency_pairs = _match(
            [c for c in retired if len(c) == 5], [c for c in added if len(c) == 5], old, new
        )
        pairs = dict(regency_pairs)
        for old_regency, new_regency in regency_pairs:
            pairs.update(
                _match(
                    [c for c in retired if c.startswith(old_regency + ".")],
                    [c for c in added if c.startswith(new_regency + ".")],
                    old,
                    new,
                )
            )
        for old_code, new_code in REVIEWED_SPELLING_CHANGES.items():
            if old_code in retired and new_code in added and old_code not in pairs:
                pairs[old_code] = new_code
        for old_code, new_code in pairs.items():
            note = NEW_PROVINCE_STATUTES[new_code[:2]]
            if REVIEWED_SPELLING_CHANGES.get(old_code) == new_code:
                note += "; spelling changed, matched on review"
            rows.append(
                SuccessionRow(
                    old_code=old_code,
                    new_code=new_code,
                    level=levels[new_code],
                    old_name=old[old_code],
                    new_name=new[new_code],
                    effective_year=new_spec.year,
                    legal_basis=new_spec.legal_basis,
                    note=note,
                )
            )
        unmatched_old += sorted(c for c in retired if c not in pairs and len(c) > 2)
        matched_new = set(pairs.values())
        unmatched_new += sorted(c for c in added if c not in matched_new and len(c) > 2)
    rows.sort(key=lambda r: (r.effective_year, r.old_code))
    return SuccessionProposal(tuple(rows), tuple(unmatched_old), tuple(unmatched_new))


def _match(
    old_codes: list[str], new_codes: list[str], old: dict[str, str], new: dict[str, str]
) -> list[tuple[str, str]]:
    by_name: dict[str, list[str]] = {}
    for code in new_codes:
        by_name.setdefault(normalise_name(new[code]), []).append(code)
    pairs = []
    for code in sorted(old_codes):
        candidates = by_name.get(normalise_name(old[code]), [])
        if len(candidates) == 1:  # ambiguous or missing names are left for review
            pairs.append((code, candidates[0]))
    return pairs


def succession_to_csv(rows: tuple[SuccessionRow, ...] | list[SuccessionRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, column) for column in COLUMNS])
    return out.getvalue()


def succession_read_shipped(*, data_dir: Path | None = None) -> tuple[SuccessionRow, ...]:
    """The reviewed mapping shipped in ``data/succession.csv``."""
    path = (data_dir or default_data_dir()) / SUCCESSION_FILENAME
    with open(path, newline="", encoding="utf-8") as handle:
        return tuple(
            SuccessionRow(
                old_code=row["old_code"],
                new_code=row["new_code"],
                level=int(row["level"]),
                old_name=row["old_name"],
                new_name=row["new_name"],
                effective_year=int(row["effective_year"]),
                legal_basis=row["legal_basis"],
                note=row["note"],
            )
            for row in csv.DictReader(handle)
        )
