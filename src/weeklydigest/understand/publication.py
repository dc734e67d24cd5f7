"""When a page was published, from its own evidence: front matter, datelines, publication lines, the URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urlsplit

from ..model import Article
from .dates import DATELINE, PUBLICATION_LINE, evidence_regions, read_evidence

FRONT_MATTER, URL = "front matter", "url"
_URL_DATE = re.compile(r"(?<!\d)(20\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)")


@dataclass(frozen=True)
class Publication:
    """The day a page was published and the evidence for it; without a known year, the year is a placeholder."""

    day: date
    year_known: bool
    source: str  # front matter, dateline, publication line, url
    text: str = ""


def find_publication(article: Article, *, fallback: date) -> Publication | None:
    """Return the page's publication day from the best evidence it carries, or None.

    Order: the document's own date (front matter, feed, page metadata); a publication line or
    dateline the cleaner removed; one still in the text. A date in the URL is returned only when
    nothing else is found: it dates the address, and the page may not show it (`url_date`).
    """
    if article.published:
        return Publication(article.published.date(), True, FRONT_MATTER)
    found: list[Publication] = []
    for piece in article.removed:
        if piece.detail in (PUBLICATION_LINE, DATELINE):
            read = read_evidence(piece.text, fallback=fallback)
            if read:
                found.append(Publication(read[0], read[1], piece.detail, piece.text))
    for start, end, kind in evidence_regions(article.text):
        if kind in (PUBLICATION_LINE, DATELINE):
            read = read_evidence(article.text[start:end], fallback=fallback)
            if read:
                found.append(Publication(read[0], read[1], kind, article.text[start:end]))
    if found:
        # A known year beats a month and day; a publication line beats a dateline (it is the page's own).
        return max(found, key=lambda p: (p.year_known, p.source == PUBLICATION_LINE))
    return url_date(article.url, fallback=fallback)


def url_date(url: str, *, fallback: date) -> Publication | None:
    """Return the date a URL's path carries (`/2025-03/21/`, `/20250305/`, `/2026/0203/`, `t20251120_`)."""
    if not url:
        return None
    path = unquote(urlsplit(url).path)
    for match in _URL_DATE.finditer(path):
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
        if day <= fallback:
            return Publication(day, True, URL, match.group(0))
    return None
