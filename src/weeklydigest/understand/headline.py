"""The machine's draft of the issue's headline and lede, drafted only from the week's own sources.

The headline names the week's leading theme (the cities that share it and what they did with it); the
lede is the provincial leader's key line and what most cities did. Every part that is not a fact the
digest already holds (a city, a count, an official's title and name) is an exact span of a source, and
the drafts carry those spans as their provenance. Editors accept or rewrite both in the review app.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..model import CUT_MARK, PROVINCE, Article, Draft, Item, Section, SentenceRef, Theme
from .terms import bare

ACTIONS = re.compile(
    r"召开|举行|主持|出席|实施|推进|落实|部署|谋划|编制|建设|打造|宣讲|学习|践行|对标|聚焦|壮大|融入|推动|提出|强调|"
    r"做好|抓好|调研|检查|督导|深化|发展|坚持|围绕|锚定|突出|抢抓|用好|培育|加快"
)
MEETING_ACTIONS = re.compile(r"召开|举行|主持|出席|参加|套开")
MEETING_ENDS = ("会", "会议", "大会")
_CLAUSE_END = re.compile(r"[，；：。！？,;:]")
_SUBJECT = re.compile(r"^(?:他|她)(?=强调|指出|要求|表示|提出)")
_KEY_VERB = re.compile(r"强调|指出|要求|表示|提出")
PROVINCIAL_TITLES = ("省委书记", "省长")
MAX_LINE = 90  # the provincial line is cut to whole clauses of at most this length


def who(cities: Sequence[str]) -> str:
    """Return the cities as a headline names them: all of three, or the first two and how many."""
    named = [c for c in cities if c != PROVINCE]
    return "、".join(named) if len(named) <= 3 else f"{'、'.join(named[:2])}等{len(named)}个地市"


def shared_action(theme: Theme) -> tuple[str, list[str]]:
    """Return the verb most of the theme's cities put before its phrase (`召开` 务虚会), and those cities.

    The verb is the last action word in the clause before the phrase (for a meeting, a word of holding
    one: 召开, 举行, 主持 …); ('', all cities) when fewer than half of the cities share one.
    """
    phrase = bare(theme.phrase)
    meeting = phrase.endswith(MEETING_ENDS)
    actions = MEETING_ACTIONS if meeting else ACTIONS  # a meeting is held, not 宣讲ed
    verbs: dict[str, list[str]] = {}
    for sentence in theme.sentences:
        at = sentence.text.find(phrase)
        if at < 0:
            continue
        ends = [m.end() for m in _CLAUSE_END.finditer(sentence.text, 0, at)]
        found = list(actions.finditer(sentence.text[ends[-1] if ends else 0:at]))
        if meeting and not found:
            # 报告会…在梅城举行: a meeting's holding verb may come after it, in the same clause.
            rest = sentence.text[at + len(phrase):]
            stop = _CLAUSE_END.search(rest)
            found = list(actions.finditer(rest[:stop.start() if stop else len(rest)]))[:1]
        if found:
            verbs.setdefault(found[-1][0], []).append(sentence.city)
    if verbs:
        verb, cities = max(verbs.items(), key=lambda pair: (len(pair[1]), -len(pair[0])))
        if len(cities) * 2 >= len(theme.cities) and len(set(cities) - {PROVINCE}) >= 3:
            return verb, cities
    return "", list(theme.cities)


def theme_line(theme: Theme) -> tuple[str, tuple[SentenceRef, ...]]:
    """Return what a theme's cities did, as one clause, with the sentences that say so."""
    verb, cities = shared_action(theme)
    text = f"{who(cities)}{verb}{theme.phrase}" if verb else f"{who(cities)}都提到{theme.phrase}"
    refs = tuple(SentenceRef(text=s.text, source=s.source, start=s.start, end=s.end)
                 for s in theme.sentences if s.city in cities)
    return text, refs


