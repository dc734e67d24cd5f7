"""Extractive summaries with provenance: every sentence is a span of a source article."""

from __future__ import annotations

import re
from datetime import timedelta

from ..model import Article, Item, SectionScore, Sentence, SentenceRef, display
from .dedupe import source_ref
from .extract import split_sentences

KEY_VERBS = re.compile(r"强调|指出|要求|表示|提出|希望|勉励")
STRONG_VERBS = re.compile(r"强调|指出|要求")  # further key sentences need one of these
LEADERS = re.compile(r"书记|省长|市长")
_CLAUSE_END = re.compile(r"[，；：,;]")
MIN_LEAD = 12  # shorter first lines are headings, not leads
MIN_SHARE = 110  # characters each article of a many-article item may use at least
MIN_EXTRA = 30  # room a further key sentence needs
REDUNDANT = 0.5  # bigram overlap above which a sentence repeats one already picked


def summarise(
    city: str, articles: list[tuple[Article, SectionScore]], *, budget: int
) -> Item:
    """Return the item for one city in one section: lead + key sentence of each article."""
    articles = sorted(articles, key=lambda pair: (pair[0].event_date or pair[0].published.date(),
                                                  pair[0].id))
    share = max(min(budget, MIN_SHARE), budget // len(articles))
    refs: list[SentenceRef] = []
    paragraphs: list[str] = []
    for article, _score in articles:
        picked = pick_sentences(article, limit=share)
        refs += picked
        paragraphs.append("".join(display(r) for r in picked))
    officials = _officials(city, [a for a, _ in articles])
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


def pick_sentences(article: Article, *, limit: int) -> list[SentenceRef]:
    """Return the lead sentence and the key 强调/指出/要求 sentences, trimmed to `limit` chars.

    Further key sentences follow while the budget allows, unless they repeat what is already said.
    """
    sentences = [s for s in split_sentences(article.text) if len(s.text) >= 4]
    if not sentences:
        return []
    lead = _lead(article, sentences)
    keys = [s for s in sentences if s.start > lead.start and KEY_VERBS.search(s.text)]
    if KEY_VERBS.search(lead.text) or not keys:
        picked = [_ref(article, trim(lead, limit), key=bool(KEY_VERBS.search(lead.text)))]
    else:
        key = keys.pop(0)
        lead_part = trim(lead, max(limit // 2, limit - len(key.text)))
        key_part = trim(key, max(40, limit - (lead_part.end - lead_part.start)))
        picked = [_ref(article, lead_part), _ref(article, key_part, key=True)]
    used = sum(r.end - r.start for r in picked)
    for sentence in keys:
        if not STRONG_VERBS.search(sentence.text):
            continue
        room = limit - used
        if room < MIN_EXTRA:
            break
        if any(_overlap(sentence.text, r.text) >= REDUNDANT for r in picked) or sentence.start < picked[-1].end:
            continue
        part = trim(sentence, room)
        if part.end - part.start > room:
            continue  # its first clause alone does not fit
        picked.append(_ref(article, part))
        used += part.end - part.start
    return picked


def _lead(article: Article, sentences: list[Sentence]) -> Sentence:
    """Return the lead: the first full sentence naming the acting leader, else the first full sentence.

    Reports sometimes open with background (`2023年以来，…`); the lead is where the leader acts.
    """
    full = [s for s in sentences if len(s.text) >= MIN_LEAD] or sentences
    names = [o.name for o in article.officials if o.title in ("市委书记", "省委书记", "省长")]
    for sentence in full[:3]:
        if any(name in sentence.text for name in names) or LEADERS.search(sentence.text):
            return sentence
    return full[0]


def _overlap(a: str, b: str) -> float:
    """Return the share of `a`'s character bigrams that `b` also has."""
    grams = {a[i:i + 2] for i in range(len(a) - 1)}
    other = {b[i:i + 2] for i in range(len(b) - 1)}
    return len(grams & other) / len(grams) if grams else 1.0


def trim(sentence: Sentence, limit: int) -> Sentence:
    """Return the longest run of whole clauses from the start that fits in `limit` characters."""
    if len(sentence.text) <= limit:
        return sentence
    best = None
    for match in _CLAUSE_END.finditer(sentence.text):
        if match.start() > limit:
            break
        prefix = sentence.text[: match.start()]
        if prefix.count("“") == prefix.count("”") and prefix.count("（") == prefix.count("）"):
            best = match.start()
    if best is None:  # the first clause alone is over the budget: keep it whole, stay faithful
        first = _CLAUSE_END.search(sentence.text)
        best = first.start() if first else len(sentence.text)
    return Sentence(text=sentence.text[:best], start=sentence.start, end=sentence.start + best)


def _ref(article: Article, sentence: Sentence, *, key: bool = False) -> SentenceRef:
    return SentenceRef(text=sentence.text, source=article.id, start=sentence.start,
                       end=sentence.end, key=key)


def _officials(city: str, articles: list[Article]) -> list[str]:
    names: list[str] = []
    for article in articles:
        for official in article.officials:
            if official.city == city and official.title in ("市委书记", "省委书记", "省长"):
                names.append(official.name)
    return list(dict.fromkeys(names))
