"""Summaries a desk would keep: the leader's own action and key line, exact source text, nothing of our own."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from weeklydigest.model import Article, Official, SectionScore, display
from weeklydigest.understand.summarise import pick_sentences, summarise

TZ = ZoneInfo("Asia/Shanghai")


def _article(text: str, *, name: str = "陈立新", title: str = "市委书记", city: str = "阳江",
             flagged: tuple[tuple[int, int], ...] = ()) -> Article:
    return Article(id="d1", title="陈立新到阳东调研", url="", source="t", origin="d1.md",
                   published=datetime(2025, 11, 20, 20, tzinfo=TZ), text=text, city=city,
                   event_date=date(2025, 11, 20), officials=(Official(name=name, title=title, city=city),),
                   flagged=flagged)


def _texts(article: Article, limit: int = 260) -> list[str]:
    return [display(r) for r in pick_sentences(article, limit=limit)]


def test_the_event_sentence_leads_when_the_leader_s_own_sentence_has_no_date():
    text = ("11月20日，全市海洋牧场建设现场推进会在阳西县召开。市委书记陈立新出席会议并讲话。\n"
            "陈立新强调，要加快建设现代化海洋牧场，把向海发展的优势转化为富民兴业的胜势。")
    lead, leader, key = _texts(_article(text))
    assert lead.startswith("11月20日，全市海洋牧场建设现场推进会")
    assert leader.startswith("市委书记陈立新出席会议")
    assert key.startswith("陈立新强调")


def test_a_dated_lead_is_not_preceded_by_background():
    text = ("近年来，阳东区以典型镇培育为抓手，推动镇域经济提质增效。\n"
            "11月20日，市委书记陈立新到阳东区合山镇调研典型镇建设。\n"
            "陈立新要求，要把典型镇建设作为推动县域高质量发展的重要支点。")
    assert [t[:6] for t in _texts(_article(text))] == ["11月20日", "陈立新要求，"]


def test_why_the_visited_place_matters_follows_the_lead():
    text = ("11月20日，市委书记陈立新到阳春市春湾镇调研。\n"
            "春湾镇是省“百千万工程”第三批典型镇。\n"
            "在镇产业园，陈立新察看了农产品加工项目。\n"
            "陈立新强调，要做强镇域主导产业，带动群众增收。")
    texts = _texts(_article(text), limit=120)
    assert texts[1] == "春湾镇是省“百千万工程”第三批典型镇。"
    assert texts[-1].startswith("陈立新强调")


def test_the_key_line_is_the_leader_s_own_not_a_relayed_superior_s_or_another_official_s():
    text = ("11月20日，市委书记陈立新主持召开市委常委会会议。\n"
            "会议传达学习了省委书记黄坤明在全省会议上的讲话精神。黄坤明强调，要全力抓好冬春农业生产。\n"
            "习近平总书记强调，要坚持以人民为中心的发展思想。\n"
            "市长王晓东表示，市政府将抓好各项任务落实。\n"
            "陈立新强调，要把省委部署转化为阳江的具体行动，抓实抓细冬春农业生产。")
    refs = pick_sentences(_article(text), limit=400)
    keys = [r.text for r in refs if r.key]
    assert keys == ["陈立新强调，要把省委部署转化为阳江的具体行动，抓实抓细冬春农业生产。"]
    assert not any(r.text.startswith(("黄坤明强调", "习近平总书记强调", "市长王晓东表示")) for r in refs)


def test_the_noun_yaoqiu_is_not_the_leader_speaking():
    text = ("11月20日，市委书记陈立新到一家企业宣讲党的二十届四中全会精神。\n"
            "座谈会上，他结合全会关于建设现代化产业体系的要求，与大家分享学习体会。\n"
            "陈立新强调，要把学习成效转化为推动高质量发展的实际行动。")
    refs = pick_sentences(_article(text), limit=400)
    assert [r.text[:5] for r in refs if r.key] == ["陈立新强调"]


def test_the_meeting_s_own_line_is_the_key_line_only_when_the_leader_has_none():
    text = ("11月20日，市“百千万工程”指挥部召开全体会议。市委书记陈立新出席会议。\n"
            "会议强调，要对照年度目标查漏补缺，确保各项任务按时完成。")
    refs = pick_sentences(_article(text), limit=400)
    assert [r.text[:4] for r in refs if r.key] == ["会议强调"]


def test_captions_datelines_bylines_and_flagged_sentences_are_never_used():
    text = ("本报讯（记者 李明 通讯员 张华）11月20日，市委书记陈立新到海陵岛调研滨海旅游发展。\n"
            "记者 李明 摄\n"
            "陈立新察看了沙滩整治和旅游码头建设情况。\n"
            "陈立新强调，要把海岛资源优势转化为发展优势。")
    flagged_at = text.index("陈立新察看")
    article = _article(text, flagged=((flagged_at, flagged_at + 10),))
    refs = pick_sentences(article, limit=400)
    assert refs[0].text.startswith("11月20日，市委书记陈立新") and text[refs[0].start:refs[0].end] == refs[0].text
    assert not any("摄" in r.text or "本报讯" in r.text or "记者" in r.text for r in refs)
    assert not any(r.text.startswith("陈立新察看") for r in refs)


LONG = ("11月20日，市委书记陈立新到阳东区，深入大沟镇、东平镇和雅韶镇，调研“百千万工程”推进、海洋经济发展和"
        "镇村人居环境整治情况，并主持召开座谈会，听取各镇工作汇报。\n"
        "在东平镇，陈立新走进渔港和水产品加工企业，详细了解渔民增收和冷链物流建设情况。\n"
        "陈立新强调，要深入实施“百千万工程”，坚持陆海统筹、向海图强，做强海洋渔业和滨海旅游两大主导产业，"
        "推动镇域经济提质扩容，加快建设宜居宜业和美乡村，让群众在家门口过上好日子。\n"
        "陈立新要求，各级各部门要强化责任担当，确保各项工作落地见效。")


def test_a_tight_budget_never_leaves_an_item_without_when_who_what_and_the_key_line():
    refs = pick_sentences(_article(LONG), limit=40)
    text = "".join(display(r) for r in refs)
    assert "11月20日" in text and "陈立新" in text and "调研" in text
    assert any(r.key and r.text.startswith("陈立新强调，要深入实施") for r in refs)
    assert any(r.cut for r in refs)


def test_an_item_of_several_articles_keeps_each_lead_and_key_line():
    item = summarise("阳江", [(_article(LONG), SectionScore("百千万工程", 5.0, ("keyword 百千万工程 in title",)))],
                     budget=60)
    assert item.dates == ("2025-11-20",)
    assert item.summary.startswith("11月20日，市委书记陈立新到阳东区")
    assert "陈立新强调，要深入实施“百千万工程”" in item.summary


@settings(max_examples=60, deadline=None)
@given(limit=st.integers(min_value=20, max_value=400))
def test_every_budget_gives_exact_source_spans_and_no_punctuation_of_our_own(limit: int):
    article = _article(LONG)
    refs = pick_sentences(article, limit=limit)
    assert refs
    for ref in refs:
        assert LONG[ref.start:ref.end] == ref.text
        shown = display(ref)
        if ref.cut:
            assert shown == ref.text + "……" and LONG[ref.end] in "，；：,;:"
        else:
            assert shown == ref.text
    # Every full stop in the summary is the source's own, at the end of a whole sentence.
    for ref in refs:
        assert not re.search(r"。", display(ref)[:-1] if not ref.cut else display(ref))
