"""The publication day from a page's own evidence: front matter, datelines, publication lines, the URL."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from weeklydigest.model import Article, Removed
from weeklydigest.understand.extract import extract
from weeklydigest.understand.publication import find_publication, url_date

READ_ON = date(2026, 12, 1)


def _article(text: str, *, removed: tuple[Removed, ...] = (), url: str = "", published: datetime | None = None,
             title: str = "市委书记林某某到县里调研") -> Article:
    return Article(id="a", title=title, url=url, source="s", origin="a.md", published=published, text=text,
                   removed=removed)


def test_front_matter_date_wins_over_a_dateline():
    article = _article("本报2024年3月2日讯 3月1日，市委书记林某某到县里调研。",
                       published=datetime(2024, 3, 3, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    found = find_publication(article, fallback=READ_ON)
    assert (found.day, found.source) == (date(2024, 3, 3), "front matter")


@pytest.mark.parametrize(("piece", "day", "year_known"), [
    (Removed("XX新闻网2025年3月21日讯", "boilerplate", "dateline"), date(2025, 3, 21), True),
    (Removed("新华社广州11月8日电", "boilerplate", "dateline"), date(2026, 11, 8), False),
    (Removed("发布时间：2026年02月05日 10:20", "boilerplate", "publication line"), date(2026, 2, 5), True),
    (Removed("日期：11-14", "boilerplate", "publication line"), date(2026, 11, 14), False),
])
def test_a_removed_dateline_or_publication_line_gives_the_publication_day(piece, day, year_known):
    found = find_publication(_article("市委书记林某某到县里调研。", removed=(piece,)), fallback=READ_ON)
    assert (found.day, found.year_known, found.source) == (day, year_known, piece.detail)


def test_a_removed_date_widget_is_never_evidence():
    widget = Removed("今天是2019年4月20日 星期六", "boilerplate", "date widget")
    article = _article("4月19日，市委书记林某某到县里调研。", removed=(widget,))
    assert find_publication(article, fallback=READ_ON) is None


def test_a_publication_line_still_in_the_text_is_evidence():
    article = _article("时间：2025-11-09 17:43 来源：某某网\n8月29日上午，组委会举行新闻发布会。")
    found = find_publication(article, fallback=READ_ON)
    assert (found.day, found.year_known, found.source) == (date(2025, 11, 9), True, "publication line")


@pytest.mark.parametrize(("url", "day"), [
    ("http://example.cn/news/content/2025-03/21/content_123.htm", date(2025, 3, 21)),
    ("http://example.cn/a/20250305/4567.html", date(2025, 3, 5)),
    ("http://example.cn/xw/2026/0203/c789.html", date(2026, 2, 3)),
    ("http://example.cn/zwxx/202511/t20251120_15175026.html", date(2025, 11, 20)),
    ("http://example.cn/202502/26/156096_54791924.htm", date(2025, 2, 26)),
])
def test_dates_in_the_url_path(url, day):
    assert url_date(url, fallback=READ_ON).day == day


@pytest.mark.parametrize("url", [
    "http://example.cn/content/post_3064721.html", "http://example.cn/a/BAAFRD0000202512241499071.html",
    "http://example.cn/news/content_31779703.htm", "http://example.cn/2099-01/01/a.htm", "",
])
def test_ids_and_future_dates_in_a_url_are_not_dates(url):
    assert url_date(url, fallback=READ_ON) is None


def test_a_url_date_alone_does_not_give_the_event_its_year():
    article = _article("2月25日上午，市委书记林某某到县里调研。", url="http://example.cn/202502/26/1.htm")
    read = extract(article, fallback=READ_ON)
    assert read.event_date is None
    assert (read.undated.start.month, read.undated.start.day) == (2, 25)


def test_recently_with_only_a_url_date_keeps_the_urls_month_and_day_without_a_year():
    article = _article("日前，市委书记林某某到县里调研。", url="http://example.cn/20250305/1.html")
    read = extract(article, fallback=READ_ON)
    assert read.event_date is None
    assert (read.undated.text, read.undated.start.month, read.undated.start.day) == ("日前", 3, 5)


def test_a_removed_dateline_with_its_year_dates_the_event_but_is_not_the_event():
    dateline = Removed("某某新闻网2023年1月13日讯", "boilerplate", "dateline")
    read = extract(_article("1月12日，市委书记林某某到县里调研。", removed=(dateline,)), fallback=READ_ON)
    assert (read.event_date, read.publication) == (date(2023, 1, 12), date(2023, 1, 13))


def test_a_dateline_still_in_the_text_is_not_the_event():
    read = extract(_article("某某新闻网2023年1月13日讯（记者 王某）1月12日，市委书记林某某到县里调研。"),
                   fallback=READ_ON)
    assert read.event_date == date(2023, 1, 12)


def test_recently_means_the_day_of_publication():
    piece = Removed("发布时间：2025年11月21日", "boilerplate", "publication line")
    read = extract(_article("日前，市委书记林某某到县里调研。", removed=(piece,)), fallback=READ_ON)
    assert read.event_date == date(2025, 11, 21)
