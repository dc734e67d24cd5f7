"""Reading cities: districts and counties map to their city; look-alike words do not."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from weeklydigest.model import CITIES, Article
from weeklydigest.understand.extract import extract, find_cities, load_gazetteer

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("text", "city"), [
    ("到中山市调研", "中山"), ("在翠亨新区", "中山"), ("新兴县", "云浮"), ("和平县", "河源"), ("高要区", "肇庆"),
    ("乳源瑶族自治县", "韶关"), ("深汕特别合作区", "深圳"), ("横琴", "珠海"), ("松山湖", "东莞"), ("阳春市", "阳江"),
    ("新会陈皮", "江门"), ("南沙区", "广州"), ("湛江市", "湛江"),
])
def test_places_map_to_their_city(text, city):
    assert dict(find_cities(text)) == {city: 1}


@pytest.mark.parametrize("text", [
    "中山大学附属第一医院", "孙中山先生", "沿中山路步行", "中山北路", "培育新兴产业", "和平与发展是时代主题",
    "对工作提出更高要求", "阳春三月", "南沙群岛", "新会员注册", "黄河源头",
])
def test_words_that_contain_a_place_name_are_not_places(text):
    assert dict(find_cities(text)) == {}


def test_every_city_is_in_the_gazetteer_with_its_counties():
    gazetteer = load_gazetteer()
    assert set(gazetteer.places.values()) == set(CITIES)
    for city in CITIES:
        assert sum(1 for c in gazetteer.places.values() if c == city) >= 2, city


def _article(title: str, text: str, outlet: str = "") -> Article:
    return Article(id="x", title=title, url="", source="t", origin="x.md", published=datetime(2025, 11, 18, tzinfo=TZ),
                   text=text, outlet=outlet)


def test_item_city_is_the_acting_secretarys_not_the_outlets_or_the_places_visited():
    article = _article("深圳市党政代表团到汕尾考察",
                       "11月17日，深圳市委书记孟凡利率团到汕尾考察。汕尾市委书记逯峰陪同考察。", outlet="汕尾日报")
    assert extract(article, fallback=date(2025, 11, 23)).city == "深圳"


def test_province_level_actor_gives_guangdong():
    article = _article("黄坤明在湛江调研",
                       "11月20日，省委书记、省人大常委会主任黄坤明到湛江调研。湛江市委书记余钢陪同。")
    result = extract(article, fallback=date(2025, 11, 23))
    assert result.city == "广东"
    assert [(o.name, o.city) for o in result.officials] == [("黄坤明", "广东"), ("余钢", "湛江")]


def test_untitled_city_secretary_takes_the_outlets_city():
    article = _article("刘吉到博罗县宣讲", "19日上午，市委书记刘吉来到博罗县宣讲。", outlet="惠州日报")
    assert extract(article, fallback=date(2025, 11, 23)).city == "惠州"


def _city(text: str, *, title: str = "", outlet: str = "") -> str:
    article = Article(id="a", title=title, url="", source="s", origin="a.md", published=None, text=text, outlet=outlet)
    return extract(article, fallback=date(2026, 12, 1)).city


def test_a_round_up_of_several_cities_is_no_one_citys():
    text = ("近日，广东各地开展主题宣讲活动。中山：交通专场宣讲活动在中山举行，中山市委宣传部主办。"
            "湛江：宣讲轻骑兵进机关进企业。")
    assert _city(text) == ""
    assert _city(text, outlet="中山日报") == "中山"  # an outlet's own round-up is its city's
    lead_and_one_part = "近日，广东各地开展主题宣讲活动。\n中山：交通专场宣讲活动在中山举行，中山市委宣传部主办。"
    assert _city(lead_and_one_part) == ""
    assert _city("11月20日，中山举行交通专场宣讲活动。\n中山：宣讲员讲述交通建设故事。") == "中山"


def test_a_report_about_the_province_without_a_leader_is_the_provinces():
    text = ("8月29日，残特奥会组委会在广州举行新闻发布会。广东赛区提前比赛项目共有15项。"
            "广东省残联介绍，广东代表团将设两个参赛团。")
    assert _city(text) == "广东"
    assert _city("8月29日，组委会在广州举行发布会，介绍广东赛区筹备情况。") == "广州"
