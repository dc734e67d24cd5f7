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
from . import tagger
from .terms import bare

ACTIONS = re.compile(
    r"召开|举行|主持|出席|实施|推进|落实|部署|谋划|编制|建设|打造|宣讲|学习|践行|对标|聚焦|壮大|融入|推动|提出|强调|"
    r"做好|抓好|调研|检查|督导|深化|发展|坚持|围绕|锚定|突出|抢抓|用好|培育|加快|描绘|抓"
)
MEETING_ACTIONS = re.compile(r"召开|举行|主持|出席|参加|套开")
MEETING_ENDS = ("会", "会议", "大会")
_CLAUSE_END = re.compile(r"[，；：。！？,;:]")
_SUBJECT = re.compile(r"^(?:他|她)(?=强调|指出|要求|表示|提出)")
_KEY_VERB = re.compile(r"强调|指出|要求|表示|提出")
PROVINCIAL_TITLES = ("省委书记", "省长")
MAX_LINE = 45  # the provincial line is cut to whole clauses of at most this length
MIN_SHARED = 3  # a verb (or verb and object) this many cities share makes a line of the headline or lede
OBJECT_TAIL = 4  # a keyword's clause ending this few characters after it is taken whole (…全会精神)
OBJECT_MAX = 16  # … and so is a clause this short from its verb (调研城乡融合和乡村振兴工作)
THEME_LEAD = 1.5  # a theme's cities count this much more than a section's: the cross-city angle leads


def who(cities: Sequence[str], *, short: bool = False) -> str:
    """Return the cities as a headline names them: all of three, or the first two and how many."""
    named = [c for c in cities if c != PROVINCE]
    if len(named) <= 3:
        return "、".join(named)
    return f"{'、'.join(named[:3])}等{len(named)}市" if short else f"{'、'.join(named[:2])}等{len(named)}个地市"


