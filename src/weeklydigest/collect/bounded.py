"""Parsers with bounds: YAML front matter without alias bombs, JSON with a depth limit, text cut to size.

What a source delivers goes through `within_limits` before the cleaner sees it: the cleaner's
cost grows faster than linearly with an article's length, so capping its input is what bounds it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from typing import Any

import yaml
from lxml import etree
from lxml import html as lxml_html

from ..config import LimitSettings
from ..model import RawDocument
from .guard import Unusable

logger = logging.getLogger(__name__)

# libyaml's loader when PyYAML has it: front matter parsing is most of a folder's reading time.
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ODD = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # either of the two
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_TAG = re.compile(r"<[^>]*>")


class _FrontMatterLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader; a date YAML cannot hold (`9999-99-99`) stays a string instead of failing."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_FrontMatterLoader.add_constructor(_TIMESTAMP, _FrontMatterLoader.construct_yaml_timestamp)


def load_front_matter(text: str, *, limits: LimitSettings) -> object:
    """Return the YAML value of front matter; raise Unusable when it is too large or expands too far.

    The document is composed first (aliases are shared nodes there, nothing is expanded) and its
    values are counted as they would be expanded, stopping at the limit; only then is it built.
    """
    size = len(text.encode("utf-8"))
    if size > limits.front_matter_bytes:
        raise Unusable(f"front matter too large ({size:,} bytes, the limit is {limits.front_matter_bytes:,}; "
                       "limits.front_matter_bytes)")
    simple = _simple_mapping(text)
    if simple is not None and 2 * len(simple) + 1 <= limits.yaml_values:
        return simple
    loader = _FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _count_values(node, limit=limits.yaml_values)
        return loader.construct_document(node)
    finally:
        loader.dispose()


_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*): (?:'((?:[^'\n]|'')*)'|\"([^\"\\\\\n]*)\"|([^\n]*))")
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


def _simple_mapping(text: str) -> dict[str, str] | None:
    """Return front matter of `key: text` lines only as YAML reads it, or None for anything else.

    Each value is a quoted string or plain text YAML reads as a string (no number, date, list,
    comment or escape); the rest (most hand-written front matter stays this simple) goes to the parser.
    """
    if _NON_PRINTABLE.search(text):
        return None  # the parser's own message tells where
    found: dict[str, str] = {}
    for line in text.split("\n"):
        if not line:
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None or match[1] in found or _RESOLVER.resolve(yaml.ScalarNode, match[1], (True, False)) != _STR:
            return None
        single, double, plain = match[2], match[3], match[4]
        if single is not None:
            value = single.replace("''", "'")
        elif double is not None:
            value = double
        else:
            if (not plain or plain[0] in _PLAIN_START or plain != plain.strip() or "\t" in plain or ": " in plain
                    or " #" in plain or plain.endswith(":")
                    or _RESOLVER.resolve(yaml.ScalarNode, plain, (True, False)) != _STR):
                return None
            value = plain
        found[match[1]] = value
    return found or None


def _count_values(root: yaml.Node, *, limit: int) -> None:
    """Raise Unusable if the node graph, aliases expanded, holds more than `limit` values."""
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            raise Unusable(f"front matter has more than {limit:,} values once its YAML aliases are expanded "
                           "(limits.yaml_values)")
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)


def load_json(line: str, *, limits: LimitSettings) -> object:
    """Return the value of one JSON line; raise Unusable (with the reason) if it is not JSON or nested too deep."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Unusable(f"line is not valid JSON: {exc.msg}") from None
    except RecursionError:  # the parser's own guard, far deeper than any limit worth setting
        value = None
        depth = limits.json_depth + 1
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise Unusable(f"line is not usable JSON: {str(exc).split(';')[0]}") from None
    else:  # only brackets nest: a line with few of them cannot be deep
        few = line.count("[") + line.count("{") <= limits.json_depth
        depth = 0 if few else json_depth(value, limit=limits.json_depth)
    if depth > limits.json_depth:
        raise Unusable(f"line is nested deeper than {limits.json_depth} (limits.json_depth)")
    return value


