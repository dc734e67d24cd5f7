"""SEO spam of mirror sites: headers, keyword-stuffed lines, title words stuffed into sentences, reworded words.

- An SEO header is a line without a sentence that advertises a site (`XX体育 注册即送…`,
  `Brand(品牌名)官方网站`); a promotion is a line dense with that vocabulary.
- A keyword-stuffed line repeats one term or lists many short terms the report does not use.
- Title stuffing: a mirror chops its headline into fragments and pastes them between the words
  of the text (`林志远两日走访四镇` → `…，日走赶赴…`). A fragment is a piece of the headline
  that is not a word, found two or more times at word boundaries; a page is stuffed only when
  two or more fragments skip over characters of the headline (no report quotes its headline so).
- Reworded mirrors (伪原创) swap stock words for odd synonyms (`市官方` for 市政府, a nickname for a leader's name):
  the stock word is put back and the sentence flagged for an editor.

All linear in the text: n-grams up to six characters are counted once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import rjieba

_SEO = re.compile(
    r"官方网站|官网|官方入口|登录入口|最新入口|备用网址|永久网址|网页版|注册即送|注册送|APP下载|app下载|客户端下载|棋牌|电竞"
    r"|投注|下注|彩金|首存|开户|真人视讯|存款|提款|赔率|即时比分|比分直播|竞彩|博彩|娱乐城|娱乐平台|体育平台|集团旗下|福利|老虎机"
)
_SEO_HINT = re.compile("[官登最备永网注Aa客棋电投下彩首开真存提赔即比竞博娱体集福老]")
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
    # In the line's order, so that a header is named by its first word on every run (a set's order varies).
    found = dict.fromkeys(m.group(0).lower() for m in _SEO.finditer(line)) if _SEO_HINT.search(line) else {}
    if len(found) >= 3:
        return f"SEO promotion ({'、'.join(sorted(found)[:3])})"
    if found and not _SENTENCE_END.search(line) and len(line) <= 160:
        return f"SEO header ({next(iter(found))})"
    return ""


def stuffed_line(line: str, rest: Callable[[], str]) -> str:
    """Return why a line without a sentence is keyword stuffing (one term again and again, or unrelated terms)."""
    if _SENTENCE_END.search(line) or not _CJK.search(line):
        return ""
    terms = [t for t in _KEYWORD_SPLIT.split(line) if t]
    words = [w for w in rjieba.cut(line) if len(w) >= 2 and _CJK.match(w)]
    if words:
        word, count = Counter(words).most_common(1)[0]
        if count >= 3 and count * len(word) >= 0.25 * len(_CJK.findall(line)):
            return f"keyword-stuffed line ({word} {count} times)"
    if len(terms) >= 4 and all(len(t) <= 16 for t in terms):
        others = rest()
        shared = sum(1 for t in terms if len(t) >= 2 and t in others)
        if shared <= len(terms) // 4:
            return "keyword-stuffed line unrelated to the text"
    return ""


# --- title stuffing -----------------------------------------------------------------------------

_FUNCTION = frozenset("的了和与及在是有为对把被将就也都而或之于以从向到并等这那着过")
MIN_FRAGMENTS = 2  # distinct fragments that skip over headline characters
MIN_PASTES = 5  # occurrences of fragments on the page


def title_stuffing(
    paragraphs: list[str], title: str, *, tokens: list[list[tuple[str, int, int]]] | None = None,
) -> list[list[Cut]]:
    """Return, per paragraph, the headline fragments stuffed between its words (empty unless the page is stuffed)."""
    result: list[list[Cut]] = [[] for _ in paragraphs]
    head = "".join(_CJK.findall(title))
    if len(head) < 8:
        return result
    chars = set(head)
    tokens = tokens if tokens is not None else [rjieba.tokenize(p) for p in paragraphs]
    # A chopped headline leaves pieces the dictionary does not know (two single characters in a row, or an
    # unknown word) made of its characters: a page without one is not read further.
    title_tokens = rjieba.tokenize(head)
    bounds = {t[1] for t in title_tokens} | {t[2] for t in title_tokens}
    if not _odd_pieces(tokens, chars, head, bounds):
        return result
    # Read again without guessing unknown words, so that a fragment glued to a neighbour stands apart.
    tokens = [rjieba.tokenize(p, hmm=False) for p in paragraphs]
    inside: dict[str, bool] = {}
    flagged = []
    for words in tokens:
        flags = []
        for word, _s, _e in words:
            flag = inside.get(word)
            if flag is None:
                flag = inside[word] = set(word) <= chars
            flags.append(flag)
        flagged.append(flags)
    spans, counts = _windows(tokens, flagged)
    if not any(n >= 2 for n in counts.values()):
        return result
    fragments = {g for g, n in counts.items()
                 if n >= 2 and not rjieba.has_word(g) and _fragment(g, head) and not _phrase_of(g, head, bounds)}
    if not fragments:
        return result
    gapped = {g for g in fragments if g not in head}
    if len(gapped) < MIN_FRAGMENTS:
        return result
    found_cuts: list[list[Cut]] = []
    for paragraph, found in zip(paragraphs, spans, strict=True):
        cuts: list[Cut] = []
        for start, end, text in sorted(found, key=lambda f: (f[0], -(f[1] - f[0]))):
            if text not in fragments or (cuts and start < cuts[-1].end):
                continue
            # Part of a longer piece of the headline is the report quoting it, not a paste.
            if (start > 0 and paragraph[start - 1:end] in head) or (end < len(paragraph) and paragraph[start:end + 1]
                                                                     in head):
                continue
            cuts.append(Cut(start, end, f"headline fragment {text} stuffed into the text"))
        found_cuts.append(cuts)
    if sum(len(c) for c in found_cuts) < MIN_PASTES:
        return result
    return found_cuts


def _odd_pieces(tokens: list[list[tuple[str, int, int]]], chars: set[str], head: str, bounds: set[int]) -> bool:
    """Return whether the text has a piece of the headline the dictionary does not know, not a headline word."""
    for words in tokens:
        single = False
        for word, _s, _e in words:
            if word[0] not in chars:
                single = False
                continue
            if len(word) == 1:
                if single and word not in _FUNCTION:
                    return True
                single = word not in _FUNCTION
                continue
            single = False
            if set(word) <= chars and not _known(word) and not _phrase_of(word, head, bounds):
                return True
    return False


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return rjieba.has_word(word)


def _windows(
    tokens: list[list[tuple[str, int, int]]], flagged: list[list[bool]],
) -> tuple[list[list[tuple[int, int, str]]], Counter[str]]:
    """Return the runs of one to four tokens (six characters at most) made of headline characters."""
    spans: list[list[tuple[int, int, str]]] = []
    counts: Counter[str] = Counter()
    for words, flags in zip(tokens, flagged, strict=True):
        found = []
        for i, (word, start, end) in enumerate(words):
            if not flags[i]:
                continue
            text = word
            if 2 <= len(text) <= 6:
                found.append((start, end, text))
            for j in range(i + 1, min(i + 4, len(words))):
                if not flags[j]:
                    break
                text += words[j][0]
                if len(text) > 6:
                    break
                found.append((start, words[j][2], text))
        spans.append(found)
        counts.update(text for _s, _e, text in found)
    return spans, counts


def _phrase_of(gram: str, head: str, bounds: set[int]) -> bool:
    """Return whether `gram` stands in the headline as whole words or a longer run (a term or name: 残特奥会)."""
    at = head.find(gram)
    if at >= 0 and len(gram) >= 3:
        return True
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
)

_REWORDED_WORDS = ("官方", "习大大")


def reworded(paragraph: str) -> list[tuple[int, int, str]]:
    """Return (start, end, stock word) for the odd synonyms a rewording tool put into the paragraph."""
    if not any(word in paragraph for word in _REWORDED_WORDS):
        return []
    found = []
    for pattern, stock in _REWORDED:
        found += [(m.start(), m.end(), stock) for m in pattern.finditer(paragraph)]
    return sorted(found)


# --- brand names pasted again and again ---------------------------------------------------------

_LATIN_LETTER = re.compile("[A-Za-z]")
_BRAND = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,12})([\u4e00-\u9fff]{0,6})")


def _common_start(texts: list[str]) -> str:
    start = texts[0]
    for text in texts[1:]:
        while not text.startswith(start):
            start = start[:-1]
    return start


def repeated_brands(paragraphs: list[str], *, known: frozenset[str]) -> list[list[Cut]]:
    """Return, per paragraph, a Latin brand with a made-up name (`AG超玩会`) pasted in two or more places."""
    names: dict[str, list[str]] = {}
    for paragraph in paragraphs:
        if not _LATIN_LETTER.search(paragraph):
            continue  # a cheap scan first: the brand pattern is tried at every character
        for match in _BRAND.finditer(paragraph):
            latin, after = match.groups()
            if latin.upper() not in known and after:
                names.setdefault(latin, []).append(after)
    brands: dict[str, str] = {}
    for latin, afters in names.items():
        name = _common_start(afters)
        # The same made-up name after the brand everywhere, followed by different words each time.
        if len(afters) >= 2 and name and not rjieba.has_word(name) and len({a[len(name):][:1] for a in afters}) >= 2:
            brands[latin] = name
    if not brands:
        return [[] for _ in paragraphs]
    pattern = re.compile("|".join(re.escape(latin + name) for latin, name in brands.items()))
    return [[Cut(m.start(), m.end(), f"brand {m.group(0)} pasted in several places") for m in pattern.finditer(p)]
            for p in paragraphs]