def shared_action(theme: Theme) -> tuple[str, list[str]]:
    """Return the verb most of the theme's cities put before its phrase (`召开` 务虚会), and those cities.

    The verb is the last action word in the clause before the phrase (for a meeting, a word of holding
    one: 召开, 举行, 主持 …); ('', all cities) when fewer than three cities share one.
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
        if found and sentence.city not in verbs.get(found[-1][0], []):
            verbs.setdefault(found[-1][0], []).append(sentence.city)
    if verbs:
        verb, cities = max(verbs.items(), key=lambda pair: (len(pair[1]), -len(pair[0])))
        if len(set(cities) - {PROVINCE}) >= MIN_SHARED:
            return verb, cities
    return "", list(theme.cities)


def theme_line(theme: Theme) -> tuple[str, tuple[SentenceRef, ...]]:
    """Return what a theme's cities did, as one clause (`广州、深圳等5个地市坚持“五链融合”`), with the sentences
    that say so; ('', ()) when no three of its cities share a verb before the phrase."""
    verb, cities = shared_action(theme)
    if not verb:
        return "", ()
    refs = tuple(SentenceRef(text=s.text, source=s.source, start=s.start, end=s.end)
                 for s in theme.sentences if s.city in cities)
    return f"{who(cities)}{verb}{theme.phrase}", refs


def section_line(section: Section) -> tuple[str, tuple[SentenceRef, ...], int]:
    """Return what a section's cities did with its keyword, in their reports' words, and how many did it.

    `广州、深圳等14个地市宣讲党的二十届四中全会精神`: the verb before the keyword's first mention in each item
    and the words from it to the keyword (to the clause's end when only a few characters follow), shared
    word for word by at least three cities. ('', (), 0) when no three cities say it alike.
    """
    words = sorted({k for k in section.keywords if len(k) >= 2}, key=len, reverse=True)
    if not words:
        return "", (), 0
    keyword = re.compile("|".join(re.escape(w) for w in words))
    said: dict[str, list[tuple[str, SentenceRef]]] = {}
    for item in section.items:
        if item.city == PROVINCE or item.edited_by:
            continue
        for ref in item.sentences:
            found = _verb_object(ref.text, keyword)
            if found is not None:
                start, end = found
                span = SentenceRef(text=ref.text[start:end], source=ref.source, start=ref.start + start,
                                   end=ref.start + end)
                if item.city not in [c for c, _ in said.get(span.text, [])]:
                    said.setdefault(span.text, []).append((item.city, span))
                break
    if not said:
        return "", (), 0
    text, cities = max(said.items(), key=lambda pair: (len(pair[1]), -len(pair[0])))
    if len(cities) < MIN_SHARED:
        return "", (), 0
    return f"{who([c for c, _ in cities])}{text}", tuple(span for _, span in cities), len(cities)


def _verb_object(text: str, keyword: re.Pattern[str]) -> tuple[int, int] | None:
    """Return the span from an action verb to the keyword after it in the same clause (or to the clause's end).

    The first mention with a verb before it counts: in `宣讲党的二十届四中全会精神` the keyword 宣讲 is the
    verb and 四中全会 its object.
    """
    for match in keyword.finditer(text):
        ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, match.start())]
        begin = ends[-1] if ends else 0
        verbs = list(ACTIONS.finditer(text, begin, match.start()))
        if not verbs:
            continue
        end = match.end()
        if end < len(text) and text[end] == "”" and "“" in text[verbs[-1].start():match.start()]:
            end += 1  # “百千万工程” keeps its closing quotation mark
        stop = _CLAUSE_END.search(text, end)
        clause_end = stop.start() if stop else len(text)
        end = _word_end(text, begin, end, clause_end)  # 调研产业链…, never 调研产业 cut inside a word
        if clause_end - end <= OBJECT_TAIL or clause_end - verbs[-1].start() <= OBJECT_MAX:
            end = clause_end  # 宣讲党的二十届四中全会精神: the rest of a short clause is the keyword's object
        return verbs[-1].start(), end
    return None


def _word_end(text: str, begin: int, end: int, limit: int) -> int:
    """Return `end`, moved to the end of the word it falls inside (the clause from `begin` to `limit` read once)."""
    at = begin
    for word in tagger.cut(text[begin:limit]):
        at += len(word)
        if at >= end:
            return at
    return end


def draft_headline(themes: Sequence[Theme], sections: Sequence[Section]) -> tuple[str, Draft | None]:
    """Return the headline draft: what the most cities did alike, a theme's when it is nearly as wide.

    Candidates are each theme's line and each section's line (see `theme_line`, `section_line`); a theme
    leads unless a section's line names many more cities (THEME_LEAD). Without either, the biggest
    section and its cities.
    """
    lines = _lines(themes, sections)
    if lines:
        _weight, text, refs = lines[0]
        return text, Draft(sentences=refs)
    section = max(sections, key=lambda s: len({i.city for i in s.items} - {PROVINCE}), default=None)
    cities = [i.city for i in section.items if i.city != PROVINCE] if section is not None else []
    if section is None or not cities:
        return "", None
    refs = tuple(_key_ref(item) for item in section.items if item.city != PROVINCE and item.sentences)
    return f"{section.title}：{who(cities)}", Draft(sentences=refs)


def _lines(themes: Sequence[Theme], sections: Sequence[Section]) -> list[tuple[float, str, tuple[SentenceRef, ...]]]:
    """Return the theme and section lines with how wide each is, widest first (a theme gets THEME_LEAD)."""
    lines: list[tuple[float, str, tuple[SentenceRef, ...]]] = []
    for theme in themes:
        text, refs = theme_line(theme)
        if text:
            lines.append((len({r.source for r in refs}) * THEME_LEAD, text, refs))
    for section in sections:
        text, refs, count = section_line(section)
        if text:
            lines.append((float(count), text, refs))
    return sorted(lines, key=lambda line: -line[0])


def draft_lede(
    themes: Sequence[Theme], sections: Sequence[Section], articles: Mapping[str, Article],
) -> tuple[str, Draft | None]:
    """Return the lede draft, two or three sentences: the provincial leader's key line, then what the cities did.

    What the cities did is the two widest section lines in one sentence (`本周，…宣讲…，…调研…。` — the frame of
    the week), then the leading theme's line when a section line does not already say it.
    """
    sentences: list[str] = []
    refs: list[SentenceRef] = []
    provincial = _provincial_line(sections, articles)
    if provincial is not None:
        sentences.append(provincial[0])
        refs.append(provincial[1])
    framing = []
    for section in sorted(sections, key=lambda s: -len({i.city for i in s.items} - {PROVINCE})):
        text, section_refs, _count = section_line(section)
        if text:
            framing.append(text)
            refs += section_refs
        if len(framing) == 2:
            break
    if framing:
        sentences.append(("" if provincial is not None else "本周，") + "，".join(framing) + "。")
    for theme in themes:
        text, theme_refs = theme_line(theme)
        if text and len(sentences) < 3:
            sentences.append(text + "。")
            refs += theme_refs
            break
    if not sentences:
        return "", None
    return "".join(sentences), Draft(sentences=tuple(refs))


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

