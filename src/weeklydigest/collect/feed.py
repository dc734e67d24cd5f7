"""Feed source: RSS 0.9x/1.0/2.0 and Atom, fetched with a conditional GET."""

from __future__ import annotations

import calendar
import hashlib
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import feedparser

from ..config import LimitSettings, SourceConfig
from ..model import RawDocument, Skipped
from ..store import Validators
from .bounded import within_limits
from .events import Event, Expect, Memory, SourceError, Unchanged, Validated
from .fetch import Fetcher, FetchError
from .guard import guarded
from .meta import EARLIEST, LATEST, parse_published
from .web import fetch_article

logger = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"<(?:p|br|div|li)\b", re.I)
SUMMARY_CHARS = 200  # a description shorter than this, in one paragraph, is a summary of the article


def iter_feed(
    source: SourceConfig, *, fetcher: Fetcher, store: Memory, tz: ZoneInfo, limits: LimitSettings | None = None,
) -> Iterator[Event]:
    """Yield the entries of a feed as articles; nothing when the server says it has not changed.

    A feed shows only its latest entries; the store keeps the earlier ones, so nothing is lost when
    entries rotate out between two collections. Each entry is read in its own guard.
    """
    limits = limits or LimitSettings()
    url = source.url or ""
    previous = store.validators(url) or Validators()
    try:
        response = fetcher.get(url, etag=previous.etag, last_modified=previous.last_modified,
                               allow_private=source.allow_private)
    except FetchError as exc:
        raise SourceError(str(exc), where=url) from None
    if response.not_modified:
        logger.info("feed %s: not modified", url)
        return
    # Bytes, never a string: feedparser fetches a string that looks like a URL. The raw markup is
    # kept (no sanitising) so the cleaner sees hidden text; output is sanitised when rendered.
    parsed = feedparser.parse(
        response.content, sanitize_html=False,
        response_headers={"content-type": response.content_type or "application/xml",
                          "content-location": response.url},
    )
    if not parsed.entries and not parsed.get("version"):
        problem = f" ({_problem(parsed)})" if parsed.get("bozo") else ""
        raise SourceError(f"not an RSS or Atom feed{problem}", where=url)
    if not parsed.entries and parsed.get("bozo"):
        raise SourceError(f"not valid RSS/Atom ({_problem(parsed)})", where=url)
    if parsed.get("bozo"):
        logger.warning("feed %s: malformed (%s); using the %d entries that could be read",
                       url, _problem(parsed), len(parsed.entries))
    outlet = _text(parsed.feed.get("title", ""))
    yield Expect(len(parsed.entries))
    for number, entry in enumerate(parsed.entries, start=1):
        origin = _origin(entry, number=number, feed=url)
        yield from guarded(origin, lambda entry=entry, origin=origin: list(_entry(  # type: ignore[misc]
            entry, origin=origin, outlet=outlet, source=source, fetcher=fetcher, store=store, tz=tz,
            limits=limits)))
    # Only now, with every entry stored: a crash before this line makes the next run fetch it all again.
    validators = Validators(etag=response.etag, last_modified=response.last_modified)
    if validators != previous:
        yield Validated(url, validators)


def _origin(entry: Any, *, number: int, feed: str) -> str:
    """Return what names an entry: its link, else the feed's URL with its id or its number."""
    link = str(entry.get("link") or "").strip()
    guid = str(entry.get("id") or "").strip()
    return link or (f"{feed}#{guid}" if guid else f"{feed}#{number}")


def _entry(
    entry: Any, *, origin: str, outlet: str, source: SourceConfig, fetcher: Fetcher, store: Memory,
    tz: ZoneInfo, limits: LimitSettings,
) -> Iterator[Event]:
    link = str(entry.get("link") or "").strip()
    guid = str(entry.get("id") or "").strip()
    title = _text(entry.get("title", ""))
    if not title:
        yield Skipped(origin, "feed entry has no title")
        return
    if not (link or guid):
        yield Skipped(origin, "feed entry has neither a link nor an id")
        return
    # dict.get: feedparser's own get() maps a missing "updated" to "published" with a warning.
    published = parse_published(entry.get("published") or dict.get(entry, "updated"), tz=tz) or _struct_time(entry)
    contents = entry.get("content") or []
    full = "".join(str(c.get("value", "")) for c in contents if c.get("value"))
    summary = str(entry.get("summary") or "")
    entry_outlet = _text(entry.get("source", {}).get("title", "")) or outlet
    if not full and _wants_page(source, summary) and link.startswith(("http://", "https://")):
        # Only a summary: the article is on the linked page. Fetch it again only when the feed
        # says the entry changed.
        hint = str(dict.get(entry, "updated") or entry.get("published") or hashlib.sha1(summary.encode()).hexdigest())
        known = store.validators(link) if store.has(link) else None
        if known is not None and known.hint == hint:
            yield Unchanged(link)
            return
        fetched = list(fetch_article(link, source=source.name, fetcher=fetcher, store=store, tz=tz, title=title,
                                     published=published, outlet=entry_outlet, hint=hint, limits=limits,
                                     allow_private=source.allow_private))
        if any(isinstance(event, RawDocument | Unchanged) for event in fetched) or not summary.strip():
            yield from fetched
            return
        reason = next(event.reason for event in fetched if isinstance(event, Skipped))
        yield Skipped(link, f"linked page not used ({reason}); the feed's summary stands in")
    body = full or summary
    if not _text(body):
        yield Skipped(origin, "feed entry has no text")
        return
    yield within_limits(RawDocument(
        origin=origin, source=source.name, title=title, url=link or guid, published=published,
        body=body, fmt="html", outlet=entry_outlet,
    ), limits=limits)


def _wants_page(source: SourceConfig, summary: str) -> bool:
    """Whether to fetch the linked page of an entry without full content (`fetch_pages`: auto, true, false)."""
    if source.fetch_pages != "auto":
        return bool(source.fetch_pages)
    # auto: a teaser rather than the article — one short paragraph, or text cut off with an ellipsis.
    text = _text(summary)
    blocks = len(_BLOCK.findall(summary))
    return not text or text.endswith(("…", "...")) or (len(text) < SUMMARY_CHARS and blocks <= 1)


def _text(value: object) -> str:
    """Return feed text (titles may carry markup) as one plain line."""
    return re.sub(r"\s+", " ", _TAG.sub("", str(value or ""))).strip()


def _struct_time(entry: Any) -> datetime | None:
    """Return the entry's time as feedparser read it; None when there is none or no calendar holds it."""
    parsed = entry.get("published_parsed") or dict.get(entry, "updated_parsed")
    if not parsed or not EARLIEST <= parsed.tm_year <= LATEST:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _problem(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    return (getattr(exc, "getMessage", None) and exc.getMessage()) or str(exc) or type(exc).__name__
