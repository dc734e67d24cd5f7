"""SEO spam with precision: each removal rests on evidence, and a report's own lines stay."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from weeklydigest.model import RawDocument
from weeklydigest.understand import spam
from weeklydigest.understand.clean import SPAM, clean
from weeklydigest.understand.dedupe import dedupe
from weeklydigest.understand.siblings import remove_sibling_spam
from weeklydigest.understand.spam import SpamRules

TZ = ZoneInfo("Asia/Shanghai")
TITLE = "林志远到白沙镇调研乡村产业发展"
LEAD = "3月12日，市委书记林志远到白沙镇调研乡村产业发展，察看茶叶加工厂和村集体合作社。"
BODY = "林志远强调，要把特色产业做强做优，带动更多村民在家门口就业增收。"
LAST = "林志远要求，各级各部门要压实责任，推动各项工作落地见效。"
NO_BLOCKLIST = SpamRules(blocklist=())


def _doc(body: str, *, title: str = TITLE, origin: str = "a.md", url: str = "") -> RawDocument:
    return RawDocument(origin=origin, source="test", title=title, url=url, published=datetime(2025, 3, 13, tzinfo=TZ),
                       body=body, fmt="markdown")


def _spam(article) -> list[tuple[str, str]]:
    return [(r.text, r.detail) for r in article.removed if r.reason == SPAM]


def test_genuine_descriptive_sentences_of_a_report_are_kept():
    landscape = "暮春时节，云雾在山腰间缓缓流动，层层叠叠的梯田一直铺到天边。"
    saying = "千里之行，始于足下；不积跬步，无以至千里。"
    villager = "“以前挑着担子走两个钟头才到圩镇，现在车子开到家门口。”老人笑着说。"
    body = "\n\n".join([LEAD, landscape, BODY, saying, villager, LAST])
    article = clean(_doc(body), spam=NO_BLOCKLIST)
    assert article.paragraphs == [LEAD, landscape, BODY, saying, villager, LAST]
    assert _spam(article) == []


def test_a_pasted_story_sentence_is_cut_with_the_evidence_that_found_it():
    story = "她把伞收进玄关的木架，低声说今晚的雨怕是停不了了。"
    article = clean(_doc("\n\n".join([LEAD, BODY + story + LAST])), spam=NO_BLOCKLIST)
    assert article.paragraphs == [LEAD, BODY + LAST]
    (text, detail), = _spam(article)
    assert text == story
    assert detail.startswith("sentence foreign to the report, not news-like") and "narration" in detail


def test_verbs_and_place_words_between_two_characters_are_not_taken_for_pasted_products():
    body = "\n\n".join([
        LEAD, "全县上下要凝心聚力，全镇上下要真抓实干，推动乡村产业提质增效。",
        "林志远走进古塘村党群服务中心，又走进高岭村茶叶合作社，了解集体经济发展情况。", LAST,
    ])
    article = clean(_doc(body), spam=NO_BLOCKLIST)
    assert article.text == "\n".join(clean(_doc(body), spam=SpamRules(enabled=False)).paragraphs)
    assert _spam(article) == []


def test_seo_header_and_a_keyword_stuffed_brand_line_are_spam():
    body = "\n".join([
        "星河汇体育- 星河汇体育注册即送58元- 官方网站", "星河汇,星河汇官网,星河汇平台,星河汇登录,星河汇app,星河汇体育",
        LEAD, BODY,
    ])
    article = clean(_doc(body), spam=NO_BLOCKLIST)
    assert article.paragraphs == [LEAD, BODY]
    details = [detail for _text, detail in _spam(article)]
    assert len(details) == 2 and all(detail.startswith("SEO ") for detail in details)


def test_headline_fragments_stuffed_between_the_words_are_cut():
    title = "林志远两日走访四镇，聚焦茶叶产业振兴"
    body = "\n\n".join([
        "3月10日至12日，远日访市委书记林志远到白沙县调研。林志远用两天时间走访四个镇，日走赶赴茶园和加工厂。",
        "他先后来到茶叶加工厂、茶产振村集体合作社和远日访种植基地，日走察看春茶生产情况。",
        "林志远强调，茶产振要把特色产业做强做优，远日访带动更多村民增收，日走推动各项工作落地见效。",
    ])
    article = clean(_doc(body, title=title), spam=NO_BLOCKLIST)
    for fragment in ("远日访", "日走", "茶产振"):
        assert fragment not in article.text
    assert all(detail.startswith("headline fragment") for _t, detail in _spam(article))
    assert "市委书记林志远到白沙县调研" in article.text and "林志远用两天时间走访四个镇，赶赴茶园" in article.text


def test_a_report_that_repeats_its_headline_words_keeps_them():
    body = "\n\n".join([LEAD, "林志远来到白沙镇茶园，调研乡村产业发展和村集体经济。", BODY,
                        "白沙镇乡村产业发展势头良好，调研中林志远给予肯定。", LAST])
    article = clean(_doc(body), spam=NO_BLOCKLIST)
    assert _spam(article) == []


def test_a_latin_brand_with_a_made_up_name_pasted_in_several_places_is_cut():
    body = "\n\n".join([
        "3月12日，市委书记林志远到白沙镇QV星乐汇调研乡村产业发展。",
        "他察看了茶叶加工厂QV星乐汇和村集体合作社，了解群众增收情况。", LAST,
    ])
    article = clean(_doc(body), spam=NO_BLOCKLIST)
    assert "QV星乐汇" not in article.text
    assert [detail for _t, detail in _spam(article)] == ["brand QV星乐汇 pasted in several places"] * 2


def test_reworded_stock_words_are_put_back_and_the_sentence_flagged():
    reworded = "会议要求，市委、市官方要强化担当，推进数字官方建设。"
    article = clean(_doc("\n\n".join([LEAD, reworded, LAST])), spam=NO_BLOCKLIST)
    assert "市委、市政府要强化担当，推进数字政府建设。" in article.text
    assert [detail for _t, detail in _spam(article)] == ["reworded mirror: 官方 stands for 政府"] * 2
    assert [article.text[s:e] for s, e in article.flagged] == ["会议要求，市委、市政府要强化担当，推进数字政府建设。"]


def test_official_in_its_own_sense_is_not_reworded():
    body = "\n\n".join([LEAD, "市民可登录市政府官方网站查询办事指南，市官方发布平台同步更新。", LAST])
    article = clean(_doc(body), spam=NO_BLOCKLIST)
    assert "市政府官方网站" in article.text and "市官方发布平台" in article.text
    assert article.flagged == ()


def test_a_whole_sentence_only_a_mirror_has_and_foreign_to_the_report_is_cut_with_the_sibling_as_evidence():
    original = clean(_doc("\n\n".join([LEAD, BODY, LAST]), origin="a.md"), spam=SpamRules(enabled=False))
    pasted = "这家小馆在巷子深处，仍靠一锅老汤熬过了整个冬天。"
    mirror = clean(_doc("\n\n".join([LEAD, BODY + pasted, LAST]), origin="b.md"), spam=SpamRules(enabled=False))
    kept_original, kept_mirror = remove_sibling_spam([original, mirror])
    assert kept_original.text == original.text
    assert kept_mirror.text == original.text
    assert kept_mirror.removed[-1].detail == "sentence missing from the sibling copy, foreign to the report"


def test_a_copy_word_for_word_is_settled_by_exact_sentences_and_no_paragraph_end_is_aligned(monkeypatch):
    # Each paragraph's last sentence is the same string in both copies: matched as it is, never aligned.
    text = "\n".join([LEAD, BODY, LAST, "市委常委会会议召开"])

    def no_alignment(*_args, **_kwargs):
        raise AssertionError("a sentence both copies have word for word was aligned")

    monkeypatch.setattr(spam, "SequenceMatcher", no_alignment)
    assert spam.sibling_insertions(text, text) == []
    # A piece pasted into a paragraph's last sentence is still found, at its offsets.
    pasted = text.replace("落地见效", "落地德系车零件见效")
    monkeypatch.undo()
    found = spam.sibling_insertions(pasted, text)
    at = pasted.index("德系车")
    assert [(s.start, s.end) for s in found] == [(at, at + 5)]


def test_dedupe_keeps_the_original_over_a_reworded_mirror():
    text = "\n\n".join([LEAD, "会议要求，市委、市政府要强化担当，推进数字政府建设。", BODY, LAST])
    original = clean(_doc(text, origin="a.md", url="http://a.example/1.htm"))
    mirror = clean(_doc("首页 > 要闻\n" + text.replace("市政府", "市官方").replace("数字政府", "数字官方"),
                        origin="b.md", url="http://b.example/1.htm"))
    assert mirror.flagged
    (kept,), merged = dedupe([mirror, original])
    assert merged == 1
    assert kept.id == original.id


def test_a_header_of_long_unrelated_search_terms_is_spam_and_a_list_the_report_uses_is_not():
    header = "某某精品专区一区二区在线,在线综合某某自拍专区,某某一区二区在线观看,某某五月激情在线"
    article = clean(_doc("\n".join([header, LEAD, BODY, LAST])), spam=NO_BLOCKLIST)
    assert article.paragraphs == [LEAD, BODY, LAST]
    assert _spam(article) == [(header, "keyword-stuffed line unrelated to the text")]
    topics = "特色产业做强做优,村集体合作社,茶叶加工厂,家门口就业增收"
    kept = clean(_doc("\n\n".join([LEAD, topics, BODY, LAST])), spam=NO_BLOCKLIST)
    assert topics in kept.paragraphs
