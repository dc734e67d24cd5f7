"""Find the dates of an article: absolute, bare days, ranges and relative words.

A date's year is known when the text writes it or when the publication date it is read against
has a known year; otherwise the year is a placeholder (`year_known=False`). Datelines,
publication lines and date widgets are found too (`kind`): they tell when a page was published
(widgets not even that), never when the event happened. Linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from ..model import DateSpan

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_TIME_OF_DAY = r"(?:上午|下午|中午|晚上|晚间|傍晚|早上|凌晨|夜间|晚|早)?"
_RANGE_SEP = r"(?:至|到|—|－|–|-|~|～|和|及|、)"
# Each pattern below opens with a lookahead on the characters its matches start with: it says nothing
# new, but lets the scan skip every other position at once (several times faster on a whole text).
_DATE = re.compile(
    r"(?=[\d〇零一二三四五六七八九十])"
    rf"(?:(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM}(?:[、，,]{_NUM})*)[日号]"
    rf"{_TIME_OF_DAY}"
    rf"(?:(?P<sep>{_RANGE_SEP})(?:(?P<m2>{_NUM})月)?(?P<d2>{_NUM})[日号]?{_TIME_OF_DAY})?"
)
# A bare day ("20日", "18、19日", "十三日") takes the month of the date before it, else of publication.
# Chinese-numeral bare days need two characters (十三日), so that 一日三餐 is not a date.
_BARE_NUM = r"(?:\d{1,2}|[二三]?十[一二三四五六七八九]?)"
_BARE_DAY = re.compile(
    r"(?=[\d二三十])"
    rf"(?<![月\d年第初每])(?P<d>{_BARE_NUM}(?:[、，,]{_BARE_NUM})*)"
    rf"(?:[日号]{_TIME_OF_DAY})?(?:(?P<sep>{_RANGE_SEP})(?P<d2>{_BARE_NUM}))?[日号](?![电讯报])"
)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# Words that date an event relative to publication; 日前 and 近日 ("recently") are read as the day of publication.
_RELATIVE = {"日前": 0, "近日": 0, "今天": 0, "今日": 0, "今晨": 0, "今早": 0, "今晚": 0,
             "昨天": -1, "昨日": -1, "昨晚": -1, "昨夜": -1, "昨午": -1, "昨晨": -1, "昨早": -1,
             "前天": -2, "前日": -2}
_RELATIVE_RE = re.compile(
    "(?=[" + "".join(sorted(set("上本这下周星礼当同") | {word[0] for word in _RELATIVE})) + "])(?:"
    r"(?<![每一两三四几])(?P<week>上|本|这|下)?(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天])"
    r"|(?P<lastweek>上周|上星期)(?![一二三四五六日天])"
    r"|(?P<same>当天|当日|同日|同一天)"
    r"|" + "|".join(_RELATIVE) + ")"
)
VAGUE = ("日前", "近日")  # relative words that give only an approximate day
_LIST_SEP = re.compile(r"[、，,]")

DATELINE, PUBLICATION_LINE, DATE_WIDGET = "dateline", "publication line", "date widget"
# "新华社广州11月8日电", "XX新闻网2025年3月21日讯": the place and day an outlet filed the report.
_DATELINE = re.compile(
    r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:电|讯)"
)
# "发布时间：2026年02月05日", "时间:2025-11-09 17:43", "日期：11-14", "转载2025-12-24 23:31".
_LABEL = r"(?:发布|更新|发稿|刊发|刊登|录入|上传)(?:时间|日期)|(?:^|(?<=[\s|｜/]))(?:时间|日期)|发布于|发表于|转载"
_ISO = r"(?P<y>20\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})日?"
_PUBLICATION = re.compile(
    rf"(?:{_LABEL})\s*[:：]?\s*(?:[0-2]?\d:\d\d(?::\d\d)?\s*)?(?:{_ISO}|(?P<m2>\d{{1,2}})-(?P<d2>\d{{1,2}})(?!\d))"
)
_BARE_ISO = re.compile(r"(?<!\d)(?P<y>20\d{2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
_LABEL_WORDS = ("时间", "日期", "发布", "发表", "转载")
_ISO_HINT = re.compile(r"20\d{2}[-/.]\d")
_WIDGET = re.compile(
    r"今天是\s*(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2})?\s*(?:(?:星期|周|礼拜)[一二三四五六日天])?"
)


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


def find_dates(
    text: str, *, published: datetime | date | None, fallback: date, year_known: bool = True,
) -> list[DateSpan]:
    """Return every date and date range in `text`, years inferred from the publication date.

    Without a publication date the day the text is read on (`fallback`) stands in, and a date
    the text gives without its year is marked `year_known=False`; so is every date read against
    a publication date whose own year is unknown (`year_known=False`, e.g. a dateline `11月8日电`).
    """
    if isinstance(published, datetime):
        published = published.date()
    anchor = published or fallback
    known = published is not None and year_known
    spans: list[DateSpan] = []
    covered: list[tuple[int, int]] = []
    for match in _DATE.finditer(text):
        year = _number(match["y"]) if match["y"] else None
        month = _number(match["m"])
        days = [_number(d) for d in _LIST_SEP.split(match["d"])]
        start = _make(year, month, days[0], anchor)
        if start is None:
            continue
        end = _make(year if year else start.year, month, days[-1], anchor + timedelta(days=400)) or start
        if match["d2"]:
            month2 = _number(match["m2"]) if match["m2"] else month
            end = _make(year if year else start.year, month2, _number(match["d2"]), anchor + timedelta(days=400)) or end
            if end < start:  # 12月30日至1月2日
                end = _make(start.year + 1, month2, _number(match["d2"]), anchor + timedelta(days=400)) or start
        spans.append(DateSpan(text=match.group(0), start=start, end=max(start, end), offset=match.start(),
                              year_known=year is not None or known))
        covered.append(match.span())
    for match in _BARE_DAY.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            continue
        before = [s for s in spans if s.offset < match.start()]
        base = before[-1] if before else None
        days = [_number(d) for d in _LIST_SEP.split(match["d"])]
        if match["d2"]:
            days.append(_number(match["d2"]))
        if not all(1 <= d <= 31 for d in days):
            continue
        first = _bare_day(days[0], base.start if base else None, anchor)
        last = _bare_day(days[-1], first, anchor) if first else None
        if first is None or last is None:
            continue
        spans.append(DateSpan(text=match.group(0), start=first, end=max(first, last), offset=match.start(),
                              year_known=base.year_known if base else known))
        covered.append(match.span())
    for match in _RELATIVE_RE.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            continue
        found = _relative(match, anchor, spans, known=published is not None)
        if found:
            same = found[2]
            spans.append(DateSpan(text=match.group(0), start=found[0], end=found[1], offset=match.start(),
                                  year_known=same.year_known if same else known))
    return _mark_kinds(text, sorted(spans, key=lambda s: s.offset))


def _relative(
    match: re.Match[str], anchor: date, spans: list[DateSpan], *, known: bool,
) -> tuple[date, date, DateSpan | None] | None:
    """Resolve a relative date word against the publication date (or the date before it for 当天)."""
    if match["same"]:
        before = [s for s in spans if s.offset < match.start()]
        return (before[-1].start, before[-1].start, before[-1]) if before else None
    if not known:
        return None  # without a publication date, "yesterday" means nothing
    monday = anchor - timedelta(days=anchor.weekday())
    if match["lastweek"]:
        return monday - timedelta(days=7), monday - timedelta(days=1), None
    if match["weekday"]:
        week = {"上": -7, "下": 7}.get(match["week"] or "", 0)
        day = monday + timedelta(days=week + _WEEKDAYS[match["weekday"]])
        if not match["week"] and day > anchor:
            day -= timedelta(days=7)  # a bare 周五 in a report means the last one
        return day, day, None
    day = anchor + timedelta(days=_RELATIVE[match.group(0)])
    return day, day, None


def evidence_regions(text: str) -> list[tuple[int, int, str]]:
    """Return the (start, end, kind) of the datelines, publication lines and date widgets in `text`."""
    regions: list[tuple[int, int, str]] = []
    if "今天是" in text:
        regions += [(m.start(), m.end(), DATE_WIDGET) for m in _WIDGET.finditer(text) if m.end() - m.start() > 3]
    datelines = "电" in text or "讯" in text
    labelled = any(word in text for word in _LABEL_WORDS)
    iso = _ISO_HINT.search(text) is not None
    if not (datelines or labelled or iso):
        return regions
    offset = 0
    for line in text.split("\n"):
        dateline = _DATELINE.search(line, 0, 80) if datelines else None
        if dateline:
            regions.append((offset + dateline.start(), offset + dateline.end(), DATELINE))
        if labelled:
            for match in _PUBLICATION.finditer(line):
                regions.append((offset + match.start(), offset + match.end(), PUBLICATION_LINE))
        if iso and len(line) <= 120 and "。" not in line:
            for match in _BARE_ISO.finditer(line):
                regions.append((offset + match.start(), offset + match.end(), PUBLICATION_LINE))
        offset += len(line) + 1
    return regions


def _mark_kinds(text: str, spans: list[DateSpan]) -> list[DateSpan]:
    """Mark the spans that stand in a dateline, publication line or date widget."""
    regions = evidence_regions(text)
    if not regions:
        return spans
    marked = []
    for span in spans:
        kind = next((k for a, b, k in regions if a <= span.offset < b), "")
        marked.append(replace(span, kind=kind) if kind else span)
    return marked


def read_evidence(text: str, *, fallback: date) -> tuple[date, bool] | None:
    """Return the day a dateline or publication line gives, and whether its year is known.

    `text` is the line as found (`XX网2025年3月21日讯`, `发布时间：2026年02月05日`, `日期：11-14`); a
    date widget (`今天是…`) is never evidence. A day without its year is read against `fallback`.
    """
    if _WIDGET.match(text.strip()) and len(text.strip()) > 3:
        return None
    for pattern in (_PUBLICATION, _BARE_ISO, _DATELINE):
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        year = int(groups["y"]) if groups.get("y") else None
        month = int(groups.get("m") or groups.get("m2") or 0)
        day = int(groups.get("d") or groups.get("d2") or 0)
        found = _make(year, month, day, fallback) if month else None
        if found:
            return found, year is not None
    match = _DATE.search(text)
    if match:
        year = _number(match["y"]) if match["y"] else None
        found = _make(year, _number(match["m"]), _number(_LIST_SEP.split(match["d"])[0]), fallback)
        if found:
            return found, year is not None
    return None
