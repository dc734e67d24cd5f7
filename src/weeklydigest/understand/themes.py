"""Cross-city themes: three or more cities whose reports this week share a phrase or the same kind of meeting.

A theme is proposed to editors as a section of its own: a short title built from the shared phrase, the
cities, and for each city the sentence of its report that carries the phrase (an exact span of the
source). Candidates are the week's phrases (`terms.py`) and the kinds of meeting the reports name
(`务虚会`, `干部大会`, `扩大会议`). Linear in the week's text: each article is tagged and split once, and
searched once for all candidate phrases (a few dozen a week).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import ahocorasick

from ..model import CITIES, PROVINCE, Article, Item, Official, Section, Sentence, SourceRef, Theme, ThemeSentence
from . import tagger
from .dedupe import source_ref
from .extract import sentence_bounds
from .terms import bare

MIN_CITIES = 3
MAX_THEMES = 4
MAX_SENTENCE = 100  # a longer carrying sentence is cut to the clauses around the phrase
SAME_CITIES = 0.8  # a theme with nearly the same cities as a stronger one, or its phrase inside it, adds little
MAX_SHARE = 0.6  # a phrase nearly every reporting city uses is the week's background, not a group of cities
SHARE_FROM = 10  # … once this many cities report at all
# What a kind of meeting ends in (a word ending in 会 alone may be 社会, 机会 or 全会).
_MEETING_ENDS = (
    "会议", "大会", "务虚会", "座谈会", "报告会", "推进会", "动员会", "调度会", "现场会", "研讨会", "专题会", "学习会",
    "交流会", "部署会", "分析会", "联席会", "例会", "恳谈会", "对接会", "观摩会", "总结会", "汇报会", "培训会",
    "常务会", "发布会", "见面会",
)
# Institutions and events named like meetings: never a kind of meeting a city held.
_NOT_MEETINGS = frozenset({
    "委员会", "常委会", "运动会", "全运会", "残特奥会", "博览会", "交易会", "人大常委会", "协会", "学会", "商会",
    "工委会", "组委会", "执委会", "理事会", "董事会", "居委会", "村委会", "开幕会",
})
_NOUNS = frozenset({"n", "nz", "vn", "j", "l", "nt", "b"})
_MEETING_VERBS_AS_KIND = frozenset({"扩大"})  # 常委会召开扩大会议: an enlarged meeting is a kind
_HOLDING = frozenset({"主持", "召开", "举行", "出席", "参加", "列席", "套开"})  # 主持会议 says who, not which
_CLAUSE = re.compile(r"[，；：,;:]")
_KEY_VERBS = re.compile(r"强调|指出|要求|提出|表示")
_PRONOUN = re.compile(r"^(?:他|她)(?=[\u4e00-\u9fff])")
_CITY_LEADERS = ("市委书记", "市长")
HELD = 0.8  # a theme whose cities are nearly all one section's items, from the same reports, …
PRINTED = 0.5  # … with at least this share of its sentences printed there, repeats that section
TITLE_CLAUSE = (6, 26)  # the length of the clause a title takes from a source
_LEADING = re.compile(r"^(?:要|并|还|也|就)(?=[\u4e00-\u9fff]{2})")  # a title reads from the verb: 要坚持… → 坚持…
_TITLE_CLAUSE = re.compile(r"[，；：,;:。！？]")
_OPENS_ACTION = re.compile(r"^(?:要|推动|推进|加快|坚持|打造|完善|一体|做强|做优|培育|深化|强化|持续|全力|着力|"
                           r"聚焦|对标)")
# What a title never carries: who speaks, dates, the leader's visit, the secretary's own acts.
_NOT_IN_TITLE = re.compile(r"强调|指出|要求|表示|提出|主持|出席|讲话|调研|习近平|总书记|\d|"
                           r"[〇一二三四五六七八九十]{1,3}[月日]|^(?:他|她)|书记|市长|会议|全会|精神|阐释|意义")


@dataclass(frozen=True)
class _Candidate:
    phrase: str  # as printed (a quoted phrase keeps its quotation marks)
    score: float
    meeting: bool


def meeting_kinds(text: str, *, tokens: list[tuple[str, str]] | None = None) -> set[str]:
    """Return the kinds of meeting a text names (`工作务虚会`, `干部大会`, `扩大会议`).

    A meeting word ends like a meeting (会议, 大会, 务虚会, 座谈会 …); institutions named like meetings
    (委员会, 常委会) are not. A bare 会议 or 大会 is a kind only with the noun before it (`干部大会`);
    a verb before it (`召开会议`) says that a meeting was held, not which.
    """
    tokens = tokens if tokens is not None else tagger.tag(text)
    kinds = set()
    for index, (word, _tag) in enumerate(tokens):
        if word in _NOT_MEETINGS or not word.endswith(_MEETING_ENDS) or word.startswith(tuple(_HOLDING)):
            continue
        if word not in ("会议", "大会"):
            kinds.add(word)
        before, tag = tokens[index - 1] if index else ("", "")
        if (2 <= len(before) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", before) and before + word not in _NOT_MEETINGS
                and before not in _HOLDING and (tag in _NOUNS or before in _MEETING_VERBS_AS_KIND)):
            kinds.add(before + word)
    return kinds


def find_themes(
    articles: Iterable[Article], phrases: Iterable[dict[str, object]], *, exclude: Iterable[str] = (),
    boilerplate: Sequence[re.Pattern[str]] = (), sections: Sequence[Section] = (),
    kinds: Iterable[tuple[str, Iterable[str]]] | None = None,
) -> list[Theme]:
    """Return the week's cross-city themes, strongest first (most cities, then the phrase's score).

    `articles` are the week's reports of the cities' leaders; `phrases` the week's phrases with their
    scores; `exclude` the words a configured section already groups by (a theme named by one would
    repeat that section); `sections` the keyword sections as summarised: a theme they already hold
    (see `repeats`) is not proposed; `kinds` each article's city and the kinds of meeting it names,
    in order, when already known (kept with each article): the articles are then read once, not twice.
    O(N) in the articles, for a bounded number of candidate phrases.
    """
    if kinds is None:
        articles = list(articles)
        kinds = ((article.city, meeting_kinds(article.text)) for article in articles)
    excluded = [w for w in exclude if len(w) >= 2]
    candidates: list[_Candidate] = [
        _Candidate(str(p["term"]), float(p.get("score") or 0), False) for p in phrases if isinstance(p.get("term"), str)
    ]
    by_kind: dict[str, set[str]] = defaultdict(set)
    reporting_cities: set[str] = set()
    for city, named in kinds:
        for kind in named:
            by_kind[kind].add(city)
        if city and city != PROVINCE:
            reporting_cities.add(city)
    candidates += [_Candidate(kind, float(len(cities)), True) for kind, cities in by_kind.items()
                   if len(cities) >= MIN_CITIES]
    wanted = []
    for candidate in candidates:
        phrase = bare(candidate.phrase)
        if not (any(_repeats(phrase, w) for w in excluded) or any(p.search(phrase) for p in boilerplate)):
            wanted.append((candidate, phrase))
    themes: list[tuple[int, float, Theme]] = []
    for (candidate, _phrase), best in zip(wanted, _carriers(wanted, articles), strict=True):
        theme = _theme(candidate, best, boilerplate=boilerplate)
        if theme is not None and repeats(theme, sections, meeting=candidate.meeting) is None:
            # Meetings are actions the cities took: they lead a tie with a phrase the same cities used.
            themes.append((len(theme.cities), candidate.score + (0.5 if candidate.meeting else 0), theme))
    # Most cities first; then the stronger phrase; then the more specific (工作务虚会 before 务虚会).
    themes.sort(key=lambda t: (-t[0], -t[1], -len(t[2].phrase), t[2].phrase))
    reporting = len(reporting_cities)
    chosen: list[Theme] = []
    for count, _score, theme in themes:
        if reporting >= SHARE_FROM and count > MAX_SHARE * reporting:
            continue
        if any(_same(theme, other) for other in chosen):
            continue
        chosen.append(theme)
        if len(chosen) == MAX_THEMES:
            break
    return chosen


def repeats(theme: Theme, sections: Sequence[Section], *, meeting: bool = False) -> str | None:
    """Return the section a theme would only repeat, or None when it adds a cross-city angle of its own.

    A theme repeats a section when nearly all its cities (HELD) are that section's items, told from the
    same reports, and the section already prints the phrase where most of its sentences carry it
    (PRINTED); a kind of meeting whose reports are all one section's items is that section's event,
    whatever the sentences.
    """
    for section in sections:
        items = {item.city: item for item in section.items}
        held = [s for s in theme.sentences
                if s.city in items and any(src.id == s.source for src in items[s.city].sources)]
        if not theme.sentences or len(held) < HELD * len(theme.sentences):
            continue
        printed = [s for s in held if _printed(s, bare(theme.phrase), items[s.city])]
        if meeting or len(printed) >= PRINTED * len(theme.sentences):
            return section.title
    return None


def _printed(sentence: ThemeSentence, phrase: str, item: Item) -> bool:
    """Whether the item already prints the theme's phrase where the theme sentence carries it."""
    at = sentence.text.find(phrase)
    begin = sentence.start + max(at, 0)
    end = begin + len(phrase) if at >= 0 else sentence.end
    return any(r.source == sentence.source and r.start <= begin and end <= r.end for r in item.sentences)


