"""The day of a report's event: the day of the activity, not of publication, and its year from the page.

Linear in the text: every date is scored by the words in a bounded window around it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date, timedelta

from ..model import DateSpan
from .dates import VAGUE
from .years import CONGRESS_SPAN, after, in_year, is_congress, named_year, not_after, not_before, plan_year

TEMPLATE = "template text (XX placeholders): no event date"
YEAR_UNKNOWN = "year not established"  # the warning on an article whose event has no year from the page
# `XX市`, `XX同志`, or a blank left where a name or word was taken out (`贯彻落实_总书记…`).
_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:XX|××|ＸＸ|xx)(?![A-Za-z])|(?<=[\u4e00-\u9fff）)])_+(?=[\u4e00-\u9fff])")
_BACKGROUND_AFTER = re.compile(r"^[^，。；]{0,4}(?:以来|起|开始|之前|前夕|期间|至今|截至)")
_FUTURE_BEFORE = re.compile(r"(?:将于|将在|定于|计划于|预计|将|截至|截止|自|从|于)$")
_TIME_OF_DAY = re.compile(r"(?:上午|下午|中午|晚上|晚间|傍晚|早上|凌晨|夜间|晚|早)$")
_TIME_OF_DAY_AFTER = re.compile(r"上午|下午|中午|晚上|晚间|傍晚|早上|凌晨|夜间")
_COPULA_AFTER = re.compile(r"^(?:是|为|系)")
_SENTENCE = re.compile(r"[。！？!?\n]")
_LINE_OR_STOP = re.compile(r"[！？\n]")
# An interview's turns: "南方日报：…？" "刘红兵：…" — what the interviewee recounts is not the interview's day.
_TURN = re.compile(r"(?:^|(?<=[。！？!?\n”」]))\s*([\u4e00-\u9fff]{1,8})[:：]", re.M)


def is_template(text: str) -> bool:
    """Return whether `text` is a template with placeholders (`XX市`, `XX同志`, `_总书记`), not a report."""
    return len(_PLACEHOLDER.findall(text)) >= 2


def choose_event(
    dates: list[DateSpan], text: str, *, published: date | None, people: list[str],
) -> DateSpan | None:
    """Return the date of the event: the best-placed date the text gives that is not after publication.

    A date in the lead counts most, then one with a time of day (`29日上午`) or right before a
    named person in the same sentence (`…昨午增补…，其中包括某某`). Dates that open a background
    clause (以来, 截至), announce something to come (将于), or state what a day is (`8月30日是…`)
    count least; 日前/近日 give way to any explicit date. Datelines, publication lines, date
    widgets and what an interviewee recounts are never the event.
    """
    limit = published + timedelta(days=1) if published else None
    lead_start, lead_end = _lead(text)
    answers = _answers(text, people)
    near = _nearest_before_people(dates, text, people)
    best: tuple[float, int, DateSpan] | None = None
    for span in dates:
        if span.kind or (limit is not None and span.start > limit):
            continue
        if any(a <= span.offset < b for a, b in answers):
            continue
        score = 0.0
        if lead_start <= span.offset < lead_end:
            score += 3
        if span.text in VAGUE:
            score -= 5
        after_text = text[span.offset + len(span.text):span.offset + len(span.text) + 8]
        if _TIME_OF_DAY.search(span.text) or _TIME_OF_DAY_AFTER.match(after_text):
            score += 1
        if span.offset in near:
            score += 1
        before = text[max(0, span.offset - 4):span.offset]
        if _BACKGROUND_AFTER.match(after_text) or _FUTURE_BEFORE.search(before):
            score -= 4
        if _COPULA_AFTER.match(after_text):
            score -= 4
        if published and (published - span.start).days > 45:
            score -= 3
        key = (score, -span.offset, span)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def establish_year(span: DateSpan, text: str, *, latest: date) -> DateSpan | None:
    """Return the event span with its year established from the page, or None when it cannot be.

    A span read against a publication date of known year already has it. Otherwise: a year the
    event's own name carries in its sentence, the year the text calls this year of a five-year
    plan, else the first such day after the latest meeting the text cites as past
    (`学习贯彻…全会精神`; a congress only within its half year), else the year of a meeting the
    report is made on the eve of. Never the year of the day of reading.
    """
    if span.year_known:
        return span
    sentence = _sentence_at(text, span.offset)
    year = named_year(sentence, latest=latest.year) or plan_year(text, month=span.start.month)
    if year and year <= latest.year:
        return in_year(span, year)
    bound = not_before(text)
    if bound:
        moved = after(span, bound[0])
        near = not is_congress(bound[1]) or (moved is not None and (moved.start - bound[0]).days <= CONGRESS_SPAN)
        if moved and near and moved.start <= latest:
            return moved
    eve = not_after(text)
    if eve:
        moved = in_year(span, eve[0].year)
        if moved and moved.start <= eve[0] and moved.start <= latest:
            return moved
    return None


def _lead(text: str) -> tuple[int, int]:
    """Return the bounds of the lead: the first sentence that ends with a full stop, else the first line."""
    stop = text.find("。")
    if stop < 0:
        match = _LINE_OR_STOP.search(text)
        return 0, match.end() if match else len(text)
    start = max(text.rfind(c, 0, stop) for c in "！？!?\n") + 1
    return start, stop + 1


def _sentence_at(text: str, offset: int) -> str:
    start = max(text.rfind(c, 0, offset) for c in "。！？!?\n") + 1
    end = _SENTENCE.search(text, offset)
    return text[start:end.end() if end else len(text)]


def _answers(text: str, people: list[str]) -> list[tuple[int, int]]:
    """Return the spans where one of `people` answers in an interview (from `某某：` to the next turn)."""
    if not people or ("：" not in text and ":" not in text):
        return []
    turns = list(_TURN.finditer(text))
    spans = []
    for index, turn in enumerate(turns):
        if turn.group(1) in people:
            end = turns[index + 1].start() if index + 1 < len(turns) else len(text)
            spans.append((turn.end(), end))
    return spans


def _nearest_before_people(dates: list[DateSpan], text: str, people: list[str]) -> set[int]:
    """Return the offsets of the dates that come last before a mention of a person in the same sentence."""
    near: set[int] = set()
    offsets = sorted(d.offset for d in dates if not d.kind)
    if not people or not offsets:
        return near
    for name in set(people):
        at = text.find(name)
        while at >= 0:
            index = bisect_left(offsets, at) - 1
            if index >= 0 and not _SENTENCE.search(text, offsets[index], at):
                near.add(offsets[index])
            at = text.find(name, at + len(name))
    return near
