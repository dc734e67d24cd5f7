"""The archive: `index.html` listing every issue in the output folder, newest first, and `feed.atom`."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..config import Config
from ..errors import DigestError
from ..model import Digest, signed_headline
from ..week import parse_week
from . import atomic_write
from .html import render_template
from .view import STATUS_LABELS, edition_label, issue_label, period_text

logger = logging.getLogger(__name__)

ISSUE_FOLDER = re.compile(r"^\d{4}-W\d{2}$")
FILES = (("html", "网页"), ("pdf", "PDF"), ("md", "Markdown"))


@dataclass
class IssueFile:
    kind: str
    label: str
    href: str  # relative to the output folder
    size: int


@dataclass
class IssueEntry:
    """One issue as the archive and the feed show it."""

    issue: str
    title: str
    edition: str
    start: date
    end: date
    status: str
    updated: datetime
    sections: list[str] = field(default_factory=list)
    items: int | None = None
    cities: int | None = None
    files: dict[str, IssueFile] = field(default_factory=dict)

    @property
    def period(self) -> str:
        return period_text(self.start, self.end)

    @property
    def issue_label(self) -> str:
        return issue_label(self.issue)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def write_archive(out: Path, config: Config, *, current: Digest | None = None) -> dict[str, Path]:
    """Write `out/index.html` and `out/feed.atom` for every issue folder in `out`; return their paths."""
    from .feed import render_feed

    entries = collect_issues(out, config, current=current)
    index = render_template("index.html.j2", {
        "title": config.title,
        "author": config.author,
        "issues": entries,
        "feed": "feed.atom",
    }, config, autoescape=True)
    # Readers subscribe to the feed: it announces published issues, drafts only when asked to.
    feed = render_feed([e for e in entries if config.feed_drafts or e.status == "published"], config)
    written = {"index": out / "index.html", "feed": out / "feed.atom"}
    atomic_write(written["index"], index.encode("utf-8"))
    atomic_write(written["feed"], feed)
    return written


def collect_issues(out: Path, config: Config, *, current: Digest | None = None) -> list[IssueEntry]:
    """Return the issues found in `out` (folders like 2025-W46 holding a digest), newest first."""
    entries = []
    folders = sorted(p for p in out.iterdir() if p.is_dir() and ISSUE_FOLDER.match(p.name)) if out.is_dir() else []
    for folder in folders:
        entry = _entry(folder, config, current=current if current and current.issue == folder.name else None)
        if entry is not None:
            entries.append(entry)
    entries.sort(key=lambda e: (e.start, e.issue), reverse=True)
    return entries


def _entry(folder: Path, config: Config, *, current: Digest | None) -> IssueEntry | None:
    files = {}
    for kind, label in FILES:
        path = folder / f"digest.{kind}"
        if path.is_file():
            files[kind] = IssueFile(kind, label, f"{folder.name}/{path.name}", path.stat().st_size)
    saved = folder / "digest.json"
    if not files and not saved.is_file():
        return None
    tz = ZoneInfo(config.timezone)
    newest = max((p.stat().st_mtime for p in folder.glob("digest.*")), default=0.0)
    entry = IssueEntry(
        issue=folder.name, title=config.title, edition=edition_label(folder.name, config.first_issue),
        start=date.min, end=date.min, status="draft", updated=datetime.fromtimestamp(newest, tz), files=files,
    )
    data = _digest_data(current, saved)
    if data is not None:
        try:
            # An issue goes out under its headline once an editor accepted or wrote it, else the column's title.
            status = ((data.get("provenance") or {}).get("headline") or {}).get("status")
            entry.title = (signed_headline(str(data.get("headline") or ""), status)
                           or str(data.get("title") or entry.title))
            entry.status = str(data.get("status") or entry.status)
            entry.start = date.fromisoformat(data["period"]["start"])
            entry.end = date.fromisoformat(data["period"]["end"])
            entry.sections = [str(s["title"]) for s in data.get("sections", [])]
            entry.items = sum(len(s.get("items", [])) for s in data.get("sections", []))
            entry.cities = data.get("stats", {}).get("cities")
            if data.get("generated"):
                generated = datetime.fromisoformat(data["generated"])
                entry.updated = generated if generated.tzinfo else generated.replace(tzinfo=tz)
            return entry
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            logger.warning("%s: unexpected content (%s); the archive lists it by its week", saved, exc)
    try:
        week = parse_week(folder.name, week_starts=config.week_starts)
    except DigestError as exc:
        logger.warning("%s: not an issue folder (%s); left out of the archive", folder, exc)
        return None
    entry.start, entry.end = week.start, week.end
    return entry


def _digest_data(current: Digest | None, saved: Path) -> dict[str, Any] | None:
    """Return the digest as JSON data: the one just built, else the saved digest.json."""
    if current is not None:
        return current.to_json()
    if not saved.is_file():
        return None
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        logger.warning("%s: cannot be read (%s); the archive lists it by its week", saved, exc)
        return None
    return data if isinstance(data, dict) else None