def _repeats(phrase: str, word: str) -> bool:
    """Whether a theme on `phrase` would repeat a section keyed by `word` (百千万工程; not 产业 in 低空经济产业集群)."""
    return phrase in word or (word in phrase and len(word) >= 4)


def _same(a: Theme, b: Theme) -> bool:
    """Whether two themes tell the same thing: nearly the same cities, or one phrase inside the other."""
    cities_a, cities_b = set(a.cities), set(b.cities)
    if bare(a.phrase) in bare(b.phrase) or bare(b.phrase) in bare(a.phrase):
        return len(cities_a & cities_b) >= SAME_CITIES * min(len(cities_a), len(cities_b))
    return len(cities_a & cities_b) >= SAME_CITIES * len(cities_a | cities_b)


# Per city: rank, source, sentence, and the names of the officials its article names (kept out of titles).
Carriers = dict[str, tuple[tuple[int, int, int], SourceRef, ThemeSentence, frozenset[str]]]


def _carriers(wanted: list[tuple[_Candidate, str]], articles: Iterable[Article]) -> list[Carriers]:
    """Return, for each candidate phrase, each city's best sentence carrying it: one pass over the articles.

    An article is searched for every phrase at once (Aho-Corasick) and its sentence bounds found once; only
    the sentences that hold a phrase are cut out of it.
    """
    best: list[Carriers] = [{} for _ in wanted]
    at_phrase: dict[str, list[int]] = defaultdict(list)
    for k, (_candidate, phrase) in enumerate(wanted):
        at_phrase[phrase].append(k)
    if not at_phrase:
        return best
    automaton = ahocorasick.Automaton()
    for phrase in at_phrase:
        automaton.add_word(phrase, phrase)
    automaton.make_automaton()
    for article in articles:
        if not article.city or article.city == PROVINCE:
            continue  # the province's line opens the issue; themes are what the cities did
        text = article.text
        hits = list(automaton.iter(text))  # (last offset, phrase), in the order of the text
        if not hits:
            continue
        leader = next((o for o in article.officials if o.city == article.city and o.title in _CITY_LEADERS), None)
        bounds = sentence_bounds(text)
        starts = [start for start, _end in bounds]
        # For each phrase, the sentences holding it whole and where it first comes in each (in the text's order).
        held: dict[str, dict[int, int]] = defaultdict(dict)
        for last, phrase in hits:
            begin = last + 1 - len(phrase)
            index = bisect_right(starts, begin) - 1
            if index >= 0 and last < bounds[index][1]:
                held[phrase].setdefault(index, begin)
        for phrase, at_sentence in held.items():
            for index, begin in at_sentence.items():
                start, end = bounds[index]
                sentence = Sentence(text=text[start:end], start=start, end=end)
                carried = _spoken(_cut(sentence, begin - start, len(phrase)), article, leader)
                # The leader's own words first, then a sentence that names who acts, then a short one.
                rank = (0 if _KEY_VERBS.search(sentence.text) else 1, 0 if carried.speaker else 1, len(carried.text))
                for k in at_phrase[phrase]:
                    if article.city not in best[k] or rank < best[k][article.city][0]:
                        best[k][article.city] = (rank, source_ref(article), carried,
                                                 frozenset(o.name for o in article.officials))
    return best


