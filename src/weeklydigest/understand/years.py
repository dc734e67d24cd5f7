"""The year of an undated report from its own words: the meetings whose spirit it studies, a year-named event.

A report that studies the spirit of a congress or plenum (`学习贯彻党的二十届四中全会精神`) or
carries out its plans (`按照省第十三次党代会部署`) was written after that meeting, in the months
that follow it: its month and day are read as the first such day after the latest meeting it
names. A congress's spirit is cited for its whole five-year term, so it dates a report only to
the half year after it closed. A report made on the eve of a meeting (`喜迎党的二十大召开之际`)
is of that meeting's year, before it. A report whose event carries its year
(`2025年茂名荔枝嘉年华`) is of that year, and one that calls this year a plan's first or last
(`今年是“十五五”开局之年`, `2026年是…`) is of that year. Nothing else (a year in a figure, a plan's target
year, a bare 全国两会) dates it. Linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from ..model import DateSpan

_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
# The day each meeting closed. Facts of record; add a meeting once it has closed.
_PLENUMS = {
    "十九": {1: date(2017, 10, 25), 2: date(2018, 1, 19), 3: date(2018, 2, 28), 4: date(2019, 10, 31),
             5: date(2020, 10, 29), 6: date(2021, 11, 11), 7: date(2022, 10, 12)},
    "二十": {1: date(2022, 10, 23), 2: date(2023, 2, 28), 3: date(2024, 7, 18), 4: date(2025, 10, 23)},
}
_CONGRESSES = {"十九": date(2017, 10, 24), "二十": date(2022, 10, 22)}
_NPC_SESSIONS = {1: date(2023, 3, 13), 2: date(2024, 3, 11), 3: date(2025, 3, 11)}  # 十四届全国人大
_PROVINCIAL_CONGRESS = {"十三": date(2022, 5, 25)}  # 广东省第N次党代会
_GAMES_OPENING = date(2025, 11, 9)  # 第十五届全国运动会开幕式

_MEETING = re.compile(
    r"(?P<plenum>(?P<pterm>十九|二十)届(?:[一二三四五六七]中[、和及]?)*(?P<pn>[一二三四五六七])中全会)"
    r"|(?P<congress>(?:党的|中共)(?P<cterm>十九|二十)大|(?<![一二三四五六七八九十])(?P<cterm2>十九|二十)大(?=精神|报告|部署|和|、|胜利))"
    r"|(?P<npc>十四届全国人大(?P<nn>[一二三])次会议)"
    r"|(?P<province>(?:广东)?省第(?P<prov>十三)次(?:党代会|党代表大会))"
    r"|(?P<games>(?:第十五届全国运动会|十五运会|全运会)开幕式)"
)
CONGRESS_SPAN = 183  # days after a congress in which citing its spirit dates a report
# The five-year plans' first and last years, for `今年是“十五五”开局之年`.
_PLAN_YEARS = {"十四五": (2021, 2025), "十五五": (2026, 2030)}
_PLAN_YEAR = re.compile(
    r"(?:今年|(?<!\d)(?P<year>20\d{2})年)[^。；！？\n]{0,24}?[“\"]?(?P<plan>十四五|十五五)[”\"]?(?:规划)?的?"
    r"(?P<end>开局|收官)之年"
)
# A meeting about to open: the report is of its year, before it.
_EVE_AFTER = re.compile(r"(?:胜利)?(?:召开|开幕)(?:之际|前夕)|即将(?:胜利)?(?:召开|开幕)")
_EVE_BEFORE = re.compile(r"即将(?:胜利)?(?:召开|开幕)的$")
_CONGRESS_NAME = re.compile(r"(?:十九|二十)大|党代会|党代表大会")
# The meeting is cited as past: its spirit, plans or requirements are carried out.
_CITED = re.compile(r"[^，。；！？\n]{0,40}?(?:精神|部署|要求|决策|重要讲话|重要指示)")
_UPCOMING = re.compile(r"(?:迎接|即将|将于|筹备|召开前|前夕)[^，。；！？\n]{0,12}$")
_YEAR_EVENT = re.compile(
    r"(?<!\d)(?P<y>20\d{2})年(?![\d一二三四五六七八九十]{1,2}月|以来|起|底|初|末|前|后|内|度|上半年|下半年|全年|第|的|是|将)"
    r"[\u4e00-\u9fff“”]{2,16}?(?:节|嘉年华|博览会|交易会|展销会|论坛|峰会|大会|运动会|马拉松|联赛|锦标赛|大赛"
    r"|文化节|艺术节|活动周|开幕式|推介会|招商会|洽谈会)"
)


def not_before(text: str) -> tuple[date, str] | None:
    """Return the close of the latest meeting `text` cites as past, with its name, or None."""
    latest: tuple[date, str] | None = None
    for match in _MEETING.finditer(text):
        if not _CITED.match(text, match.end()) or _UPCOMING.search(text, max(0, match.start() - 16), match.start()):
            continue
        closed = _closed(match)
        if closed and (latest is None or closed > latest[0]):
            latest = (closed, match.group(0))
    return latest


def is_congress(name: str) -> bool:
    """Return whether a meeting `not_before` names is a congress (cited for its five-year term)."""
    return bool(_CONGRESS_NAME.search(name))


def not_after(text: str) -> tuple[date, str] | None:
    """Return the close of the earliest meeting the report is made on the eve of, with its name, or None."""
    earliest: tuple[date, str] | None = None
    for match in _MEETING.finditer(text):
        eve = _EVE_AFTER.match(text, match.end(), min(len(text), match.end() + 12)) or _EVE_BEFORE.search(
            text, max(0, match.start() - 8), match.start())
        closed = _closed(match) if eve else None
        if closed and (earliest is None or closed < earliest[0]):
            earliest = (closed, match.group(0))
    return earliest


def plan_year(text: str, *, month: int) -> int | None:
    """Return the year the text calls this year as a five-year plan's first or last (`今年是“十五五”开局之年`).

    A year written out (`2026年是…开局之年`) counts only for an event before October: at a year's end
    a report looks ahead to the next year's plan.
    """
    match = _PLAN_YEAR.search(text)
    if not match:
        return None
    first, last = _PLAN_YEARS[match["plan"]]
    year = first if match["end"] == "开局" else last
    if match["year"] is not None and (int(match["year"]) != year or month >= 10):
        return None
    return year


def _closed(match: re.Match[str]) -> date | None:
    if match["plenum"]:
        return _PLENUMS[match["pterm"]].get(_ORDINAL[match["pn"]])
    if match["congress"]:
        return _CONGRESSES[match["cterm"] or match["cterm2"]]
    if match["npc"]:
        return _NPC_SESSIONS.get(_ORDINAL[match["nn"]])
    if match["province"]:
        return _PROVINCIAL_CONGRESS[match["prov"]]
    return _GAMES_OPENING


def named_year(sentence: str, *, latest: int) -> int | None:
    """Return the year an event in `sentence` carries in its name (`2025年…嘉年华`), not after `latest`."""
    match = _YEAR_EVENT.search(sentence)
    if match and int(match["y"]) <= latest:
        return int(match["y"])
    return None


def in_year(span: DateSpan, year: int) -> DateSpan | None:
    """Return the span moved to `year` (its end by as many years), marked as of a known year."""
    shift = year - span.start.year
    try:
        return replace(span, start=span.start.replace(year=year), end=span.end.replace(year=span.end.year + shift),
                       year_known=True)
    except ValueError:  # 29 February
        return None


def after(span: DateSpan, bound: date) -> DateSpan | None:
    """Return the span in the first year in which it falls after `bound`."""
    for year in (bound.year, bound.year + 1):
        moved = in_year(span, year)
        if moved and moved.start > bound:
            return moved
    return None
