"""Section weighting learned from editors' corrections: when editors move an item to another section, the
words of its articles count towards that section for similar articles of later weeks."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import rjieba

from ..model import CITIES, PROVINCE, Article

MIN_SIMILARITY = 0.15  # below this share of a section's learned words, an article is not alike
FULL_SIMILARITY = 0.5  # at this share the full weight is given
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Words of every political news report: they tell no section from another.
GENERIC = frozenset({
    "市委书记", "书记", "市长", "省委", "市委", "市政府", "全市", "全省", "党委", "政府", "调研", "工作", "强调",
    "指出", "要求", "推动", "推进", "发展", "建设", "加快", "全面", "深入", "高质量", "坚持", "持续", "进一步",
    "同志", "主持", "召开", "会议", "相关", "有关", "今天", "日前", "上午", "下午", "部门", "我们", "以及",
    "一个", "重要", "提升", "做好", "加强", "工作人员", "负责同志", "现场", "情况", "了解", "实地", "察看", "广东",
    "作出", "部署", "落实", "领导", "干部", "群众", "企业", "项目", "我市", "本市", "期间", "参加", "出席",
    *CITIES, PROVINCE,
})


def words(text: str) -> set[str]:
    """Return the distinctive words of a text: Chinese words of two or more characters, generic ones left out."""
    return {w for w in rjieba.cut(text) if len(w) >= 2 and _CJK.search(w) and w not in GENERIC}


@dataclass(frozen=True)
class Learned:
    """Per section, the weight of each word learned from the editors' corrections."""

    weights: dict[str, dict[str, float]]
    examples: dict[str, int]  # corrections per section

    @property
    def total(self) -> int:
        return sum(self.examples.values())

    def likeness(self, section: str, article_words: set[str]) -> tuple[float, str]:
        """Return how alike the article is to `section`'s corrections (0..1), and why."""
        weights = self.weights.get(section)
        if not weights:
            return 0.0, ""
        matched = sorted((w for w in article_words if w in weights), key=lambda w: -weights[w])
        similarity = sum(weights[w] for w in matched) / sum(weights.values())
        if similarity < MIN_SIMILARITY:
            return 0.0, ""
        n = self.examples[section]
        return round(min(1.0, similarity / FULL_SIMILARITY), 3), (
            f"learned from {n} editor correction{'s' if n != 1 else ''} "
            f"({'、'.join(matched[:5])}; {similarity:.0%} alike)")


def learn(examples: list[tuple[str, str]]) -> Learned | None:
    """Return the weighting learned from (text, section) corrections, or None when there are none.

    A word's weight for a section is the share of that section's examples using it, less its largest share
    among the other sections' examples: words common to all corrections count for none.
    """
    if not examples:
        return None
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    sizes: Counter[str] = Counter()
    for text, section in examples:
        counts[section].update(words(text))
        sizes[section] += 1
    weights: dict[str, dict[str, float]] = {}
    for section, counter in counts.items():
        own = {}
        for word, count in counter.items():
            other = max((counts[s][word] / sizes[s] for s in counts if s != section), default=0.0)
            weight = count / sizes[section] - other
            if weight > 0:
                own[word] = weight
        if own:
            weights[section] = own
    return Learned(weights=weights, examples=dict(sizes))


def article_words(article: Article) -> set[str]:
    return words(article.title + "\n" + article.text)
