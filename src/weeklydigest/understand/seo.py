"""SEO spam of mirror sites: headers, keyword-stuffed lines, title words stuffed into sentences, reworded words.

- An SEO header is a line without a sentence that advertises a site (`XX体育 注册即送…`,
  `Brand(XX中国)官方网站`); a promotion is a line dense with that vocabulary.
- A keyword-stuffed line repeats one term or lists many short terms the report does not use.
- Title stuffing: a mirror chops its headline into fragments and pastes them between the words
  of the text (`广东省委书记三天调研一市` → `…，天调赶赴…`). A fragment is a piece of the headline
  that is not a word, found two or more times at word boundaries; a page is stuffed only when
  two or more fragments skip over characters of the headline (no report quotes its headline so).
- Reworded mirrors (伪原创) swap stock words for odd synonyms (`市官方` for 市政府, `习大大`):
  the stock word is put back and the sentence flagged for an editor.

All linear in the text: n-grams up to six characters are counted once.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass

import rjieba

_SEO = re.compile(
    r"官方网站|官网|官方入口|登录入口|最新入口|备用网址|永久网址|网页版|注册即送|注册送|APP下载|客户端下载|棋牌|电竞|投注|下注"
    r"|彩金|首存|开户|真人视讯|存款|提款|赔率|即时比分|比分直播|竞彩|博彩|娱乐城|娱乐平台|体育平台|集团旗下|福利|老虎机",
    re.I,
)
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_KEYWORD_SPLIT = re.compile(r"[\s,，|｜/、_\-—·]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Cut:
    """A span of a paragraph to take out, with the signal that found it."""

    start: int
    end: int
    why: str


def seo_line(line: str) -> str:
    """Return why a whole line is an SEO header or promotion, or ""."""
    found = {m.group(0).lower() for m in _SEO.finditer(line)}
    if len(found) >= 3:
        return f"SEO promotion ({'、'.join(sorted(found)[:3])})"
    if found and not _SENTENCE_END.search(line) and len(line) <= 160:
        return f"SEO header ({next(iter(found))})"
    return ""


def stuffed_line(line: str, rest: str) -> str:
    """Return why a line without a sentence is keyword stuffing (one term again and again, or unrelated terms)."""
    if _SENTENCE_END.search(line) or not _CJK.search(line):
        return ""
    terms = [t for t in _KEYWORD_SPLIT.split(line) if t]
    words = [w for w in rjieba.cut(line) if len(w) >= 2 and _CJK.match(w)]
    if words:
        word, count = Counter(words).most_common(1)[0]
        if count >= 3 and count * len(word) >= 0.25 * len(_CJK.findall(line)):
            return f"keyword-stuffed line ({word} {count} times)"
    if len(terms) >= 4 and all(len(t) <= 10 for t in terms):
        shared = sum(1 for t in terms if len(t) >= 2 and t in rest)
        if shared <= len(terms) // 4:
            return "keyword-stuffed line unrelated to the text"
    return ""


# --- title stuffing -----------------------------------------------------------------------------

MIN_FRAGMENTS = 2  # distinct fragments that skip over headline characters
MIN_PASTES = 5  # occurrences of fragments on the page


def title_stuffing(paragraphs: list[str], title: str) -> list[list[Cut]]:
    """Return, per paragraph, the headline fragments stuffed between its words (empty unless the page is stuffed)."""
    result: list[list[Cut]] = [[] for _ in paragraphs]
    head = "".join(_CJK.findall(title))
    if len(head) < 8:
        return result
    chars = set(head)
    counts: Counter[str] = Counter()
    for paragraph in paragraphs:
        for run in re.finditer(f"[{''.join(sorted(chars))}]+", paragraph):
            text = run.group(0)
            for n in range(2, 7):
                counts.update(text[i:i + n] for i in range(len(text) - n + 1))
    title_tokens = rjieba.tokenize(head)
    bounds = {t[1] for t in title_tokens} | {t[2] for t in title_tokens}
    fragments = sorted((g for g, n in counts.items()
                        if n >= 2 and not rjieba.has_word(g) and _fragment(g, head) and not _phrase_of(g, head, bounds)),
                       key=lambda g: (-len(g), g))
    if not fragments:
        return result
    found: list[list[Cut]] = [[] for _ in paragraphs]
    gapped: set[str] = set()
    for index, paragraph in enumerate(paragraphs):
        tokens = rjieba.tokenize(paragraph)
        starts = {t[1] for t in tokens}
        ends = {t[2] for t in tokens}
        taken: list[tuple[int, int]] = []
        for fragment in fragments:
            for match in re.finditer(re.escape(fragment), paragraph):
                start, end = match.span()
                if start not in starts or end not in ends or any(s < end and start < e for s, e in taken):
                    continue
                # Part of a longer piece of the headline is the report quoting it, not a paste.
                if paragraph[max(0, start - 1):end] in head and start > 0 or paragraph[start:end + 1] in head and \
                        end < len(paragraph):
                    continue
                taken.append((start, end))
                why = f"headline fragment {fragment} stuffed into the text"
                found[index].append(Cut(start, end, why))
                if fragment not in head:
                    gapped.add(fragment)
    pastes = sum(len(cuts) for cuts in found)
    if len(gapped) < MIN_FRAGMENTS or pastes < MIN_PASTES:
        return result
    return [sorted(cuts, key=lambda c: c.start) for cuts in found]


def _phrase_of(gram: str, head: str, bounds: set[int]) -> bool:
    """Return whether `gram` stands in the headline as whole words (a term of the report, like 残特奥会)."""
    at = head.find(gram)
    while at >= 0:
        if at in bounds and at + len(gram) in bounds:
            return True
        at = head.find(gram, at + 1)
    return False


def _fragment(gram: str, head: str) -> bool:
    """Return whether `gram` is a piece of the headline: its characters in the headline's order."""
    at = 0
    for char in gram:
        at = head.find(char, at)
        if at < 0:
            return False
        at += 1
    return True


