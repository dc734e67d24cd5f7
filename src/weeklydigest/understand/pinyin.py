"""Pinyin annotations and the mojibake of mirror sites: take them out, recover what the text allows.

Mirror sites annotate characters with pinyin (`書(shū)記`). Some pass the annotated text through
the wrong encoding on the way, and characters are lost: a `?` stands where the character was,
followed by a pinyin syllable and the closing bracket, sometimes by a byte or two of garbage and
the next character's annotation (`加强?bǎo)鬲_(hù)修缮` for 加强保护修缮, `推进?gōng)?zuò)落实`). The syllable
after `?` is not always the lost character's; an annotation in brackets is.

A lost character is recovered only on evidence: a word of the segmentation dictionary that the
known neighbours and the pinyin of the lost characters spell out, that alone (or the same word
written intact elsewhere in the article). Otherwise the garble is taken out and its place marked
with `FLAG`, so that the cleaner can flag the sentence for an editor.

Linear in the text: a garble is looked at once, with a bounded number of candidate words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import rjieba

FLAG = "\ue000"  # a private-use mark for the place of an unrecovered garble; never left in the text
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_TONED_RE = re.compile(f"[{TONED}{TONED.upper()}]")  # lower and capital
_SYLLABLE = rf"[a-zü{TONED}]{{1,6}}[1-5]?"
# An annotation after a character or word: 书(shū)记, 会议(huì yì), 书(shu1), 会(huì ). The bracket comes first
# in the pattern, the character before it is looked back at: the scan then skips to brackets.
ANNOTATION = re.compile(rf"[（(](?<=[\u3400-\u9fff][（(])\s*{_SYLLABLE}(?:\s+{_SYLLABLE}){{0,5}}\s*[)）]")
_TONE_MARKED = re.compile(rf"[{TONED}]|[a-zü][1-5]\b")
# A lost character: `?` + a syllable + `)`, then perhaps a garbage byte pair and the next annotation.
_GARBLE = re.compile(
    rf"\?+(?P<py>[a-zü{TONED}]{{1,6}})\s?\)(?P<junk>[\u3400-\u9fff]?[A-Za-z_](?![a-z]))?"
    rf"(?:[（(](?P<py2>[a-zü{TONED}]{{1,6}})\s?[)）])?"
)
# `?` followed by Latin letters with no syllable bracket (`??h领导`), and a lone annotation after garbage.
_Q_LATIN = re.compile(r"\?+[A-Za-z_]{1,6}\)?")
_ORPHAN_ANNOTATION = re.compile(rf"(?<=[A-Za-z_?])[（(]{_SYLLABLE}\s?[)）]")
# A short run of characters between question marks, with a bang: `?!比涨?` (punctuation lost in transit).
_Q_RUN = re.compile(r"\?[!！]?[\u3400-\u9fff]{1,3}\?(?=[,，。\s]|$)")
_LEADING_Q = re.compile(r"^\?{2,}")
_ANY_TONED = TONED + TONED.upper()
_TONED_RUN = re.compile(rf"[（(]?[A-Za-züÜ{_ANY_TONED}]*[{_ANY_TONED}][A-Za-züÜ{_ANY_TONED}]*[)）]?")


@dataclass(frozen=True)
class Piece:
    """A piece taken out of a line, with how it was handled."""

    text: str
    detail: str


def clean_line(line: str, *, context: str = "") -> tuple[str, list[Piece]]:
    """Return the line without pinyin annotations and garbles, and the pieces taken out.

    An unrecovered garble leaves `FLAG` where it stood. `context` is the rest of the article, where an
    intact copy of a garbled word may be found.
    """
    pieces: list[Piece] = []
    if "?" in line:
        line = _repair_garbles(line, pieces, context=context)
    if "(" in line or "（" in line:
        line = ANNOTATION.sub(lambda m: _annotation(m, pieces), line)
    if _TONED_RE.search(line):
        # Whatever tone-marked Latin is left is a broken annotation: never text of a Chinese report.
        def toned(match: re.Match[str]) -> str:
            pieces.append(Piece(match.group(0), "tone-marked Latin left by a broken annotation"))
            return FLAG
        line = _TONED_RUN.sub(toned, line)
    return line, pieces


def _annotation(match: re.Match[str], pieces: list[Piece]) -> str:
    """Drop a pinyin annotation (it has tone marks or tone numbers); keep other bracketed Latin text."""
    if not _TONE_MARKED.search(match.group(0)):
        return match.group(0)
    pieces.append(Piece(match.group(0), ""))
    return ""


def _repair_garbles(line: str, pieces: list[Piece], *, context: str) -> str:
    out: list[str] = []
    last = 0
    for chain in _chains(line):
        out.append(line[last:chain[0].start()])
        last = chain[-1].end()
        # The syllable after `?` may be another character's; only a bracketed annotation spells its character.
        hints: list[str] = []
        for match in chain:
            hints.append("")
            if match.group("py2") or (match.group("junk") and re.match(r"[\u3400-\u9fff]", match.group("junk"))):
                hints.append(match.group("py2") or "")
        text = line[chain[0].start():last]
        word = _recover("".join(out)[-3:], hints, line[last:last + 3], context=context)
        if word:
            pieces.append(Piece(text, f"garbled pinyin; {word} recovered from the pinyin"))
            out.append(word)
        else:
            pieces.append(Piece(text, "garbled pinyin; lost characters could not be recovered"))
            out.append(FLAG)
    out.append(line[last:])
    line = "".join(out)
    for pattern, detail in ((_ORPHAN_ANNOTATION, "pinyin after lost characters"),
                            (_Q_LATIN, "mojibake: '?' with stray Latin letters"),
                            (_Q_RUN, "mojibake: characters between lost punctuation")):
        line = pattern.sub(lambda m, d=detail: _flag(m, d, pieces), line)
    lead = _LEADING_Q.match(line)
    if lead:
        pieces.append(Piece(lead.group(0), "mojibake: lost indentation"))
        line = line[lead.end():]
    return line


def _chains(line: str) -> Iterator[list[re.Match[str]]]:
    """Yield runs of garbles that follow each other directly (two lost characters in a row)."""
    chain: list[re.Match[str]] = []
    for match in _GARBLE.finditer(line):
        if chain and match.start() != chain[-1].end():
            yield chain
            chain = []
        chain.append(match)
    if chain:
        yield chain


def _flag(match: re.Match[str], detail: str, pieces: list[Piece]) -> str:
    if detail.startswith("mojibake: characters") and _is_word(match.group(0).strip("?!！")):
        return match.group(0)
    pieces.append(Piece(match.group(0), detail))
    return FLAG


# --- recovery -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _readings() -> dict[str, tuple[str, ...]]:
    """Return, for each toneless-or-toned syllable, the characters read so (most common first by dictionary)."""
    from pypinyin.pinyin_dict import pinyin_dict

    by_syllable: dict[str, list[str]] = {}
    for code, readings in pinyin_dict.items():
        if not 0x4E00 <= code <= 0x9FFF:
            continue
        char = chr(code)
        for reading in readings.split(","):
            by_syllable.setdefault(reading, []).append(char)
    return {s: tuple(sorted(chars, key=_char_weight, reverse=True)[:60]) for s, chars in by_syllable.items()}


def _char_weight(char: str) -> int:
    return rjieba.suggest_freq(char) if rjieba.has_word(char) else 0


@lru_cache(maxsize=65536)
def _is_word(text: str) -> bool:
    return len(text) >= 2 and rjieba.has_word(text)


def _candidates(syllable: str) -> tuple[str, ...]:
    return _readings().get(syllable, ()) if syllable else ()


def _recover(left: str, hints: list[str], right: str, *, context: str) -> str:
    """Return the lost characters when one word of the dictionary (or of the article) fits, else ""."""
    if context:
        found = _from_context(left, len(hints), right, context)
        if found:
            return found
    options: set[str] = set()
    for chars in _spellings(hints):
        if any(_fits(left, chars, right)):
            options.add(chars)
        if len(options) > 1:
            return ""
    return options.pop() if len(options) == 1 else ""


def _spellings(hints: list[str]) -> Iterator[str]:
    pools = [_candidates(h) for h in hints]
    if not all(pools) or len(pools) > 2:
        return
    if len(pools) == 1:
        yield from pools[0]
        return
    for a in pools[0]:
        for b in pools[1]:
            yield a + b


def _fits(left: str, chars: str, right: str) -> Iterator[bool]:
    """Yield whether a word of two or more characters joins the lost characters to a known neighbour."""
    whole = left + chars + right
    start, end = len(left), len(left) + len(chars)
    for i in range(max(0, start - 2), start + 1):
        for j in range(max(end, i + 2), min(len(whole), end + 2) + 1):
            if i < end and j > start and (i < start or j > end or len(chars) >= 2) and _is_word(whole[i:j]):
                yield True
                return
    yield False


def _from_context(left: str, count: int, right: str, context: str) -> str:
    """Return the characters that stand between the same neighbours elsewhere in the article, if one reading."""
    if len(left) < 2 or len(right) < 1 or not re.match(r"[\u4e00-\u9fff]{2}", left[-2:]):
        return ""
    pattern = re.compile(re.escape(left[-2:]) + f"([\u4e00-\u9fff]{{{count}}})" + re.escape(right[:1]))
    found = {m.group(1) for m in pattern.finditer(context)}
    return found.pop() if len(found) == 1 else ""
