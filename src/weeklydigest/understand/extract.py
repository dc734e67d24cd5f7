"""Read the facts of an article: sentences, dates, cities and officials."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

from ..model import CITIES, Article, DateSpan, Official, Sentence
from .dates import VAGUE, find_dates
from .officials import ACTOR_TITLES, find_officials
from .places import find_cities, load_gazetteer
from .roster import Roster

__all__ = ["extract", "find_cities", "find_dates", "find_officials", "load_gazetteer", "split_sentences"]

_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)]*|\n")


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of `text` with their offsets; a paragraph end also ends a sentence."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group(0) != "\n" else match.start()
        _add_sentence(text, start, end, sentences)
        start = match.end()
    _add_sentence(text, start, len(text), sentences)
    return sentences


def _add_sentence(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start] in " \n":
        start += 1
    while end > start and text[end - 1] in " \n":
        end -= 1
    if end > start:
        out.append(Sentence(text=text[start:end], start=start, end=end))


_OUTLET_CITY = re.compile("|".join(CITIES))
_OUTLETS = {"西江日报": "肇庆", "珠江时报": "佛山"}  # city papers whose name does not say the city


def home_city(article: Article, counts: Counter[str]) -> str:
    """Return the city the article is about: its outlet's, its title's, else the most named."""
    outlet = _OUTLET_CITY.search(article.outlet)
    if outlet:
        return outlet.group(0)
    if article.outlet in _OUTLETS:
        return _OUTLETS[article.outlet]
    in_title = find_cities(article.title)
    if in_title:
        return in_title.most_common(1)[0][0]
    return counts.most_common(1)[0][0] if counts else ""


def extract(article: Article, *, fallback: date, roster: Roster | None = None) -> Article:
    """Return the article with dates, cities, officials, acting city and event date filled in."""
    counts = find_cities(article.title + "\n" + article.text)
    home = home_city(article, counts)
    dates = find_dates(article.text, published=article.published, fallback=fallback)
    event = _event_dates(dates, article.published, article.text)
    day = event[0] if event else (article.published.date() if article.published else None)
    head = article.title + "\n"
    officials = find_officials(head + article.text, home_city=home, roster=roster, day=day)
    officials = [replace(o, offset=max(-1, o.offset - len(head))) for o in officials]
    warnings = []
    if roster:
        for official in officials:
            if official.title in ACTOR_TITLES and not official.note:
                warning = roster.check(official.name, official.title, official.city, day)
                if warning:
                    warnings.append(warning)
    return replace(
        article,
        dates=tuple(dates),
        cities=tuple(c for c, _ in counts.most_common()),
        officials=tuple(officials),
        city=_actor_city(officials, article.text) or home,
        event_date=day,
        event_end=event[1] if event else None,
        warnings=tuple(warnings),
    )


def _actor_city(officials: list[Official], text: str) -> str:
    """Return the city of the acting official: the first leader who is not only accompanying another."""
    actors = [o for o in officials if o.title in ACTOR_TITLES and o.city]
    for official in actors:
        after = text[official.offset:official.offset + len(official.title) + len(official.name) + 40]
        if "陪同" not in after.split("，")[0]:
            return official.city
    return actors[0].city if actors else ""


_BACKGROUND_AFTER = re.compile(r"^[^，。；]{0,4}(?:以来|起|开始|之前|前夕|期间|至今|截至)")
_FUTURE_BEFORE = re.compile(r"(?:将于|将在|定于|计划于|预计|将|截至|截止|自|从|于)$")


def _event_dates(
    dates: list[DateSpan], published: datetime | None, text: str = "",
) -> tuple[date, date] | None:
    """Return the event's dates: the best-placed date the text gives that is not after publication.

    A date in the lead counts most; dates that open a background clause (以来, 截至) or announce
    something to come (将于) count least; 日前/近日 give way to any explicit date.
    """
    limit = published.date() + timedelta(days=1) if published else None
    lead_end = _lead_end(text)
    best: tuple[float, int, DateSpan] | None = None
    for span in dates:
        if limit is not None and span.start > limit:
            continue
        score = 0.0
        if span.offset < lead_end:
            score += 3
        if span.text in VAGUE:
            score -= 2
        after = text[span.offset + len(span.text):span.offset + len(span.text) + 8]
        before = text[max(0, span.offset - 4):span.offset]
        if _BACKGROUND_AFTER.match(after) or _FUTURE_BEFORE.search(before):
            score -= 4
        if published and (published.date() - span.start).days > 45:
            score -= 3
        key = (score, -span.offset, span)
        if best is None or key[:2] > best[:2]:
            best = key
    return (best[2].start, best[2].end) if best else None


def _lead_end(text: str) -> int:
    match = re.search(r"[。！？\n]", text)
    return match.end() if match else len(text)