def json_depth(value: object, *, limit: int) -> int:
    """Return how deep the lists and objects of a JSON value nest, counting no further than `limit` + 1."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, list | dict):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack += ((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def within_limits(document: RawDocument, *, limits: LimitSettings) -> RawDocument:
    """Return the document with text the store and the cleaner can take: long lines and long texts cut.

    A line or paragraph over `line_chars` is cut at its last sentence end before the limit; the
    text after `text_chars` characters is left out (at a paragraph end). Lone surrogates (which
    no file can store) become U+FFFD and control characters spaces. Each cut is logged as a warning.
    """
    title = _scrub(document.title, keep_lines=False)
    if len(title) > limits.line_chars:
        title = cut(title, limits.line_chars)
        _warn(document.origin, "title", limits.line_chars, "line_chars")
    body = _scrub(document.body, keep_lines=True)
    if len(body) > limits.line_chars:
        body = _cap_html(document.origin, body, limits=limits) if document.fmt == "html" else \
            _cap_text(document.origin, body, limits=limits)
    url, outlet = _scrub(document.url, keep_lines=False), _scrub(document.outlet, keep_lines=False)
    if (title, body, url, outlet) == (document.title, document.body, document.url, document.outlet):
        return document
    return replace(document, title=title, body=body, url=url, outlet=outlet)


def cut(text: str, limit: int) -> str:
    """Return `text` cut to at most `limit` characters, at its last sentence end when there is one late enough."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head, limit // 2)]
    return head[: ends[-1]] if ends else head


def _scrub(text: str, *, keep_lines: bool) -> str:
    if not keep_lines and ("\n" in text or "\r" in text or "\t" in text):
        text = re.sub(r"[\r\n\t]+", " ", text)
    if not _ODD.search(text):
        return text
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub(" ", text)


def _warn(origin: str, what: str, limit: int, key: str) -> None:
    logger.warning("%s: %s cut to %s characters (limits.%s)", origin, what, f"{limit:,}", key)


def _cap_text(origin: str, body: str, *, limits: LimitSettings) -> str:
    lines, total, long_line, short_text = [], 0, False, False
    for line in body.split("\n"):
        if len(line) > limits.line_chars:
            line, long_line = cut(line, limits.line_chars), True
        if total + len(line) > limits.text_chars:
            short_text = True
            break
        lines.append(line)
        total += len(line) + 1
    if long_line:
        _warn(origin, "a paragraph", limits.line_chars, "line_chars")
    if short_text:
        _warn(origin, "the text", limits.text_chars, "text_chars")
        return "\n".join(lines).rstrip("\n")
    return "\n".join(lines)


def _cap_html(origin: str, body: str, *, limits: LimitSettings) -> str:
    """Cut the text nodes and attributes of a page the same way; the markup around them stays."""
    # Most pages are within the limits, which two scans tell without parsing: no run of text (or
    # of one tag) reaches `line_chars`, and the text outside tags is shorter than `text_chars`.
    if not re.search(f"[^<>]{{{limits.line_chars}}}", body) and len(_TAG.sub("", body)) <= limits.text_chars:
        return body
    try:
        tree = lxml_html.document_fromstring(body)
    except (ValueError, etree.ParserError):
        return body[: limits.text_chars]  # the cleaner finds no page in it either
    total, long_line, last = 0, False, None
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if event == "start" and isinstance(element.tag, str):
            for name, value in element.attrib.items():
                if len(value) > limits.line_chars:
                    element.set(name, value[: limits.line_chars])
                    long_line = True
        attribute = "text" if event == "start" else "tail"
        value = getattr(element, attribute, None)
        if not isinstance(value, str) or not value:
            continue
        if len(value) > limits.line_chars:
            value, long_line = cut(value, limits.line_chars), True
        if total + len(value) > limits.text_chars:
            value = cut(value, limits.text_chars - total)
            last = (element, attribute)
        setattr(element, attribute, value)
        total += len(value)
        if last:
            break
    short_text = last is not None
    if last:
        _drop_after(*last)
    if not (long_line or short_text):
        return body
    if long_line:
        _warn(origin, "a paragraph", limits.line_chars, "line_chars")
    if short_text:
        _warn(origin, "the text", limits.text_chars, "text_chars")
    return lxml_html.tostring(tree, encoding="unicode")


def _drop_after(element: etree._Element, attribute: str) -> None:
    """Remove everything after this text of `element` in document order (its later children, then what follows)."""
    if attribute == "text":
        for child in list(element):
            element.remove(child)
        element.tail = None
    node = element
    while (parent := node.getparent()) is not None:
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node = parent
        node.tail = None
