"""Survey periods: a quarter (triwulan), a semester or a year, in a Pemda's local calendar.

Aggregates are kept per quarter; a semester or a year is the sum of its quarters, so every
period costs at most four aggregate rows per unit and service.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

QUARTER = "quarter"
SEMESTER = "semester"
YEAR = "year"
_MONTHS = {QUARTER: 3, SEMESTER: 6, YEAR: 12}
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QqSs])(?P<number>[1-4]))?$")


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str = YEAR
    number: int = 1  # quarter 1–4, semester 1–2, year 1

    def __post_init__(self) -> None:
        if self.kind not in _MONTHS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if not 1 <= self.number <= 12 // _MONTHS[self.kind]:
            raise ValueError(f"there is no {self.kind} {self.number}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2025`` (year), ``2025-S1`` (semester), ``2025-Q3`` (quarter)."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a period such as 2025, 2025-S1 or 2025-Q3")
        year = int(match["year"])
        if match["kind"] is None:
            return cls(year)
        kind = QUARTER if match["kind"].upper() == "Q" else SEMESTER
        return cls(year, kind, int(match["number"]))

    @classmethod
    def containing(cls, day: dt.date, kind: str = QUARTER) -> Period:
        return cls(day.year, kind, (day.month - 1) // _MONTHS[kind] + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.number - 1) * _MONTHS[self.kind] + 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        month = self.number * _MONTHS[self.kind]
        following = (
            dt.date(self.year + 1, 1, 1) if month == 12 else dt.date(self.year, month + 1, 1)
        )
        return following - dt.timedelta(days=1)

    @property
    def quarter_starts(self) -> list[dt.date]:
        first = (self.number - 1) * _MONTHS[self.kind] + 1
        return [dt.date(self.year, m, 1) for m in range(first, first + _MONTHS[self.kind], 3)]

    def __str__(self) -> str:
        if self.kind == YEAR:
            return str(self.year)
        return f"{self.year}-{'Q' if self.kind == QUARTER else 'S'}{self.number}"
