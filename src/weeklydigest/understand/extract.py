"""Read the facts of an article: sentences, dates, cities and officials.

Linear in the length of the text: each reader is one pass of regular expressions or an
Aho-Corasick automaton, and each date or name looks at a bounded window around it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date

from ..model import CITIES, PROVINCE, Article, Official, Sentence
from .dates import find_dates
from .event import TEMPLATE, YEAR_UNKNOWN, choose_event, establish_year, is_template
from .officials import ACTOR_TITLES, complete_from_roster, find_officials, read_mentions
from .places import find_cities, load_gazetteer
from .publication import URL, Publication, find_publication
from .roles import ACCOMPANIES, ACTS, OTHER_PROVINCE, QUOTED, RELAYED, UNPLACED
from .roster import Roster

__all__ = ["extract", "find_cities", "find_dates", "find_officials", "load_gazetteer", "sentence_bounds",
           "split_sentences"]

_ENDS, _CLOSERS = "。！？!?", "”’」』）)"
# A sentence: its words (from a character that is not a space) and its end marks with their closing
# quotes and brackets; or, at a paragraph's end or the text's, its words without the spaces after them.
_SENTENCE = re.compile(rf"(?:[^{_ENDS}\n ][^{_ENDS}\n]*)?[{_ENDS}]+[{_CLOSERS}]*"
                       rf"|[^{_ENDS}\n ](?:[^{_ENDS}\n]*[^{_ENDS}\n ])?(?= *(?:\n|\Z))")


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of `text` with their offsets; a paragraph end also ends a sentence."""
    return [Sentence(text=text[start:end], start=start, end=end) for start, end in sentence_bounds(text)]


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of the sentences `split_sentences` returns, without their text.

    A sentence runs to its closing marks (`。”`) or to a paragraph end, without the spaces around it; one
    pass of a regular expression that starts a sentence only at a character other than a space, so a
    run of spaces costs its length once.
    """
    return [match.span() for match in _SENTENCE.finditer(text)]


_OUTLET_CITY = re.compile("|".join(CITIES))
_OUTLETS = {"西江日报": "肇庆", "珠江时报": "佛山"}  # city papers whose name does not say the city
_PROVINCE_NAMED = re.compile(r"(?<!视察)广东")
# A list of several cities' places (`广州、深圳、香港、澳门等19个城市`): where something happens, not the report's city.
_PLACE_LIST = re.compile(r"(?:[\u4e00-\u9fff]{2,4}、){2,}[\u4e00-\u9fff]{2,4}等")
# A round-up of several cities: "中山：…。湛江：…" (a city's name opening a sentence, then a colon).
_ROUNDUP = re.compile(r"(?:^|(?<=[。！？!?\n”]))\s*(" + "|".join(CITIES) + r")(?:市)?[:：]", re.M)
_ROUNDUP_LEAD = re.compile(r"各地|多地|各市|多个城市")  # a lead about many places, then city-headed parts
_CHAIRS = re.compile("(?:同志)?主持")
_ATTENDS = re.compile("(?:同志)?(?:出席|参加|到会)")
_RECEIVES = re.compile("(?:同志)?(?:会见|接见|会谈|接待)")
PROVINCE_MENTIONS = 3  # a report that names 广东 this often, and more than any city, is the province's


def home_city(article: Article, counts: Counter[str]) -> str:
    """Return the city the article is about: its outlet's, its title's, else the most named.

    A report that names 广东 more often than any city is the province's; a round-up of several
    cities (`中山：…湛江：…`, or a lead about 各地 and a city-headed part) is no one city's, and
    cities named only in a list of places (`广州、深圳、香港等城市`) do not make it theirs.
    """
    outlet = _OUTLET_CITY.search(article.outlet)
    if outlet:
        return outlet.group(0)
    if article.outlet in _OUTLETS:
        return _OUTLETS[article.outlet]
    in_title = find_cities(article.title)
    if in_title:
        return in_title.most_common(1)[0][0]
    headed = {m.group(1) for m in _ROUNDUP.finditer(article.text)}
    if len(headed) >= 2 or (headed and _ROUNDUP_LEAD.search(article.text.split("\n", 1)[0])):
        return ""
    if len(counts) >= 2 and _PLACE_LIST.search(article.text):
        counts = find_cities(_PLACE_LIST.sub(_one_citys_list, article.title + "\n" + article.text))
    top = counts.most_common(1)[0] if counts else ("", 0)
    named = len(_PROVINCE_NAMED.findall(article.text))
    if named >= PROVINCE_MENTIONS and named > top[1]:
        return PROVINCE
    return top[0]


def extract(article: Article, *, fallback: date, roster: Roster | None = None) -> Article:
    """Return the article with dates, cities, officials, acting city and event date filled in.

    The event date needs its year from the page: the publication date it shows, a year in the
    text, or the meetings it cites (`years.py`). Without one the event stays undated (`undated`
    keeps the month and day) and `fallback` (the day of reading) only places the month and day.
    """
    counts = find_cities(article.title + "\n" + article.text)
    home = home_city(article, counts)
    publication = find_publication(article, fallback=fallback)
    shown = publication if publication and publication.source != URL else None
    # A date in the URL places relative words and month/day dates, but gives no year.
    anchor = Publication(publication.day, False, URL) if publication and not shown else shown
    dates = find_dates(article.text, published=anchor.day if anchor else None, fallback=fallback,
                       year_known=anchor.year_known if anchor else True)
    head = article.title + "\n"
    found, nameless = read_mentions(head + article.text, home_city=home, roster=roster,
                                    day=shown.day if shown else None,
                                    in_guangdong=bool(home or counts) or "广东" in head + article.text)
    found = [replace(o, offset=max(-1, o.offset - len(head))) for o in found]
    nameless = [replace(o, offset=max(-1, o.offset - len(head))) for o in nameless]
    warnings: list[str] = []
    span = None
    if is_template(article.text):
        warnings.append(TEMPLATE)
    else:
        people = [o.name for o in found if o.role not in (RELAYED, QUOTED)]
        span = choose_event(dates, article.text, published=anchor.day if anchor else None, people=people)
    event = establish_year(span, article.text, latest=fallback) if span else None
    if span and event is None:
        warnings.append(f"{YEAR_UNKNOWN}: the event is {span.text} of an unknown year")
    day = event.start if event else None
    officials, unnamed = complete_from_roster(article.text, found, nameless, roster=roster, day=day)
    warnings += [f"{o.note}; the text gives no name" for o in unnamed if o.note]
    if roster:
        for official in officials:
            if official.title in ACTOR_TITLES and official.role == ACTS and not official.note:
                warning = roster.check(official.name, official.title, official.city, day)
                if warning:
                    warnings.append(warning)
    present = [o for o in officials if o.role in (ACTS, ACCOMPANIES)]
    return replace(
        article,
        dates=tuple(dates),
        cities=tuple(c for c, _ in counts.most_common()),
        officials=tuple(present),
        unnamed=tuple(unnamed),
        mentioned=tuple(o for o in officials if o.role not in (ACTS, ACCOMPANIES)),
        city=_item_city(officials, article.text, home),
        event_date=day,
        event_end=event.end if event else None,
        publication=shown.day if shown and shown.year_known else None,
        undated=span if span and event is None else None,
        warnings=tuple(warnings),
    )


def _one_citys_list(match: re.Match[str]) -> str:
    """Return a list of places as it stands when it is one city's places, else nothing (several cities' list)."""
    return match.group(0) if len(find_cities(match.group(0))) < 2 else ""


def _item_city(officials: list[Official], text: str, home: str) -> str:
    """Return the item's city: the first acting leader's, else the home city.

    A leader who only attends (`出席`) a meeting another leader chairs (`主持`) is its guest: the
    meeting is the chair's (a city's meeting the provincial secretary attends is the city's). A
    city's delegation that another city's secretary receives (`会见`) is the host's visit. A
    leader who only accompanies another does not make the event theirs; a report whose only
    leaders are of another province (or of no Guangdong city) has no Guangdong city.
    """
    leaders = [o for o in officials if o.title in ACTOR_TITLES and o.city]
    actors = [o for o in leaders if o.role == ACTS]
    if actors:
        first = actors[0]
        named = text.find(first.name, max(0, first.offset))
        if named >= 0 and _ATTENDS.match(text, named + len(first.name)):
            chair = next((o for o in actors[1:] if _follows(text, o.name, _CHAIRS)), None)
            if chair:
                return chair.city
        if first.city != PROVINCE:
            host = next((o for o in actors[1:] if o.city not in (first.city, PROVINCE)
                         and _follows(text, o.name, _RECEIVES)), None)
            if host:
                return host.city
        return first.city
    if any(o.role == ACCOMPANIES for o in leaders):
        return next(o.city for o in leaders if o.role == ACCOMPANIES)
    if any(o.role in (OTHER_PROVINCE, UNPLACED) and o.name for o in officials):
        return ""
    return home


def _follows(text: str, name: str, pattern: re.Pattern[str]) -> bool:
    """Return whether some mention of `name` is followed by `pattern`."""
    at = text.find(name)
    while at >= 0:
        if pattern.match(text, at + len(name)):
            return True
        at = text.find(name, at + 1)
    return False
