"""Merge reports of the same event: exact copies by text hash, near copies measured on their 4-grams.

Which pairs are measured comes from `candidates.similar_pairs`: articles sharing rare sampled
4-grams or near-identical min-hashes, never two that name different cities. A candidate is
measured exactly when its samples suggest one of two kinds of copy:

- mirrors: near-identical texts (a reprint, a Traditional mirror after conversion), from anywhere
  in the week, merged unless they name different cities or days;
- same event: rewrites of one report by two outlets, of one city with overlapping event days;
  a pair in the grey zone is merged only when both agree, so two cities' reports written from one
  template stay apart.

O(N log N) for N articles: sorts of the sampled 4-grams and min-hash bands; a bounded number of
candidates per article is measured, each in time linear in the two texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Protocol

import numpy as np

from ..model import Article, DateSpan, SourceRef
from .candidates import Sketch, Sketches, estimate, normalise, shingles, similar_pairs, sketch

__all__ = ["dedupe", "duplicate_groups", "merge_group", "normalise", "same_report", "shingles", "similarity",
           "source_ref"]

MIRROR = 0.8  # Jaccard similarity at or above which two texts are one report
SAME_EVENT = 0.3  # grey zone: from here up, merged only when city and event date agree
CONTAINED = 0.6  # … or when this share of the shorter text's shingles is in the longer one
WORTH_MEASURING = 0.1  # samples suggesting a Jaccard similarity below this are not measured …
WORTH_MEASURING_CONTAINED = 0.3  # … unless they suggest this much containment
LIKELY_MIRROR = 0.5  # across days or without a city, samples must suggest at least this Jaccard
SMALL_SAMPLE = 8  # samples this small suggest too little: measure the pair whatever they say


def source_ref(article: Article) -> SourceRef:
    published = article.published.isoformat() if article.published else None
    return SourceRef(id=article.id, title=article.title, url=article.url, published=published,
                     outlet=article.outlet, origin=article.origin)


def _overlap(a: Dated, b: Dated) -> bool:
    if a.event_date is None or b.event_date is None:
        return False
    return a.event_date <= (b.event_end or b.event_date) and b.event_date <= (a.event_end or a.event_date)


def _date_words(article: Dated) -> str | None:
    """Return the words the event date was read from ("11月13日", "日前"), if any."""
    return next((d.text for d in article.dates if d.start == article.event_date), None)


def same_report(a: Dated, b: Dated, *, jaccard: float, containment: float) -> bool:
    """Decide whether two similar articles report one event.

    Near-identical texts are one report unless they name different cities or days (one template
    filled in twice); a relative date ("日前") read against two publication days is still one day.
    Below that, city and event date must both be known and agree.
    """
    if a.city and b.city and a.city != b.city:
        return False
    if jaccard >= MIRROR:
        unknown = a.event_date is None or b.event_date is None
        return unknown or _overlap(a, b) or (_date_words(a) is not None and _date_words(a) == _date_words(b))
    if not (a.city and b.city and _overlap(a, b)):
        return False
    return jaccard >= SAME_EVENT or containment >= CONTAINED


# The Jaccard similarity and containment (share of the smaller set) of two whole shingle sets: the
# measure the sketches' samples estimate, computed on everything.
similarity = estimate


class _Clusters:
    """Union-find over article positions."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _quality(article: Article) -> tuple[int, int, int, float, str]:
    """Sort key of the best version: fewest marks of a mirror, fewest removals, longest text, earliest published.

    A mirror shows itself by what the cleaner had to repair: spam, pinyin, hidden text, reworded stock words and
    garbled sentences (page furniture says nothing: every site has its own).
    """
    published = article.published.timestamp() if article.published else float("inf")
    marks = sum(1 for r in article.removed if r.reason != "boilerplate") + len(article.flagged)
    return (marks, len(article.removed), -len(article.text), published, article.id)


class Dated(Protocol):
    """What dedupe reads of an article: where and when it happened (its text is asked for when needed)."""

    city: str
    event_date: date | None
    event_end: date | None
    dates: tuple[DateSpan, ...]


