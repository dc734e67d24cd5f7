"""Find SEO spam injected into mirrored reports: fiction sentences and product words pasted inside words.

The signals need no list of today's spam words:

- coherence: an injected sentence shares no words with the rest of the report and none of the
  vocabulary of political and economic reporting;
- broken words: a span pasted inside a word leaves two orphan characters that form a word again
  once the span is taken out (`鲜明特[德系车零件]点` → `特点`);
- Latin brand tokens inside Chinese words (`BMW零件`), and the product words that follow them,
  which then count wherever else they are pasted;
- a sibling copy of the same report (another outlet's copy): text in a near-identical sentence
  that the sibling does not have was inserted.

A small configurable blocklist adds words that are always spam.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from itertools import pairwise
from operator import itemgetter

import ahocorasick
import rjieba

from ..config import DEFAULT_SPAM_WORDS
from .newslike import REGISTER_RE, foreign, judge, report_pairs
from .seo import repeated_brands, title_stuffing

# Latin tokens that news reports use inside Chinese text.
ACRONYMS = frozenset({
    "AI", "AIGC", "GDP", "CPI", "PPI", "CBD", "APP", "5G", "6G", "IP", "VR", "AR", "XR", "ESG", "RCEP",
    "IT", "ICT", "LED", "IC", "ETC", "IPO", "CEO", "PM2", "PPP", "QFLP", "MCN", "ICU", "CT", "DNA", "NBA",
    "CBA", "WTO", "UN", "SCI", "EDA", "OLED", "GPU", "CPU", "KOL", "TOD", "EOD", "RFID", "NFC", "GIS",
    "BIM", "AED", "MV", "TV", "CCTV", "LNG", "EV", "IOT", "SUV", "CAR-T", "A", "B", "C", "D", "E",
})
FUNCTION_CHARS = frozenset("的了和与及在是有为对把被将就也都而或之于以从向到并等个这那着过吗呢啊吧")
_REGISTER_RE = REGISTER_RE
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*[”’」』）)]*|[。！？!?]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9&+\-]*")
_NOT_PASTEABLE = re.compile("[^\u4e00-\u9fffA-Za-z0-9]|[" + "".join(sorted(FUNCTION_CHARS)) + "]")
_CLAUSE_MARKS = ("，", "、", "；", "。", "：", "！", "？")
_GRAMMAR_TAGS = ("v", "f", "d", "a", "p", "c", "u", "r", "t", "s", "q", "y", "e", "o", "l", "i")
MAX_SPAN = 9  # characters pasted inside one word, at most


def in_register(text: str) -> bool:
    """Return whether `text` uses the vocabulary of political and economic reporting."""
    return bool(_REGISTER_RE.search(text))


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


@lru_cache(maxsize=65536)
def is_word(text: str) -> bool:
    """Return whether `text` is a word of the segmentation dictionary."""
    return rjieba.has_word(text)


@dataclass(frozen=True)
class Spam:
    """A span of a paragraph judged to be spam, with the signal that found it."""

    start: int
    end: int
    why: str


@dataclass
class SpamRules:
    """How spam is found; `blocklist` comes from the config (`spam_words`)."""

    blocklist: tuple[str, ...] = DEFAULT_SPAM_WORDS
    enabled: bool = True  # off: keep everything (to measure what the spam finder takes)
    context: re.Pattern[str] | None = None  # names that belong to any report (the places of Guangdong)
    _block_re: re.Pattern[str] | None = field(default=None, init=False, repr=False)

    def context_pattern(self) -> re.Pattern[str] | None:
        return self.context

    def block_pattern(self) -> re.Pattern[str] | None:
        if self._block_re is None and self.blocklist:
            self._block_re = re.compile("|".join(re.escape(w) for w in sorted(self.blocklist, key=len, reverse=True)))
        return self._block_re


def content_words(text: str) -> list[str]:
    """Return the words of `text` that carry meaning: two or more characters, not only function characters."""
    return [w for w in rjieba.cut(text) if _is_content(w)]


@lru_cache(maxsize=65536)
def _is_content(word: str) -> bool:
    return len(word) >= 2 and _is_cjk(word[0]) and not set(word) <= FUNCTION_CHARS


def find_spam(paragraphs: list[str], *, title: str, rules: SpamRules) -> list[list[Spam]]:
    """Return, for each paragraph, the spans judged to be spam (sorted, not overlapping)."""
    if not rules.enabled:
        return [[] for _ in paragraphs]
    block = rules.block_pattern()
    tokenized = [rjieba.tokenize(p) for p in paragraphs]
    found = [_inline_candidates(p, t, block) for p, t in zip(paragraphs, tokenized, strict=True)]
    # A product word counts as pasted when it ends candidate spans in two or more different places of the
    # document (a word that always stands between the same neighbours is the report's own, a place name),
    # and when it names a thing: verbs, adverbs and place words are the report's grammar, not products.
    ends: dict[str, set[tuple[str, str]]] = {}
    for paragraph, candidates in zip(paragraphs, found, strict=True):
        for candidate in candidates:
            if candidate.product:
                seam = (paragraph[candidate.start - 1:candidate.start], paragraph[candidate.end:candidate.end + 1])
                ends.setdefault(candidate.product, set()).add(seam)
    repeated = {word for word, seams in ends.items() if len(seams) >= 2 and _names_a_thing(word)}
    if repeated:
        products = _Products(repeated)
        for paragraph, candidates in zip(paragraphs, found, strict=True):
            candidates += _repeated_products(paragraph, products, candidates)
    # Words of the report: those used outside every candidate span, and the title's.
    counts: Counter[str] = Counter()
    for word in content_words(title):
        counts[word] += 2
    for tokens, candidates in zip(tokenized, found, strict=True):
        if not candidates:
            counts.update(filter(_is_content, map(itemgetter(0), tokens)))
            continue
        suspect = _Spans(candidates)
        counts.update(word for word, start, end in tokens if _is_content(word) and not suspect.overlaps(start, end))
    # Headline fragments and made-up brands pasted all over a page need no further evidence.
    for cuts in (title_stuffing(paragraphs, title, tokens=tokenized), repeated_brands(paragraphs, known=ACRONYMS)):
        for candidates, paragraph_cuts in zip(found, cuts, strict=True):
            candidates += [_Candidate(c.start, c.end, c.why, strong=True) for c in paragraph_cuts]
    pair_counts = _Lazy(lambda: report_pairs([title, *paragraphs]))  # only sentences outside the register need them
    result: list[list[Spam]] = []
    for paragraph, candidates in zip(paragraphs, found, strict=True):
        spans = [
            Spam(c.start, c.end, c.why) for c in candidates
            if c.strong or (c.product in repeated and _foreign(paragraph[c.start:c.end], counts, rules))
        ]
        spans = _merge([], spans)
        result.append(_merge(spans, _incoherent_sentences(paragraph, pair_counts, block, rules)))
    return result


@lru_cache(maxsize=4096)
def _names_a_thing(word: str) -> bool:
    """Return whether the dictionary reads `word` as a noun (or a measure word), as pasted products are."""
    tags = rjieba.tag(word)
    return bool(tags) and not tags[-1][1].startswith(_GRAMMAR_TAGS)


def _merge(first: list[Spam], more: Iterable[Spam]) -> list[Spam]:
    """Return the spans sorted, dropping any that overlaps one kept before it."""
    kept: list[Spam] = []
    for span in sorted([*first, *more], key=lambda s: (s.start, -s.end)):
        if kept and span.start < kept[-1].end:
            if span.end > kept[-1].end and span.why.startswith("sentence"):
                kept[-1] = Spam(kept[-1].start, span.end, span.why)
            continue
        kept.append(span)
    return kept


def _foreign(piece: str, counts: Counter[str], rules: SpamRules) -> bool:
    """Return whether no word of `piece` is used by the report outside the suspect spans."""
    if _REGISTER_RE.search(piece) or (rules.context_pattern() and rules.context_pattern().search(piece)):
        return False
    return not any(counts.get(w, 0) > 0 for w in content_words(piece))


# --- pasted inside words ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    why: str
    product: str = ""  # the dictionary word the span ends with
    strong: bool = False  # a blocklisted word or a Latin brand token: no further evidence needed


def _heal(text: str, start: int, end: int, at: dict[int, tuple[str, int, int]]) -> bool:
    """Return whether taking out text[start:end] joins its two neighbours into a word it had broken."""
    return _may_heal(text, start, end) and _orphans(start, end, at)


def _may_heal(text: str, start: int, end: int) -> bool:
    """Return whether the two neighbours of text[start:end] form a word (the segmentation is not asked yet)."""
    if start < 1 or end >= len(text):
        return False
    left, right = text[start - 1], text[end]
    if not (_is_cjk(left) and _is_cjk(right)) or left in FUNCTION_CHARS or right in FUNCTION_CHARS:
        return False
    return is_word(left + right)


def _orphans(start: int, end: int, at: dict[int, tuple[str, int, int]]) -> bool:
    """Return whether the segmentation breaks both seams of [start, end) and its neighbours are no words' edges."""
    # Both seams must be broken: no longer dictionary word runs across them (a two-character one may be
    # the segmenter's guess at the broken text, like 特德 in 特德系车).
    for seam in (start, end):
        token = at.get(seam - 1)
        if token and token[2] > seam and len(token[0]) > 2 and is_word(token[0]):
            return False
    # The neighbours are orphans: not the edge of a word of their own.
    left_token, right_token = at.get(start - 1), at.get(end)
    if left_token and left_token[2] == start and len(left_token[0]) >= 2 and is_word(left_token[0]):
        return False
    return not (right_token and right_token[1] == end and len(right_token[0]) >= 2 and is_word(right_token[0]))


