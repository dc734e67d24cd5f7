"""Web source: article pages named by URL, or found on a listing page by a link pattern."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from urllib.parse import urldefrag, urljoin
from zoneinfo import ZoneInfo

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from ..config import LimitSettings, SourceConfig
from ..model import RawDocument, Skipped
from ..store import Validators
from .bounded import within_limits
from .decode import decode_bytes
from .events import Event, Expect, Memory, SourceError, Unchanged, Validated
from .fetch import Fetcher, FetchError, Response
from .guard import OverBudget, Unusable, guarded, time_budget
from .meta import html_head, parse_published

logger = logging.getLogger(__name__)
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_SQUASH = re.compile(r"\s+")
MIN_PARAGRAPH = 8  # shorter extracted lines (bylines, captions) do not decide where the article is
COVERAGE = 0.9  # the article region holds this share of the extracted text


def iter_web(
    source: SourceConfig, *, fetcher: Fetcher, store: Memory, tz: ZoneInfo, limits: LimitSettings | None = None,
) -> Iterator[Event]:
    """Yield the articles of a web source: its `urls`, then the new links of its `listing` page.

    Known pages named in `urls` are fetched again with a conditional GET (a changed page becomes a new
    version); links found on the listing that the store already has are not fetched again. Each
    page is read in its own guard.
    """
    limits = limits or LimitSettings()
    urls = list(source.urls)
    known: list[str] = []
    if source.listing and source.link_pattern:
        try:
            listing = fetcher.get(source.listing, allow_private=source.allow_private)
            with time_budget(limits.file_seconds):
                links = listing_links(listing, pattern=source.link_pattern)
        except (FetchError, Unusable, OverBudget) as exc:
            if not urls:
                raise SourceError(f"listing page: {exc}", where=source.listing) from None
            yield Skipped(source.listing, f"listing page: {exc}")
            links = []
        for link in links:
            if link in urls:
                continue
            (known if store.has(link) else urls).append(link)
    yield Expect(len(urls) + len(known))
    for link in known:
        yield Unchanged(link)
    for url in urls:
        yield from guarded(url, lambda url=url: list(fetch_article(  # type: ignore[misc]
            url, source=source.name, fetcher=fetcher, store=store, tz=tz, limits=limits,
            allow_private=source.allow_private)))


def fetch_article(
    url: str, *, source: str, fetcher: Fetcher, store: Memory, tz: ZoneInfo, title: str = "",
    published: datetime | None = None, outlet: str = "", hint: str | None = None,
    limits: LimitSettings | None = None, allow_private: bool = False,
) -> Iterator[Event]:
    """Fetch one article page (conditionally when the store has it) and yield it, Unchanged, or Skipped.

    `title`, `published` and `outlet` come from a feed entry and win over what the page says.
    """
    limits = limits or LimitSettings()
    previous = (store.validators(url) if store.has(url) else None) or Validators()
    try:
        response = fetcher.get(url, etag=previous.etag, last_modified=previous.last_modified,
                               allow_private=allow_private)
        if response.not_modified:
            yield Unchanged(url)
            if hint is not None and hint != previous.hint:
                yield Validated(url, replace(previous, hint=hint))
            return
        with time_budget(limits.file_seconds):
            document = read_page(response, url=url, source=source, tz=tz)
    except (FetchError, Unusable, OverBudget) as exc:
        yield Skipped(url, str(exc))
        return
    yield within_limits(RawDocument(
        origin=document.origin, source=source, title=title or document.title, url=url,
        published=published or document.published, body=document.body, fmt=document.fmt,
        outlet=outlet or document.outlet, raw=document.raw,
    ), limits=limits)
    validators = Validators(etag=response.etag, last_modified=response.last_modified, hint=hint)
    if validators != Validators():
        yield Validated(url, validators)


def read_page(response: Response, *, url: str, source: str, tz: ZoneInfo) -> RawDocument:
    """Return the article of a fetched page: its main region as HTML, title, date and outlet."""
    kind = response.content_type.split(";")[0].strip().lower()
    if kind not in _HTML_TYPES:
        raise Unusable(f"not a web page ({kind})")
    if not response.content.strip():
        raise Unusable("empty page")
    page = decode_page(response)
    metadata = trafilatura.extract_metadata(page)
    head = html_head(page)
    title = (metadata.title if metadata and metadata.title else "") or head.get("title", "")
    if not title:
        raise Unusable("page has no <title> or <h1>")
    return RawDocument(
        origin=url, source=source, title=_SQUASH.sub(" ", title).strip(), url=url,
        published=_published(metadata.date if metadata else None, head.get("published"), tz=tz),
        body=main_region(page, title=title), fmt="html",
        outlet=head.get("outlet") or (metadata.sitename if metadata and metadata.sitename else ""),
        raw=response.content,
    )


def decode_page(response: Response) -> str:
    """Return the page as text: the charset of the HTTP header or the page's <meta>, checked by decoding."""
    declared = response.charset
    if not declared:
        match = _META_CHARSET.search(response.content[:4096])
        declared = match.group(1).decode("ascii") if match else None
    try:
        text, _codec = decode_bytes(response.content, declared=declared)
    except ValueError as exc:
        raise Unusable(str(exc)) from None
    # Decoded, an XHTML page's XML declaration only gets in the way (lxml refuses text that has one).
    return _XML_DECLARATION.sub("", text, count=1)


