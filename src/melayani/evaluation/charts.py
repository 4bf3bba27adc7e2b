"""Server-rendered SVG charts (no scripts, no CDN): horizontal bars with their numbers.

Every chart is an ``<svg role="img">`` with a title; the page shows the same numbers in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ROW = 26
LABEL_WIDTH = 250
BAR_WIDTH = 330
WIDTH = LABEL_WIDTH + BAR_WIDTH + 70


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # 0–100
    second: Decimal | None = None  # a second series (e.g. verified), drawn thinner below


LEGEND = (
    '<rect x="{}" y="2" width="10" height="10" class="{}"></rect>'
    '<text x="{}" y="11" class="chart-value">{}</text>'
)


def bar_chart(bars: Sequence[Bar], *, title: str, first: str, second: str = "") -> SafeString:
    height = ROW * len(bars) + 30
    rows, others = [], []
    for i, bar in enumerate(bars):
        y = 20 + i * ROW
        value = _clamp(bar.value)
        width = int(value * BAR_WIDTH / 100)
        label = (LABEL_WIDTH - 6, y + 13, bar.label[:42])
        rows.append(
            (*label, LABEL_WIDTH, y + 2, width, LABEL_WIDTH + width + 4, y + 13, f"{value:.2f}")
        )
        if bar.second is not None:
            others.append((LABEL_WIDTH, y + 14, int(_clamp(bar.second) * BAR_WIDTH / 100)))
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="10" class="bar-self"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}</text>',
        rows,
    )
    body += format_html_join(
        "", '<rect x="{}" y="{}" width="{}" height="6" class="bar-verified"></rect>', others
    )
    legend = format_html(LEGEND, LABEL_WIDTH, "bar-self", LABEL_WIDTH + 14, first)
    if second:
        legend += format_html(LEGEND, LABEL_WIDTH + 150, "bar-verified", LABEL_WIDTH + 164, second)
    return format_html(
        '<svg class="eval-chart" role="img" viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>{}{}</svg>",
        WIDTH,
        height,
        title,
        legend,
        body,
    )


def _clamp(value: Decimal | None) -> Decimal:
    return max(Decimal(0), min(Decimal(100), value or Decimal(0)))
