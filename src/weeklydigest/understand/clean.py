"""Raw documents to clean Simplified-Chinese paragraphs, recording every removal and its reason."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import opencc
from lxml import etree
from lxml import html as lxml_html

from ..model import Article, RawDocument, Removed
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

# Page furniture that is not part of any report (checked on Simplified text, at line start).
_BOILERPLATE_LINE = re.compile(
    r"^[【\[（(]?(?:分享到|分享至|责任编辑|责编|编辑[:：]|审核[:：]|校对[:：]|来源[:：]|稿源[:：]|作者[:：]|记者[:：]"
    r"|版权所有|copyright|©|打印本页|【?打印】?|关闭窗口|【?关闭】?|字体[:：]|【字体|字号[:：]|扫一扫|扫码"
    r"|点击进入|发布留言|发表留言|发表评论|网友评论|上一篇|下一篇|相关阅读|相关新闻|相关链接|返回顶部|返回首页|原标题[:：]"
    r"|阅读原文|点赞|在看|收藏本页|本文来源|requestid\b|request_id\b|traceid\b|window\.|var\s)",
    re.I,
)
_TRACKING_LINE = re.compile(r"^[A-Za-z_][\w-]*\s*[:=]\s*[0-9a-fA-F-]{8,}$")
_NAV_LINE = re.compile(r"^(?:[^|｜>»]{1,8}\s*[|｜>»]\s*){2,}[^|｜>»]{0,8}$")
# A pinyin annotation after a character or word on mirror sites: 书(shū)记, 会议(huì yì), 书(shu1).
_PINYIN_SYLLABLE = r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,6}[1-5]?"
_PINYIN = re.compile(
    rf"(?<=[\u3400-\u9fff])[（(]\s*{_PINYIN_SYLLABLE}(?:\s+{_PINYIN_SYLLABLE}){{0,5}}\s*[)）]"
)
_TONED = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]|[a-zü][1-5]\b")
# Image captions and photo credits.
_CAPTION = re.compile(
    r"^(?:图为|图：|图:|图片[:：]|图片来源|▲|△|↑|（图|\(图)"
    r"|^[（(]?(?:[^。！？]{0,30}(?:记者|通讯员|摄影)[^。！？]{0,12}|[\u4e00-\u9fff]{2,4})\s*摄[)）]?$"
    r"|^[（(]?[^。！？]{0,20}供图[)）]?$"
)
# Page furniture glued to the end of the last paragraph: "…顺利。分享到：微信 微博".
_TRAILER = re.compile(
    r"(?<=[。！？”])\s*[【\[（(]?(?:分享到|分享至|责任编辑|责编[:：]|编辑[:：]|发布留言|发表留言|发表评论|打印本页"
    r"|关闭窗口|字体[:：]|扫一扫|点击进入|返回顶部)[\s\S]*$"
)
_KEYWORD_SPLIT = re.compile(r"[\s,，|｜/、_]+")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"(\*\*|__|\*|~~|`)")
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)+")
_MD_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
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
    if len(converted) != len(text):
        return True
    changed = sum(1 for a, b in zip(text, converted, strict=True) if a != b)
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return changed >= 3 and changed >= 0.01 * cjk


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
    convert = is_traditional(document.title + "".join(pieces.paragraphs))
    title = _clean_line(document.title, _Pieces(), convert=convert)
    lines = []
    spaced = [line for line in (_clean_line(raw, pieces, keep_spaces=True, convert=convert)
                                for raw in pieces.paragraphs) if line]
    for line in _drop_keyword_lines(spaced, pieces):
        line = _join_cjk(line)
        if line == title or line.lstrip("#").strip() == title:
            continue
        # Page furniture is recognised in Simplified form even where the text is kept as it is.
        probe = line if convert else to_simplified(line)
        if _is_boilerplate(probe):
            pieces.drop(line, BOILERPLATE)
            continue
        if _CAPTION.search(probe) and len(line) <= 120:
            pieces.drop(line, BOILERPLATE, "image caption")
            continue
        trailer = _TRAILER.search(probe) if len(probe) == len(line) else _TRAILER.search(line)
        if trailer:
            pieces.drop(line[trailer.start():], BOILERPLATE, "page furniture after the text")
            line = line[: trailer.start()].rstrip()
        lines.append(line)
    paragraphs = _drop_spam(lines, title=title, rules=spam or SpamRules(), pieces=pieces)
    return Article(
        id=article_id(document),
        title=title,
        url=document.url,
        source=document.source,
        origin=document.origin,
        published=document.published,
        text="\n".join(paragraphs),
        removed=tuple(pieces.removed),
        outlet=(to_simplified(document.outlet) if convert else document.outlet).strip(),
    )


def _drop_keyword_lines(lines: list[str], pieces: _Pieces) -> list[str]:
    """Drop keyword-stuffed SEO lines (many short terms, no sentence) unrelated to the rest of the text."""
    kept = []
    for index, line in enumerate(lines):
        terms = [t for t in _KEYWORD_SPLIT.split(line) if t]
        stuffed = len(terms) >= 4 and all(len(t) <= 10 for t in terms) and re.search(r"[\u4e00-\u9fff]", line)
        if stuffed and not re.search(r"[。！？；：:]", line):
            rest = "".join(lines[:index] + lines[index + 1:])
            shared = sum(1 for t in terms if len(t) >= 2 and t in rest)
            if shared <= len(terms) // 4:
                pieces.drop(line, SPAM, "keyword-stuffed line unrelated to the text")
                continue
        kept.append(line)
    return kept


def _drop_spam(paragraphs: list[str], *, title: str, rules: SpamRules, pieces: _Pieces) -> list[str]:
    """Cut the spans `find_spam` judges injected, keeping the genuine text around them."""
    if not paragraphs:
        return paragraphs
    kept = []
    for paragraph, spans in zip(paragraphs, find_spam(paragraphs, title=title, rules=rules), strict=True):
        for span in spans:
            pieces.drop(paragraph[span.start:span.end], SPAM, span.why)
        text = cut_spans(paragraph, [(s.start, s.end) for s in spans])
        if text.strip():
            kept.append(text.strip())
    return kept


def cut_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Return `text` without the given spans (sorted, not overlapping)."""
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _clean_line(raw: str, pieces: _Pieces, *, keep_spaces: bool = False, convert: bool = True) -> str:
    line = _SPACES.sub(" ", raw).strip()
    if not line:
        return ""
    if "(" in line or "（" in line:
        line = _PINYIN.sub(lambda m: _drop_pinyin(m, pieces), line)
    if convert:
        line = to_simplified(line)
    return line if keep_spaces else _join_cjk(line)


