"""The coverage chart: an inline SVG bar chart of items per city, zeros marked so gaps stand out."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

PITCH = 22  # horizontal room per city
BAR = 14  # bar width
TOP = 16  # room for the count above the tallest bar
HEIGHT = 56  # height of the tallest bar
LABEL = 14  # city names stand upright, one character per line
BAR_FILL = "#3d5a73"
MISSING = "#d40000"
FONT = "'Noto Serif CJK SC', 'Source Han Serif SC', 'Songti SC', serif"


def coverage_chart(counts: list[tuple[str, int]], *, title: str) -> Markup:
    """Return an accessible SVG bar chart of `counts` (city, items), in the order given."""
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
        f'<line x1="0" y1="{base + 0.5}" x2="{width}" y2="{base + 0.5}" stroke="#b8b0a2" stroke-width="1"/>',
    ]
    for index, (city, count) in enumerate(counts):
        x = index * PITCH + (PITCH - BAR) / 2
        middle = index * PITCH + PITCH / 2
        colour = BAR_FILL if count else MISSING
        if count:
            bar = max(HEIGHT * count / scale, 3)
            parts.append(f'<rect x="{x:g}" y="{base - bar:g}" width="{BAR}" height="{bar:g}" fill="{BAR_FILL}"/>')
            label_y = base - bar - 3
        else:
            parts.append(f'<rect x="{x + 0.5:g}" y="{base - 8:g}" width="{BAR - 1}" height="7.5" fill="none" '
                         f'stroke="{MISSING}" stroke-width="1" stroke-dasharray="2 1.5"/>')
            label_y = base - 11
        parts.append(f'<text x="{middle:g}" y="{label_y:g}" font-size="10" text-anchor="middle" '
                     f'fill="{colour}">{count}</text>')
        for line, char in enumerate(city):
            weight = ' font-weight="700"' if not count else ""
            parts.append(f'<text x="{middle:g}" y="{base + 6 + LABEL * (line + 1) - 2:g}" font-size="13" '
                         f'text-anchor="middle" fill="{colour if not count else "#333333"}"{weight}>'
                         f'{escape(char)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
