"""The desk's marks: a key term red where it first appears in an item, the key clause of the key sentence highlighted.

The same rules serve the HTML, the PDF and the Markdown (they all render the view's markup) and the
digest.json `highlight` of each item. Regular expressions only: the render path stays light.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import SentenceRef

KEY_VERBS = re.compile(r"强调|指出|要求|提出|表示|希望|勉励")
# A key word used as a noun (`的部署要求`, `提出的`, `明确要求。`) does not open the key clause.
_NOUN_BEFORE = ("的", "等", "重要", "部署", "工作", "新", "更高", "具体")
_NOUN_AFTER = ("的",)
MIN_CLAUSE = 10  # a shorter clause takes the next one with it
MAX_CLAUSE = 40  # the longest highlight: a clause or a phrase, never a whole long sentence
_CLAUSE_END = "，；。！？,;!?"
_AFTER_VERB = "，：:, "
_QUOTED = re.compile(r"“[^“”]{2,38}”")


@dataclass(frozen=True)
class Mark:
    """A span of a text to mark: `kind` is "term" (red) or "key" (highlighted)."""

    start: int
    end: int
    kind: str


def boilerplate_patterns(set_phrases: Iterable[str], set_patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """Return the set phrases and patterns as compiled patterns: what a highlight never settles on."""
    compiled = [re.compile(re.escape(p)) for p in set_phrases if p]
    return compiled + [re.compile(p) for p in set_patterns if p]


def _clauses(text: str, start: int) -> list[tuple[int, int]]:
    """Return the clause spans of `text` from `start`, split at clause ends outside quotation marks."""
    spans, depth, begin = [], 0, start
    for index in range(start, len(text)):
        char = text[index]
        if char in "“（(":
            depth += 1
        elif char in "”）)":
            depth = max(depth - 1, 0)
        elif char in _CLAUSE_END and depth == 0:
            if index > begin:
                spans.append((begin, index))
            begin = index + 1
    if begin < len(text):
        spans.append((begin, len(text)))
    return spans


def _boring(clause: str, boilerplate: Sequence[re.Pattern[str]]) -> bool:
    """Whether a clause is mostly a set phrase (`要深入学习贯彻…精神`) or too short to say anything."""
    if len(clause) < 4:
        return True
    covered = sum(m.end() - m.start() for pattern in boilerplate for m in pattern.finditer(clause))
    return covered * 2 >= len(clause)


def key_clause(ref: SentenceRef, *, boilerplate: Sequence[re.Pattern[str]] = ()) -> SentenceRef | None:
    """Return the key clause of a key sentence: an exact sub-span of it, about 10–40 characters.

    The clause after 强调/指出/要求 up to its clause end (with the next when it is short), skipping set
    phrases; else a quoted phrase after the verb; else a later clause that fits; else the sentence itself
    when it is that short; else nothing. A sentence whose key word is only a noun (`的要求`) has no key
    clause but a quoted phrase.
    """
    text = ref.text
    verb = _after_verb(text)
    # Without a key verb said as a verb nothing was said: only a quoted phrase can be the key.
    start = verb or 0
    clauses = [] if verb is None else [c for c in _clauses(text, start) if not _boring(text[c[0]:c[1]], boilerplate)]

    def fitting(index: int) -> tuple[int, int] | None:
        begin, end = clauses[index]
        # A short clause takes the following ones with it while they are adjacent and the whole fits.
        for later in clauses[index + 1:]:
            if end - begin >= MIN_CLAUSE or later[0] > end + 1 or later[1] - begin > MAX_CLAUSE:
                break
            end = later[1]
        return (begin, end) if end - begin <= MAX_CLAUSE else None

    def long_enough(span: tuple[int, int] | None) -> tuple[int, int] | None:
        return span if span is not None and span[1] - span[0] >= MIN_CLAUSE else None

    span = long_enough(fitting(0)) if clauses else None
    if span is None:
        quoted = next((m for m in _QUOTED.finditer(text, start) if len(m[0]) >= 6), None)
        if quoted is not None:
            span = (quoted.start(), quoted.end())
    if span is None:
        span = next((s for s in (long_enough(fitting(i)) for i in range(1, len(clauses))) if s is not None), None)
    if span is None and verb is not None:
        whole = len(text.rstrip("。！？!?"))
        if MIN_CLAUSE <= whole <= MAX_CLAUSE and not _boring(text, boilerplate):
            span = (0, whole)  # a short key sentence is its own key clause
    if span is None:
        return None
    begin, end = span
    return SentenceRef(text=text[begin:end], source=ref.source, start=ref.start + begin, end=ref.start + end)


def _after_verb(text: str) -> int | None:
    """Return where the key clause may start: after the first key verb used as a verb, else None."""
    for verb in KEY_VERBS.finditer(text):
        before, after = text[:verb.start()], text[verb.end():]
        if before.endswith(_NOUN_BEFORE) or after.startswith(_NOUN_AFTER) or not after.strip("。！？!?"):
            continue
        start = verb.end()
        while start < len(text) and text[start] in _AFTER_VERB:
            start += 1
        return start
    return None


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """Return one pattern for the key terms, longest first; a quoted term is marked with its quotation marks."""
    words = sorted({t.strip("“”") for t in terms if len(t.strip("“”")) >= 2}, key=len, reverse=True)
    if not words:
        return None
    alternatives = [f"“{re.escape(w)}”|{re.escape(w)}" for w in words]
    return re.compile("|".join(alternatives))


def first_mentions(
    text: str, pattern: re.Pattern[str] | None, *, marked: set[str], skip: Sequence[tuple[int, int]] = (),
    keep_within: tuple[int, int] | None = None,
) -> list[Mark]:
    """Return the red marks of `text`: each term not yet in `marked` (which this call extends), once.

    Matches inside a `skip` span (a set phrase naming an event in passing) are not marks; a match that
    straddles the edge of `keep_within` (the highlight) is left for a later mention.
    """
    if pattern is None:
        return []
    marks = []
    for match in pattern.finditer(text):
        word = match[0].strip("“”")
        if word in marked:
            continue
        start, end = match.span()
        if any(s < end and start < e for s, e in skip):
            continue
        if keep_within is not None and (start < keep_within[0] < end or start < keep_within[1] < end):
            continue
        marked.add(word)
        marks.append(Mark(start, end, "term"))
    return marks


def markup(text: str, marks: Sequence[Mark]) -> str:
    """Return `text` as escaped HTML with the marks: `<mark class="key">` around `<span class="term">`."""
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for mark in sorted(marks, key=lambda m: (m.start, m.kind != "key")):
        tag = ('<mark class="key">', "</mark>") if mark.kind == "key" else ('<span class="term">', "</span>")
        opens.setdefault(mark.start, []).append(tag[0])
        closes.setdefault(mark.end, []).insert(0, tag[1])
    out = []
    for index, char in enumerate(text):
        out += closes.get(index, [])
        out += opens.get(index, [])
        out.append(html.escape(char, quote=False))
    out += closes.get(len(text), [])
    return "".join(out)


def spans_of(text: str, patterns: Sequence[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Return the spans of `text` the patterns match (the set phrases, where terms are not marked)."""
    return [m.span() for pattern in patterns for m in pattern.finditer(text)]
