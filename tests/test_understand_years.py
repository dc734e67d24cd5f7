"""An undated report's year from its own words, never from the day it is read on."""

from __future__ import annotations

from datetime import date

import pytest

from weeklydigest.model import Article
from weeklydigest.understand.extract import extract
from weeklydigest.understand.years import named_year, not_before


def _read(text: str, *, read_on: date = date(2026, 12, 1)) -> Article:
    article = Article(id="a", title="市委书记林某某到县里调研", url="", source="s", origin="a.md", published=None,
                      text=text)
    return extract(article, fallback=read_on)


@pytest.mark.parametrize(("text", "day"), [
    ("11月19日下午，区里举行学习贯彻党的二十届四中全会精神报告会。", date(2025, 11, 19)),
    ("1月5日，市委常委会召开会议，全面贯彻落实党的二十大、二十届二中全会和中央经济工作会议精神。", date(2024, 1, 5)),
    ("9月24日，省长林某某到揭阳调研，按照省第十三次党代会部署研究粤东发展。", date(2022, 9, 24)),
    ("3月1日上午，市委书记林某某到罗定，就深入学习贯彻党的二十大精神进行调研。", date(2023, 3, 1)),
    ("11月28日，市委常委会召开会议，学习贯彻出席第十五届全国运动会开幕式重要讲话精神。", date(2025, 11, 28)),
])
def test_a_report_that_studies_a_meetings_spirit_is_of_the_months_after_it(text, day):
    assert _read(text).event_date == day


def test_the_reading_day_never_gives_the_year():
    text = "5月5日，市委书记林某某到乳源调研，强调要推动民族地区高质量发展。"
    for read_on in (date(2024, 6, 1), date(2025, 6, 1), date(2026, 12, 1)):
        article = _read(text, read_on=read_on)
        assert article.event_date is None
        assert (article.undated.text, article.undated.start.month, article.undated.start.day) == ("5月5日", 5, 5)
        assert article.warnings == ("year not established: the event is 5月5日 of an unknown year",)


def test_an_event_named_with_its_year_is_of_that_year():
    assert _read("5月19日，2025年荔枝文化节在根子镇举行，市委书记林某某出席。").event_date == date(2025, 5, 19)


@pytest.mark.parametrize("text", [
    "11月21日，十五运会闭幕式在深圳举行。",                     # the event itself, not a spirit studied
    "6月4日，市委书记林某某到开发区调研，为迎接党的二十大召开营造良好氛围。",  # a meeting to come
    "3月17日至19日，省委书记林某某调研，抓好省委“1310”具体部署落实。",     # a standing plan
    "6月13日，召开学习省党代会精神宣讲报告会。",                  # which congress is not said
    "3月17日，市委书记林某某调研，学习贯彻全国两会精神。",              # held every year
    "1月5日，市委书记林某某调研，2023年以来全市GDP增长5%，到2035年基本实现现代化。",
])
def test_words_that_do_not_date_a_report(text):
    assert _read(text).event_date is None


def test_the_latest_meeting_cited_is_the_bound():
    text = "深入学习贯彻党的二十大和二十届二中、三中全会精神。"
    assert not_before(text)[0] == date(2024, 7, 18)


def test_a_year_named_in_a_figure_is_not_an_event_year():
    assert named_year("5月19日，2024年全市荔枝产量增长，2025年度表彰大会举行。", latest=2026) is None
    assert named_year("5月19日，2030年荔枝节举行。", latest=2026) is None


def test_a_template_with_placeholders_has_no_event_date():
    article = _read("今天是2025年9月2日，我们在此召开推进会。办好盛会是赋予XX省和XX市的光荣使命。")
    assert article.event_date is None and article.undated is None
    assert article.warnings == ("template text (XX placeholders): no event date",)


def test_a_report_that_calls_this_year_a_plans_first_year_is_of_that_year():
    text = "今年是“十五五”开局之年。1月8日，市委书记林某某到高新区调研，强调要抓好开局。"
    assert _read(text).event_date == date(2026, 1, 8)
    assert _read("1月8日，市委书记林某某调研，谋划“十五五”时期发展。").event_date is None


def test_a_congress_dates_a_report_only_in_the_half_year_after_it():
    assert _read("12月2日，市委书记林某某调研，深入学习贯彻党的二十大精神。").event_date == date(2022, 12, 2)
    # Cited for the whole term: 9月3日 could be any later year.
    assert _read("9月3日，市委书记林某某调研，深入学习贯彻党的二十大精神。").event_date is None


def test_a_report_on_the_eve_of_a_meeting_is_of_that_meeting_year_before_it():
    text = "10月10日，在喜迎党的二十大胜利召开之际，市委书记林某某到社区走访。"
    assert _read(text).event_date == date(2022, 10, 10)
    later = "11月5日，在喜迎党的二十大胜利召开之际，市委书记林某某到社区走访。"
    assert _read(later).event_date is None


def test_a_plans_first_year_written_out_dates_a_report_but_not_one_that_looks_ahead_at_years_end():
    text = "1月10日，市委书记林某某到镇里督导。2026年是“十五五”开局之年，要起好步。"
    assert _read(text).event_date == date(2026, 1, 10)
    ahead = "12月20日，市委书记林某某主持召开会议。2026年是“十五五”开局之年，要早谋划。"
    assert _read(ahead).event_date is None
    assert _read("1月10日，市委书记林某某督导。2027年是“十五五”开局之年。").event_date is None


def test_a_template_with_blanks_where_names_were_taken_out_has_no_event_date():
    text = "今天，我们在此召开推进会，深入贯彻落实_书记重要讲话精神。要破除_机制障碍，推动工作落地。"
    article = _read(text, read_on=date(2025, 7, 24))
    assert article.event_date is None
    assert article.warnings == ("template text (XX placeholders): no event date",)
    coded = "3月2日，市委书记林某某调研，察看file_name和data_v2两套系统，强调抓好数据安全。"
    assert "template text (XX placeholders): no event date" not in _read(coded).warnings