def _pasteable(piece: str) -> bool:
    """Return whether `piece` could be one pasted product phrase (no punctuation, no function characters)."""
    return all((_is_cjk(c) and c not in FUNCTION_CHARS) or (c.isascii() and c.isalnum()) for c in piece)


def _token_map(paragraph: str, tokens: list[tuple[str, int, int]] | None = None) -> dict[int, tuple[str, int, int]]:
    at: dict[int, tuple[str, int, int]] = {}
    for token in tokens if tokens is not None else rjieba.tokenize(paragraph):
        for i in range(token[1], token[2]):
            at[i] = token
    return at


def _last_word(paragraph: str, start: int, end: int, at: dict[int, tuple[str, int, int]]) -> str:
    token = at.get(end - 1)
    if token and token[1] >= start and token[2] == end and len(token[0]) >= 2 and is_word(token[0]):
        return token[0]
    return ""


def _inline_candidates(
    paragraph: str, tokens: list[tuple[str, int, int]], block: re.Pattern[str] | None,
) -> list[_Candidate]:
    """Return spans that may have been pasted inside words."""
    found: list[_Candidate] = []
    known: dict[int, tuple[str, int, int]] | None = None

    def token_at() -> dict[int, tuple[str, int, int]]:
        # Built only for a paragraph that needs it: most have no span to test.
        nonlocal known
        if known is None:
            known = _token_map(paragraph, tokens)
        return known

    # Latin brand tokens inside Chinese text, with the product words that follow them.
    for match in _LATIN.finditer(paragraph):
        start, end = match.span()
        word = match.group(0)
        if word.upper() in ACRONYMS or len(word) < 3 or re.fullmatch(r"[A-Za-z]?\d+[A-Za-z]?", word):
            continue
        before = paragraph[start - 1] if start else ""
        after = paragraph[end] if end < len(paragraph) else ""
        if not (_is_cjk(before) and _is_cjk(after)):
            continue
        at = token_at()
        product_end = end
        while product_end in at and at[product_end][1] == product_end:
            token = at[product_end]
            if (len(token[0]) < 2 or not _pasteable(token[0]) or not is_word(token[0]) or _REGISTER_RE.search(token[0])
                    or not _names_a_thing(token[0])):
                break
            product_end = token[2]
            if product_end - start >= MAX_SPAN:
                break
        if product_end == end:
            continue  # a Latin word before a verb (a foreign guest's name) is text, not a brand pasted in
        healed = _widen_to_heal(paragraph, start, product_end, at)
        span = healed or (start, product_end)
        if healed or product_end > end:
            found.append(_Candidate(*span, f"Latin brand token {word} pasted into the text",
                                    _last_word(paragraph, *span, at), strong=True))
    # Orphan characters that form a word again once the span between them is taken out. The span
    # ends with a dictionary word (the product) and the character after it starts no word of its own.
    for (word, word_start, end), (following, _, _) in pairwise(tokens):
        if len(word) < 2 or end < 2:
            continue
        right = paragraph[end]
        if not "\u4e00" <= right <= "\u9fff" or right in FUNCTION_CHARS or (len(following) >= 2 and is_word(following)):
            continue
        if not is_word(word):
            continue
        # A span starts after the last punctuation or function character before `end`, at most MAX_SPAN back.
        stop = -1
        for mark in _NOT_PASTEABLE.finditer(paragraph, max(0, end - MAX_SPAN), end):
            stop = mark.start()
        limit = max(1, end - MAX_SPAN, stop + 1)
        # `_may_heal` for each start from `word_start` back to `limit`: the right neighbour passed above.
        before_starts = paragraph[limit - 1:word_start][::-1]
        options = [(word_start - i, end) for i, left in enumerate(before_starts)
                   if "\u4e00" <= left <= "\u9fff" and left not in FUNCTION_CHARS and is_word(left + right)
                   and _orphans(word_start - i, end, token_at())]
        if options:
            start, end = _best_heal(paragraph, options, token_at())
            found.append(_Candidate(start, end, f"pasted inside the word {paragraph[start - 1]}{right}", word))
    if block:
        for match in block.finditer(paragraph):
            at = token_at()
            span = _widen_to_heal(paragraph, *match.span(), at) or match.span()
            found.append(_Candidate(*span, f"blocklisted word {match.group(0)}",
                                    _last_word(paragraph, *span, at), strong=True))
    return found


