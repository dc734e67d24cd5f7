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


# --- years: a date without its year keeps it unknown ---------------------------------------------

def _spans(text: str, published=None, *, year_known: bool = True, fallback=date(2026, 12, 1)):
    return find_dates(text, published=published, fallback=fallback, year_known=year_known)


def test_a_date_without_its_year_and_without_publication_has_no_known_year():
    (span,) = _spans("5月5日，市委书记到乳源调研。")
    assert (span.text, span.year_known) == ("5月5日", False)


def test_a_written_year_is_known_even_without_publication():
    (span,) = _spans("2023年5月5日，市委书记到乳源调研。")
    assert (span.start, span.year_known) == (date(2023, 5, 5), True)


def test_a_bare_day_after_a_dated_day_shares_its_year():
    spans = _spans("2024年3月4日，市委书记到县里调研。5日，他又到镇里。")
    assert [(s.text, s.start, s.year_known) for s in spans] == [
        ("2024年3月4日", date(2024, 3, 4), True), ("5日", date(2024, 3, 5), True)]


def test_dates_read_against_a_dateline_without_year_keep_the_year_unknown():
    spans = _spans("日前，11月7日至8日，书记到梅州调研。", published=date(2026, 11, 8), year_known=False)
    assert {s.text: s.year_known for s in spans} == {"日前": False, "11月7日至8日": False}
    assert {s.text: s.start for s in spans}["日前"] == date(2026, 11, 8)


@pytest.mark.parametrize(("word", "start"), [("昨晚", "2025-11-20"), ("昨午", "2025-11-20"), ("今晨", "2025-11-21")])
def test_relative_words_with_a_time_of_day(word, start):
    assert _read(f"{word}，市委书记到县里调研。") == [(word, start, start)]


# --- datelines, publication lines and date widgets: evidence of publication, never the event -------

def test_dateline_publication_line_and_widget_are_marked_and_never_the_event():
    text = ("今天是2019年4月20日 星期六\n发布日期：2024-02-26 18:19\n"
            "本报2024年2月26日讯 2月23日，市委书记到县里调研。")
    spans = find_dates(text, published=None, fallback=date(2026, 12, 1))
    kinds = {s.text: s.kind for s in spans}
    assert kinds["2019年4月20日"] == "date widget"
    assert kinds["2024年2月26日"] == "dateline"
    assert kinds["2月23日"] == ""
    event = choose_event(spans, text, published=None, people=[])
    assert event.text == "2月23日"


def test_a_publication_line_left_in_the_text_is_not_the_event():
    text = "发布时间：2025年11月21日 09:30\n11月20日下午，市委书记到县里调研。"
    spans = find_dates(text, published=datetime(2025, 11, 21, 9, 30), fallback=date(2026, 12, 1))
    assert [s.kind for s in spans] == ["publication line", ""]
    assert choose_event(spans, text, published=date(2025, 11, 21), people=[]).start == date(2025, 11, 20)


def test_a_date_in_an_ordinary_sentence_is_not_a_publication_line():
    text = "活动时间为11月20日。市民可于2025年11月20日前报名。"
    assert all(not s.kind for s in find_dates(text, published=PUBLISHED, fallback=date(2026, 12, 1)))


# --- which date is the event's -----------------------------------------------------------------

def test_a_day_with_its_time_beats_a_date_that_only_says_what_day_it_is():
    text = "8月30日是比赛倒计时100天。29日上午，组委会在广州举行新闻发布会。30日，场馆开放。"
    spans = find_dates(text, published=datetime(2025, 9, 1, 9, 0), fallback=date(2026, 12, 1))
    assert choose_event(spans, text, published=date(2025, 9, 1), people=[]).start == date(2025, 8, 29)


def test_of_two_relative_days_the_one_right_before_the_person_is_the_event():
    text = "全会今日开幕，常委会昨午增补委员，其中包括林某某。"
    spans = find_dates(text, published=datetime(2026, 1, 25, 3, 0), fallback=date(2026, 12, 1))
    assert choose_event(spans, text, published=date(2026, 1, 25), people=["林某某"]).text == "昨午"
    assert choose_event(spans, text, published=date(2026, 1, 25), people=[]).text == "今日"


def test_an_explicit_date_beats_a_vague_word_in_the_lead():
    text = "近日，各地开展宣讲活动。1月22日下午，宣讲活动在中山举行。"
    spans = find_dates(text, published=datetime(2026, 1, 23, 9, 0), fallback=date(2026, 12, 1))
    assert choose_event(spans, text, published=date(2026, 1, 23), people=[]).text == "1月22日下午"


def test_what_an_interviewee_recounts_is_not_the_day_of_the_interview():
    text = ("日前，市委书记林某某接受本报记者专访。\n本报：如何抓好落实？\n"
            "林某某：5月27日，市委召开常委会会议；6月13日，召开宣讲报告会。")
    spans = find_dates(text, published=None, fallback=date(2026, 12, 1))
    event = choose_event(spans, text, published=None, people=["林某某"])
    assert event is None or event.text == "日前"
    assert choose_event(spans, text, published=None, people=[]).text == "5月27日"  # no interviewee known
