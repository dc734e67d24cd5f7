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


# What opens a directive (`要…`, `以…为抓手`, `坚持…`): the desk highlights what is asked, not the preamble.
_DIRECTIVE = re.compile(
    r"^(?:要|以|把|将|坚持|加快|加力|推动|推进|确保|全力|奋力|着力|聚焦|围绕|深化|持续|坚决|切实|努力|始终|牢牢|"
    r"锚定|扎实|大力|积极|主动|统筹|强化|做好|抓好|打造|培育|构建|提升|实施|落实|用好|更好|进一步|纵深|科学|全面)"
)
# Background a key line opens with: who visited, where things stand, what a place is (`江门是著名侨乡`).
_PREAMBLE = re.compile(r"习近平|总书记|当前|目前|越是|已经|已进入|这是|这次|此次|本次|之际|以来|时候")
_IS_CLAUSE = re.compile(r"^[^，；“]{1,8}是")
# Studying the spirit of a meeting: the set frame of nearly every key line, seldom its point.
_TRIAD = re.compile(r"[\u4e00-\u9fff]{2,6}(?:、[\u4e00-\u9fff]{2,6}){2,}")
_STUDY = re.compile(r"精神|要义")
_STUDY_VERBS = re.compile(r"学习|领会|贯彻|学深悟透|宣讲|传达")
_SLOGAN = re.compile(r"“[^“”]*[\u4e00-\u9fff][^“”]*[\u4e00-\u9fff][^“”]*”")


def _score(clause: str, *, index: int, terms: re.Pattern[str] | None, boilerplate: Sequence[re.Pattern[str]]) -> float:
    """Return how much a candidate clause is the key phrase the desk would highlight.

    A term of the week or a quoted slogan in it counts most, then a directive opening (`要…`, `以…`) and
    being the first clause after the verb; background (`习近平总书记亲临…`, `X是…`) and the study frame
    (`要认真学习领会全会精神`) count against.
    """
    score = 0.5 if index == 0 else 0.0
    if terms is not None and terms.search(clause):
        score += 3
    if _SLOGAN.search(clause):
        score += 2
    if _DIRECTIVE.match(clause):
        score += 1
    if _TRIAD.search(clause):
        score += 1  # 更高标准、更严要求、更实举措: the desk's slogans come in threes
    if _PREAMBLE.search(clause) or _IS_CLAUSE.match(clause):
        score -= 2
    if _STUDY.search(clause) and _STUDY_VERBS.search(clause):
        score -= 2
    covered = sum(m.end() - m.start() for pattern in boilerplate for m in pattern.finditer(clause))
    if covered * 10 >= 3 * len(clause):
        score -= 1
    return score


USABLE = -1  # a candidate scoring below this is background, never highlighted


def candidates(
    ref: SentenceRef, *, boilerplate: Sequence[re.Pattern[str]] = (), terms: re.Pattern[str] | None = None,
) -> list[tuple[float, int, int]]:
    """Return the sentence's candidate key clauses as (score, start, end), offsets into the sentence.

    The clauses after the first key verb said as a verb (a short one taking the next with it), each of
    10–40 characters and not mostly a set phrase; and every quoted phrase of that length. A sentence
    without such a verb offers only its quoted phrases; a short key sentence is its own candidate.
    """
    text = ref.text
    verb = _after_verb(text)
    start = verb or 0
    clauses = [] if verb is None else [c for c in _clauses(text, start) if not _boring(text[c[0]:c[1]], boilerplate)]
    found: dict[tuple[int, int], float] = {}
    for index, (begin, end) in enumerate(clauses):
        # A short clause takes the following ones with it while they are adjacent and the whole fits.
        for later in clauses[index + 1:]:
            if end - begin >= MIN_CLAUSE or later[0] > end + 1 or later[1] - begin > MAX_CLAUSE:
                break
            end = later[1]
        if MIN_CLAUSE <= end - begin <= MAX_CLAUSE:
            found.setdefault((begin, end), _score(text[begin:end], index=index, terms=terms, boilerplate=boilerplate))
    for quoted in _QUOTED.finditer(text, start):
        span = quoted.span()
        if MIN_CLAUSE <= span[1] - span[0] <= MAX_CLAUSE and span not in found:
            found[span] = _score(quoted[0], index=1, terms=terms, boilerplate=boilerplate)
    if not found and verb is not None:
        whole = len(text.rstrip("。！？!?"))
        if MIN_CLAUSE <= whole <= MAX_CLAUSE and not _boring(text, boilerplate):
            found[(0, whole)] = _score(text[:whole], index=0, terms=terms, boilerplate=boilerplate)  # a short key line
    return sorted(((score, b, e) for (b, e), score in found.items() if score >= USABLE), key=lambda c: (-c[0], c[1]))


def key_clause(
    ref: SentenceRef, *, boilerplate: Sequence[re.Pattern[str]] = (), terms: re.Pattern[str] | None = None,
) -> SentenceRef | None:
    """Return the key clause of a key sentence: an exact sub-span of it, 10–40 characters, or None.

    The best of its candidates (see `candidates`): the clause carrying the week's term or a quoted slogan,
    a directive over a preamble, the first clause after 强调/指出/要求 when nothing else tells them apart.
    A sentence whose key word is only a noun (`的要求`) has no key clause but a quoted phrase.
    """
    found = candidates(ref, boilerplate=boilerplate, terms=terms)
    if not found:
        return None
    begin, end = found[0][1:]
    return SentenceRef(text=ref.text[begin:end], source=ref.source, start=ref.start + begin, end=ref.start + end)


def item_key_clause(
    sentences: Sequence[SentenceRef], *, boilerplate: Sequence[re.Pattern[str]] = (),
    terms: re.Pattern[str] | None = None,
) -> SentenceRef | None:
    """Return an item's highlight: the key clause of its key sentence, else the best clause of another sentence.

    When the key sentence has no usable clause (or the item no key sentence), the best quoted phrase or
    clause after a key verb in the item's other sentences stands in, 10–40 characters like any other.
    """
    key = next((ref for ref in sentences if ref.key), None)
    if key is not None:
        clause = key_clause(key, boilerplate=boilerplate, terms=terms)
        if clause is not None:
            return clause
    best: tuple[float, int, SentenceRef, int, int] | None = None
    for order, ref in enumerate(sentences):
        if ref is key:
            continue
        for score, begin, end in candidates(ref, boilerplate=boilerplate, terms=terms)[:1]:
            if best is None or score > best[0]:
                best = (score, order, ref, begin, end)
    if best is None:
        return None
    ref, begin, end = best[2:]
    return SentenceRef(text=ref.text[begin:end], source=ref.source, start=ref.start + begin, end=ref.start + end)


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
