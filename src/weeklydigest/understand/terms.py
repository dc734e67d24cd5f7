"""The week's phrases: slogans and compounds this week's reports use far more than earlier weeks did.

A phrase is one of three shapes, never a single everyday word:

- a quoted phrase (`“十五五”`, `“走在前、作示范、挑大梁”`);
- a run of three or more equal-length items joined by `、` (`兴业、强县、富民`);
- a compound of two to four words ending in a head word (`百千万工程`, `现代化产业体系`, `实体经济`).

Generic political vocabulary, place names and people's names are never phrases. Each phrase is ranked
by how much more often this week's articles use it than the earlier weeks' articles did, weighted by
how many cities use it. Linear in the length of the texts: each text is tagged once, and the earlier
weeks are searched for the week's phrases with one Aho-Corasick pass.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import ahocorasick

from ..model import CITIES, PROVINCE
from . import tagger

MIN_ARTICLES = 2  # a phrase must come from at least this many of the week's articles
MIN_CITIES = 2  # … and from this many cities (the province counts as one)
MIN_RATIO = 1.5  # this week's rate over the earlier rate a phrase needs
BACKGROUND_PRIOR = 50  # the earlier weeks count as at least this many articles: with no history every phrase is new
COVERED = 0.8  # a phrase whose longer form carries this share of its uses is shown in the longer form

# Generic political vocabulary: never a phrase of the week on its own, nor with only one of these beside it.
GENERIC = frozenset({
    "发展", "推进", "推动", "重要", "全面", "领导", "城市", "广东", "全省", "全市", "省委", "市委", "实施", "乡村",
    "工作", "建设", "经济", "社会", "产业", "项目", "企业", "改革", "开放", "创新", "服务", "文化", "安全",
    "城乡", "区域", "地方", "基层", "重点", "各项", "有关", "相关", "进一步", "高水平", "高标准", "新型",
    "现代化", "体系", "机制", "体制", "工程", "战略", "格局", "规划", "融合", "协同", "振兴", "中心", "赛事",
    "赛区", "比赛", "场馆", "群众", "干部", "党员", "人民", "国家", "中国", "全国", "省级", "市级", "县级",
    "质量", "生态", "绿色", "民生", "治理", "环境", "设施", "基础", "能力", "水平", "事业", "精神", "城镇",
    "学习", "贯彻", "落实", "部署", "会议", "讲话", "指示", "要求", "强调", "指出", "表示", "深入", "持续",
    "加快", "加强", "坚持", "统筹", "着力", "大力", "全力", "扎实", "切实", "不断", "一体", "总体", "整体",
})
# Words too broad to make a phrase even together (经济社会发展).
_BROAD = frozenset({
    "经济", "社会", "发展", "建设", "城市", "工作", "产业", "事业", "文化", "项目", "企业", "全面", "重要",
})
# Words a compound ends in: what makes `现代化产业体系` or `百千万工程` one named thing.
HEADS = frozenset({
    "工程", "建设", "发展", "体系", "经济", "产业", "生产力", "改革", "战略", "格局", "机制", "一体化", "同城化",
    "现代化", "城镇化", "振兴", "集群", "都市圈", "大湾区", "示范区", "先行区", "引领区", "合作区", "试验区",
    "自由贸易港", "产业园", "通道", "高地", "枢纽", "强市", "强省", "新城", "走廊", "样板", "品牌",
})
# Parts of speech that may start a compound (nouns, adjectives, noun-verbs, abbreviations, idioms).
_STARTS = frozenset({"n", "nz", "vn", "an", "a", "b", "j", "l", "i", "ng", "nt", "s"})
_INSIDE = _STARTS | {"v", "vd", "m", "ns", "f"}
# Verbs and frame words the tagger reads as nouns: a compound never starts with one (建设现代化产业体系).
_NOT_FIRST = frozenset({
    "建设", "发展", "推进", "推动", "实施", "健全", "完善", "加快", "加强", "深化", "构建", "打造", "培育", "壮大",
    "提升", "优化", "促进", "时期", "阶段", "方面", "领域", "全域", "各地", "全市", "全省", "重点", "持续", "不断",
    "积极", "主动", "高水平", "高标准", "全面", "大力", "全力", "着力", "进一步", "其中", "同时", "调研", "抓好",
    "做好", "落实", "聚焦", "围绕", "坚持", "加力", "助力", "一体",
})
# Heads so broad that a two-character word before them is no phrase yet (乡镇建设, 项目建设, 特色产业).
_WEAK_HEADS = frozenset({"建设", "发展", "改革", "振兴", "产业"})
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_QUOTED = re.compile(r"“([^“”\n，。；！？：,;!?:]{2,16})”")
_RUN = re.compile(r"[\u4e00-\u9fff]+(?:、[\u4e00-\u9fff]+){2,}")
_PLACE_ENDS = ("区", "县", "市", "镇", "村", "乡", "街道", "省")
_NUMERAL = frozenset("〇零一二三四五六七八九十百千万两")


@dataclass(frozen=True)
class WeekText:
    """One of the week's articles as the phrase finder reads it: its city and its title and text."""

    city: str
    text: str