def _theme(candidate: _Candidate, best: Carriers, *, boilerplate: Sequence[re.Pattern[str]] = ()) -> Theme | None:
    """Return the theme of one phrase: each city's best carrying sentence, in the column's city order."""
    if len(best) < MIN_CITIES:
        return None
    cities = sorted(best, key=_city_order)
    sentences = tuple(best[c][2] for c in cities)
    sources = tuple(dict.fromkeys(best[c][1] for c in cities))
    names = {name for _rank, _source, _s, named in best.values() for name in named}
    return Theme(title=theme_title(candidate.phrase, sentences, names=names, boilerplate=boilerplate),
                 phrase=candidate.phrase, cities=tuple(cities), sentences=sentences, sources=sources)


def theme_title(phrase: str, sentences: Sequence[ThemeSentence], *, names: Iterable[str] = (),
                boilerplate: Sequence[re.Pattern[str]] = ()) -> str:
    """Return a theme's title: the shared phrase and what the cities do with it, in a source's own words.

    The clause of one city's sentence that is most like what the other cities said: the phrase's own
    clause when a verb leads up to it (`一手抓“十五五”规划谋篇`), or the phrase and the clause next to it
    (`“五链融合”：推动产业链、创新链、资金链、人才链、政策链协同发力`). Without such a clause, the cities that
    share a verb before the phrase (`韶关、河源等4个地市召开市委工作务虚会`); else the phrase and its cities
    (`务虚会：深圳、佛山、中山等7市`).
    """
    title = _action_title(phrase, sentences, names=frozenset(names), boilerplate=boilerplate)
    if title is not None:
        return title
    from .headline import theme_line, who  # the headline's wording of what the cities did

    line, _refs = theme_line(Theme(title="", phrase=phrase, cities=tuple(s.city for s in sentences),
                                   sentences=tuple(sentences)))
    if line:
        return line
    return f"{phrase}：{who([s.city for s in sentences], short=True)}"