def draft_headline(themes: Sequence[Theme], sections: Sequence[Section]) -> tuple[str, Draft | None]:
    """Return the headline draft: the leading theme, else the keyword section with the most cities."""
    if themes:
        text, refs = theme_line(themes[0])
        return text, Draft(sentences=refs)
    section = max(sections, key=lambda s: len({i.city for i in s.items} - {PROVINCE}), default=None)
    if section is None or not section.items:
        return "", None
    cities = [i.city for i in section.items if i.city != PROVINCE]
    if not cities:
        return "", None
    refs = tuple(_key_ref(item) for item in section.items if item.city != PROVINCE and item.sentences)
    return f"{section.title}：{who(cities)}", Draft(sentences=refs)


def draft_lede(
    themes: Sequence[Theme], sections: Sequence[Section], articles: Mapping[str, Article],
) -> tuple[str, Draft | None]:
    """Return the lede draft: the provincial item's key line, then what most cities did (two or three sentences)."""
    sentences: list[str] = []
    refs: list[SentenceRef] = []
    provincial = _provincial_line(sections, articles)
    if provincial is not None:
        sentences.append(provincial[0])
        refs.append(provincial[1])
    for theme in themes[:2]:
        text, theme_refs = theme_line(theme)
        sentences.append(text + "。")
        refs += theme_refs
    if len(sentences) < 2:
        section = max(sections, key=lambda s: len({i.city for i in s.items} - {PROVINCE}), default=None)
        cities = [i.city for i in section.items if i.city != PROVINCE] if section else []
        if section is not None and cities:
            sentences.append(f"“{section.title}”一栏收录{who(cities)}的动态。")
            refs += [_key_ref(i) for i in section.items if i.city != PROVINCE and i.sentences]
    if not sentences:
        return "", None
    return "".join(sentences[:3]), Draft(sentences=tuple(refs))


def _key_ref(item: Item) -> SentenceRef:
    ref = next((r for r in item.sentences if r.key), item.sentences[0])
    return SentenceRef(text=ref.text, source=ref.source, start=ref.start, end=ref.end)


def _provincial_line(sections: Sequence[Section], articles: Mapping[str, Article]) -> tuple[str, SentenceRef] | None:
    """Return the provincial leader's key line, the leader named (`省委书记黄坤明强调，…`), and its source span."""
    items = [i for s in sections for i in s.items if i.city == PROVINCE and i.sentences and not i.edited_by]
    if not items:
        return None
    item = max(items, key=lambda i: (any(r.key for r in i.sentences), i.score))
    key = next((r for r in item.sentences if r.key), None)
    article = articles.get(key.source) if key is not None else None
    leader = _leader(item, article)
    if key is not None and leader:
        title, name = leader
        subject = _SUBJECT.match(key.text)
        named = key.text.startswith(name) and _KEY_VERB.match(key.text, len(name))
        if subject or named:
            skip = subject.end() if subject else len(name)
            span = _clauses(key, skip)
            return f"{title}{name}{span.text}{_end(key, span)}", span
    lead = item.sentences[0]
    span = _clauses(lead, 0)
    return span.text + _end(lead, span), span


def _end(sentence: SentenceRef, span: SentenceRef) -> str:
    """Return how the lede ends a line it took from `sentence`: a full stop, or the cut mark after a cut."""
    whole = sentence.text.rstrip("。！？")
    return CUT_MARK if sentence.cut or span.end < sentence.start + len(whole) else "。"


def _leader(item: Item, article: Article | None) -> tuple[str, str] | None:
    if article is None:
        return None
    for official in article.officials:
        if official.title in PROVINCIAL_TITLES and official.name in item.officials:
            return official.title, official.name
    return None


def _clauses(ref: SentenceRef, skip: int) -> SentenceRef:
    """Return the sentence from `skip` on, cut to whole clauses of at most MAX_LINE characters."""
    text = ref.text.rstrip("。！？")
    end = len(text)
    if end - skip > MAX_LINE:
        cuts = [m.start() for m in _CLAUSE_END.finditer(text, skip) if m.start() - skip <= MAX_LINE]
        end = cuts[-1] if cuts else end
    return SentenceRef(text=text[skip:end], source=ref.source, start=ref.start + skip, end=ref.start + end)