def _is_name_or_place(word: str, *, names: frozenset[str], places: frozenset[str]) -> bool:
    return word in names or word in places or word in CITIES or word == PROVINCE


def _plain(phrase: str, *, names: frozenset[str], places: frozenset[str], quoted: bool,
           named: ahocorasick.Automaton) -> bool:
    """Whether `phrase` may be a phrase of the week: not generic, not a name, naming no city nor person.

    `named` finds the cities and `names` in a phrase: one pass over it, however many names the week has.
    """
    if phrase in GENERIC or _is_name_or_place(phrase, names=names, places=places):
        return False
    if (set(phrase) <= _NUMERAL and not quoted) or len(phrase) < 2:
        return False
    return next(named.iter(phrase), None) is None


def quoted_phrases(text: str) -> list[str]:
    """Return the phrases the text puts in quotation marks (`“十五五”` gives `十五五`)."""
    return [m[1] for m in _QUOTED.finditer(text) if sum(1 for c in m[1] if "\u4e00" <= c <= "\u9fff") >= 2]


def joined_runs(text: str, *, places: frozenset[str] = frozenset()) -> list[str]:
    """Return the runs of three or more equal-length items joined by `、` (`兴业、强县、富民`).

    The items inside the run fix the length; the first and last items are cut to it, since the words
    before and after the run are glued to them in the text.
    """
    runs = []
    for match in _RUN.finditer(text):
        parts = match[0].split("、")
        inner = parts[1:-1]
        size = len(inner[0])
        if not 2 <= size <= 5 or any(len(p) != size for p in inner):
            continue
        if len(parts[0]) < size or len(parts[-1]) < size:
            continue
        items = [parts[0][-size:], *inner, parts[-1][:size]]
        if any(i in places or i.endswith(_PLACE_ENDS) or i in GENERIC for i in items):
            continue
        runs.append("、".join(items))
    return runs


def compounds(text: str, *, tokens: list[tuple[str, str]] | None = None) -> list[str]:
    """Return the compounds of two to four words ending in a head word (`现代化产业体系`).

    `tokens` are the text's tagged words when already at hand.
    """
    tokens = tokens if tokens is not None else tagger.tag(text)
    found = []
    for end, (word, _tag) in enumerate(tokens):
        if word not in HEADS:
            continue
        for start in range(end - 1, max(end - 4, -1), -1):
            span = tokens[start:end + 1]
            words = [w for w, _ in span]
            if not all(_CJK.match(w) for w in words):
                break
            inner = span[1:-1]
            if any(t in _NAME_TAGS for _, t in span) or any(t not in _INSIDE or w in _NOT_FIRST for w, t in inner):
                break
            first, tag = span[0]
            phrase = "".join(words)
            if len(phrase) > 11:
                break
            if first in _NOT_FIRST or (tag not in _STARTS and not (tag == "m" and len(first) >= 3)):
                continue
            if (len(span) == 2 and (first in GENERIC or (len(first) == 2 and word in _WEAK_HEADS))) or _broad(phrase):
                continue  # 经济发展, 乡镇建设, 经济社会发展: generic words are not a phrase of the week
            if len(phrase) >= 4:
                found.append(phrase)
    return found


def _broad(phrase: str) -> bool:
    """Whether the phrase is made of broad words only (`经济社会发展`, however the tagger cut it)."""
    rest = phrase
    while rest:
        word = next((w for w in _BROAD if rest.startswith(w)), None)
        if word is None:
            return False
        rest = rest[len(word):]
    return True


def candidates(text: str, *, places: frozenset[str] = frozenset(),
               tokens: list[tuple[str, str]] | None = None) -> tuple[set[str], set[str]]:
    """Return the text's candidate phrases, and those of them it puts in quotation marks."""
    quoted = set(quoted_phrases(text))
    return quoted | set(joined_runs(text, places=places)) | set(compounds(text, tokens=tokens)), quoted


@dataclass
class Offered:
    """The candidate phrases of the week's texts, summed as each text's are known: all of them, and
    how many texts quote each."""

    phrases: set[str] = field(default_factory=set)
    quoted: Counter[str] = field(default_factory=Counter)

    def add(self, phrases: Collection[str], quoted: Collection[str]) -> None:
        """Add one text's `candidates`."""
        self.phrases.update(phrases)
        self.quoted.update(quoted)


