"""Benchmark: 10,000 ten-working-day deadlines against a plain datetime loop in the same run.

Run with ``python benchmarks/clock_bench.py``. The ceiling is the least any deadline code could do:
ten ``datetime + timedelta`` steps with a weekday check per call. The clock also converts zones,
looks up holidays and validates its inputs; the printed ratio says what that costs.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "melayani.test_settings")

import django

django.setup()

import holidays  # noqa: E402

from melayani.workcalendar.clock import DeadlineUnit, Pause, WorkingClock  # noqa: E402

CALLS = 10_000
ZONE = ZoneInfo("Asia/Jakarta")


def days_off(year: int) -> frozenset[dt.date]:
    return frozenset(
        holidays.country_holidays("ID", years=year, categories=("public", "government"))
    )


def starts() -> list[dt.datetime]:
    rng = random.Random(2025)
    base = dt.datetime(2025, 1, 1, tzinfo=ZONE)
    return [base + dt.timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60)) for _ in range(CALLS)]


def best_of(runs: int, fn: object) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()  # type: ignore[operator]
        timings.append(time.perf_counter() - began)
    return min(timings)


def main() -> None:
    moments = starts()
    clock = WorkingClock(time_zone="Asia/Jakarta", days_off=days_off)
    for year in (2025, 2026, 2027, 2028):
        clock.days_off(year)  # load the calendar outside the timed runs

    def ceiling() -> None:
        one_day = dt.timedelta(days=1)
        for start in moments:
            day, counted = start, 0
            while counted < 10:
                day = day + one_day
                if day.weekday() < 5:
                    counted += 1

    def working_days() -> None:
        for start in moments:
            clock.add(start, 10, DeadlineUnit.WORKING_DAYS)

    def working_days_paused() -> None:
        for start in moments:
            pause = Pause(start + dt.timedelta(hours=26), start + dt.timedelta(hours=50))
            clock.add(start, 10, DeadlineUnit.WORKING_DAYS, [pause])

    base = best_of(5, ceiling)
    plain = best_of(5, working_days)
    paused = best_of(3, working_days_paused)
    print(f"{CALLS} calls, best of several runs")
    print(f"  ceiling (datetime + timedelta, weekday check): {base * 1000:8.1f} ms")
    print(
        f"  add(..., 10, working_days):                    {plain * 1000:8.1f} ms "
        f"({plain / CALLS * 1e6:.1f} µs/call, ratio {plain / base:.1f}×)"
    )
    print(
        f"  add(..., 10, working_days, [pause]):           {paused * 1000:8.1f} ms "
        f"({paused / CALLS * 1e6:.1f} µs/call, ratio {paused / base:.1f}×)"
    )


if __name__ == "__main__":
    main()
