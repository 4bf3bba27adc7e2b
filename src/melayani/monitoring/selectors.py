"""Reads of the national and provincial reform monitoring: every Pemda's cycle status for a year
(not started / filling / verifying / final, on time or late), index and predicate, predicate
distribution, ranking, per-area heat map and year-over-year change.

Monitoring only reads: the stored results come through :mod:`melayani.evaluation.selectors`; the
Pemda a user may see through the access layer (``aggregates.view``: national analysts see every
Pemda, a province its kabupaten/kota, a Pemda itself). No person and no unit is shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from melayani.core import access
from melayani.core.models import Pemda, PemdaKind
from melayani.evaluation.selectors import (
    NationalRow,
    cycle_years,
    latest_final_year,
    national_rows,
)

ACTION = "aggregates.view"
PREDICATES = ("AA", "A", "BB", "B", "CC", "C", "D")
NOT_STARTED = "not_started"
STATUS_LABELS = {
    NOT_STARTED: _("Not started"),
    "filling": _("Filling"),
    "verifying": _("Verifying"),
    "final": _("Final"),
}


@dataclass
class PemdaRow:
    pemda_id: int
    code: str
    name: str
    kind: str
    province: str
    status: str = NOT_STARTED
    late: bool = False
    index: Decimal | None = None
    predicate: str = ""
    previous_index: Decimal | None = None
    rank: int | None = None
    areas: list[Decimal | None] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.index is None or self.previous_index is None:
            return None
        return self.index - self.previous_index

    @property
    def provisional(self) -> bool:
        return self.index is not None and self.status != "final"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


@dataclass
class HeatRow:
    label: str
    count: int
    cells: list[Decimal | None]


@dataclass
class Dashboard:
    year: int
    years: list[int]
    rows: list[PemdaRow]
    area_titles: list[str]
    distribution: list[tuple[str, int]]
    status_counts: list[tuple[str, str, int]]  # (status, label, count)
    late_count: int
    heat: list[HeatRow]
    heat_by: str
    provinces: list[tuple[str, str]]
    province: str
    kind: str


def visible_pemda(user: Any) -> list[Pemda]:
    ids = access.visible_pemda_ids(user, ACTION)
    pemdas = Pemda.objects.select_related("province").order_by("code")
    if ids is not None:
        pemdas = pemdas.filter(pk__in=ids)
    return list(pemdas)


def dashboard(
    user: Any, *, year: int | None = None, province: str = "", kind: str = "", sort: str = "rank"
) -> Dashboard | None:
    """The monitoring dashboard for ``user``; ``None`` when they may see no Pemda."""
    pemdas = visible_pemda(user)
    if not pemdas:
        return None
    provinces = sorted(
        {(p.code, p.name) for p in pemdas if p.kind == PemdaKind.PROVINCE}
        | {(p.province.code, p.province.name) for p in pemdas if p.province is not None}
    )
    if province:
        pemdas = [
            p for p in pemdas if p.code == province or (p.province and p.province.code == province)
        ]
    if kind in PemdaKind.values:
        pemdas = [p for p in pemdas if p.kind == kind]
    years = cycle_years()
    year = year if year in years else latest_final_year()
    if year is None:
        from django.utils import timezone

        year = timezone.localdate().year
        years = [year]
    ids = [p.pk for p in pemdas]
    found = national_rows([year, year - 1], ids)
    current: dict[int, NationalRow] = {r.pemda_id: r for r in found if r.year == year}
    previous: dict[int, NationalRow] = {r.pemda_id: r for r in found if r.year == year - 1}
    area_titles: list[str] = []
    for r in current.values():
        for title, _value in r.areas:
            if title not in area_titles:
                area_titles.append(title)
    rows = []
    for p in pemdas:
        row = PemdaRow(p.pk, p.code, p.name, p.kind, p.province.name if p.province else p.name)
        found_row = current.get(p.pk)
        if found_row is not None:
            row.status, row.late = found_row.status, found_row.late
            row.index, row.predicate = found_row.index, found_row.predicate
            by_title = dict(found_row.areas)
            row.areas = [by_title.get(t) for t in area_titles]
        else:
            row.areas = [None] * len(area_titles)
        before = previous.get(p.pk)
        if before is not None:
            row.previous_index = before.index
        rows.append(row)
    # Ranking and distribution count final results only; a cycle in progress shows its
    # provisional index.
    final = [r for r in rows if r.status == "final" and r.index is not None]
    ranked = sorted(final, key=lambda r: (-r.index, r.code))  # type: ignore[operator]
    for number, row in enumerate(ranked, start=1):
        row.rank = number
    if sort == "rank":
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    elif sort == "change":
        rows.sort(key=lambda r: (r.change is None, -(r.change or 0), r.code))
    counts = Counter(r.predicate for r in final if r.predicate)
    statuses = Counter(r.status for r in rows)
    heat_by = "province" if not province and len({r.province for r in rows}) > 1 else "pemda"
    heat = _heat(rows, area_titles, by_province=heat_by == "province")
    return Dashboard(
        year=year,
        years=years,
        rows=rows,
        area_titles=area_titles,
        distribution=[(code, counts.get(code, 0)) for code in PREDICATES],
        status_counts=[(s, str(label), statuses.get(s, 0)) for s, label in STATUS_LABELS.items()],
        late_count=sum(1 for r in rows if r.late),
        heat=heat,
        heat_by=heat_by,
        provinces=provinces,
        province=province,
        kind=kind,
    )


def _heat(rows: list[PemdaRow], titles: list[str], *, by_province: bool) -> list[HeatRow]:
    if not by_province:
        return [HeatRow(r.name, 1, r.areas) for r in rows if r.index is not None]
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * len(titles))
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(titles))
    members: Counter[str] = Counter()
    for r in rows:
        if r.index is None:
            continue
        members[r.province] += 1
        for i, value in enumerate(r.areas):
            if value is not None:
                sums[r.province][i] += value
                counts[r.province][i] += 1
    return [
        HeatRow(
            name,
            members[name],
            [
                sums[name][i] / counts[name][i] if counts[name][i] else None
                for i in range(len(titles))
            ],
        )
        for name in sorted(members)
    ]
