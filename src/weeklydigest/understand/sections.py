"""Score each article against the keyword sections and pick its single best section.

The evidence for a section is where its keywords stand and what they do there: in the title; in the
lead sentence; where the report tells the activity (an opening sentence before the leader's first
act, a sentence where the acting leader acts or speaks, a sentence saying what the visited place is:
`凤安镇是省“百千万工程”典型镇`); as one item of a list of other topics; elsewhere in the body; and
how far the keywords and the section's topic words run through the article. Each kind of evidence
has a weight fitted on labelled reports (`understand/calibrate.py`): the score is the weighted sum,
and `min_score` is the fitted boundary. Set phrases are blanked out first and never count.
Linear in the article's length.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import astuple, dataclass
from functools import lru_cache

import ahocorasick

from ..config import DEFAULT_SET_PATTERNS
from ..model import FITTED_WEIGHTS, Article, SectionRule, SectionScore, SectionWeights, Sentence
from .extract import split_sentences
from .learn import Learned, article_words

LEADER_TITLES = ("市委书记", "省委书记", "省长")
SUBJECT_SHARE = 0.4  # keywords in this share of the sentences: the article's subject, and `why` says so
LIST_ITEMS = 3  # a clause of this many 、-items, most of them off the section's topic, lists topics in passing
_CLAUSE = re.compile(r"[，。；：！？,;:!?\n]")
_PRONOUN = re.compile(r"^(?:他|她)")
_LEADER = re.compile(r"(?<!副)(?:市委书记|省委书记|省长)")
# `X是/为/系…` or `位于…的X，是…`: a sentence saying what a place (or thing) the leader visits is.
_IS = re.compile(r"^(?:位于[^，。；]{1,20}?的)?([\u4e00-\u9fff]{2,12}?)[，,]?(?:是|为|系|属于|作为)")




@dataclass(frozen=True)
class Evidence:
    """What one article says for one section, before weighting."""

    title: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    opening: tuple[str, ...] = ()  # one entry per occurrence
    leader: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    listed: tuple[str, ...] = ()
    carrying: int = 0  # sentences with a keyword
    topical: int = 0  # sentences with a keyword or a topic word
    sentences: int = 0
    topic_words: tuple[str, ...] = ()
    learned: float = 0.0  # likeness to the editors' corrections, 0..1
    learned_reason: str = ""

    def values(self) -> tuple[float, ...]:
        """Return the features in the order of `SectionWeights` fields."""
        n = max(1, self.sentences)
        return (
            1.0 if self.title else 0.0,
            1.0 if self.lead else 0.0,
            math.log2(1 + len(self.opening) + len(self.leader) + len(self.place)),
            math.log2(1 + len(self.body)),
            math.log2(1 + len(self.listed)),
            self.carrying / n,
            self.topical / n,
            self.learned,
        )

    @property
    def any_keyword(self) -> bool:
        return bool(self.title or self.lead or self.opening or self.leader or self.place or self.body or self.listed)


@lru_cache(maxsize=8)
def _automaton(words: tuple[str, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=8)
def _set_pattern(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _mask(text: str, phrases: tuple[str, ...], patterns: tuple[str, ...] = DEFAULT_SET_PATTERNS) -> str:
    """Blank out set phrases so that they never count as a section's term."""
    for phrase in phrases:
        if phrase in text:
            text = text.replace(phrase, "□" * len(phrase))
    pattern = _set_pattern(patterns)
    if pattern is not None:
        text = pattern.sub(lambda m: "□" * len(m.group(0)), text)
    return text


@lru_cache(maxsize=8)
def _values(weights: SectionWeights) -> tuple[float, ...]:
    return astuple(weights)


def _occurrences(text: str, words: tuple[str, ...]) -> list[tuple[int, str]]:
    """Return (start, word) of every occurrence of the words in `text`."""
    if not words or not text:
        return []
    return [(end - len(word) + 1, word) for end, word in _automaton(words).iter(text)]