def _published(found: str | None, meta: str | None, *, tz: ZoneInfo) -> datetime | None:
    """Return trafilatura's date, or the page's <meta>/<time> when that is the same day with a time."""
    from_meta = parse_published(meta, tz=tz)
    from_page = parse_published(found, tz=tz)
    if from_page is None or (from_meta is not None and from_meta.date() == from_page.date()):
        return from_meta
    return from_page


def main_region(page: str, *, title: str) -> str:
    """Return the HTML of the page region holding the article text trafilatura finds.

    The region keeps its original markup, so the cleaner still sees hidden text and page furniture
    and records why it drops them. Without an extraction the whole page goes to the cleaner.
    """
    # Precision over recall: the extraction only locates the article; the region around it keeps
    # the short lines trafilatura may leave out.
    extracted = trafilatura.extract(page, output_format="txt", favor_precision=True, include_comments=False,
                                    include_tables=True, deduplicate=False)
    paragraphs = [p for p in (_SQUASH.sub("", line) for line in (extracted or "").split("\n"))
                  if len(p) >= MIN_PARAGRAPH]
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, etree.ParserError):
        return page
    if not paragraphs:
        return page
    total = sum(len(p) for p in paragraphs)
    region = None
    # Regions holding the text nest, and document order visits the outer before the inner: the
    # last one found is the innermost.
    for element in tree.iter(etree.Element):
        if element.tag in ("head", "title", "script", "style"):
            continue
        text = _SQUASH.sub("", element.text_content())
        if len(text) < COVERAGE * total:
            continue
        if sum(len(p) for p in paragraphs if p in text) >= COVERAGE * total:
            region = element
    if region is None:
        return page
    body = lxml_html.tostring(region, encoding="unicode")
    escaped = title.replace("&", "&amp;").replace("<", "&lt;")
    return f"<html><head><meta charset=\"utf-8\"><title>{escaped}</title></head><body>{body}</body></html>"


def listing_links(response: Response, *, pattern: str) -> list[str]:
    """Return the absolute http(s) links of a listing page that match `pattern`, in page order."""
    page = decode_page(response)
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, etree.ParserError):
        raise Unusable("listing page is not HTML") from None
    wanted = re.compile(pattern)
    links: dict[str, None] = {}
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        link = urldefrag(urljoin(response.url, href)).url
        if link.startswith(("http://", "https://")) and wanted.search(link):
            links[link] = None
    return list(links)