def _join_cjk(line: str) -> str:
    """Return the line without spaces between CJK characters: they are layout, not text."""
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", line)


def _drop_pinyin(match: re.Match[str], pieces: _Pieces) -> str:
    """Drop a pinyin annotation (it has tone marks or tone numbers); keep other bracketed Latin text."""
    if not _TONED.search(match.group(0)):
        return match.group(0)
    pieces.drop(match.group(0), PINYIN)
    return ""


def _is_boilerplate(line: str) -> bool:
    return bool(
        _BOILERPLATE_LINE.match(line)
        or _TRACKING_LINE.match(line)
        or (len(line) <= 60 and _NAV_LINE.match(line))
    )


def _markdown_paragraphs(body: str, pieces: _Pieces) -> None:
    for block in re.split(r"\n\s*\n", body):
        lines = []
        for line in block.split("\n"):
            line = line.strip()
            if not line or _MD_RULE.match(line):
                continue
            lines.append(_MD_PREFIX.sub("", line))
        text = "".join(lines) if _is_cjk_block(lines) else " ".join(lines)
        if not text:
            continue
        if "<" in text and re.search(r"</?[a-zA-Z][^>]*>", text):
            _html_paragraphs(text, pieces)
            continue
        text = _MD_IMAGE.sub("", text)
        text = _MD_LINK.sub(r"\1", text)
        pieces.paragraphs.append(_MD_MARK.sub("", text))


def _is_cjk_block(lines: list[str]) -> bool:
    return any(re.search(r"[\u3400-\u9fff]", line) for line in lines)


def _html_paragraphs(document: str, pieces: _Pieces) -> None:
    try:
        tree = lxml_html.fromstring(document)
    except (ValueError, etree.ParserError):
        pieces.paragraphs.append(re.sub(r"<[^>]+>", "", document))
        return
    for element in list(tree.iter(*_DROP_TAGS)):
        _remove(element)
    for element in _outermost(tree, _is_hidden):
        pieces.drop(element.text_content(), HIDDEN)
        _remove(element)
    for element in _outermost(tree, _is_chrome):
        pieces.drop(element.text_content(), BOILERPLATE)
        _remove(element)
    main = _main_container(tree)
    for element in main.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    if main is not tree:
        outside = _text_outside(main)
        if outside:
            pieces.drop(outside, BOILERPLATE)
    pieces.paragraphs += main.text_content().split("\n")


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
    return re.sub(r"\s+", "", element.text_content())


def _text_outside(main: etree._Element) -> str:
    """Return the page text around the main container (menus, bylines, footers)."""
    parts: list[str] = []
    node = main
    while (parent := node.getparent()) is not None:
        parts += [child.text_content() for child in parent
                  if child is not node and isinstance(child.tag, str) and child.tag != "head"]
        parts.append(parent.text or "")
        node = parent
    return " ".join(p.strip() for p in parts if p.strip())