def _widen_to_heal(
    paragraph: str, start: int, end: int, at: dict[int, tuple[str, int, int]],
) -> tuple[int, int] | None:
    """Return the best widening of [start, end) whose removal heals a broken word."""
    options = []
    for extra in range(0, MAX_SPAN):
        for left in range(0, extra + 1):
            s, e = start - left, end + (extra - left)
            if s < 1 or e >= len(paragraph) or e - s > MAX_SPAN + 3:
                continue
            if _pasteable(paragraph[s:start]) and _pasteable(paragraph[end:e]) and _heal(paragraph, s, e, at):
                options.append((s, e))
    return _best_heal(paragraph, options, at) if options else None


def _best_heal(
    paragraph: str, options: list[tuple[int, int]], at: dict[int, tuple[str, int, int]],
) -> tuple[int, int]:
    """Return the likeliest pasted span among spans that each heal a word.

    The segmenter glues an orphan to the pasted text next to it (特德|系车), so a seam inside a
    token counts for a span; so does a healed word the report uses elsewhere; then the shorter wins.
    """
    def quality(span: tuple[int, int]) -> tuple[int, int]:
        start, end = span
        inside = sum(1 for seam in (start, end) if (t := at.get(seam - 1)) is not None and t[2] > seam)
        elsewhere = paragraph[start - 1] + paragraph[end] in _pairs(paragraph)
        return inside + elsewhere, -(end - start)

    return max(options, key=quality)


