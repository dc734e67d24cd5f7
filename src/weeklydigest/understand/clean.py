"""Raw documents to clean Simplified-Chinese paragraphs, recording every removal and its reason."""

from __future__ import annotations

import hashlib
import logging
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import opencc
from lxml import etree
from lxml import html as lxml_html

from ..model import Article, RawDocument, Removed
from . import pinyin
from .furniture import line_furniture, strip_furniture
from .pinyin import FLAG
from .seo import reworded, seo_line, stuffed_line
from .spam import SpamRules, find_spam

logger = logging.getLogger(__name__)

HIDDEN, BOILERPLATE, PINYIN, SPAM = "hidden", "boilerplate", "pinyin", "spam"

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
              "canvas", "select", "button", "input", "textarea")
_CHROME_TAGS = ("nav", "header", "footer", "aside", "form", "menu")
_BLOCK_TAGS = ("p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
               "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "blockquote",
               "pre", "figure", "figcaption", "center", "address", "br", "hr")
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|$)"
    r"|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$)|(?:^|;)\s*(?:width|height)\s*:\s*0(?:px)?\s*;.*overflow\s*:\s*hidden",
    re.I,
)
_MAIN_HINT = re.compile(r"article|content|main|detail|text|body|zoom|TRS_Editor", re.I)
_CHROME_HINT = re.compile(r"\b(?:nav|menu|share|footer|header|breadcrumb|sidebar|related|comment|copyright)", re.I)

_SENTENCE_STOP = re.compile(r"[。！？!?]|$")
_SENTENCE_SPAN = re.compile(r"[^。！？!?\n]+[。！？!?]*[”’」』）)]*")
_KEYWORD_SPLIT = re.compile(r"[\s,，|｜/、_]+")
_CJK_CHARS = re.compile("[\u4e00-\u9fff]")
_HAN = re.compile("[\u3400-\u9fff]")
# The space first, the character before it looked back at: the scan then skips to spaces.
_CJK_SPACE = re.compile(" (?<=[\u3000-\u9fff\uff00-\uffef] )(?=[\u3000-\u9fff\uff00-\uffef])")
_BLANK_LINE = re.compile(r"\n\s*\n")
_CLAUSE_MARK = re.compile("[，,、]")
_WHITESPACE = re.compile(r"\s+")
_TAG_START = re.compile(r"</?[a-zA-Z]")
_MD_MARK = re.compile(r"(\*\*|__|\*|~~|`)")
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)+")
_MD_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_WRAPPED = 24  # characters: a shorter line is a unit of its own (a menu item, a caption, a subhead)
_LINE_ENDS = tuple("。！？!?；;：:…”\"」』）)】]")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u200b\ufeff]+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Return `text` converted from Traditional to Simplified Chinese."""
    return _t2s().convert(text)


def is_traditional(text: str) -> bool:
    """Return whether `text` is written in Traditional characters (more than a stray one or two)."""
    converted = to_simplified(text)
    if converted == text:
        return False
    if len(converted) != len(text):
        return True
    changed = sum(map(operator.ne, text, converted))
    return changed >= 3 and changed >= 0.01 * len(_CJK_CHARS.findall(text))


@dataclass
class _Pieces:
    paragraphs: list[str] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)

    def drop(self, text: str, reason: str, detail: str = "") -> None:
        text = _SPACES.sub(" ", text).strip()
        if text:
            self.removed.append(Removed(text=text[:200], reason=reason, detail=detail))


def article_id(document: RawDocument) -> str:
    """Return a stable id: the URL's hash when there is one, else the origin's."""
    key = document.url or document.origin
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def clean(document: RawDocument, *, spam: SpamRules | None = None) -> Article:
    """Return the document as an Article with clean Simplified paragraphs."""
    pieces = _Pieces()
    if document.fmt == "html":
        _html_paragraphs(document.body, pieces)
    elif document.fmt == "markdown":
        _markdown_paragraphs(document.body, pieces)
    else:
        pieces.paragraphs = document.body.split("\n")
    # Only Traditional text is converted: t2s would also rewrite Simplified names (乾务镇 → 干务镇).
    raw = "\n".join(pieces.paragraphs)
    convert = is_traditional(document.title + raw)
    title = _clean_line(document.title, _Pieces(), convert=convert, context=raw).replace(FLAG, "")
    spaced = [line for line in (_clean_line(line, pieces, keep_spaces=True, convert=convert, context=raw)
                                for line in pieces.paragraphs) if line.replace(FLAG, "").strip()]
    # Page furniture is recognised in Simplified form even where the text is kept as it is.
    probes = spaced if convert else [to_simplified(line) for line in spaced]
    kept = _drop_keyword_lines(spaced, probes, pieces)
    lines, furniture = strip_furniture([_join_cjk(line) for line, _ in kept], title=title if convert else
                                       to_simplified(title), probes=[_join_cjk(probe) for _, probe in kept])
    pieces.removed += furniture
    paragraphs = _drop_spam(lines, title=title, rules=spam or SpamRules(), pieces=pieces)
    text, flagged = _flagged_sentences("\n".join(paragraphs))
    return Article(
        id=article_id(document),
        title=title,
        url=document.url,
        source=document.source,
        origin=document.origin,
        published=document.published,
        text=text,
        removed=tuple(pieces.removed),
        outlet=(to_simplified(document.outlet) if convert else document.outlet).strip(),
        flagged=flagged,
    )


def _flagged_sentences(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Return the text without garble marks, and the offsets of the sentences that held one."""
    if FLAG not in text:
        return text, ()
    marks: list[int] = []
    parts: list[str] = []
    for piece in text.split(FLAG)[:-1]:
        parts.append(piece)
        marks.append(sum(len(p) for p in parts))
    clean_text = text.replace(FLAG, "")
    sentences = [m.span() for m in _SENTENCE_SPAN.finditer(clean_text)]
    spans: set[tuple[int, int]] = set()
    for mark in marks:
        # A mark belongs to the sentence it stands in; one at a paragraph's end to the sentence it ends.
        inside = [s for s in sentences if s[0] <= mark < s[1]] or [s for s in sentences if s[1] == mark]
        spans.update(inside[:1])
    return clean_text, tuple(sorted(spans))


