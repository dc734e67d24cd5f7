"""Folder source: .md (YAML front matter), .html/.htm, .txt and .jsonl files.

A file's article is named by the source and the file's path below the folder (`样例周/gz/a.md`,
`样例周/batch.jsonl#3` for a line): moving or copying the folder changes nothing. Every file (every
line of a .jsonl file) is read in its own guard, within the configured limits, and only inside
the folder (see `boundary`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from ..config import LimitSettings
from ..model import RawDocument, Skipped
from .boundary import Entry, FolderError, Refused, read_bytes, read_lines, walk
from .bounded import load_front_matter, load_json, within_limits
from .decode import decode_bytes
from .events import Event, Expect, SourceError
from .guard import Unusable, guarded
from .meta import html_head, parse_published

logger = logging.getLogger(__name__)

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
            ".txt": "text", ".jsonl": "jsonl"}
PRECISE_ERRORS = 8192  # front matter up to this size is parsed again to place an error exactly
REPORTED_LINES = 20  # skipped lines of one .jsonl file listed one by one; the rest are counted
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_TXT_SOURCE_LINE = re.compile(r"^\s*(?:来源|來源|稿源)[:：]\s*(?P<outlet>\S+)?\s*(?P<when>.*)$")


def iter_folder(
    folder: Path, *, source: str, tz: ZoneInfo, limits: LimitSettings | None = None,
    unchanged: Callable[[Entry, str], list[Event] | bytes | None] | None = None,
) -> Iterator[Event]:
    """Yield every article file below `folder`; unreadable and refused ones as `Skipped` with a reason.

    `unchanged(entry, origin)` may answer for a file instead: what it delivered when it was last
    read, or the file's bytes when it had to read them (they are not read twice).
    """
    limits = limits or LimitSettings()
    try:
        found = list(walk(folder, suffixes=frozenset(SUFFIXES)))
    except FolderError as exc:
        raise SourceError(str(exc), where=str(folder)) from None
    yield Expect(len(found))
    for item in found:
        origin = f"{source}/{item.rel}"
        known = unchanged(item, origin) if unchanged is not None and isinstance(item, Entry) else None
        if isinstance(known, list):
            yield from known
        elif isinstance(item, Refused):
            yield Skipped(origin, item.reason)
        elif _format(item.rel) == "jsonl":
            yield from _jsonl(item, origin=origin, source=source, tz=tz, limits=limits)
        else:
            yield from guarded(origin, lambda item=item, origin=origin, data=known: [  # type: ignore[misc]
                _file(item, origin=origin, source=source, tz=tz, limits=limits, data=data)],
                seconds=limits.file_seconds)


def collect_folder(
    folder: Path, *, source: str, tz: ZoneInfo, limits: LimitSettings | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read every article file below `folder`; unreadable ones are skipped with a reason."""
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    try:
        for event in iter_folder(folder, source=source, tz=tz, limits=limits):
            if isinstance(event, RawDocument):
                documents.append(event)
            elif isinstance(event, Skipped):
                skipped.append(event)
    except SourceError as exc:
        return [], [Skipped(exc.where, str(exc))]
    return documents, skipped


