"""The Atom feed of issues (RFC 4287): one entry per issue, linking its web page and its PDF.

Written with ElementTree rather than feedgen: feedgen 1.0 drops the rel, type, length and title of
an entry's links (the PDF enclosure becomes a bare link), which this feed relies on.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..config import Config

if TYPE_CHECKING:
    from .archive import IssueEntry

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPES = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown"}


def feed_id(config: Config) -> str:
    """Return the feed's permanent id: stable across builds and hosts, derived from the column's title."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"weeklydigest/{config.title}").urn


def entry_id(config: Config, issue: str) -> str:
    """Return an issue's permanent id in the feed."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"weeklydigest/{config.title}/{issue}").urn


def render_feed(entries: list[IssueEntry], config: Config) -> bytes:
    """Return feed.atom for `entries` (newest first); links are absolute when `base_url` is set."""
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    base = config.base_url or ""
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    add(feed, "id", feed_id(config))
    add(feed, "title", config.title)
    newest = max((e.updated for e in entries), default=datetime.fromtimestamp(0, UTC))
    add(feed, "updated", _timestamp(newest))
    author = add(feed, "author")
    add(author, "name", config.author)
    add(feed, "link", rel="self", type="application/atom+xml", href=f"{base}feed.atom")
    add(feed, "link", rel="alternate", type="text/html", href=f"{base}index.html")
    add(feed, "generator", "weeklydigest")
    for entry in entries:
        node = add(feed, "entry")
        add(node, "id", entry_id(config, entry.issue))
        draft = "（草稿）" if entry.status == "draft" else ""
        add(node, "title", f"{entry.title}｜{entry.edition}{draft}")
        add(node, "updated", _timestamp(entry.updated))
        if "html" not in entry.files:  # an entry without content needs an alternate link (RFC 4287 4.1.1)
            add(node, "link", rel="alternate", type="text/html", href=f"{base}index.html")
        for kind, file in entry.files.items():
            rel = "alternate" if kind == "html" else "enclosure" if kind == "pdf" else "related"
            add(node, "link", rel=rel, type=MEDIA_TYPES[kind], href=f"{base}{file.href}", length=str(file.size),
                title=file.label)
        summary = entry.period
        if entry.items is not None:
            summary += f"：{entry.items} 条动态"
            if entry.cities is not None:
                summary += f"，{entry.cities} 个地市"
        if entry.sections:
            summary += "。关键词：" + "、".join(entry.sections)
        add(node, "summary", summary + "。")
        for title in entry.sections:
            add(node, "category", term=title)
        add(node, "category", term=entry.status, label=entry.status_label)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _timestamp(moment: datetime) -> str:
    """Return an RFC 3339 date-time as Atom requires."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")
