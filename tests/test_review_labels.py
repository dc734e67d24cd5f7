"""The review pages' Chinese for the machine's English reasons: every reason the pipeline gives is translated."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from weeklydigest.model import Article, Digest, SectionRule
from weeklydigest.review import labels
from weeklydigest.understand.learn import learn
from weeklydigest.understand.roster import Post, Roster
from weeklydigest.understand.sections import score_sections

from .render_fixtures import saved_digest

ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
RULES = (SectionRule("百千万工程", ("百千万工程", "典型村"), require=("县域",)),
         SectionRule("十五运会和残特奥会", ("十五运会",), exclude=("彩票",)),
         SectionRule("宣讲党的二十届四中全会精神", ("四中全会",)))


def article(title: str, text: str) -> Article:
    return Article(id="a1", title=title, url="", source="样例", origin="", published=None, text=text)


def english_left(text: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    return [w for w in ENGLISH_WORD.findall(text) if w not in allowed]


def reasons_of(digest: Digest) -> list[str]:
    return [w for s in digest.sections for i in s.items for w in i.why]


@pytest.mark.parametrize(("title", "text"), [
    ("十五运会赛区检查", "市委书记检查十五运会筹备。十五运会赛区运行平稳。十五运会志愿者到岗。"),
    ("县域经济与百千万工程", "市委书记调研百千万工程。县域经济要走好典型村建设。"),
    ("彩票站开业", "十五运会主题彩票发售。"),
    ("学习会议", "会议传达学习贯彻十五运会开幕式重要讲话重要指示精神。"),
    ("冷空气到来", "本周气温下降。"),
    ("市委书记到凤安镇调研", "11月12日，市委书记张三到凤安镇调研。凤安镇是省典型村建设示范镇。"
     "他强调，要以百千万工程为牵引，推动县域发展。"),
    ("市委常委会召开会议", "会议听取百千万工程、一季度经济运行、安全生产等工作情况汇报。会议还研究了其他事项。"),
])
def test_every_reason_the_section_scorer_gives_reads_in_chinese(title: str, text: str) -> None:
    for score in score_sections(article(title, text), RULES, set_phrases=("十五运会开幕式重要讲话重要指示精神",)):
        for why in score.why:
            assert english_left(labels.why(why)) == [], why


def test_a_learned_reason_reads_in_chinese() -> None:
    example = "市委书记到典型村调研乡村振兴和驻镇帮镇扶村工作"
    learned = learn([(example, "百千万工程"), ("市委书记检查十五运会赛区", "十五运会和残特奥会")])
    rules = (SectionRule("百千万工程", ("百千万工程",)), SectionRule("十五运会和残特奥会", ("十五运会",)))
    scores = score_sections(article("调研乡村振兴", example + "。"), rules, set_phrases=(), learned=learned)
    [why] = [w for score in scores for w in score.why if w.startswith("learned from")]
    assert english_left(labels.why(why)) == [] and labels.why(why).startswith("参照编辑的 1 次归类更正")


def test_the_sample_digests_reasons_all_read_in_chinese(sample_digest: Digest) -> None:
    for digest in (saved_digest(), sample_digest):
        for why in reasons_of(digest):
            assert english_left(labels.why(why)) == [], why
        for unassigned in digest.unassigned:
            assert english_left(labels.unassigned(unassigned.reason)) == [], unassigned.reason


@pytest.mark.parametrize(("english", "chinese"), [
    ("no section keyword", "不含任何栏目关键词"),
    ("best section 百千万工程 scored 1", "最接近的栏目“百千万工程”只得 1 分"),
    ("no date found", "找不到日期"), ("no city found", "找不到所属城市"),
    ("no party secretary or provincial leader named", "未提到市委书记、省委书记或省长"),
])
def test_why_an_article_is_unassigned_reads_in_chinese(english: str, chinese: str) -> None:
    assert labels.unassigned(english) == chinese


def test_a_roster_warning_reads_in_chinese() -> None:
    roster = Roster((Post("梅州", "市委书记", "马正勇"),))
    warning = roster.check("李四", "市委书记", "梅州", date(2025, 11, 13))
    assert labels.warning(warning) == "名单核对：2025年11月13日的梅州市委书记是马正勇，报道写的是李四"


@pytest.mark.parametrize(("english", "chinese"), [
    ("keyword 百千万工程 in the opening (1x)", "开头（领导活动之前）含关键词 百千万工程（1 次）"),
    ("keyword 百千万工程 where the leader acts or speaks (2x)", "领导活动或讲话处含关键词 百千万工程（2 次）"),
    ("keyword 典型镇 says what the place visited is", "关键词 典型镇 点明所到之处"),
    ("keyword 百千万工程 as one of several listed topics (1x)", "关键词 百千万工程 只是所列多项议题之一（1 次）"),
    ("topic words 乡村、振兴 in 4 of 6 sentences", "主题词 乡村、振兴 出现在 6 句中的 4 句"),
    ("subject of the article (3 of 5 sentences)", "全文主题（5 句中有 3 句谈到）"),
])
def test_each_kind_of_section_evidence_reads_in_chinese(english: str, chinese: str) -> None:
    assert labels.why(english) == chinese


def test_merged_and_added_items_explain_themselves_in_chinese() -> None:
    assert labels.why("merged: keyword 十五运会 in title") == "合并：标题含关键词 十五运会"
    assert labels.why("added by 王编辑 from the unassigned articles") == "王编辑 从未归类的报道中加入"


def test_a_reason_no_rule_knows_is_shown_as_it_is() -> None:
    assert labels.why("a brand-new reason") == "a brand-new reason"
    assert labels.message("something went wrong") == "something went wrong"


def test_moments_are_shown_in_the_configured_time_zone() -> None:
    shanghai, london = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/London")
    assert labels.local_time("2025-11-17T00:30:00.000000+00:00", shanghai) == "2025-11-17 08:30"
    assert labels.local_time("2025-11-17T08:30:00+08:00", london) == "2025-11-17 00:30"
    assert labels.local_time("2025-11-17T08:30:00", london) == "2025-11-17 08:30"  # no zone: as written
    assert labels.local_time("", shanghai) == "" and labels.local_time(None, shanghai) == ""
    assert labels.local_time("not a time", shanghai) == "not a time"


def test_the_edits_on_drafts_and_themes_read_in_chinese() -> None:
    from weeklydigest.review.page import edit_line

    assert edit_line({"op": "accept", "field": "lede"}, {}) == "采用草拟：导语"
    assert edit_line({"op": "headline", "text": "新标题"}, {}) == "撰写标题"
    assert edit_line({"op": "theme_rename", "phrase": "强链条", "title": "链长制"}, {}) == "专题改名：强链条 → 链长制"
    assert edit_line({"op": "theme_drop", "phrase": "强链条"}, {}) == "删除专题：强链条"
    assert labels.orphan("no machine draft of the headline") == "没有机器草拟的标题"
    assert labels.orphan("no theme 强链条") == "本期没有提法为“强链条”的专题"


def test_the_date_warnings_of_the_extractor_read_in_chinese() -> None:
    from weeklydigest.understand.event import TEMPLATE, YEAR_UNKNOWN

    assert labels.warning(TEMPLATE) == "模板文字（含 XX 占位）：没有事件日期"
    assert labels.warning(f"{YEAR_UNKNOWN}: the event is 11月13日 of an unknown year") == \
        "年份不明：事件日期“11月13日”无法确定是哪一年"


def test_a_nameless_leader_warning_reads_in_chinese() -> None:
    assert labels.warning("roster: 梅州市委书记 on 2025-11-17 is 马正勇; the text gives no name") == \
        "名单核对：报道没有写名字；2025年11月17日的梅州市委书记按名单是马正勇"
    assert labels.warning("roster: 梅州市委书记 on 2025-11-13 is 马正勇, the article says 李四") == \
        "名单核对：2025年11月13日的梅州市委书记是马正勇，报道写的是李四"