def read_file(
    path: Path, *, source: str, tz: ZoneInfo, limits: LimitSettings | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read one article file named on its own (a .jsonl file may hold many); problems come back as `Skipped`."""
    limits = limits or LimitSettings()
    entry = Entry(path=str(path), rel=path.name, identity=None)
    origin = str(path)
    if _format(path.name) == "jsonl":
        events = list(_jsonl(entry, origin=origin, source=source, tz=tz, limits=limits))
    else:
        events = guarded(origin, lambda: [_file(entry, origin=origin, source=source, tz=tz, limits=limits)],
                         seconds=limits.file_seconds)
    return ([e for e in events if isinstance(e, RawDocument)], [e for e in events if isinstance(e, Skipped)])


def _format(name: str) -> str:
    return SUFFIXES[Path(name).suffix.lower()]


def _file(entry: Entry, *, origin: str, source: str, tz: ZoneInfo, limits: LimitSettings,
          data: bytes | None = None) -> RawDocument:
    if data is None:
        data = read_bytes(entry.path, limit=limits.file_bytes, identity=entry.identity)
    document = _document(origin, _decode(data), fmt=_format(entry.rel), source=source, tz=tz, limits=limits)
    return within_limits(document, limits=limits)


def _decode(data: bytes) -> str:
    if not data.strip():
        raise Unusable("empty file")
    try:
        text, _codec = decode_bytes(data)
    except ValueError as exc:
        raise Unusable(str(exc)) from None
    if not text.strip():
        raise Unusable("empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _document(origin: str, text: str, *, fmt: str, source: str, tz: ZoneInfo, limits: LimitSettings) -> RawDocument:
    if fmt == "markdown" or (fmt == "text" and text.lstrip("\ufeff").startswith("---\n")):
        # A .txt file that opens with YAML front matter is read like Markdown.
        return _markdown(origin, text.lstrip("\ufeff"), source=source, tz=tz, limits=limits)
    if fmt == "html":
        head = html_head(text)
        title = head.get("title", "")
        if not title:
            raise Unusable("HTML page has no <title> or <h1>")
        return RawDocument(
            origin=origin, source=source, title=title, url="",
            published=parse_published(head.get("published"), tz=tz),
            body=text, fmt="html", outlet=head.get("outlet", ""),
        )
    return _plain_text(origin, text, source=source, tz=tz)


def _markdown(origin: str, text: str, *, source: str, tz: ZoneInfo, limits: LimitSettings) -> RawDocument:
    meta: dict[object, object] = {}
    body = text
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = load_front_matter(match.group(1), limits=limits)
        except yaml.YAMLError as exc:
            raise Unusable(f"front matter is not valid YAML{_yaml_error_line(match.group(1), exc)}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise Unusable("front matter is not a mapping of keys")
        meta = loaded or {}
        body = text[match.end():]
    elif text.startswith("---\n"):
        raise Unusable("front matter has no closing '---' line")
    title = _scalar(meta.get("title"))
    if not title:
        heading = re.search(r"^#\s+(.+)$", body, re.M)
        if heading:
            title = heading.group(1).strip()
            body = body[: heading.start()] + body[heading.end():]
    if not title:
        raise Unusable("no title (front matter 'title' or a '# ' heading)")
    if not body.strip():
        raise Unusable("article has a title but no text")
    date = meta.get("date") or meta.get("published")
    return RawDocument(
        origin=origin, source=source, title=title, url=_scalar(meta.get("url")),
        published=parse_published(None if isinstance(date, list | dict) else date, tz=tz),
        body=body, fmt="markdown", outlet=_scalar(meta.get("source")),
    )


def _scalar(value: object) -> str:
    """Return a front-matter value as text; lists, mappings and other structures give nothing."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip()
    return ""


def _yaml_error_line(front_matter: str, error: yaml.YAMLError) -> str:
    """Return ' at line N' (of the file) where the error is.

    PyYAML's own parser places errors more exactly than libyaml; it reads small front matter again.
    """
    if len(front_matter) <= PRECISE_ERRORS:
        try:
            yaml.safe_load(front_matter)
        except yaml.YAMLError as exc:
            error = exc
        except (RecursionError, ValueError):  # nested too deep for the pure-Python parser, an impossible date
            pass
    mark = getattr(error, "problem_mark", None)
    return f" at line {mark.line + 2}" if mark else ""


def _plain_text(origin: str, text: str, *, source: str, tz: ZoneInfo) -> RawDocument:
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) < 2:
        raise Unusable("text file needs a title line and at least one paragraph")
    title, rest = lines[0], lines[1:]
    outlet, published = "", None
    info = _TXT_SOURCE_LINE.match(rest[0])
    if info:
        outlet = info.group("outlet") or ""
        published = parse_published(info.group("when"), tz=tz)
        rest = rest[1:]
    if not rest:
        raise Unusable("text file has a title but no paragraphs")
    return RawDocument(
        origin=origin, source=source, title=title, url="", published=published,
        body="\n\n".join(rest), fmt="text", outlet=outlet,
    )


def _jsonl(
    entry: Entry, *, origin: str, source: str, tz: ZoneInfo, limits: LimitSettings,
) -> Iterator[RawDocument | Skipped]:
    """Yield the articles of a JSON-lines file, each line read in its own guard; bad lines as Skipped.

    The file is read a line at a time. After REPORTED_LINES skipped lines, the rest are counted
    in one closing line.
    """
    reported, unreported = 0, Counter[str]()
    lines = 0
    try:
        for number, raw in read_lines(entry.path, limit=limits.file_bytes, identity=entry.identity):
            if raw is not None and not raw.strip():
                continue
            lines += 1
            line_origin = f"{origin}#{number}"
            if raw is None:
                events: list[RawDocument | Skipped] = [Skipped(line_origin, f"line too large (more than "
                                                               f"{limits.file_bytes:,} bytes; limits.file_bytes)")]
            else:
                events = guarded(line_origin, lambda raw=raw, line_origin=line_origin: [  # type: ignore[misc]
                    _json_entry(raw, origin=line_origin, source=source, tz=tz, limits=limits)],
                    seconds=limits.file_seconds)
            for event in events:
                if isinstance(event, RawDocument):
                    yield event
                elif reported < REPORTED_LINES:
                    reported += 1
                    yield event
                else:
                    unreported[event.reason] += 1
            if lines == 1 and events and isinstance(events[0], Skipped) and events[0].reason.startswith("binary"):
                return  # the whole file is not text: one line says so
    except Unusable as exc:
        yield Skipped(origin, str(exc))
        return
    if not lines:
        yield Skipped(origin, "empty file")
    if unreported:
        total = sum(unreported.values())
        common, _ = unreported.most_common(1)[0]
        yield Skipped(origin, f"{total:,} more lines skipped (mostly: {common})")


def _json_entry(raw: bytes, *, origin: str, source: str, tz: ZoneInfo, limits: LimitSettings) -> RawDocument:
    try:
        line, _codec = decode_bytes(raw)
    except ValueError as exc:
        raise Unusable(str(exc)) from None
    entry = load_json(line, limits=limits)
    if not isinstance(entry, dict):
        raise Unusable("line is not a JSON object")
    title = _scalar(entry.get("title"))
    html_body, content = entry.get("html"), entry.get("content")
    if not title:
        raise Unusable("entry has no title")
    if not (html_body or content):
        raise Unusable("entry has neither 'content' nor 'html'")
    if not isinstance(html_body or content, str):
        raise Unusable(f"entry's '{'html' if html_body else 'content'}' is not text")
    published = entry.get("published")
    document = RawDocument(
        origin=origin, source=source, title=title, url=_scalar(entry.get("url")),
        published=parse_published(None if isinstance(published, list | dict) else published, tz=tz),
        body=str(html_body or content), fmt="html" if html_body else "text",
        outlet=_scalar(entry.get("source")),
    )
    return within_limits(document, limits=limits)
