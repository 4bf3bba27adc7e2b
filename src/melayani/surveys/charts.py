"""Charts of the SKM pages as inline SVG, drawn on the server: no script, no request, no CDN.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by a ``<desc>``
that reads out every number; the page shows the same numbers in a table beside it (UI.md). Every
text that comes from data is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = count(1)

BAR = "#0b4f8a"
WEAK = "#8a1414"
GRID = "#8a8f94"
TEXT = "#1b1b1b"


@dataclass(frozen=True)
class Datum:
    label: str  # short label drawn on the chart (U1, 2025-Q3)
    value: Decimal | None  # None: no answers
    long_label: str = ""  # read out in the description (the unsur's name)
    highlight: bool = False  # drawn in the warning colour (the weakest unsur), with a mark


def _num(value: Decimal | None, places: int) -> str:
    return "—" if value is None else number_format(value, places)


def _open(title: str, desc: str, width: int, height: int, css_class: str) -> tuple[str, str]:
    uid = f"skm-chart-{next(_ids)}"
    head = (
        f'<svg class="{css_class}" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{uid}-title {uid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="13">'
        f'<title id="{uid}-title">{escape(title)}</title>'
        f'<desc id="{uid}-desc">{escape(desc)}</desc>'
    )
    return uid, head


def bar_chart(
    data: Sequence[Datum],
    *,
    title: str,
    minimum: Decimal = Decimal(1),
    maximum: Decimal = Decimal(4),
    places: int = 2,
    ticks: Sequence[Decimal] = (),
    labels_above: bool = False,
    highlight_note: str = "",
) -> SafeString:
    """Horizontal bars, one per datum, on a fixed scale (NRR 1–4, or IKM 25–100).

    Short labels (U1 …) sit left of their bar; long ones (unit names) above it.
    """
    width, left, right, row, top = 640, 64, 64, 30, 8
    bar_top, bar_height = 5, 20
    if labels_above:
        left, row, bar_top = 8, 48, 22
    height = top * 2 + row * max(len(data), 1) + 20
    plot = width - left - right
    span = maximum - minimum
    desc = "; ".join(
        f"{d.long_label or d.label}: {_num(d.value, places)}"
        + (f" ({highlight_note})" if d.highlight and highlight_note else "")
        for d in data
    )
    _uid, head = _open(title, desc, width, height, "skm-chart skm-bars")
    parts = [head]
    axis_bottom = top + row * len(data)
    for tick in ticks or (minimum, maximum):
        x = left + float((tick - minimum) / span) * plot
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_bottom}" stroke="{GRID}" '
            f'stroke-dasharray="3 3" aria-hidden="true"/>'
            f'<text x="{x:.1f}" y="{axis_bottom + 16}" text-anchor="middle" fill="{TEXT}" '
            f'aria-hidden="true">{escape(_num(tick, 0 if tick == tick.to_integral() else 2))}'
            f"</text>"
        )
    for index, datum in enumerate(data):
        y = top + index * row
        text_y = y + bar_top + bar_height / 2 + 4
        if labels_above:
            parts.append(
                f'<text x="{left}" y="{y + 16}" fill="{TEXT}" font-weight="600" '
                f'aria-hidden="true">{escape(datum.label)}</text>'
            )
        else:
            parts.append(
                f'<text x="{left - 8}" y="{text_y:.1f}" text-anchor="end" fill="{TEXT}" '
                f'aria-hidden="true">{escape(datum.label)}</text>'
            )
        if datum.value is None:
            parts.append(
                f'<text x="{left + 4}" y="{text_y:.1f}" fill="{TEXT}" aria-hidden="true">—</text>'
            )
            continue
        share = max(Decimal(0), min(Decimal(1), (datum.value - minimum) / span))
        bar_width = max(2.0, float(share) * plot)
        colour = WEAK if datum.highlight else BAR
        parts.append(
            f'<rect x="{left}" y="{y + bar_top}" width="{bar_width:.1f}" height="{bar_height}" '
            f'fill="{colour}" aria-hidden="true"/>'
            f'<text x="{left + bar_width + 6:.1f}" y="{text_y:.1f}" fill="{TEXT}" '
            f'aria-hidden="true">{escape(_num(datum.value, places))}'
            f"{' ▼' if datum.highlight else ''}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every data text above is escaped


def line_chart(
    data: Sequence[Datum],
    *,
    title: str,
    minimum: Decimal = Decimal(25),
    maximum: Decimal = Decimal(100),
    places: int = 2,
    bands: Sequence[tuple[Decimal, str]] = (),
) -> SafeString:
    """A line through the data (a gap where there is no value), with the mutu band lines."""
    width, height, left, right, top, bottom = 640, 260, 48, 24, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    span = maximum - minimum
    desc = "; ".join(f"{d.long_label or d.label}: {_num(d.value, places)}" for d in data)
    _uid, head = _open(title, desc, width, height, "skm-chart skm-line")
    parts = [head]

    def y_of(value: Decimal) -> float:
        share = max(Decimal(0), min(Decimal(1), (value - minimum) / span))
        return top + plot_h - float(share) * plot_h

    for value, label in bands:
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-dasharray="3 3" aria-hidden="true"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}" '
            f'aria-hidden="true">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{TEXT}" aria-hidden="true"/>'
    )
    step = plot_w / max(len(data) - 1, 1)
    segment: list[str] = []
    segments: list[list[str]] = []
    marks: list[str] = []  # drawn over the line
    for index, datum in enumerate(data):
        x = left + (index * step if len(data) > 1 else plot_w / 2)
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" fill="{TEXT}" '
            f'aria-hidden="true">{escape(datum.label)}</text>'
        )
        if datum.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        y = y_of(datum.value)
        segment.append(f"{x:.1f},{y:.1f}")
        marks.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BAR}" aria-hidden="true"/>'
            f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" fill="{TEXT}" '
            f'aria-hidden="true">{escape(_num(datum.value, places))}</text>'
        )
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) > 1:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{BAR}" '
                f'stroke-width="2" aria-hidden="true"/>'
            )
    parts.extend(marks)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every data text above is escaped
