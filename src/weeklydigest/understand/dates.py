"""Find the dates of an article: absolute, bare days, ranges and relative words."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ..model import DateSpan

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_TIME_OF_DAY = r"(?:上午|下午|中午|晚上|晚间|傍晚|早上|凌晨|夜间|晚|早)?"
_RANGE_SEP = r"(?:至|到|—|－|–|-|~|～|和|及|、)"
_DATE = re.compile(
    rf"(?:(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM}(?:[、，,]{_NUM})*)[日号]"
    rf"{_TIME_OF_DAY}"
    rf"(?:(?P<sep>{_RANGE_SEP})(?:(?P<m2>{_NUM})月)?(?P<d2>{_NUM})[日号]?{_TIME_OF_DAY})?"
)
# A bare day ("20日", "18、19日", "十三日") takes the month of the date before it, else of publication.
# Chinese-numeral bare days need two characters (十三日), so that 一日三餐 is not a date.
_BARE_NUM = r"(?:\d{1,2}|[二三]?十[一二三四五六七八九]?)"
_BARE_DAY = re.compile(
    rf"(?<![月\d年第初每])(?P<d>{_BARE_NUM}(?:[、，,]{_BARE_NUM})*)"
    rf"(?:[日号]{_TIME_OF_DAY})?(?:(?P<sep>{_RANGE_SEP})(?P<d2>{_BARE_NUM}))?[日号](?![电讯报])"
)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# Words that date an event relative to publication; 日前 and 近日 ("recently") are read as the day of publication.
_RELATIVE = {"日前": 0, "近日": 0, "今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2, "前日": -2}
_RELATIVE_RE = re.compile(
    r"(?<![每一两三四几])(?P<week>上|本|这|下)?(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天])"
    r"|(?P<lastweek>上周|上星期)(?![一二三四五六日天])"
    r"|(?P<same>当天|当日|同日|同一天)"
    r"|" + "|".join(_RELATIVE)
)
VAGUE = ("日前", "近日")  # relative words that give only an approximate day


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text):  # 二〇二五
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    if text.startswith("十"):
        return 10 + (_CN_DIGITS[text[1]] if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS[tens] * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS.get(text, 0)


def _infer_year(month: int, day: int, anchor: date) -> date | None:
    """Return the nearest date with this month/day not after `anchor` (the publication date)."""
    for year in (anchor.year, anchor.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= anchor + timedelta(days=1):  # a late-evening report may be stamped early
            return candidate
    return None


def _make(year: int | None, month: int, day: int, anchor: date) -> date | None:
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return _infer_year(month, day, anchor)


def _bare_day(day: int, base: date | None, anchor: date) -> date | None:
    """Return the date of a bare day: in the month of `base`, else the latest such day not after `anchor`."""
    if base is not None:
        try:
            return date(base.year, base.month, day)
        except ValueError:
            return None
    for back in range(0, 3):
        month = (anchor.month - 1 - back) % 12 + 1
        year = anchor.year - (1 if anchor.month - back <= 0 else 0)
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= anchor + timedelta(days=1):
            return candidate
    return None


def find_dates(text: str, *, published: datetime | None, fallback: date) -> list[DateSpan]:
    """Return every date and date range in `text`, years inferred from the publication date."""
    anchor = published.date() if published else fallback
    spans: list[DateSpan] = []
    covered: list[tuple[int, int]] = []
    for match in _DATE.finditer(text):
        year = _number(match["y"]) if match["y"] else None
        month = _number(match["m"])
        days = [_number(d) for d in re.split(r"[、，,]", match["d"])]
        start = _make(year, month, days[0], anchor)
        if start is None:
            continue
        end = _make(year if year else start.year, month, days[-1], anchor + timedelta(days=400)) or start
        if match["d2"]:
            month2 = _number(match["m2"]) if match["m2"] else month
            end = _make(year if year else start.year, month2, _number(match["d2"]), anchor + timedelta(days=400)) or end
            if end < start:  # 12月30日至1月2日
                end = _make(start.year + 1, month2, _number(match["d2"]), anchor + timedelta(days=400)) or start
        spans.append(DateSpan(text=match.group(0), start=start, end=max(start, end), offset=match.start()))
        covered.append(match.span())
    for match in _BARE_DAY.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            continue
        before = [s for s in spans if s.offset < match.start()]
        base = before[-1].start if before else None
        days = [_number(d) for d in re.split(r"[、，,]", match["d"])]
        if match["d2"]:
            days.append(_number(match["d2"]))
        if not all(1 <= d <= 31 for d in days):
            continue
        first = _bare_day(days[0], base, anchor)
        last = _bare_day(days[-1], first, anchor) if first else None
        if first is None or last is None:
            continue
        spans.append(DateSpan(text=match.group(0), start=first, end=max(first, last), offset=match.start()))
        covered.append(match.span())
    for match in _RELATIVE_RE.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            continue
        found = _relative(match, anchor, spans, known=published is not None)
        if found:
            spans.append(DateSpan(text=match.group(0), start=found[0], end=found[1], offset=match.start()))
    return sorted(spans, key=lambda s: s.offset)


def _relative(
    match: re.Match[str], anchor: date, spans: list[DateSpan], *, known: bool,
) -> tuple[date, date] | None:
    """Resolve a relative date word against the publication date (or the date before it for 当天)."""
    if match["same"]:
        before = [s for s in spans if s.offset < match.start()]
        return (before[-1].start, before[-1].start) if before else None
    if not known:
        return None  # without a publication date, "yesterday" means nothing
    monday = anchor - timedelta(days=anchor.weekday())
    if match["lastweek"]:
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if match["weekday"]:
        week = {"上": -7, "下": 7}.get(match["week"] or "", 0)
        day = monday + timedelta(days=week + _WEEKDAYS[match["weekday"]])
        if not match["week"] and day > anchor:
            day -= timedelta(days=7)  # a bare 周五 in a report means the last one
        return day, day
    day = anchor + timedelta(days=_RELATIVE[match.group(0)])
    return day, day