def emerging_terms(
    week: Iterable[WeekText], earlier: Iterable[str], *, top: int = 15, vocabulary: tuple[str, ...] = (),
    names: Iterable[str] = (), places: Iterable[str] = (), exclude: Iterable[re.Pattern[str]] = (),
    offered: Offered | None = None,
) -> list[dict[str, object]]:
    """Return the week's phrases against the `earlier` texts, best first.

    `offered` holds the `candidates` of all the week's texts when they are already known (kept with
    each article, summed as the build reads them): the texts are then read once, not twice.

    Each is {"term", "count", "articles", "cities", "score"}: `term` is the phrase as printed (in
    quotation marks when the week's reports mostly quote it), `count` its occurrences this week,
    `articles` how many of the week's articles use it, `cities` which cities (column order), `score`
    the log ratio of its share of this week's articles to its share of the earlier weeks' articles,
    times log(1 + cities).
    """
    tagger.add_words(vocabulary)  # configured terms stay whole (十五运会, not 十五 + 运会)
    names_set = frozenset(n for n in names if len(n) >= 2)
    places_set = frozenset(places)
    texts: Iterable[WeekText] = week
    if offered is None:
        texts, offered = list(week), Offered()
        for item in texts:
            offered.add(*candidates(item.text, places=places_set))
    quoted_in = offered.quoted
    named = _automaton((*CITIES, *names_set))
    found = {p for p in offered.phrases
             if _plain(p, names=names_set, places=places_set, quoted=p in quoted_in, named=named)
             and not any(pattern.search(p) for pattern in exclude)}
    if not found:
        return []
    automaton = _automaton(found)
    count: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    cities: dict[str, set[str]] = defaultdict(set)
    total = 0
    for item in texts:
        total += 1
        hits = Counter(phrase for _end, phrase in automaton.iter(item.text))
        count.update(hits)
        articles.update(hits.keys())
        for phrase in hits:
            cities[phrase].add(item.city or "?")
    background: Counter[str] = Counter()
    background_total = 0
    for text in earlier:
        background_total += 1
        background.update({phrase for _end, phrase in automaton.iter(text)})
    kept = {p for p in found if articles[p] >= MIN_ARTICLES and len(cities[p] - {"?"}) >= MIN_CITIES}
    kept = _longest_forms(kept, articles)
    scored = []
    for phrase in kept:
        share_week = articles[phrase] / total
        share_earlier = (background[phrase] + 0.5) / max(background_total, BACKGROUND_PRIOR)
        ratio = share_week / share_earlier
        if ratio < MIN_RATIO:
            continue
        named = sorted(cities[phrase] - {"?"}, key=_city_order)
        score = math.log(ratio) * math.log1p(len(named))
        # Printed in quotation marks when the week's reports mostly quote it.
        term = f"“{phrase}”" if quoted_in[phrase] * 2 >= articles[phrase] else phrase
        scored.append({"term": term, "count": count[phrase], "articles": articles[phrase], "cities": named,
                       "score": round(score, 3)})
    scored.sort(key=lambda t: (-float(t["score"]), -int(t["count"]), str(t["term"])))
    return scored[:top]


def bare(term: str) -> str:
    """Return a term without the quotation marks it is printed in."""
    return term[1:-1] if term.startswith("“") and term.endswith("”") else term


def _automaton(phrases: Iterable[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        automaton.add_word(phrase, phrase)
    automaton.make_automaton()
    return automaton


def _longest_forms(phrases: set[str], articles: Counter[str]) -> set[str]:
    """Drop a phrase whose longer form carries most of its uses, and a longer form few of its uses carry.

    Quadratic in the number of kept phrases only (a few hundred a week), never in the articles.
    """
    kept = set(phrases)
    ordered = sorted(phrases, key=len)
    for short in ordered:
        for long in ordered:
            if len(long) <= len(short) or short not in long or long not in kept:
                continue
            if articles[long] >= COVERED * articles[short]:
                kept.discard(short)
            elif articles[long] * 2 < articles[short] and not long.startswith(short) and not long.endswith(short):
                continue  # 百县千镇万村高质量发展工程 is its own programme, not a longer 高质量发展
            elif articles[long] * 2 < articles[short]:
                kept.discard(long)  # 发展新质生产力 beside 新质生产力: the common form is enough
    return kept


def _city_order(city: str) -> int:
    return -1 if city == PROVINCE else CITIES.index(city) if city in CITIES else len(CITIES)
