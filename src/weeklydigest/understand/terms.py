"""The week's emerging terms: words this week's articles use far more than earlier articles do."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import rjieba

from .spam import FUNCTION_CHARS

MIN_ARTICLES = 2  # a term must come from at least this many of the week's articles
_GENERIC = frozenset({
    "我们", "他们", "同时", "进一步", "一个", "一批", "相关", "有关", "方面", "情况", "工作", "要求", "强调", "指出",
    "表示", "进行", "开展", "坚持", "持续", "加快", "推动", "推进", "全市", "全省", "当前", "目前", "今年", "以来",
    "一家", "关于", "交流", "部署", "学习", "精神", "先后", "来到", "了解", "察看", "调研", "指导", "会议",
})
_NUMERAL = frozenset("〇零一二三四五六七八九十百千万两")


def _terms(text: str) -> list[str]:
    return [w for w in rjieba.cut(text)
            if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w)
            and not set(w) <= FUNCTION_CHARS and not set(w) <= _NUMERAL and w not in _GENERIC]


def add_vocabulary(vocabulary: tuple[str, ...]) -> None:
    """Keep configured terms whole when texts are cut into words (十五运会, not 十五 + 运会)."""
    for word in vocabulary:
        if len(word) >= 2:
            rjieba.add_word(word, None, None)


def text_terms(text: str) -> list[str]:
    """Return the candidate terms of one text, each as often as it occurs, in order."""
    return _terms(text)


def emerging_terms(
    week: Iterable[str], earlier: Iterable[str], *, top: int = 15, vocabulary: tuple[str, ...] = (),
) -> list[dict[str, object]]:
    """Return the week's most characteristic terms against `earlier` texts, best first (see `rank_terms`)."""
    add_vocabulary(vocabulary)
    return rank_terms((text_terms(t) for t in week), (text_terms(t) for t in earlier), top=top)


def rank_terms(
    week: Iterable[list[str]], earlier: Iterable[list[str]], *, top: int = 15,
) -> list[dict[str, object]]:
    """Return the week's most characteristic terms from each article's terms, best first (see `Tally`)."""
    tally = Tally()
    for counts in week:
        tally.add_week(counts)
    for counts in earlier:
        tally.add_earlier(counts)
    return tally.rank(top=top)


class Tally:
    """Term counts of the week's articles and of earlier ones, added one article's terms at a time."""

    def __init__(self) -> None:
        self.week_counts: Counter[str] = Counter()
        self.week_docs: Counter[str] = Counter()
        self.earlier_counts: Counter[str] = Counter()

    def add_week(self, terms: list[str]) -> None:
        self.week_counts.update(terms)
        self.week_docs.update(set(terms))

    def add_earlier(self, terms: list[str]) -> None:
        self.earlier_counts.update(terms)

    def rank(self, *, top: int = 15) -> list[dict[str, object]]:
        """Return the week's most characteristic terms, best first.

        Each is {"term", "count", "score"}: count is the term's occurrences this week; score is the
        smoothed log ratio of its rate this week to its rate earlier, weighted by how many of the
        week's articles use it. O(terms).
        """
        week_counts, week_docs, earlier_counts = self.week_counts, self.week_docs, self.earlier_counts
        if not week_counts:
            return []
        week_total = sum(week_counts.values())
        earlier_total = sum(earlier_counts.values())
        vocabulary = len(week_counts.keys() | earlier_counts.keys())
        scored = []
        for term, count in week_counts.items():
            if week_docs[term] < MIN_ARTICLES:
                continue
            rate_week = (count + 0.5) / (week_total + 0.5 * vocabulary)
            rate_earlier = (earlier_counts[term] + 0.5) / (earlier_total + 0.5 * vocabulary)
            ratio = math.log(rate_week / rate_earlier)
            if ratio <= 0:
                continue
            score = ratio * math.log1p(week_docs[term])
            scored.append({"term": term, "count": count, "score": round(score, 3)})
        scored.sort(key=lambda t: (-float(t["score"]), -int(t["count"]), str(t["term"])))
        return scored[:top]
