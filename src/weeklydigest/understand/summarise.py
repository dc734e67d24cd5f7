"""Extractive summaries with provenance: every sentence is a span of a source article.

An item leads with the leader's own action: the first sentence where the acting leader acts (who,
where, what), with the sentence before it when the lead has no date of its own (that one carries the
date and names the event the leader takes part in); then, when the text says why the place matters
(`凤安镇是省“百千万工程”第三批典型镇`), that sentence; then the key 强调/指出/要求 line of that
leader — not a quoted superior's, not another official's, the meeting's own line only when the
leader has none. While the budget allows, whole sentences telling what the leader did there and
further key lines follow. Captions, datelines, bylines and sentences flagged for the editor are
never used. The budget drops whole sentences first; a sentence is cut only at a clause boundary,
marked as cut (printed with `……`), and never below the lead and the key line. Linear in the
article's length.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ..model import Article, Item, SectionScore, Sentence, SentenceRef, display
from .dedupe import source_ref
from .extract import find_officials, split_sentences

LEADER_TITLES = ("市委书记", "省委书记", "省长")
STRONG_VERBS = re.compile(r"强调|指出|要求")  # the key line and further key lines
# The key line: the leader's first 强调 line, else 指出/要求, else 表示/提出/希望/勉励.
KEY_VERBS = (re.compile(r"强调"), re.compile(r"指出|要求"), re.compile(r"表示|提出|希望|勉励"))
_CLAUSE_END = re.compile(r"[，；：,;:]")
_SENTENCE_END = "。！？!?…”’」』）)"
_PRONOUN = re.compile(r"^(?:他|她)")
_MEETING = re.compile(r"^(?:会议|会上|全会|大会|座谈会)")
_SUPERIOR = re.compile(r"总书记|习近平|中央")
# A date of the sentence's own (`11月13日`, `十一月十三日`, `18、19日`, `昨天`, `日前`, `上周五`); `当天` points back.
_DATE = re.compile(r"[0-9〇零一二三四五六七八九十]{1,3}月(?:[0-9〇零一二三四五六七八九十]{1,3}[日号])?"
                   r"|(?<![0-9月])[0-9]{1,2}(?:[、，][0-9]{1,2})*[日号]|[二三]?十[一二三四五六七八九]?日"
                   r"|昨天|昨日|前天|今天|今日|日前|近日|上周|本周|周[一二三四五六日]|星期[一二三四五六日天]")
# What a leader does at an event: the clause of the lead that must survive a cut.
_ACTIVITY = re.compile(r"调研|检查|督导|宣讲|考察|出席|主持|召开|看望|慰问|察看|参加|观看|开展|会见|座谈|听取")
_LEADER = re.compile(r"(?<!副)(?:市委书记|省委书记|省长)")
# A dateline or byline opening a sentence: `本报讯（记者 张三）`, `XX新闻网2025年3月21日讯`, `新华社广州11月13日电`,
# `（记者 张三）`, `…记者张三报道：`.
_DATELINE = re.compile(
    r"^(?:(?P<line>[^\s，。；：“”]{0,30}?(?:讯|电))(?=[\s　（(])[\s　]*(?:[（(][^）)]{0,40}[）)])?"
    r"|[（(][^）)]{0,40}记者[^）)]{0,40}[）)])"
    r"(?:[\s　]*[^\s，。；：]{0,30}?记者[^\s，。；：]{1,12}?报道[:：]?)?[\s　:：]*"
)
_DATELINE_WORD = re.compile(r"本报|本台|网|报|台|社|融媒|记者|\d+日")
_CAPTION = re.compile(r"^图为|^图片来源|^[（(]?图[/：:]|(?:记者|摄影|通讯员|图)[^，。]{0,20}摄[）)]?$|\s摄[）)]?$"
                      r"|^[（(][^（）()]{0,40}[）)]$")
_META = re.compile(r"来源[:：]|发布时间|责任编辑|编辑[:：]|浏览次数|字号|分享到|>.*>|当前位置|您的位置")
_IS = re.compile(r"^(?:位于[^，。；]{1,20}?的)?([\u4e00-\u9fff]{2,12}?)[，,]?(?:是|为|系|属于)")
MIN_LEAD = 12  # shorter lines are headings, not leads
SPEAKER_TAIL = 8  # at most this much between the speaker and the verb (`郭永航在讲话中强调`, `他还指出`)
HEADING = 40  # a paragraph this short without a sentence end is a heading
LEAD_WINDOW = 6  # the leader's first act is looked for in this many opening sentences
MAX_DETAILS = 2  # sentences telling what the leader did, before further key lines
PLACE_LIMIT = 90  # a longer sentence about the place is background, not why it matters
MIN_SHARE = 110  # characters each article of a many-article item may use at least
REDUNDANT = 0.5  # bigram overlap above which a sentence repeats one already picked


def summarise(
    city: str, articles: list[tuple[Article, SectionScore]], *, budget: int
) -> Item:
    """Return the item for one city in one section: lead + key line of each article."""
    articles = sorted(articles, key=lambda pair: (pair[0].event_date or pair[0].published.date(),
                                                  pair[0].id))
    share = max(min(budget, MIN_SHARE), budget // len(articles))
    officials = _officials(city, [a for a, _ in articles])
    refs: list[SentenceRef] = []
    paragraphs: list[str] = []
    for article, _score in articles:
        picked = pick_sentences(article, limit=share, leaders=tuple(officials))
        refs += picked
        paragraphs.append("".join(display(r) for r in picked))
    dates = []
    for article, _ in articles:
        if article.event_date:
            day, last = article.event_date, article.event_end or article.event_date
            while day <= last:
                dates.append(day.isoformat())
                day += timedelta(days=1)
    sources = []
    for article, _ in articles:
        sources += [source_ref(article), *article.also]
    why = []
    for _article, score in articles:
        why += [w for w in score.why if w not in why]
    return Item(
        city=city,
        officials=tuple(officials),
        dates=tuple(dict.fromkeys(dates)),
        summary="\n".join(p for p in paragraphs if p),
        sentences=tuple(refs),
        sources=tuple(sources),
        why=tuple(why),
        score=max(score.score for _, score in articles),
        warnings=tuple(dict.fromkeys(w for article, _ in articles for w in article.warnings)),
    )


def pick_sentences(article: Article, *, limit: int, leaders: tuple[str, ...] = ()) -> list[SentenceRef]:
    """Return the lead, the place, the key line and further key lines of the article, in text order.

    `leaders` are the names of the item's acting leaders (default: the article's 市委书记, 省委书记 and
    省长). The lead and the key line are kept even when they alone pass `limit`.
    """
    sentences = quotable(article)
    if not sentences:
        return []
    names = leaders or tuple(o.name for o in article.officials if o.title in LEADER_TITLES and o.name) \
        or tuple(o.name for o in find_officials(article.text, home_city="") if o.title in LEADER_TITLES and o.name)
    lead_at = _lead_index(sentences, names)
    lead = sentences[lead_at]
    opening_at = _opening_index(sentences, lead_at) if not _dated(lead) else None
    opening = sentences[opening_at] if opening_at is not None else None
    key_at = _key_index(sentences, names, after=lead_at)
    lead_is_key = key_at == lead_at
    key = sentences[key_at] if key_at is not None and not lead_is_key else None
    # The essentials: the opening, the lead and the key line, cut at clause boundaries only if they must be.
    parts: dict[int, tuple[Sentence, bool]] = {}
    if opening is not None:
        parts[opening_at] = (opening, False)
    parts[lead_at] = (lead, False)
    if key is not None:
        parts[key_at] = (key, False)
    floors = {lead_at: _lead_floor(lead, names)}
    if opening is not None:
        floors[opening_at] = _opening_floor(opening)
    if key is not None:
        floors[key_at] = _key_floor(key)
    # Over the budget, the longest of them loses its last clause, until they fit or each is at its floor.
    while sum(len(s.text) for s, _ in parts.values()) > limit:
        longest = sorted(parts, key=lambda i: -len(parts[i][0].text))
        for index in longest:
            current = parts[index][0]
            shorter = trim(current, len(current.text) - 1, floor=floors[index])
            if len(shorter.text) < len(current.text):
                parts[index] = (shorter, True)
                break
        else:
            break
    used = sum(len(s.text) for s, _ in parts.values())
    # Then whole sentences while they fit: why the place matters, what the leader did there, further key lines.
    extras = []
    place_at = _place_index(sentences, lead_at, lead)
    if place_at is not None:
        extras.append(place_at)
    later = [i for i in range(lead_at + 1, len(sentences)) if i not in parts and i != place_at]
    extras += [i for i in later if _acts(sentences[i].text, names)
               and not STRONG_VERBS.search(sentences[i].text)][:MAX_DETAILS]
    extras += [i for i in later if _speaks(sentences[i].text, names, STRONG_VERBS)]
    for index in extras:
        sentence = sentences[index]
        if used + len(sentence.text) > limit:
            continue
        if any(_overlap(sentence.text, s.text) >= REDUNDANT for s, _ in parts.values()):
            continue
        parts[index] = (sentence, False)
        used += len(sentence.text)
    key_index = lead_at if lead_is_key else key_at
    return [SentenceRef(text=s.text, source=article.id, start=s.start, end=s.end, key=i == key_index, cut=cut)
            for i, (s, cut) in sorted(parts.items())]


def quotable(article: Article) -> list[Sentence]:
    """Return the sentences a summary may use: no caption, heading, page line or flagged sentence; no dateline."""
    out = []
    title = re.sub(r"\s+", "", article.title)
    for sentence in split_sentences(article.text):
        sentence = _without_dateline(sentence)
        text = sentence.text
        if len(text) < 4 or _CAPTION.search(text) or _META.search(text):
            continue
        if re.sub(r"\s+", "", text) == title or (len(text) < HEADING and not text.endswith(tuple(_SENTENCE_END))
                                                 and _whole_paragraph(article.text, sentence)):
            continue
        if any(start < sentence.end and sentence.start < end for start, end in article.flagged):
            continue
        out.append(sentence)
    return out


def _without_dateline(sentence: Sentence) -> Sentence:
    """Return the sentence without a dateline or byline opening it."""
    match = _DATELINE.match(sentence.text)
    if not match or not match.group(0).strip() or (match["line"] and not _DATELINE_WORD.search(match["line"])):
        return sentence
    skip = match.end()
    return Sentence(text=sentence.text[skip:], start=sentence.start + skip, end=sentence.end)


def _whole_paragraph(text: str, sentence: Sentence) -> bool:
    before = text[sentence.start - 1] if sentence.start > 0 else "\n"
    after = text[sentence.end] if sentence.end < len(text) else "\n"
    return before == "\n" and after == "\n"


def _lead_index(sentences: list[Sentence], names: tuple[str, ...]) -> int:
    """Return where the leader first acts among the opening sentences, else the first full sentence.

    Reports sometimes open with background (`2023年以来，…`) or the event (`…开赛仪式举行。`): the lead
    is where the leader acts.
    """
    full = [i for i, s in enumerate(sentences) if len(s.text) >= MIN_LEAD] or [0]
    for i in full[:LEAD_WINDOW]:
        text = sentences[i].text
        if any(name in text for name in names) or _names_a_leader(text):
            return i
    return next((i for i in full[:LEAD_WINDOW] if _dated(sentences[i])), full[0])


def _names_a_leader(text: str) -> bool:
    return bool(_LEADER.search(text))


def _opening_index(sentences: list[Sentence], lead_at: int) -> int | None:
    """Return the sentence that dates and names the event of an undated lead: the nearest dated one before it."""
    before = range(lead_at - 1, max(-1, lead_at - LEAD_WINDOW), -1)
    return next((i for i in before if _dated(sentences[i])), lead_at - 1 if lead_at > 0 else None)


def _dated(sentence: Sentence) -> bool:
    """Whether the sentence gives its own date, not one pointing back at the sentence before (`当天`)."""
    return bool(_DATE.search(sentence.text))


def _key_index(sentences: list[Sentence], names: tuple[str, ...], *, after: int) -> int | None:
    """Return the leader's key line from the lead on (see KEY_VERBS), else the meeting's own 强调/指出/要求 line."""
    for verbs in KEY_VERBS:
        for i in range(after, len(sentences)):
            follows = i > after and _acts(sentences[i - 1].text, names)
            if _speaks(sentences[i].text, names, verbs, lead=i == after, after_leader=follows):
                return i
    for i in range(after + 1, len(sentences)):
        if STRONG_VERBS.search(sentences[i].text) and _MEETING.match(sentences[i].text):
            return i
    return None


def _speaks(text: str, names: tuple[str, ...], verbs: re.Pattern[str], *, lead: bool = False,
            after_leader: bool = False) -> bool:
    """Whether the sentence is the leader's own line: the leader (or 他/她) says it, not a superior or another.

    `lead`: the sentence is the lead, whose subject is the leader; `after_leader`: the sentence before it
    is the leader's, so a line opening with the verb (`强调要…`) is theirs too.
    """
    for match in verbs.finditer(text):
        if match.start() == 0 and after_leader:
            return True
        before = text[:match.start()]
        subject = _CLAUSE_END.split(before)[-1].strip()
        if _SUPERIOR.search(subject) or subject.endswith("的"):
            continue  # a superior's words, or the noun (`全会…的要求`), not the leader speaking
        if _PRONOUN.match(subject) and len(subject) - 1 <= SPEAKER_TAIL:
            return True
        for name in names or (m.group(0) for m in _LEADER.finditer(subject)):
            at = subject.rfind(name)
            if at >= 0 and len(subject) - at - len(name) <= SPEAKER_TAIL:
                return True  # `市委书记林海涛强调`, `郭永航在讲话中强调`
        # `…到某地调研，强调…`: the verb continues the lead sentence whose subject is the leader.
        continues = subject in ("", "并", "还", "并且")
        if lead and continues and (any(n in before for n in names) or _names_a_leader(before)):
            return True
    return False


def _acts(text: str, names: tuple[str, ...]) -> bool:
    """Whether the leader acts in the sentence (`在林寨古村，他与村干部交流`)."""
    return any(name in text for name in names) or bool(re.search(r"(?:^|[，；])(?:他|她)", text))


def _place_index(sentences: list[Sentence], lead_at: int, lead: Sentence) -> int | None:
    """Return a sentence right after the lead saying what the place visited is (`凤安镇是省…典型镇`)."""
    for i in range(lead_at + 1, min(lead_at + 3, len(sentences))):
        text = sentences[i].text
        match = _IS.match(text)
        if match and match.group(1) in lead.text and len(text) <= PLACE_LIMIT:
            return i
    return None


def _lead_floor(sentence: Sentence, names: tuple[str, ...]) -> int:
    """Return the shortest cut of the lead that still says who acts and what: through the activity's first clause."""
    text = sentence.text
    at = min((text.find(n) for n in names if n in text), default=-1)
    if at < 0:
        at = min((m.start() for m in [_LEADER.search(text)] if m), default=0)
    start = at
    for end in [m.start() for m in _CLAUSE_END.finditer(text) if m.start() >= at] + [len(text)]:
        if _ACTIVITY.search(text, start, end):
            return end
        start = end
    return _clause_end_after(text, at, clauses=2)