def _drop_keyword_lines(lines: list[str], probes: list[str], pieces: _Pieces) -> list[tuple[str, str]]:
    """Drop SEO headers and keyword-stuffed lines; return the other lines with their Simplified forms."""
    kept = []
    for index, (line, probe) in enumerate(zip(lines, probes, strict=True)):
        why = seo_line(probe)
        if not why:
            why = stuffed_line(probe, lambda i=index: "".join(lines[:i] + lines[i + 1:]))
            if why and line_furniture(probe):
                why = ""  # a menu or a breadcrumb is furniture, not spam
        if why:
            pieces.drop(line, SPAM, why)
            continue
        kept.append((line, probe))
    return kept


def _drop_spam(paragraphs: list[str], *, title: str, rules: SpamRules, pieces: _Pieces) -> list[str]:
    """Cut the spans `find_spam` judges injected, keeping the genuine text around them."""
    if not paragraphs:
        return paragraphs
    kept = []
    if rules.enabled:
        paragraphs = [_put_back_stock_words(p, pieces) for p in paragraphs]
    for paragraph, spans in zip(paragraphs, find_spam(paragraphs, title=title, rules=rules), strict=True):
        for span in spans:
            pieces.drop(paragraph[span.start:span.end], SPAM, span.why)
        text = cut_spans(paragraph, [(s.start, s.end) for s in spans])
        if text.strip():
            kept.append(text.strip())
    return kept


def _put_back_stock_words(paragraph: str, pieces: _Pieces) -> str:
    """Return the paragraph with a rewording tool's odd synonyms replaced by the stock word, the sentence flagged."""
    found = reworded(paragraph)
    if not found:
        return paragraph
    parts, last, stops = [], 0, set()
    for start, end, stock in found:
        pieces.drop(paragraph[start:end], SPAM, f"reworded mirror: {paragraph[start:end]} stands for {stock}")
        parts += [paragraph[last:start], stock]
        last = end
        stops.add(len("".join(parts)))
    parts.append(paragraph[last:])
    text = "".join(parts)
    # The mark goes at the end of each sentence concerned, where it breaks no word.
    marks = {stop.start() for at in stops if (stop := _SENTENCE_STOP.search(text, at))}
    for at in sorted(marks, reverse=True):
        text = text[:at] + FLAG + text[at:]
    return text


