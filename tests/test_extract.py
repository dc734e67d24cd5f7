from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from weeklydigest.understand.extract import find_cities, find_dates, find_officials, split_sentences

PUBLISHED = datetime(2025, 11, 14, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _dates(text: str, published: datetime | None = PUBLISHED) -> list[tuple[str, str, str]]:
    return [(d.text, d.start.isoformat(), d.end.isoformat())
            for d in find_dates(text, published=published, fallback=date(2025, 11, 16))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11月13日，", [("11月13日", "2025-11-13", "2025-11-13")]),
        ("2024年11月13日，", [("2024年11月13日", "2024-11-13", "2024-11-13")]),
        ("5月14日至16日", [("5月14日至16日", "2025-05-14", "2025-05-16")]),
        ("11月12日下午和13日上午", [("11月12日下午和13日上午", "2025-11-12", "2025-11-13")]),
        ("11月11日—12日", [("11月11日—12日", "2025-11-11", "2025-11-12")]),
        ("11月11、12日", [("11月11、12日", "2025-11-11", "2025-11-12")]),
        ("十一月十三日", [("十一月十三日", "2025-11-13", "2025-11-13")]),
        ("日前，", [("日前", "2025-11-14", "2025-11-14")]),
    ],
)
def test_dates_and_ranges(text, expected):
    assert _dates(text) == expected


def test_missing_year_is_the_nearest_date_not_after_publication():
    january = datetime(2026, 1, 3, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert _dates("12月30日，", january) == [("12月30日", "2025-12-30", "2025-12-30")]


def test_bare_day_inherits_the_month_of_the_date_before_it():
    found = _dates("11月12日，他到汕头。13日，他又到潮州。")
    assert found[1] == ("13日", "2025-11-13", "2025-11-13")


@pytest.mark.parametrize(
    ("text", "name", "title", "city"),
    [
        ("市委书记唐屹峰到南海区调研", "唐屹峰", "市委书记", "佛山"),
        ("茂名市委书记庄悦群主持会议", "庄悦群", "市委书记", "茂名"),
        ("市委书记、市人大常委会主任何国森在会上强调", "何国森", "市委书记", "佛山"),
        ("省委宣讲团成员、云浮市委书记、市森林防灭火指挥部总指挥卢荣春来到", "卢荣春", "市委书记", "云浮"),
        ("湛江市委书记余钢在全市干部大会上强调", "余钢", "市委书记", "湛江"),
        ("省委书记黄坤明到梅州调研", "黄坤明", "省委书记", "广东"),
        ("市委副书记、市长李勇毅出席", "李勇毅", "市委副书记", "佛山"),
    ],
)
def test_officials_are_title_plus_name_with_the_title_city(text, name, title, city):
    (official,) = find_officials(text, home_city="佛山")
    assert (official.name, official.title, official.city) == (name, title, city)


@pytest.mark.parametrize("text", ["市委书记表示，要做好工作", "市委书记强调要抓好落实", "市委书记在会上指出"])
def test_verbs_after_a_title_are_not_names(text):
    assert find_officials(text, home_city="佛山") == []


def test_city_traps_are_not_cities():
    assert find_cities("中山大学教授介绍孙中山故居和中山路的历史") == {}
    assert find_cities("中山市委书记到翠亨新区") == {"中山": 2}


def test_counties_count_for_their_city():
    assert find_cities("市委书记到德庆县和封开县调研") == {"肇庆": 2}
    assert find_cities("新兴产业和平台建设") == {}


def test_sentences_carry_offsets_into_the_text():
    text = "第一句。第二句！\n第三段没有句号"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["第一句。", "第二句！", "第三段没有句号"]
    assert all(text[s.start:s.end] == s.text for s in sentences)