class _Reading:
    """The sentences of one article, with which of them are the acting leader's and which describe a place."""

    def __init__(self, article: Article, text: str) -> None:
        self.text = text
        self.sentences: list[Sentence] = split_sentences(article.text)
        self.starts = [s.start for s in self.sentences]
        self.lead_end = self.sentences[0].end if self.sentences else 0
        names = [o.name for o in article.officials if o.title in LEADER_TITLES and o.name]
        self.leader = [self._is_leader(s.text, names) for s in self.sentences]
        # Sentences before the leader's first act set the scene: the event the leader takes part in.
        self.first_leader = self.leader.index(True) if True in self.leader else 0
        said = [article.title, *(s.text for s, lead in zip(self.sentences, self.leader, strict=True) if lead)]
        self.place = [self._is_place(s.text, said) for s in self.sentences]

    @staticmethod
    def _is_leader(sentence: str, names: list[str]) -> bool:
        if names:
            return any(name in sentence for name in names) or bool(_PRONOUN.match(sentence))
        return bool(_LEADER.search(sentence))

    @staticmethod
    def _is_place(sentence: str, said: list[str]) -> bool:
        """Whether the sentence says what something named where the leader acts is (`X镇是…`, `作为…`)."""
        if sentence.startswith("作为"):
            return True
        match = _IS.match(sentence)
        return bool(match) and any(match.group(1) in other for other in said if other != sentence)

    def sentence_of(self, offset: int) -> int:
        """Return the index of the sentence holding `offset`, or -1 between sentences."""
        i = bisect_right(self.starts, offset) - 1
        return i if i >= 0 and offset < self.sentences[i].end else -1

    def clause(self, start: int, end: int) -> str:
        left = start
        while left > 0 and not _CLAUSE.match(self.text[left - 1]):
            left -= 1
        right = end
        while right < len(self.text) and not _CLAUSE.match(self.text[right]):
            right += 1
        return self.text[left:right]


def _listed(clause: str, vocabulary: tuple[str, ...]) -> bool:
    """Whether the clause lists topics, no more than half of them the section's (`围绕A、B、C等话题`, `A、B等工作`)."""
    items = clause.split("、")
    if len(items) < 2 or (len(items) < LIST_ITEMS and "等" not in items[-1]):
        return False
    on_topic = sum(1 for item in items if any(w in item for w in vocabulary))
    return on_topic * 2 <= len(items)


def gather(
    article: Article, rule: SectionRule, *, reading: _Reading, title: str,
    occurrences: list[tuple[int, str]], learned: tuple[float, str] = (0.0, ""),
) -> Evidence:
    """Return the evidence the article gives for one section: where each keyword stands and what it does there."""
    keywords = frozenset(rule.keywords)
    topic = frozenset(rule.topic)
    vocabulary = (*rule.keywords, *rule.topic)
    hits = [(start, word) for start, word in occurrences if word in keywords]
    patterns = _compiled(rule.regex)
    for pattern in patterns:
        hits += [(m.start(), m.group(0)) for m in pattern.finditer(reading.text)]
    in_title = [w for w in rule.keywords if w in title] + [f"/{p.pattern}/" for p in patterns if p.search(title)]
    where: dict[str, list[str]] = {"lead": [], "opening": [], "leader": [], "place": [], "body": [], "listed": []}
    carrying: set[int] = set()
    for start, word in sorted(hits):
        i = reading.sentence_of(start)
        if i < 0:
            continue
        carrying.add(i)
        if start < reading.lead_end:
            kind = "lead"
        elif _listed(reading.clause(start, start + len(word)), vocabulary):
            kind = "listed"
        elif reading.leader[i]:
            kind = "leader"
        elif i < reading.first_leader:
            kind = "opening"
        elif reading.place[i]:
            kind = "place"
        else:
            kind = "body"
        where[kind].append(word)
    topical = set(carrying)
    topic_found: list[str] = []
    for start, word in occurrences:
        if word in topic:
            i = reading.sentence_of(start)
            if i >= 0:
                topical.add(i)
                topic_found.append(word)
    return Evidence(
        title=tuple(dict.fromkeys(in_title)),
        lead=tuple(dict.fromkeys(where["lead"])),
        opening=tuple(where["opening"]),
        leader=tuple(where["leader"]),
        place=tuple(where["place"]),
        body=tuple(where["body"]),
        listed=tuple(where["listed"]),
        carrying=len(carrying),
        topical=len(topical),
        sentences=len(reading.sentences),
        topic_words=tuple(dict.fromkeys(topic_found)),
        learned=learned[0],
        learned_reason=learned[1],
    )


