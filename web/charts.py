"""Charts drawn on the server as accessible SVG (no JavaScript, no build step)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT, GAP, LABEL = 560, 160, 6, 18


def bar_chart(points: Sequence[tuple[date, int]], *, title: str) -> Markup:
    """A bar per day with its count; ``title`` and a text table alternative make it readable without sight."""
    if not points:
        return Markup("")
    top = max(count for _, count in points) or 1
    bar = (WIDTH - GAP * (len(points) + 1)) / len(points)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + LABEL * 2}" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for index, (day, count) in enumerate(points):
        height = round((HEIGHT - LABEL) * count / top)
        x = GAP + index * (bar + GAP)
        y = HEIGHT - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{bar:.1f}" height="{height}" rx="3">'
            f"<title>{day:%a %d %b}: {count}</title></rect>"
        )
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4}" text-anchor="middle" class="value">{count}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{HEIGHT + LABEL}" text-anchor="middle">{day:%a %d}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from numbers, dates and the escaped title only
