"""Reading dates: full, partial, Chinese numerals, bare days, ranges, lists and relative words."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from weeklydigest.understand.event import choose_event
from weeklydigest.understand.extract import find_dates

PUBLISHED = datetime(2025, 11, 21, 20, 0)  # a Friday


def _read(text: str, published: datetime | None = PUBLISHED) -> list[tuple[str, str, str]]:
    return [(d.text, d.start.isoformat(), d.end.isoformat())
            for d in find_dates(text, published=published, fallback=date(2025, 11, 23))]


@pytest.mark.parametrize(("text", "expected"), [
    ("2025年11月13日，", ("2025年11月13日", "2025-11-13", "2025-11-13")),
    ("11月13日上午，", ("11月13日上午", "2025-11-13", "2025-11-13")),
    ("十一月十三日，", ("十一月十三日", "2025-11-13", "2025-11-13")),
    ("二〇二五年十一月十三日，", ("二〇二五年十一月十三日", "2025-11-13", "2025-11-13")),
    ("5月14日至16日，", ("5月14日至16日", "2025-05-14", "2025-05-16")),
    ("11月19日下午和20日上午，", ("11月19日下午和20日上午", "2025-11-19", "2025-11-20")),
    ("11月20日—21日，", ("11月20日—21日", "2025-11-20", "2025-11-21")),
    ("11月19日晚，", ("11月19日晚", "2025-11-19", "2025-11-19")),
    ("12月30日至1月2日，", ("12月30日至1月2日", "2024-12-30", "2025-01-02")),
])
def test_explicit_dates_and_ranges(text, expected):
    assert _read(text) == [expected]


def test_missing_year_is_the_nearest_date_not_after_publication():
    assert _read("12月28日，", published=datetime(2026, 1, 3, 9, 0)) == [("12月28日", "2025-12-28", "2025-12-28")]


def test_bare_day_takes_the_month_of_the_date_before_it():
    assert _read("10月30日启动，13日") == [
        ("10月30日", "2025-10-30", "2025-10-30"), ("13日", "2025-10-13", "2025-10-13")]


def test_bare_day_without_a_date_before_takes_the_publication_month():
    assert _read("13日，市委书记陈少荣") == [("13日", "2025-11-13", "2025-11-13")]


def test_bare_day_later_than_publication_falls_in_the_month_before():
    assert _read("28日，", published=datetime(2025, 12, 2, 9, 0)) == [("28日", "2025-11-28", "2025-11-28")]


def test_bare_day_list_is_a_range():
    assert _read("18、19日，市委书记") == [("18、19日", "2025-11-18", "2025-11-19")]


def test_words_that_only_look_like_days_are_not_dates():
    assert _read("新华社广州11月20日电 保障一日三餐，第13日") == [("11月20日", "2025-11-20", "2025-11-20")]


@pytest.mark.parametrize(("word", "start", "end"), [
    ("日前", "2025-11-21", "2025-11-21"),
    ("近日", "2025-11-21", "2025-11-21"),
    ("昨天", "2025-11-20", "2025-11-20"),
    ("前天", "2025-11-19", "2025-11-19"),
    ("上周", "2025-11-10", "2025-11-16"),
    ("上周五", "2025-11-14", "2025-11-14"),
    ("周三", "2025-11-19", "2025-11-19"),
])
def test_relative_words_resolve_against_publication(word, start, end):
    assert _read(f"{word}，市委书记到县里调研。") == [(word, start, end)]


def test_relative_words_need_a_publication_date():
    assert _read("昨天，市委书记到县里调研。", published=None) == []


def test_same_day_takes_the_date_before_it():
    assert _read("11月18日上午开幕。当天下午，") == [
        ("11月18日上午", "2025-11-18", "2025-11-18"), ("当天", "2025-11-18", "2025-11-18")]


def test_event_date_prefers_the_lead_over_background_and_future_dates():
    text = "2023年以来，全市推进典型镇建设。11月21日，市委书记到英德调研。活动将于11月20日再次举行。"
    dates = find_dates(text, published=PUBLISHED, fallback=date(2025, 11, 23))
    # The lead's 2023 date opens a background clause; the future date is announced, not held.
    event = choose_event(dates, text, published=PUBLISHED.date(), people=[])
    assert (event.start, event.end) == (date(2025, 11, 21), date(2025, 11, 21))


def test_event_date_is_not_after_publication_and_prefers_explicit_over_vague():
    text = "日前，记者获悉，11月19日市委书记到台山调研。会议定于11月25日召开。"
    dates = find_dates(text, published=PUBLISHED, fallback=date(2025, 11, 23))
    event = choose_event(dates, text, published=PUBLISHED.date(), people=[])
    assert (event.start, event.end) == (date(2025, 11, 19), date(2025, 11, 19))
