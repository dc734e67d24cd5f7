"""Folder source: .md (YAML front matter), .html/.htm, .txt and .jsonl files."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from ..model import RawDocument, Skipped
from .decode import decode_bytes
from .events import Expect, SourceError
from .meta import html_head, parse_published

logger = logging.getLogger(__name__)

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
            ".txt": "text", ".jsonl": "jsonl"}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
# libyaml's loader when PyYAML has it: front matter parsing is most of a folder's reading time.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TXT_SOURCE_LINE = re.compile(r"^\s*(?:来源|來源|稿源)[:：]\s*(?P<outlet>\S+)?\s*(?P<when>.*)$")


class Unusable(Exception):
    """A file or line that cannot be used; the message is the one-line reason."""


def iter_folder(folder: Path, *, source: str, tz: ZoneInfo) -> Iterator[RawDocument | Skipped | Expect]:
    """Yield every article file below `folder`; unreadable ones as `Skipped` with a reason."""
    if not folder.is_dir():
        raise SourceError("folder not found", where=str(folder))
    paths = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.suffix.lower() not in SUFFIXES:
            logger.debug("ignoring %s: not an article file type", path)
            continue
        paths.append(path)
    yield Expect(len(paths))
    for path in paths:
        documents, skipped = read_file(path, source=source, tz=tz)
        yield from documents
        yield from skipped


def collect_folder(folder: Path, *, source: str, tz: ZoneInfo) -> tuple[list[RawDocument], list[Skipped]]:
    """Read every article file below `folder`; unreadable ones are skipped with a reason."""
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    try:
        for event in iter_folder(folder, source=source, tz=tz):
            if isinstance(event, RawDocument):
                documents.append(event)
            elif isinstance(event, Skipped):
                skipped.append(event)
    except SourceError as exc:
        return [], [Skipped(exc.where, str(exc))]
    return documents, skipped


def read_file(path: Path, *, source: str, tz: ZoneInfo) -> tuple[list[RawDocument], list[Skipped]]:
    """Read one article file (a .jsonl file may hold many); problems come back as `Skipped`."""
    # One file has one origin, however it was named: the store keys articles by it.
    path = Path(os.path.abspath(path))
    fmt = SUFFIXES[path.suffix.lower()]
    try:
        text = _read_text(path)
        if fmt == "jsonl":
            return _jsonl(path, text, source=source, tz=tz)
        return [_document(path, text, fmt=fmt, source=source, tz=tz)], []
    except Unusable as exc:
        return [], [Skipped(str(path), str(exc))]


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Unusable(f"cannot read file: {exc.strerror or exc}") from None
    if not data.strip():
        raise Unusable("empty file")
    try:
        text, _codec = decode_bytes(data)
    except ValueError as exc:
        raise Unusable(str(exc)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _document(path: Path, text: str, *, fmt: str, source: str, tz: ZoneInfo) -> RawDocument:
    if fmt == "markdown" or (fmt == "text" and text.lstrip("\ufeff").startswith("---\n")):
        # A .txt file that opens with YAML front matter is read like Markdown.
        return _markdown(path, text.lstrip("\ufeff"), source=source, tz=tz)
    if fmt == "html":
        head = html_head(text)
        title = head.get("title", "")
        if not title:
            raise Unusable("HTML page has no <title> or <h1>")
        return RawDocument(
            origin=str(path), source=source, title=title, url="",
            published=parse_published(head.get("published"), tz=tz),
            body=text, fmt="html", outlet=head.get("outlet", ""),
        )
    return _plain_text(path, text, source=source, tz=tz)


def _markdown(path: Path, text: str, *, source: str, tz: ZoneInfo) -> RawDocument:
    meta: dict[str, object] = {}
    body = text
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.load(match.group(1), Loader=_YAML_LOADER)
        except yaml.YAMLError:
            raise Unusable(f"front matter is not valid YAML{_yaml_error_line(match.group(1))}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise Unusable("front matter is not a mapping of keys")
        meta = loaded or {}
        body = text[match.end():]
    elif text.startswith("---\n"):
        raise Unusable("front matter has no closing '---' line")
    title = str(meta.get("title") or "").strip()
    if not title:
        heading = re.search(r"^#\s+(.+)$", body, re.M)
        if heading:
            title = heading.group(1).strip()
            body = body[: heading.start()] + body[heading.end():]
    if not title:
        raise Unusable("no title (front matter 'title' or a '# ' heading)")
    if not body.strip():
        raise Unusable("article has a title but no text")
    return RawDocument(
        origin=str(path), source=source, title=title, url=str(meta.get("url") or ""),
        published=parse_published(meta.get("date") or meta.get("published"), tz=tz),
        body=body, fmt="markdown", outlet=str(meta.get("source") or ""),
    )


def _yaml_error_line(front_matter: str) -> str:
    """Return ' at line N' (of the file) where PyYAML's own parser places the error; libyaml's is less exact."""
    try:
        yaml.safe_load(front_matter)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return f" at line {mark.line + 2}" if mark else ""
    return ""


def _plain_text(path: Path, text: str, *, source: str, tz: ZoneInfo) -> RawDocument:
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
        origin=str(path), source=source, title=title, url="", published=published,
        body="\n\n".join(rest), fmt="text", outlet=outlet,
    )


def _jsonl(path: Path, text: str, *, source: str, tz: ZoneInfo) -> tuple[list[RawDocument], list[Skipped]]:
    documents, skipped = [], []
    for number, line in _numbered_lines(text):
        origin = f"{path}#{number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append(Skipped(origin, f"line is not valid JSON: {exc.msg}"))
            continue
        if not isinstance(entry, dict):
            skipped.append(Skipped(origin, "line is not a JSON object"))
            continue
        title = str(entry.get("title") or "").strip()
        html_body, content = entry.get("html"), entry.get("content")
        if not title:
            skipped.append(Skipped(origin, "entry has no title"))
            continue
        if not (html_body or content):
            skipped.append(Skipped(origin, "entry has neither 'content' nor 'html'"))
            continue
        documents.append(RawDocument(
            origin=origin, source=source, title=title, url=str(entry.get("url") or ""),
            published=parse_published(entry.get("published"), tz=tz),
            body=str(html_body or content), fmt="html" if html_body else "text",
            outlet=str(entry.get("source") or ""),
        ))
    return documents, skipped


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line