def cut_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Return `text` without the given spans (sorted, not overlapping)."""
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return "".join(parts)


def shift_spans(kept: tuple[tuple[int, int], ...], cuts: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Return offsets into a text as they stand after `cut_spans` took out `cuts` (sorted, not overlapping)."""
    if not kept or not cuts:
        return kept

    def moved(offset: int) -> int:
        return offset - sum(min(end, offset) - start for start, end in cuts if start < offset)

    return tuple((moved(start), moved(end)) for start, end in kept if moved(end) > moved(start))


def _clean_line(raw: str, pieces: _Pieces, *, keep_spaces: bool = False, convert: bool = True,
                context: str = "") -> str:
    line = _SPACES.sub(" ", raw).strip()
    if not line:
        return ""
    line, taken = pinyin.clean_line(line, context=context)
    for piece in taken:
        pieces.drop(piece.text, PINYIN, piece.detail)
    if convert:
        line = to_simplified(line)
    return line if keep_spaces else _join_cjk(line)


def _join_cjk(line: str) -> str:
    """Return the line without spaces between CJK characters: they are layout, not text."""
    return _CJK_SPACE.sub("", line) if " " in line else line


def _markdown_paragraphs(body: str, pieces: _Pieces) -> None:
    for block in _BLANK_LINE.split(body):
        lines = []
        for line in block.split("\n"):
            line = line.strip()
            if not line or _MD_RULE.match(line):
                continue
            lines.append(_MD_PREFIX.sub("", line))
        if not lines:
            continue
        joined = "\n".join(lines)
        if "<" in joined and _has_tag(joined):
            _html_paragraphs(joined, pieces)
            continue
        # A scraped page keeps one thing per line (a menu, a date, a caption); only a line broken inside
        # a sentence is joined to the next.
        texts = _unwrap(lines) if _is_cjk_block(lines) else [" ".join(lines)]
        for text in texts:
            text = strip_links(strip_links(text, images=True), images=False)
            pieces.paragraphs.append(_MD_MARK.sub("", text))


class _Finder:
    """Find the first `char` at or after an offset, asking the text again only past the last answer."""

    def __init__(self, text: str, char: str) -> None:
        self._text, self._char = text, char
        self._asked, self._found = len(text) + 1, -1

    def at_or_after(self, offset: int) -> int:
        # The last answer holds for any later offset up to it: nothing lies between.
        if not (self._asked <= offset and (self._found == -1 or self._found >= offset)):
            self._asked, self._found = offset, self._text.find(self._char, offset)
        return self._found


def strip_links(text: str, *, images: bool) -> str:
    """Return `text` without Markdown images (`![alt](src)`), or with links (`[text](url)`) replaced by their text.

    Leftmost first, each `[` closed by the first `]` after it and a `(` right after that by the first `)`:
    the matches of the patterns this replaces, found in linear time. The next `]` and `)` are looked up
    once for a whole run of `[` (a regex scans to the end of the line from every unmatched `[`).
    """
    opening = "![" if images else "["
    if opening not in text:
        return text
    closes, parens = _Finder(text, "]"), _Finder(text, ")")
    parts: list[str] = []
    last = start = 0
    while (at := text.find(opening, start)) >= 0:
        bracket = at + len(opening) - 1
        close = closes.at_or_after(bracket + 1)
        if close < 0:
            break  # no `]` is left for any later `[`
        paren = parens.at_or_after(close + 2) if text.startswith("(", close + 1) else -1
        if paren < 0:
            start = at + 1
            continue
        parts += [text[last:at], "" if images else text[bracket + 1:close]]
        last = start = paren + 1
    parts.append(text[last:])
    return "".join(parts)


def _has_tag(text: str) -> bool:
    """Return whether `text` holds an HTML tag: `<` and a letter (or `</` and one), then a `>` (linear)."""
    start = _TAG_START.search(text)
    return bool(start) and text.find(">", start.end()) >= 0


