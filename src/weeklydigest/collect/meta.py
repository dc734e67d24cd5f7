"""Metadata shared by sources: publication times and HTML head fields."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser
from lxml import html as lxml_html

_CN_DATETIME = re.compile(
    r"(\d{4})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)

EARLIEST, LATEST = 1900, 2200  # publication years taken as real
_META_NAMES = (
    "article:published_time", "publishdate", "pubdate", "publish_date", "date",
    "dc.date", "dc.date.issued", "og:published_time", "datepublished",
)


def parse_published(value: object, *, tz: ZoneInfo) -> datetime | None:
    """Return an aware datetime for a front-matter/feed/meta value, or None if it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time(0, 0))
    else:
        text = str(value).strip()
        match = _CN_DATETIME.search(text)
        if match and not re.match(r"^\d{4}-\d{2}-\d{2}T", text):
            y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
            try:
                result = datetime(y, mo, d, h, mi, s)
            except ValueError:
                return None
        else:
            try:
                result = datetime.fromisoformat(text)  # ISO 8601, the usual case, without dateutil's guessing
            except ValueError:
                try:
                    result = dateparser.parse(text)
                except (ValueError, OverflowError, TypeError):
                    return None
    if not EARLIEST <= result.year <= LATEST:  # no news report's; such a time overflows time-zone arithmetic
        return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=tz)
    return result


def html_head(document: str) -> dict[str, str]:
    """Return title, published and outlet hints from an HTML page's head."""
    try:
        tree = lxml_html.fromstring(document)
    except (ValueError, lxml_html.etree.ParserError):
        return {}
    found: dict[str, str] = {}
    h1 = tree.xpath("//h1")
    title = h1[0].text_content().strip() if h1 else ""
    if not title:
        titles = tree.xpath("//title")
        title = titles[0].text_content().strip() if titles else ""
    if title:
        found["title"] = re.sub(r"\s+", " ", title)
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if key in _META_NAMES and "published" not in found:
            found["published"] = meta.get("content", "")
        elif key in {"source", "og:site_name", "author"} and "outlet" not in found:
            found["outlet"] = meta.get("content", "").strip()
    if "published" not in found:
        times = tree.xpath("//time[@datetime]")
        if times:
            found["published"] = times[0].get("datetime", "")
    return found