# --- reworded mirrors ---------------------------------------------------------------------------

# Stock words that rewording tools swap for synonyms no newsroom uses in that place.
_REWORDED = (
    (re.compile(r"(?:(?<=[市省区县镇乡州])|(?<=数字|人民|地方|各级))官方(?!网|微|发布|账号|平台|媒体|渠道|数据|消息|信息|人士|通报|认证|回应)"),
     "政府"),
    (re.compile(r"习大大"), "习近平"),
    (re.compile(r"高水平质量(?=的?发展)"), "高质量"),
)


def reworded(paragraph: str) -> list[tuple[int, int, str]]:
    """Return (start, end, stock word) for the odd synonyms a rewording tool put into the paragraph."""
    found = []
    for pattern, stock in _REWORDED:
        found += [(m.start(), m.end(), stock) for m in pattern.finditer(paragraph)]
    return sorted(found)


# --- brand names pasted again and again ---------------------------------------------------------

_BRAND = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,12})([\u4e00-\u9fff]{0,6})")


def repeated_brands(paragraphs: list[str], *, known: frozenset[str]) -> list[list[Cut]]:
    """Return, per paragraph, a Latin brand with a made-up name (`AG超玩会`) pasted in two or more places."""
    names: dict[str, list[str]] = {}
    for paragraph in paragraphs:
        for match in _BRAND.finditer(paragraph):
            latin, after = match.groups()
            if latin.upper() not in known and after:
                names.setdefault(latin, []).append(after)
    brands: dict[str, str] = {}
    for latin, afters in names.items():
        name = os.path.commonprefix(afters)
        # The same made-up name after the brand everywhere, followed by different words each time.
        if len(afters) >= 2 and name and not rjieba.has_word(name) and len({a[len(name):][:1] for a in afters}) >= 2:
            brands[latin] = name
    if not brands:
        return [[] for _ in paragraphs]
    pattern = re.compile("|".join(re.escape(latin + name) for latin, name in brands.items()))
    return [[Cut(m.start(), m.end(), f"brand {m.group(0)} pasted in several places") for m in pattern.finditer(p)]
            for p in paragraphs]
