"""The coverage chart: an inline SVG bar chart of items per city; cities with no report of the week stand out."""

from __future__ import annotations

from collections.abc import Collection
from html import escape

from markupsafe import Markup

PITCH = 22  # horizontal room per city
BAR = 10  # bar width
TOP = 14  # room for the count above the tallest bar
HEIGHT = 36  # height of the tallest bar
LABEL = 13  # city names stand upright, one character per line
BAR_FILL = "#a9b7c2"
TEXT = "#6b6b6b"
MISSING = "#c8102e"
ZERO = "#b8b0a2"  # no item, but the city's articles were collected: not a missing report
FONT = "'Noto Serif CJK SC', 'Source Han Serif SC', 'Songti SC', serif"


def coverage_chart(counts: list[tuple[str, int]], *, title: str, missing: Collection[str] = ()) -> Markup:
    """Return an accessible SVG bar chart of `counts` (city, items), in the order given.

    Only the `missing` cities (no collected article of the week) are drawn in red; another city
    with no item is a grey zero.
    """
    longest = max((len(city) for city, _ in counts), default=2)
    base = TOP + HEIGHT
    width = PITCH * len(counts)
    height = base + 6 + LABEL * longest + 2
    scale = max((count for _, count in counts), default=0)
    scale = max(scale, 2)
    described = "；".join(f"{city} {count} 条" for city, count in counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="coverage-chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="coverage-title coverage-desc" font-family="{FONT}">',
        f'<title id="coverage-title">{escape(title)}</title>',
        f'<desc id="coverage-desc">{escape(described)}</desc>',
        f'<line x1="0" y1="{base + 0.5}" x2="{width}" y2="{base + 0.5}" stroke="#d8d2c6" stroke-width="1"/>',
    ]
    for index, (city, count) in enumerate(counts):
        x = index * PITCH + (PITCH - BAR) / 2
        middle = index * PITCH + PITCH / 2
        absent = not count and city in missing
        colour = MISSING if absent else TEXT
        if count:
            bar = max(HEIGHT * count / scale, 3)
            parts.append(f'<rect x="{x:g}" y="{base - bar:g}" width="{BAR}" height="{bar:g}" fill="{BAR_FILL}"/>')
            label_y = base - bar - 3
        else:
            parts.append(f'<rect x="{x + 0.5:g}" y="{base - 6:g}" width="{BAR - 1}" height="5.5" fill="none" '
                         f'stroke="{MISSING if absent else ZERO}" stroke-width="1" stroke-dasharray="2 1.5"/>')
            label_y = base - 11
        parts.append(f'<text x="{middle:g}" y="{label_y:g}" font-size="9" text-anchor="middle" '
                     f'fill="{colour}">{count}</text>')
        for line, char in enumerate(city):
            weight = ' font-weight="700"' if absent else ""
            parts.append(f'<text x="{middle:g}" y="{base + 6 + LABEL * (line + 1) - 2:g}" font-size="11" '
                         f'text-anchor="middle" fill="{colour}"{weight}>{escape(char)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