class _Spans:
    """Candidate spans, asked whether any of them covers an offset or overlaps a range (in log time)."""

    def __init__(self, spans: list[_Candidate]) -> None:
        ordered = sorted((c.start, c.end) for c in spans)
        self._starts = [start for start, _ in ordered]
        self._reach: list[int] = []  # the furthest end among the spans up to each one
        for _, end in ordered:
            self._reach.append(max(end, self._reach[-1]) if self._reach else end)

    def overlaps(self, start: int, end: int) -> bool:
        """Return whether a span starting before `end` ends after `start`."""
        before = bisect_left(self._starts, end)
        return before > 0 and self._reach[before - 1] > start

    def covers(self, offset: int) -> bool:
        """Return whether a span starting at or before `offset` ends after it."""
        before = bisect_right(self._starts, offset)
        return before > 0 and self._reach[before - 1] > offset


class _Products:
    """Product words, found all at once in a paragraph."""

    def __init__(self, words: set[str]) -> None:
        self.words = words
        self._automaton = ahocorasick.Automaton()
        for word in words:
            self._automaton.add_word(word, word)
        self._automaton.make_automaton()

    def find(self, paragraph: str) -> dict[str, list[tuple[int, int]]]:
        """Return each word's places in the paragraph, left to right, none overlapping the one before it."""
        found: dict[str, list[tuple[int, int]]] = {}
        for last, word in self._automaton.iter(paragraph):
            places = found.setdefault(word, [])
            start = last + 1 - len(word)
            if not places or start >= places[-1][1]:
                places.append((start, last + 1))
        return found