def _strip_tags(text: str) -> str:
    """Return `text` without anything from a `<` to the first `>` after it that is not right after it (linear)."""
    closes = _Finder(text, ">")
    parts: list[str] = []
    last = start = 0
    while (at := text.find("<", start)) >= 0:
        close = closes.at_or_after(at + 1)
        if close < 0:
            break
        if close == at + 1:
            start = at + 1
            continue
        parts.append(text[last:at])
        last = start = close + 1
    parts.append(text[last:])
    return "".join(parts)


def _unwrap(lines: list[str]) -> list[str]:
    """Return the lines with hard-wrapped sentences joined: a long line that stops mid-sentence goes on."""
    result: list[str] = []
    for line in lines:
        previous = result[-1] if result else ""
        if (len(previous) >= _WRAPPED and _CLAUSE_MARK.search(previous) and not previous.endswith(_LINE_ENDS)
                and _HAN.match(line)):
            result[-1] = previous + line
        else:
            result.append(line)
    return result


def _is_cjk_block(lines: list[str]) -> bool:
    return any(_HAN.search(line) for line in lines)


def _html_paragraphs(document: str, pieces: _Pieces) -> None:
    try:
        tree = lxml_html.fromstring(document)
    except (ValueError, etree.ParserError):
        pieces.paragraphs.append(_strip_tags(document))
        return
    for element in list(tree.iter(*_DROP_TAGS)):
        _remove(element)
    for element in _outermost(tree, _is_hidden):
        pieces.drop(element.text_content(), HIDDEN)
        _remove(element)
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    for element in _outermost(tree, _is_chrome):
        _drop_chrome(element.text_content(), pieces)
        _remove(element)
    main = _main_container(tree)
    if main is not tree:
        _drop_chrome(_text_outside(main), pieces)
    pieces.paragraphs += main.text_content().split("\n")


def _drop_chrome(text: str, pieces: _Pieces) -> None:
    """Record the page's text around the article; its publication lines and datelines each with their detail."""
    plain = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line:
            continue
        kind = line_furniture(to_simplified(line)) if len(line) <= 160 else ""
        if kind:
            pieces.drop(line, BOILERPLATE, kind)
        else:
            plain.append(line)
    if plain:
        pieces.drop(" ".join(plain), BOILERPLATE)


def _outermost(tree: etree._Element, test: Callable[[etree._Element], bool]) -> list[etree._Element]:
    """Return the elements passing `test` that have no ancestor passing it."""
    found = [el for el in tree.iter(etree.Element) if test(el)]
    return [el for el in found if not any(test(a) for a in el.iterancestors())]


def _is_chrome(element: etree._Element) -> bool:
    if element.tag in _CHROME_TAGS:
        return True
    hint = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(_CHROME_HINT.search(hint) and not _MAIN_HINT.search(hint))


def _is_hidden(element: etree._Element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _remove(element: etree._Element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        element.clear()
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _main_container(tree: etree._Element) -> etree._Element:
    """Return the element holding the article body: <article> or the richest content block."""
    articles = tree.xpath("//article")
    if len(articles) == 1:
        return articles[0]
    best, best_len = tree, 0
    total = len(_text(tree))
    for element in tree.iter("div", "section", "td", "main"):
        hint = f"{element.get('class', '')} {element.get('id', '')}"
        if not _MAIN_HINT.search(hint):
            continue
        length = len(_text(element))
        if length > best_len:
            best, best_len = element, length
    # Only narrow down when the candidate holds most of the page's text.
    return best if best is not tree and best_len >= 0.5 * total else tree


def _text(element: etree._Element) -> str:
    return _WHITESPACE.sub("", element.text_content())


def _text_outside(main: etree._Element) -> str:
    """Return the page text around the main container (menus, bylines, footers)."""
    parts: list[str] = []
    node = main
    while (parent := node.getparent()) is not None:
        parts += [child.text_content() for child in parent
                  if child is not node and isinstance(child.tag, str) and child.tag != "head"]
        parts.append(parent.text or "")
        node = parent
    return "\n".join(p.strip() for p in parts if p.strip())
