"""Writes for regions: loading the shipped code files (idempotent upsert)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from melayani.regions.models import Region, RegionSuccession, RegionVersion
from melayani.regions.selectors import region_cache_clear
from melayani.regions.sources import VERSIONS, build_records, default_data_dir
from melayani.regions.succession import succession_read_shipped

BATCH_SIZE = 2000

_COMPARED_FIELDS = (
    "level",
    "kind",
    "name",
    "parent_id",
    "is_autonomous",
    "time_zone",
    "first_version_id",
    "last_version_id",
    "is_current",
    "population_total",
    "population_male",
    "population_female",
)
_UPDATE_FIELDS = [f.removesuffix("_id") for f in _COMPARED_FIELDS]


@dataclass(frozen=True)
class RegionLoadReport:
    versions_created: int
    versions_updated: int
    regions_created: int
    regions_updated: int
    regions_unchanged: int
    successions_created: int
    successions_updated: int
    seconds: float

    @property
    def changed(self) -> bool:
        return bool(
            self.versions_created
            + self.versions_updated
            + self.regions_created
            + self.regions_updated
            + self.successions_created
            + self.successions_updated
        )


def regions_load(
    *, data_dir: Path | None = None, max_level: int = 4, with_population: bool = True
) -> RegionLoadReport:
    """Load (or update) versions, regions up to ``max_level`` and successions from the files.

    Idempotent: a second run with the same files writes nothing. Rows are never deleted (records
    elsewhere keep the code valid when they were made). ``max_level=3`` skips the 84k villages;
    tests use it to stay fast.
    """
    started = time.perf_counter()
    directory = data_dir or default_data_dir()
    records = build_records(
        data_dir=directory, max_level=max_level, with_population=with_population
    )
    with transaction.atomic():
        versions, versions_created, versions_updated = _load_versions()
        latest = VERSIONS[-1].year
        existing: dict[str, tuple[Any, ...]] = {
            row[0]: row[1:]
            for row in Region.objects.filter(level__lte=max_level).values_list(
                "code", "id", *_COMPARED_FIELDS
            )
        }
        ids: dict[str, int] = {code: values[0] for code, values in existing.items()}
        created = updated = unchanged = 0
        for level in range(1, max_level + 1):
            to_create: list[tuple[Any, ...]] = []
            to_update: list[Region] = []
            for record in records:
                if record.level != level:
                    continue
                wanted = (
                    record.level,
                    record.kind,
                    record.name,
                    ids[record.parent_code] if record.parent_code else None,
                    record.is_autonomous,
                    record.time_zone,
                    versions[record.first_year].pk,
                    versions[record.last_year].pk,
                    record.last_year == latest,
                    record.population_total,
                    record.population_male,
                    record.population_female,
                )
                current = existing.get(record.code)
                if current is not None and current[1:] == wanted:
                    unchanged += 1
                    continue
                if current is None:
                    to_create.append((record.code, *wanted))
                else:
                    region = Region(
                        pk=current[0],
                        code=record.code,
                        **dict(zip(_COMPARED_FIELDS, wanted, strict=True)),
                    )
                    to_update.append(region)
            _insert_regions(to_create)
            Region.objects.bulk_update(to_update, _UPDATE_FIELDS, batch_size=BATCH_SIZE)
            created += len(to_create)
            updated += len(to_update)
            if to_create and level < max_level:
                ids.update(Region.objects.filter(level=level).values_list("code", "id"))
        successions_created, successions_updated = _load_successions(directory, versions)
        transaction.on_commit(region_cache_clear)
    region_cache_clear()
    return RegionLoadReport(
        versions_created=versions_created,
        versions_updated=versions_updated,
        regions_created=created,
        regions_updated=updated,
        regions_unchanged=unchanged,
        successions_created=successions_created,
        successions_updated=successions_updated,
        seconds=time.perf_counter() - started,
    )


def _insert_regions(rows: list[tuple[Any, ...]]) -> None:
    """Insert new regions fast: COPY on PostgreSQL, ``executemany`` on SQLite.

    ``bulk_create`` spent most of a full load building SQL (SQLite allows only ~76 rows of 13
    columns per statement). The values are already database-ready (ids, booleans, ints, text).
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(str(Region._meta.db_table))
    columns = ", ".join(quote(c) for c in ("code", *_COMPARED_FIELDS))  # attnames = columns
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * (1 + len(_COMPARED_FIELDS)))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def _load_versions() -> tuple[dict[int, RegionVersion], int, int]:
    existing = {v.year: v for v in RegionVersion.objects.all()}
    created = updated = 0
    for spec in VERSIONS:
        version = existing.get(spec.year)
        if version is None:
            existing[spec.year] = RegionVersion.objects.create(
                year=spec.year, legal_basis=spec.legal_basis, decree_date=spec.decree_date
            )
            created += 1
        elif (version.legal_basis, version.decree_date) != (spec.legal_basis, spec.decree_date):
            version.legal_basis, version.decree_date = spec.legal_basis, spec.decree_date
            version.save(update_fields=["legal_basis", "decree_date"])
            updated += 1
    return existing, created, updated


def _load_successions(directory: Path, versions: dict[int, RegionVersion]) -> tuple[int, int]:
    existing = {(s.old_code, s.new_code): s for s in RegionSuccession.objects.all()}
    to_create: list[RegionSuccession] = []
    to_update: list[RegionSuccession] = []
    for row in succession_read_shipped(data_dir=directory):
        version = versions[row.effective_year]
        current = existing.get((row.old_code, row.new_code))
        if current is None:
            to_create.append(
                RegionSuccession(
                    old_code=row.old_code,
                    new_code=row.new_code,
                    legal_basis=row.legal_basis,
                    effective_version=version,
                    note=row.note,
                )
            )
        elif (current.legal_basis, current.effective_version_id, current.note) != (
            row.legal_basis,
            version.pk,
            row.note,
        ):
            current.legal_basis, current.effective_version, current.note = (
                row.legal_basis,
                version,
                row.note,
            )
            to_update.append(current)
    RegionSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    RegionSuccession.objects.bulk_update(
        to_update, ["legal_basis", "effective_version", "note"], batch_size=BATCH_SIZE
    )
    return len(to_create), len(to_update)