@lru_cache(maxsize=8)
def _pairs(paragraph: str) -> frozenset[str]:
    """Return the pairs of adjacent characters in the paragraph (asked for every candidate span of it)."""
    return frozenset(map(str.__add__, paragraph, paragraph[1:]))


def _repeated_products(paragraph: str, products: _Products, taken: list[_Candidate]) -> list[_Candidate]:
    """Return other places where a product word found pasted elsewhere was pasted too."""
    found = []
    at: dict[int, tuple[str, int, int]] | None = None
    places = products.find(paragraph)
    if not places:
        return found
    suspect = _Spans(taken)
    for word in products.words:
        for span in places.get(word, ()):
            if suspect.covers(span[0]):
                continue
            at = at if at is not None else _token_map(paragraph)
            healed = _widen_to_heal(paragraph, *span, at)
            if healed:
                found.append(_Candidate(*healed, f"product word {word} pasted again", word))
                continue
            # A clause made of nothing but the product phrase.
            start, end = span
            while start > 0 and _pasteable(paragraph[start - 1]):
                start -= 1
            while end < len(paragraph) and _pasteable(paragraph[end]):
                end += 1
            before = paragraph[start - 1] if start else "，"
            if end - start <= MAX_SPAN and before in _CLAUSE_MARKS and paragraph[end:end + 1] in (*_CLAUSE_MARKS, ""):
                found.append(_Candidate(start, end, f"product word {word} pasted again", word))
    return found


# --- whole sentences ----------------------------------------------------------------------------

class _Lazy:
    """A value computed on first use."""

    def __init__(self, make: Callable[[], Counter[str]]) -> None:
        self._make, self._value = make, None

    def get(self) -> Counter[str]:
        if self._value is None:
            self._value = self._make()
        return self._value


def _incoherent_sentences(
    paragraph: str, counts: _Lazy, block: re.Pattern[str] | None, rules: SpamRules,
) -> list[Spam]:
    """Return sentences foreign to the report that read like another register (see `newslike`)."""
    spans = []
    context = rules.context_pattern()
    for match in _SENTENCE.finditer(paragraph):
        text = match.group(0)
        if in_register(text) or (context is not None and context.search(text)):
            continue
        verdict = judge(text, counts.get(), context=context, blocked=bool(block and block.search(text)))
        if verdict.injected:
            spans.append(Spam(*match.span(), verdict.why))
    return spans


# --- sibling copies -----------------------------------------------------------------------------

def sibling_insertions(text: str, sibling: str) -> list[Spam]:
    """Return spans of `text` that a near-identical sibling copy does not have.

    Only sentences that match a sibling sentence closely are compared, so an outlet's own extra
    sentences are never taken for insertions; a whole extra sentence counts only when it is also
    foreign to the report (no shared words, none of the vocabulary of reporting).

    Linear in the texts: each distinct sentence is judged once (a sentence repeated is judged alike),
    and a four-character gram found in more than `COMMON_GRAM` distinct sibling sentences casts no vote.
    """
    closest = _SiblingSentences(sibling)
    counts = _Lazy(lambda: report_pairs([text]))  # only a sentence no sibling sentence is close to needs them
    # A sentence the sibling has word for word lacks nothing of it (most of a mirror's sentences).
    judged: dict[str, list[tuple[int, int, str]]] = {sentence: [] for sentence in closest.sentences}
    spans: list[Spam] = []
    offset = 0
    for paragraph in text.split("\n"):
        for match in _SENTENCE.finditer(paragraph):
            sentence = match.group(0)
            found = judged.get(sentence)
            if found is None:
                found = judged[sentence] = _missing_from_sibling(sentence, closest, counts)
            start = offset + match.start()
            spans += [Spam(start + i, start + j, why) for i, j, why in found]
        offset += len(paragraph) + 1
    return spans