def _key_floor(sentence: Sentence) -> int:
    """Return the shortest cut of the key line: the verb's clause and the line's first clause of content."""
    match = next((m for verbs in KEY_VERBS if (m := verbs.search(sentence.text))), None)
    return _clause_end_after(sentence.text, match.start() if match else 0, clauses=2)


def _opening_floor(sentence: Sentence) -> int:
    return _clause_end_after(sentence.text, 0, clauses=2)


def _clause_end_after(text: str, at: int, *, clauses: int) -> int:
    """Return the end of the `clauses`-th clause from the one holding `at` (the text's end if fewer)."""
    ends = [m.start() for m in _CLAUSE_END.finditer(text) if m.start() >= at]
    return ends[clauses - 1] if len(ends) >= clauses else len(text)


def trim(sentence: Sentence, limit: int, *, floor: int = 0) -> Sentence:
    """Return the longest run of whole clauses from the start within `limit` characters, never shorter than `floor`.

    Past the limit, the shortest run that reaches `floor`. A cut never falls inside quotes or brackets;
    with no such boundary the sentence stays whole.
    """
    if len(sentence.text) <= limit:
        return sentence
    boundaries = []
    for match in _CLAUSE_END.finditer(sentence.text):
        prefix = sentence.text[: match.start()]
        if match.start() >= max(floor, 1) and prefix.count("“") == prefix.count("”") \
                and prefix.count("（") == prefix.count("）"):
            boundaries.append(match.start())
    within = [b for b in boundaries if b <= limit]
    best = max(within) if within else min(boundaries, default=None)
    if best is None:
        return sentence
    return Sentence(text=sentence.text[:best], start=sentence.start, end=sentence.start + best)


def _overlap(a: str, b: str) -> float:
    """Return the share of `a`'s character bigrams that `b` also has."""
    grams = {a[i:i + 2] for i in range(len(a) - 1)}
    other = {b[i:i + 2] for i in range(len(b) - 1)}
    return len(grams & other) / len(grams) if grams else 1.0


def _officials(city: str, articles: list[Article]) -> list[str]:
    names: list[str] = []
    for article in articles:
        for official in article.officials:
            if official.city == city and official.title in LEADER_TITLES:
                names.append(official.name)
    return list(dict.fromkeys(names))
