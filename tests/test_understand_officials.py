"""Reading officials: title + name with the title's city, chains of posts, the roster."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from weeklydigest.errors import ConfigError
from weeklydigest.understand.extract import find_officials
from weeklydigest.understand.officials import complete_from_roster, read_mentions
from weeklydigest.understand.roster import Post, Roster, load_roster

ROSTER = Roster((
    Post("韶关", "市委书记", "陈少荣"),
    Post("梅州", "市委书记", "马正勇", start=date(2021, 9, 1)),
    Post("东莞", "市委书记", "韩利"),
    Post("云浮", "市委书记", "旧书记", start=date(2020, 1, 1), end=date(2024, 12, 31)),
    Post("云浮", "市委书记", "卢荣春", start=date(2025, 1, 1)),
))


def _read(text: str, home: str = "韶关", roster: Roster | None = None) -> list[tuple[str, str, str]]:
    return [(o.name, o.title, o.city)
            for o in find_officials(text, home_city=home, roster=roster, day=date(2025, 11, 18))]


@pytest.mark.parametrize(("text", "expected"), [
    ("市委书记陈少荣到乳源调研", ("陈少荣", "市委书记", "韶关")),
    ("茂名市委书记庄悦群到电白区调研", ("庄悦群", "市委书记", "茂名")),
    ("市委书记、市人大常委会主任何国森到会", ("何国森", "市委书记", "韶关")),
    ("市委书记、市人大常委会主任、市总河长何国森到和平县", ("何国森", "市委书记", "韶关")),
    ("省委常委，市委书记、市十五运会和残特奥会筹委会主任郭永航先后来到海心沙", ("郭永航", "市委书记", "韶关")),
    ("省委书记、省人大常委会主任黄坤明主持会议", ("黄坤明", "省委书记", "广东")),
    ("省委副书记、省长王伟中检查", ("王伟中", "省长", "广东")),
    ("市委书记韩利率队检查", ("韩利", "市委书记", "韶关")),
    ("市委书记余钢看望一线工作人员", ("余钢", "市委书记", "韶关")),
])
def test_title_and_name(text, expected):
    assert _read(text) == [expected]


def test_name_that_runs_into_an_unknown_verb_is_cut_where_it_recurs():
    assert _read("市委书记孟凡利用通俗的语言宣讲。孟凡利强调，要加油干。") == [("孟凡利", "市委书记", "韶关")]


@pytest.mark.parametrize("text", [
    "市委书记表示，要抓好落实。", "市委书记强调，要抓好落实。", "市委书记高度重视此项工作。",
    "市委书记主持召开会议。", "市委书记向全市人民致以问候。", "市委书记在会上讲话。",
])
def test_verbs_after_a_title_are_not_names(text):
    assert _read(text) == []


def _unnamed(text: str, home: str, day: date | None) -> tuple[list[str], list[tuple[str, str, str, str]]]:
    found, nameless = read_mentions(text, home_city=home, roster=ROSTER)
    officials, unnamed = complete_from_roster(text, found, nameless, roster=ROSTER, day=day)
    return [o.name for o in officials], [(o.name, o.title, o.city, o.note) for o in unnamed]


def test_the_roster_never_puts_a_name_the_text_lacks_into_a_nameless_title():
    names, unnamed = _unnamed("市委书记出席会议并讲话。", "梅州", date(2025, 11, 17))
    assert names == []
    assert unnamed == [("", "市委书记", "梅州", "roster: 梅州市委书记 on 2025-11-17 is 马正勇")]
    _, unnamed = _unnamed("市委书记出席会议并讲话。", "云浮", date(2025, 6, 1))
    assert unnamed[0][3].endswith("is 卢荣春")  # not 旧书记, whose entry ended
    _, unnamed = _unnamed("市委书记出席会议并讲话。", "梅州", None)
    assert unnamed == [("", "市委书记", "梅州", "")]  # an unknown day: no holder to suggest


def test_a_nameless_title_takes_the_roster_holder_when_the_text_names_that_person():
    names, unnamed = _unnamed("市委书记出席会议并讲话。马正勇指出，要抓好落实。", "梅州", date(2025, 11, 17))
    assert names == ["马正勇"]
    assert unnamed == []


@pytest.mark.parametrize(("text", "home", "day"), [
    ("市委书记出席会议并讲话。", "梅州", None),                 # the event day is unknown
    ("市委书记出席会议并讲话。", "梅州", date(2021, 3, 1)),      # before the entry begins
    ("市委书记出席会议并讲话。", "韶关", date(2025, 11, 17)),    # an entry without `from`
    ("他曾任梅州市委书记、省某厅厅长。", "梅州", date(2025, 11, 17)),  # a former post
    ("传达学习市委书记在全市大会上的讲话精神。", "梅州", date(2025, 11, 17)),  # relayed
    ("全省各地级以上市市委书记参加会议。", "梅州", date(2025, 11, 17)),  # no one person
])
def test_the_roster_never_puts_a_name_into_a_title_that_does_not_act_on_a_known_day(text, home, day):
    assert find_officials(text, home_city=home, roster=ROSTER, day=day) == []


def test_a_name_without_a_title_takes_the_post_the_roster_gives_it_that_day():
    roster = Roster((Post("广州", "市委书记", "郭某某", start=date(2023, 7, 1), end=date(2025, 12, 24)),))
    text = "广州市领导干部会议召开，郭某某主持会议。"
    found = find_officials(text, home_city="广州", roster=roster, day=date(2025, 12, 24))
    assert [(o.name, o.title, o.city, o.note) for o in found] == [("郭某某", "市委书记", "广州", "title from roster")]
    assert find_officials(text, home_city="广州", roster=roster, day=date(2026, 1, 24)) == []
    assert find_officials(text, home_city="广州", roster=roster, day=None) == []


def test_roster_respects_the_dates_of_office():
    assert ROSTER.holder("云浮", "市委书记", date(2024, 6, 1)) == "旧书记"
    assert ROSTER.holder("云浮", "市委书记", date(2025, 11, 17)) == "卢荣春"


def test_roster_gives_the_city_of_a_known_name_without_a_place():
    assert _read("市委书记韩利出席", home="广州", roster=ROSTER) == [("韩利", "市委书记", "东莞")]


def test_a_name_in_the_text_wins_and_the_roster_disagreeing_is_a_warning():
    from weeklydigest.model import Article
    from weeklydigest.understand.extract import extract

    article = Article(id="a", title="韩立到松山湖调研", url="", source="s", origin="a.md",
                      published=datetime(2025, 11, 21, 20, 0), text="11月21日，东莞市委书记韩立到松山湖调研。")
    read = extract(article, fallback=date(2026, 12, 1), roster=ROSTER)
    assert [o.name for o in read.officials] == ["韩立"]
    assert read.warnings == ("roster: 东莞市委书记 on 2025-11-21 is 韩利, the article says 韩立",)


def test_roster_flags_a_name_it_disagrees_with():
    assert ROSTER.check("韩立", "市委书记", "东莞", date(2025, 11, 21)) == (
        "roster: 东莞市委书记 on 2025-11-21 is 韩利, the article says 韩立")
    assert ROSTER.check("韩利", "市委书记", "东莞", date(2025, 11, 21)) == ""


def test_bundled_roster_loads_with_every_city():
    roster = load_roster(Path(__file__).resolve().parents[1] / "config" / "officials.yaml")
    assert len({p.city for p in roster.posts}) == 22


def test_roster_problems_name_the_entry_and_what_was_expected(tmp_path):
    path = tmp_path / "officials.yaml"
    path.write_text("- {city: 广州, title: 市委书记, name: 郭永航, from: soon}\n"
                    "- {city: 火星, title: 书记, name: 张}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_roster(path)
    assert caught.value.problems == [
        "Roster value 'officials[0].from': expected a date YYYY-MM-DD, got 'soon'",
        "Roster value 'officials[1].city': expected one of the 21 cities or 广东, got '火星'",
        "Roster value 'officials[1].title': expected one of 市委书记, 市长, 省委书记, 省长, got '书记'",
        "Roster value 'officials[1].name': expected a name of 2 to 4 characters, got '张'",
    ]


def test_missing_roster_file_is_an_empty_roster(tmp_path):
    assert load_roster(tmp_path / "none.yaml") == Roster()


def test_a_candidate_post_in_a_chain_does_not_swallow_the_name():
    assert ("陈少荣", "市委书记", "韶关") in _read("市委书记、市人大常委会主任候选人陈少荣出席会议")
    assert ("陈少荣", "市委书记", "韶关") in _read("市委书记、市政协主席人选陈少荣出席会议")