def _worth_measuring(a: Dated, b: Dated, sa: Sketch, sb: Sketch) -> bool:
    """Return whether the samples of a candidate pair suggest a copy that `same_report` could accept."""
    if min(sa.sample.size, sb.sample.size) < SMALL_SAMPLE:
        return True
    jaccard, containment = estimate(sa.sample, sb.sample)
    if a.city and b.city and _overlap(a, b):
        return jaccard >= WORTH_MEASURING or containment >= WORTH_MEASURING_CONTAINED
    return jaccard >= LIKELY_MIRROR


def candidate_pairs(
    articles: Sequence[Dated], sketches: Sketches | Sequence[Sketch], *, positions: Sequence[int] | None = None,
) -> list[tuple[int, int]]:
    """Return the pairs (x, y), x < y, of articles worth measuring: rare 4-grams shared, cities not different.

    `articles[k]` is sketched at `sketches[positions[k]]` (default: k); other sketches take no
    part. O(N log N) for N sketches; a bounded number of pairs per article.
    """
    table = sketches if isinstance(sketches, Sketches) else Sketches(sketches)
    at = np.arange(len(articles), dtype=np.int64) if positions is None else np.asarray(positions, dtype=np.int64)
    index = np.full(len(table), -1, dtype=np.int64)
    index[at] = np.arange(len(articles))
    cities = {city: n for n, city in enumerate(sorted({a.city for a in articles if a.city}), start=1)}
    code = np.zeros(len(table), dtype=np.int64)
    code[at] = [cities.get(a.city, 0) for a in articles]

    def compatible(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return (code[i] == 0) | (code[j] == 0) | (code[i] == code[j])

    pairs = []
    for i, j, _votes in similar_pairs(table, allowed=compatible, among=index >= 0):
        x, y = sorted((int(index[i]), int(index[j])))
        if _worth_measuring(articles[x], articles[y], table[i], table[j]):
            pairs.append((x, y))
    return pairs


def duplicate_groups(
    articles: Sequence[Dated], sketches: Sketches | Sequence[Sketch], *,
    texts: Callable[[list[int]], dict[int, str]], positions: Sequence[int] | None = None,
) -> list[list[int]]:
    """Return the indexes of the articles grouped by report, each group and the groups in index order.

    `articles` need their city and dates only; `articles[k]` is sketched at
    `sketches[positions[k]]` (default: k); `texts(indexes)` returns the texts of the candidates
    to measure. O(N log N) for N articles.
    """
    table = sketches if isinstance(sketches, Sketches) else Sketches(sketches)
    at = list(range(len(articles))) if positions is None else list(positions)
    clusters = _Clusters(len(articles))
    # Exact copies: the same normalised text.
    first: dict[bytes, int] = {}
    distinct: list[int] = []
    for i in range(len(articles)):
        exact = table.exact(at[i])
        if exact in first:
            clusters.union(first[exact], i)
        else:
            first[exact] = i
            distinct.append(i)
    # Near copies: candidates whose samples suggest a copy are measured exactly.
    found = candidate_pairs([articles[i] for i in distinct], table, positions=[at[i] for i in distinct])
    pairs = [(distinct[x], distinct[y]) for x, y in found]
    known = texts(sorted({i for pair in pairs for i in pair}))
    for i, j in pairs:
        jaccard, containment = similarity(shingles(known[i]), shingles(known[j]))
        if same_report(articles[i], articles[j], jaccard=jaccard, containment=containment):
            clusters.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(articles)):
        groups[clusters.find(i)].append(i)
    return list(groups.values())


def merge_group(group: list[Article]) -> Article:
    """Return the best version of one report (fewest removals, longest, earliest) with the others as `also`."""
    best, *rest = sorted(group, key=_quality)
    if rest:
        also = tuple(source_ref(a) for a in rest) + tuple(r for a in (best, *rest) for r in a.also)
        best = replace(best, also=also)
    return best


def dedupe(articles: list[Article]) -> tuple[list[Article], int]:
    """Return the articles with reports of one event merged into the best one, and the number merged.

    The best version (fewest removals, longest, earliest) stays; the others become its `also`.
    O(N log N) for N articles.
    """
    groups = duplicate_groups(articles, [sketch(a.text) for a in articles],
                              texts=lambda positions: {i: articles[i].text for i in positions})
    kept = [merge_group([articles[i] for i in group]) for group in groups]
    return kept, len(articles) - len(groups)