COMMON_GRAM = 64  # a gram in more distinct sibling sentences than this is a set phrase: it casts no vote
ALIGN_PAIRS = 50  # pairs of equal characters per character that two sentences may have and still be aligned


def _alignable(sentence: str, other: str) -> bool:
    """Return whether aligning two sentences costs time linear in them (a step per pair of equal characters).

    Report sentences have a few pairs per character; only a long run of a few characters repeated has more.
    """
    budget = ALIGN_PAIRS * (len(sentence) + len(other))
    if len(sentence) * len(other) <= budget:
        return True
    mine, theirs = Counter(sentence), Counter(other)
    return sum(n * theirs[c] for c, n in mine.items()) <= budget


class _SiblingSentences:
    """The distinct sentences of a sibling copy, indexed by their four-character grams when first asked.

    Most sentences of a copy are found word for word; the index is built only for one that is not.
    """

    def __init__(self, sibling: str) -> None:
        # Identical sentences get the same votes and the first of them wins a tie: one copy is enough.
        # Split paragraph by paragraph, as `sibling_insertions` splits the text: a paragraph's last sentence is
        # then the same string on both sides and settled by an exact match, not aligned.
        self.sentences = list(dict.fromkeys(m.group(0) for paragraph in sibling.split("\n")
                                            for m in _SENTENCE.finditer(paragraph)))

    @cached_property
    def grams(self) -> dict[str, dict[int, int]]:
        """For each gram, the sentences holding it (in order) and how often each holds it."""
        grams: dict[str, dict[int, int]] = {}
        for index, sentence in enumerate(self.sentences):
            for gram in _grams(sentence):
                holders = grams.setdefault(gram, {})
                holders[index] = holders.get(index, 0) + 1
        return {gram: holders for gram, holders in grams.items() if len(holders) <= COMMON_GRAM}

    def closest(self, sentence: str) -> str | None:
        """Return the sibling sentence sharing most grams with `sentence`, or None when none shares three."""
        # A vote for each pair of equal grams, counted per distinct gram; sentences enter `votes` in the order
        # their first shared gram comes, which decides a tie.
        votes: dict[int, int] = {}
        for gram, count in Counter(_grams(sentence)).items():
            for index, held in self.grams.get(gram, {}).items():
                votes[index] = votes.get(index, 0) + count * held
        if not votes or max(votes.values()) < 3:
            return None
        return self.sentences[max(votes, key=lambda k: votes[k])]


def _grams(sentence: str) -> list[str]:
    return [sentence[i:i + 4] for i in range(len(sentence) - 3)]


def _missing_from_sibling(
    sentence: str, sibling: _SiblingSentences, counts: _Lazy,
) -> list[tuple[int, int, str]]:
    """Return (start, end, why) of the pieces of `sentence` its closest sibling sentence lacks."""
    other = sibling.closest(sentence)
    if other is None:
        if foreign(sentence, counts.get()):
            return [(0, len(sentence), "sentence missing from the sibling copy, foreign to the report")]
        return []
    if not _alignable(sentence, other):
        return []
    matcher = SequenceMatcher(None, sentence, other, autojunk=False)
    # Both quick ratios bound the ratio from above and cost far less.
    if matcher.real_quick_ratio() < 0.75 or matcher.quick_ratio() < 0.75 or matcher.ratio() < 0.75:
        return []
    return [(i1, i2, "not in the sibling copy of this report") for tag, i1, i2, _j1, _j2 in matcher.get_opcodes()
            if tag == "delete" and 2 <= i2 - i1 <= 40 and _pasteable(sentence[i1:i2])]
