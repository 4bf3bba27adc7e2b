"""Reads for regions. Other apps depend on these names; keep them stable."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import QuerySet

from melayani.regions.models import Region, RegionLevel, RegionSuccession


@dataclass(frozen=True)
class KnownRegionCodes:
    """Dotted codes of every version loaded (2019, 2022, 2025), e.g. ``"93"``, ``"93.01"``."""

    provinces: frozenset[str]
    regencies: frozenset[str]
    districts: frozenset[str]


_cache_lock = threading.Lock()
_known_codes: KnownRegionCodes | None = None


def region_cache_clear() -> None:
    """Forget in-process caches; called after every load (and by tests between databases)."""
    global _known_codes
    with _cache_lock:
        _known_codes = None


def region_get(code: str) -> Region:
    """The region with this dotted code, current or retired; raises ``Region.DoesNotExist``."""
    return Region.objects.get(code=code)


def region_children(code: str | None, *, current_only: bool = True) -> QuerySet[Region]:
    """Children of a region by code (``None``: the provinces), ordered by code.

    Unknown codes give an empty queryset; call :func:`region_get` first to tell them apart.
    """
    queryset = Region.objects.all()
    if code is None:
        queryset = queryset.filter(level=RegionLevel.PROVINCE)
    else:
        queryset = queryset.filter(parent__code=code)
    if current_only:
        queryset = queryset.filter(is_current=True)
    return queryset.order_by("code")


def region_codes_all_versions() -> KnownRegionCodes:
    """Province, regency/city and district codes of all versions (cached in-process)."""
    global _known_codes
    known = _known_codes
    if known is not None:
        return known
    by_level: dict[int, set[str]] = {1: set(), 2: set(), 3: set()}
    for code, level in Region.objects.filter(level__lte=RegionLevel.DISTRICT).values_list(
        "code", "level"
    ):
        by_level[level].add(code)
    known = KnownRegionCodes(
        provinces=frozenset(by_level[1]),
        regencies=frozenset(by_level[2]),
        districts=frozenset(by_level[3]),
    )
    with _cache_lock:
        _known_codes = known
    return known


def region_time_zone(code: str) -> str:
    """IANA time zone of a region: its province's. Raises ``Region.DoesNotExist``."""
    province_code = code[:2]
    zones = dict(
        Region.objects.filter(code__in={code, province_code}).values_list("code", "time_zone")
    )
    if code not in zones or province_code not in zones:
        raise Region.DoesNotExist(f"No region with code {code!r}")
    return zones[province_code]


def region_successors(code: str) -> list[str]:
    """The codes that replaced ``code``, followed to the latest ones (``[]`` if none).

    E.g. ``"91.01"`` → ``["93.01"]``; ``"92.01"`` → ``["96.01"]``.
    """
    result: list[str] = []
    seen = {code}
    frontier = [code]
    while frontier:
        successions = list(
            RegionSuccession.objects.filter(old_code__in=frontier)
            .order_by("new_code")
            .values_list("old_code", "new_code")
        )
        replaced = {old for old, _ in successions}
        result += [c for c in frontier if c not in replaced and c != code]
        frontier = [new for _, new in successions if new not in seen]
        seen.update(frontier)
    return sorted(result)


def autonomous_regions() -> QuerySet[Region]:
    """The regions that are Pemda today: provinces and autonomous regencies/cities (546)."""
    return Region.objects.filter(
        level__in=[RegionLevel.PROVINCE, RegionLevel.REGENCY_OR_CITY],
        is_autonomous=True,
        is_current=True,
    ).order_by("code")
