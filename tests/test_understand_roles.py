"""Who acts in a report: relayed, quoted, delegating, former and accompanying leaders do not make the event theirs."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from weeklydigest.model import Article
from weeklydigest.understand.extract import extract
from weeklydigest.understand.officials import find_officials, read_mentions
from weeklydigest.understand.roster import Post, Roster

PUBLISHED = datetime(2025, 11, 21, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _roles(text: str, home: str = "湛江") -> list[tuple[str, str, str, str]]:
    return [(o.name, o.title, o.city, o.role) for o in find_officials(text, home_city=home)]


def _article(text: str, *, title: str = "", outlet: str = "", roster: Roster | None = None) -> Article:
    article = Article(id="a", title=title, url="", source="s", origin="a.md", published=PUBLISHED, text=text,
                      outlet=outlet)
    return extract(article, fallback=date(2026, 12, 1), roster=roster)


def _names(article: Article) -> list[str]:
    return [o.name for o in article.officials]


def test_a_relayed_instruction_is_not_read_as_acting():
    text = ("11月20日，县委召开会议，传达学习省委书记黄某某在全省会议上的讲话精神，"
            "贯彻落实市委书记林某某调研时的指示要求。")
    assert _roles(text) == [("黄某某", "省委书记", "广东", "relayed"), ("林某某", "市委书记", "湛江", "relayed")]
    article = _article(text)
    assert article.officials == ()
    assert [o.name for o in article.mentioned] == ["黄某某", "林某某"]


def test_the_secretary_who_chairs_the_meeting_acts_and_the_one_relayed_does_not():
    text = "11月20日，市委书记林某某主持召开市委常委会会议，传达学习省委书记黄某某在调研时的讲话精神。"
    assert _roles(text) == [("林某某", "市委书记", "湛江", ""), ("黄某某", "省委书记", "广东", "relayed")]
    assert _article(text, outlet="湛江日报").city == "湛江"


def test_a_leader_who_delegated_does_not_act():
    text = "11月20日，市委常委会召开会议。受市委书记林某某委托，市委副书记、市长陈某某主持会议并讲话。"
    assert ("林某某", "市委书记", "湛江", "delegated") in _roles(text)
    article = _article(text, title="市委常委会召开会议", outlet="湛江日报")
    assert _names(article) == ["陈某某"]  # the mayor acts; no secretary does
    assert article.city == "湛江"


def test_a_quoted_leader_does_not_act():
    text = "正如省委书记黄某某所说，高质量发展是硬道理。11月20日，县里召开推进会。"
    assert _roles(text) == [("黄某某", "省委书记", "广东", "quoted")]


@pytest.mark.parametrize("text", [
    "原中共广州市委书记林某某近日辞去代表职务。",
    "林某某曾担任深圳市委秘书长、珠海市委书记、广州市长。",
])
def test_a_former_post_is_not_acting(text):
    article = _article(text, title="林某某料任新职")
    assert not any(o.title == "市委书记" for o in article.officials)


def test_accompanying_leaders_take_part_but_the_event_is_the_provinces():
    text = "11月20日，省委书记黄某某到茂名调研，茂名市委书记林某某陪同。"
    assert _roles(text, home="茂名") == [
        ("黄某某", "省委书记", "广东", ""), ("林某某", "市委书记", "茂名", "accompanies")]
    article = _article(text, outlet="茂名日报")
    assert (_names(article), article.city) == (["黄某某", "林某某"], "广东")


def test_leaders_who_accompany_a_national_leader_are_listed_as_accompanying():
    text = "11月7日，总书记在广东省委书记黄某某和省长孟某某陪同下，来到梅州考察。"
    assert [(n, r) for n, _, _, r in _roles(text)] == [("黄某某", "accompanies"), ("孟某某", "accompanies")]
    assert _article(text).city == "广东"


def test_another_provinces_city_secretary_is_not_guangdongs():
    text = "11月20日，台州市委书记林某某率党政代表团来深圳考察。"
    assert _roles(text, home="深圳") == [("林某某", "市委书记", "", "other province")]
    article = _article(text, outlet="深圳特区报")
    assert (article.officials, article.city) == ((), "")


def test_a_host_secretary_makes_the_visit_his_citys():
    text = "11月20日，深圳市委书记陈某某会见台州市委书记林某某率领的党政代表团。"
    article = _article(text, outlet="台州日报")
    assert (_names(article), article.city) == (["陈某某"], "深圳")


def test_a_delegation_led_by_a_secretary_is_his_citys_not_the_outlets():
    text = ("11月20日，湛江市委书记刘某某、市长曾某某率党政代表团来佛山考察交流。"
            "佛山市委书记郑某某，市长白某某参加活动。")
    assert _roles(text, home="佛山") == [
        ("刘某某", "市委书记", "湛江", ""), ("曾某某", "市长", "湛江", ""),
        ("郑某某", "市委书记", "佛山", ""), ("白某某", "市长", "佛山", "")]
    assert _article(text, outlet="佛山日报").city == "湛江"


def test_a_delegation_received_by_the_host_secretary_is_the_hosts():
    text = "11月20日，江门市委书记陈某某率党政代表团来深圳考察。深圳市委书记孟某某会见代表团一行。"
    assert _article(text, outlet="深圳特区报").city == "深圳"


def test_the_chair_of_a_city_meeting_makes_it_the_citys_even_with_the_provincial_secretary_there():
    text = ("12月24日，广州市领导干部会议召开。省委书记黄某某出席会议并讲话。"
            "省委常委、广州市委书记冯某某出席会议，市委书记林某某主持会议。")
    assert _article(text).city == "广州"
    text = "1月5日，省委常委会召开会议。省委书记黄某某主持会议并讲话，省委副书记、深圳市委书记孟某某出席会议。"
    assert _article(text).city == "广东"


def test_a_provincial_visit_stays_the_provinces_when_the_city_secretary_chairs_a_briefing():
    text = "11月20日，省长王某某到清远调研。在座谈会上，清远市委书记殷某某主持会议，王某某强调要抓好落实。"
    assert _article(text, outlet="清远日报").city == "广东"


def test_a_vice_governor_is_not_the_governor_and_a_county_secretary_not_a_city_secretary():
    text = "副省长林某某、英德市委书记陈某某、郁南县委书记梁某某出席。"
    assert [(n, t, r) for n, t, _, r in _roles(text, home="清远")] == [("陈某某", "英德市委书记", "county")]
    assert _article(text).officials == ()


@pytest.mark.parametrize(("text", "name", "title", "city"), [
    ("11月20日，省委副书记、省长，深圳市委书记孟某某出席会议。", "孟某某", "省长", "广东"),
    ("11月20日，市委书记，市人大常委会党组书记、主任，市“百县千镇万村高质量发展工程”（简称“百千万工程”）指挥部总指挥陈某某到蓬江区调研。",
     "陈某某", "市委书记", "江门"),
])
def test_a_title_chain_is_read_whole(text, name, title, city):
    found = find_officials(text, home_city="江门")
    assert [(o.name, o.title, o.city) for o in found][:1] == [(name, title, city)]


def test_a_title_chain_with_a_commas_does_not_take_a_former_governors_name_from_the_roster():
    roster = Roster((Post("广东", "省长", "王某某", start=date(2021, 12, 27), end=date(2025, 10, 10)),
                     Post("广东", "省长", "孟某某", start=date(2025, 10, 11))))
    article = _article("11月20日，省委副书记、省长，深圳市委书记孟某某出席会议。", roster=roster)
    assert _names(article) == ["孟某某"]


def test_a_city_title_without_a_place_is_not_guangdongs_in_a_text_that_names_no_guangdong_place():
    text = "3月2日，市委书记张某某到经开区调研，强调要抓好项目建设。"
    article = _article(text, title="市委书记张某某调研经开区")
    assert article.officials == () and article.city == ""
    assert [(o.name, o.role) for o in article.mentioned] == [("张某某", "no Guangdong city")]
    placed = _article("3月2日，湛江市委书记张某某到经开区调研。", title="湛江市委书记调研经开区")
    assert _names(placed) == ["张某某"] and placed.city == "湛江"


def test_a_placeless_city_title_is_the_rosters_city_when_the_roster_gives_that_name_that_post():
    text = "3月2日，市委书记、市人大常委会主任张某某在市区作宣讲报告，强调要抓好项目建设。"
    roster = Roster((Post("河源", "市委书记", "张某某"),))
    article = _article(text, title="市委宣讲团首场报告会举行", roster=roster)
    assert _names(article) == ["张某某"] and article.city == "河源"
    ended = Roster((Post("河源", "市委书记", "张某某", start=date(2020, 1, 1), end=date(2024, 1, 1)),))
    assert _article(text, title="市委宣讲团首场报告会举行", roster=ended).officials == ()
    other = Roster((Post("河源", "市委书记", "李某某"),))
    assert _article(text, title="市委宣讲团首场报告会举行", roster=other).officials == ()


@pytest.mark.parametrize("text", [
    "经中央批准，林某某担任湛江市委书记。",
    "会议宣布，林某某同志任湛江市委书记。",
    "省委决定，免去林某某同志的湛江市委书记职务。",
])
def test_a_post_someone_is_appointed_to_or_removed_from_is_not_an_activity(text):
    found, nameless = read_mentions(text, home_city="湛江")
    assert found == [] and [(o.title, o.role) for o in nameless] == [("市委书记", "appointed or removed")]
    assert _article(text, title="人事任免").officials == ()
    _, acting = read_mentions("湛江市委书记出席会议并讲话。", home_city="湛江")
    assert [(o.title, o.role) for o in acting] == [("市委书记", "")]


def test_cities_named_only_in_a_list_of_places_do_not_make_the_report_theirs():
    text = ("7月25日，全国运动会组委会举行发布会，介绍筹办情况。比赛项目分布在广州、深圳、珠海、香港等十多个城市，"
            "测试赛已完成过半。")
    assert _article(text, title="全运会筹办情况发布会").city == ""
    local = text + "深圳赛区的场馆改造已全部完成，深圳将承办开幕式。"
    assert _article(local, title="全运会筹办情况发布会").city == "深圳"


def test_a_list_of_one_citys_districts_still_makes_the_report_that_citys():
    text = "3月2日，市委书记林某某到赤坎、霞山、麻章等区调研，强调要抓好项目建设。"
    assert _article(text, title="市委书记调研项目建设").city == "湛江"