def _action_title(phrase: str, sentences: Sequence[ThemeSentence], *, names: frozenset[str],
                  boilerplate: Sequence[re.Pattern[str]]) -> str | None:
    """Return the title from the clause around the phrase most like the other cities' sentences, or None."""
    from .headline import ACTIONS, MEETING_ENDS

    bare_phrase = bare(phrase)
    meeting = bare_phrase.endswith(MEETING_ENDS)
    grams = [_bigrams(s.text.replace(bare_phrase, "")) for s in sentences]
    best: tuple[float, str] | None = None
    for index, sentence in enumerate(sentences):
        bounds = [0, *(m.end() for m in _TITLE_CLAUSE.finditer(sentence.text)), len(sentence.text) + 1]
        clauses = [sentence.text[a:b - 1].strip() for a, b in pairwise(bounds)]
        at = next((i for i, c in enumerate(clauses) if bare_phrase in c), None)
        if at is None:
            continue
        options = []
        own = _LEADING.sub("", clauses[at])
        before = own[:own.find(bare_phrase)]
        # A meeting's own clause says only that it was held (`随后召开的全市干部大会…`): not what was done.
        if not meeting and ACTIONS.search(before) and _worthy(own, names=names, boilerplate=boilerplate):
            options.append((own, own, 0.2))  # the phrase's own clause, led by its verb
        for offset, bonus in ((1, 0.1), (-1, 0.0)):
            if 0 <= at + offset < len(clauses):
                clause = _LEADING.sub("", clauses[at + offset])
                if bare_phrase not in clause and _worthy(clause, names=names, boilerplate=boilerplate):
                    options.append((f"{phrase}：{clause}", clause, bonus))
        others = [g for j, g in enumerate(grams) if j != index]
        for title, clause, bonus in options:
            mine = _bigrams(clause.replace(bare_phrase, ""))
            alike = sum(len(mine & g) / len(mine) for g in others) / max(len(others), 1)
            score = alike + bonus + (0.1 if _OPENS_ACTION.match(clause) else 0.0)
            if best is None or score > best[0]:
                best = (score, title)
    return best[1] if best is not None else None