def evidence(
    article: Article, rules: tuple[SectionRule, ...], *, set_phrases: tuple[str, ...],
    set_patterns: tuple[str, ...] = DEFAULT_SET_PATTERNS, learned: Learned | None = None,
) -> list[tuple[SectionRule, Evidence | None, tuple[str, ...]]]:
    """Return, per section in display order, the article's evidence, or None and why the section is ruled out."""
    words = article_words(article) if learned is not None else set()
    vocabulary = tuple(sorted({w for r in rules for w in (*r.keywords, *r.topic)}))
    title = _mask(article.title, set_phrases, set_patterns)
    text = _mask(article.text, set_phrases, set_patterns)
    reading = _Reading(article, text)
    occurrences = _occurrences(text, vocabulary)
    raw = article.title + "\n" + article.text  # require/exclude read the whole text
    out: list[tuple[SectionRule, Evidence | None, tuple[str, ...]]] = []
    for rule in rules:
        missing = [w for w in rule.require if w not in raw]
        excluded = [w for w in rule.exclude if w in raw]
        if missing or excluded:
            out.append((rule, None, (*(f"required word {w} missing" for w in missing),
                                     *(f"excluded word {w} present" for w in excluded))))
            continue
        likeness = learned.likeness(rule.title, words) if learned is not None else (0.0, "")
        out.append((rule, gather(article, rule, reading=reading, title=title, occurrences=occurrences,
                                 learned=likeness), ()))
    return out


def weigh(rule: SectionRule, found: Evidence, raw: str, *, weights: SectionWeights) -> SectionScore:
    """Return the section's score from its evidence, with a reason for each kind that counted."""
    if not found.any_keyword and not found.learned:
        masked = [w for w in rule.keywords if w in raw]
        why = f"keyword {'、'.join(masked)} only in set phrases" if masked else "no section keyword"
        return SectionScore(rule.title, 0.0, (why,))
    contributions = [w * x for w, x in zip(_values(weights), found.values(), strict=True)]
    score = max(0.0, round(sum(contributions), 2))
    why: list[str] = []
    if found.title:
        why.append(f"keyword {'、'.join(found.title)} in title")
    if found.lead:
        why.append(f"keyword {'、'.join(found.lead)} in lead sentence")
    if found.opening:
        why.append(f"keyword {'、'.join(dict.fromkeys(found.opening))} in the opening ({len(found.opening)}x)")
    if found.leader:
        why.append(f"keyword {'、'.join(dict.fromkeys(found.leader))} where the leader acts or speaks "
                   f"({len(found.leader)}x)")
    if found.place:
        why.append(f"keyword {'、'.join(dict.fromkeys(found.place))} says what the place visited is")
    if found.body:
        why.append(f"keywords {len(found.body)}x in body")
    if found.listed:
        why.append(f"keyword {'、'.join(dict.fromkeys(found.listed))} as one of several listed topics "
                   f"({len(found.listed)}x)")
    if found.carrying and found.carrying / max(1, found.sentences) >= SUBJECT_SHARE:
        why.append(f"subject of the article ({found.carrying} of {found.sentences} sentences)")
    if found.topic_words:
        why.append(f"topic words {'、'.join(found.topic_words[:4])} in {found.topical} of {found.sentences} "
                   "sentences")
    if found.learned:
        why.append(found.learned_reason)
    return SectionScore(rule.title, score, tuple(why))


def score_sections(
    article: Article, rules: tuple[SectionRule, ...], *, set_phrases: tuple[str, ...],
    set_patterns: tuple[str, ...] = DEFAULT_SET_PATTERNS, learned: Learned | None = None,
    weights: SectionWeights = FITTED_WEIGHTS,
) -> list[SectionScore]:
    """Return every section's score for the article, with the reasons, in display order.

    With `learned`, sections the editors moved similar articles to gain the learned weighting.
    """
    raw = article.title + "\n" + article.text
    scores = []
    for rule, found, ruled_out in evidence(article, rules, set_phrases=set_phrases, set_patterns=set_patterns,
                                           learned=learned):
        if found is None:
            scores.append(SectionScore(rule.title, 0.0, ruled_out))
        else:
            scores.append(weigh(rule, found, raw, weights=weights))
    return scores


def best_section(scores: list[SectionScore], *, min_score: float) -> SectionScore | None:
    """Return the highest-scoring section at or above `min_score`; ties go to display order."""
    best = None
    for score in scores:
        if score.score >= min_score and (best is None or score.score > best.score):
            best = score
    return best