def _worthy(clause: str, *, names: frozenset[str], boilerplate: Sequence[re.Pattern[str]]) -> bool:
    """Whether a clause can stand in a title: short, about what is done, naming no city, person or date."""
    if not TITLE_CLAUSE[0] <= len(clause) <= TITLE_CLAUSE[1] or _NOT_IN_TITLE.search(clause):
        return False
    if clause.count("“") != clause.count("”"):
        return False  # a clause cut inside a quotation
    if any(city in clause for city in CITIES) or any(name in clause for name in names if len(name) >= 2):
        return False
    return not any(pattern.search(clause) for pattern in boilerplate)


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)} or {chars}


def _spoken(sentence: Sentence, article: Article, leader: Official | None) -> ThemeSentence:
    """Return the sentence as a theme prints it: who speaks named when it opens with 他 or the bare name.

    `他要求，要…` becomes the span `要求，要…` spoken by `市委书记马正勇`; `马正勇强调…` keeps its span and
    gains the title. The speaker is a fact of the article (its officials), never a guess.
    """
    text, start = sentence.text, sentence.start
    speaker = ""
    if leader is not None:
        pronoun = _PRONOUN.match(text)
        if pronoun:
            speaker, text, start = f"{leader.title}{leader.name}", text[pronoun.end():], start + pronoun.end()
        elif text.startswith(leader.name):
            speaker = leader.title
    return ThemeSentence(city=article.city, text=text, source=article.id, start=start, end=start + len(text),
                         speaker=speaker)


def _cut(sentence: Sentence, at: int, size: int) -> Sentence:
    """Return the sentence, or for a long one the whole clauses around the phrase, as an exact sub-span."""
    text = sentence.text.rstrip("，；：,;:")  # a sentence the splitter ended at a semicolon ends before it
    if len(text) <= MAX_SENTENCE:
        return Sentence(text=text, start=sentence.start, end=sentence.start + len(text))
    bounds = [0, *(m.end() for m in _CLAUSE.finditer(text)), len(text)]
    begin = max(b for b in bounds if b <= at)
    end = min(b for b in bounds if b >= at + size)
    if end <= MAX_SENTENCE:
        begin = 0  # from the start of the sentence: who and when stay with what
    for bound in bounds:
        if end < bound <= begin + MAX_SENTENCE:
            end = bound
    end = end - 1 if end < len(text) and text[end - 1] in "，；：,;:" else end
    return Sentence(text=text[begin:end], start=sentence.start + begin, end=sentence.start + end)


def _city_order(city: str) -> int:
    return -1 if city == PROVINCE else CITIES.index(city) if city in CITIES else len(CITIES)
