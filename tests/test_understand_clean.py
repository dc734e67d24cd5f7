"""Cleaning scraped text: pinyin, page furniture, hidden text and injected SEO spam."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from weeklydigest.model import RawDocument
from weeklydigest.understand.clean import BOILERPLATE, HIDDEN, PINYIN, SPAM, clean, to_simplified
from weeklydigest.understand.siblings import remove_sibling_spam
from weeklydigest.understand.spam import SpamRules

TZ = ZoneInfo("Asia/Shanghai")


def _doc(body: str, *, fmt: str = "text", title: str = "郭永航到天河区调研", origin: str = "a.txt") -> RawDocument:
    return RawDocument(origin=origin, source="test", title=title, url="", published=datetime(2025, 11, 18, tzinfo=TZ),
                       body=body, fmt=fmt)


GENUINE = (
    "11月18日，市委书记郭永航到天河区调研十五运会赛事保障工作，察看场馆运行和交通组织情况。\n\n"
    "郭永航强调，要突出城市服务的鲜明特点，以高质量服务保障赛事顺利进行。\n\n"
    "郭永航要求，各级各部门要压实责任，推动产业升级，确保赛会安全有序。"
)


def _reasons(article) -> list[tuple[str, str]]:
    return [(r.reason, r.text) for r in article.removed]


def test_pinyin_annotations_are_removed_and_recorded():
    article = clean(_doc("11月18日，市委书(shū)记郭永航主持召开党组书(shū)记会(huì)议(yì)。"))
    assert article.text == "11月18日，市委书记郭永航主持召开党组书记会议。"
    assert [r for r, _ in _reasons(article)] == [PINYIN] * 4


def test_pinyin_with_tone_numbers_and_spaces_is_removed():
    article = clean(_doc("會議（hui4 yi4）強調，要抓好落實。"))
    assert article.text == "会议强调，要抓好落实。"


def test_bracketed_latin_that_is_not_pinyin_stays():
    article = clean(_doc("推动人工智能(AI)和国内生产总值（GDP）稳步增长，建设中央商务区(cbd)。"))
    assert "(AI)" in article.text and "（GDP）" in article.text and "(cbd)" in article.text
    assert article.removed == ()


def test_traditional_mirror_text_becomes_simplified():
    assert to_simplified("市委書記郭永航來到天河體育中心") == "市委书记郭永航来到天河体育中心"


def test_simplified_text_is_not_run_through_the_converter():
    # t2s would turn the place name 乾务镇 into 干务镇 and 著 into 着; a Simplified report keeps them.
    body = "11月20日，市委书记陈勇到乾务镇调研，察看著名的白蕉海鲈养殖基地。"
    assert clean(_doc(body)).text == body


def test_page_furniture_lines_are_boilerplate():
    body = "\n\n".join([
        "requestId: 7f3a9c2e-41b8-4d0e-9a7c-2b5e8f1d6c3a", GENUINE, "發佈留言", "分享到：微信 微博",
        "责任编辑：林海", "【字体：大 中 小】", "打印本页",
    ])
    article = clean(_doc(body))
    assert article.text == clean(_doc(GENUINE)).text
    kinds = {reason for reason, _ in _reasons(article)}
    assert kinds == {BOILERPLATE}
    assert any(text.startswith("requestId") for _, text in _reasons(article))
    assert ("boilerplate", "發佈留言") in _reasons(article)  # recognised in Simplified, recorded as written


def test_trailer_glued_to_the_last_paragraph_is_cut():
    article = clean(_doc("郭永航要求，确保赛会安全有序。分享到：微信 微博 QQ空间"))
    assert article.text == "郭永航要求，确保赛会安全有序。"
    assert article.removed[0].reason == BOILERPLATE


def test_image_captions_are_dropped_with_their_own_detail():
    body = f"图为郭永航在天河体育中心检查场馆。\n\n{GENUINE}\n\n（记者 李明 摄）"
    article = clean(_doc(body))
    assert "图为" not in article.text and "摄" not in article.text
    assert [r.detail for r in article.removed] == ["image caption", "image caption"]


def test_keyword_stuffed_gambling_header_is_spam():
    article = clean(_doc("澳门葡京 百家乐 真人视讯 体育投注 注册送彩金\n\n" + GENUINE))
    assert article.text == clean(_doc(GENUINE)).text
    assert article.removed[0].reason == SPAM
    assert "百家乐" in article.removed[0].text


def test_hidden_html_text_is_removed_with_reason_hidden():
    html = (
        "<html><body><div class='content'><p>11月18日，市委书记郭永航到天河区调研十五运会赛事保障工作。</p>"
        "<p style='display:none'>汽车配件批发当天发货</p><p>郭永航强调，要确保赛会安全有序。"
        "<span style='font-size:0px'>娱乐城注册送彩金</span></p>"
        "<div style='visibility: hidden'>彩票开奖结果</div></div></body></html>"
    )
    article = clean(_doc(html, fmt="html"))
    assert article.text == ("11月18日，市委书记郭永航到天河区调研十五运会赛事保障工作。\n"
                            "郭永航强调，要确保赛会安全有序。")
    hidden = sorted(r.text for r in article.removed if r.reason == HIDDEN)
    assert hidden == ["娱乐城注册送彩金", "彩票开奖结果", "汽车配件批发当天发货"]


def test_product_words_pasted_inside_words_are_cut_and_the_word_healed():
    mirror = to_simplified(
        "11月18日，市委書記郭永航到天河區調研十五運會賽事保障工作，察看場館運行和交通組織情況。\n\n"
        "郭永航強調，要突出城市服務的鮮明特德系車零件點，以高質BMW零件量服務保障賽事順利進行。"
    )
    article = clean(_doc(mirror), spam=SpamRules(blocklist=()))
    assert "鲜明特点" in article.text and "高质量服务" in article.text
    assert [r.text for r in article.removed] == ["德系车零件", "BMW零件"]
    assert all(r.reason == SPAM and r.detail for r in article.removed)


def test_fiction_sentence_inserted_mid_paragraph_is_cut_and_neighbours_kept():
    body = ("郭永航强调，要突出城市服务的鲜明特点。林晓雯把那张烫金的信用卡推过柜台，说今晚这一单由她来结。"
            "各级各部门要压实责任，确保赛会安全有序。")
    article = clean(_doc(body), spam=SpamRules(blocklist=()))
    assert article.text == "郭永航强调，要突出城市服务的鲜明特点。各级各部门要压实责任，确保赛会安全有序。"
    assert article.removed[0].detail.startswith("sentence foreign to the report, not news-like")
    assert "林晓雯" in article.removed[0].detail  # the evidence: a name the report never uses


def test_blocklist_from_config_removes_a_product_pasted_once():
    body = "郭永航要求，各级各部门要推动产汽车冷气芯业升级，确保赛会安全有序。"
    assert "冷气芯" in clean(_doc(body), spam=SpamRules(blocklist=())).text
    article = clean(_doc(body), spam=SpamRules(blocklist=("冷气芯",)))
    assert article.text == "郭永航要求，各级各部门要推动产业升级，确保赛会安全有序。"


def test_genuine_report_text_is_left_alone():
    body = ("郭永航指出，要因地制宜发展新质生产力，推动AI赋能千行百业，全市GDP增长5%。"
            "在一家五金不锈钢制品企业，他察看了自动化生产线和产品展厅。与镇村干部交流镇域经济发展思路。"
            "要把好经验好做法固化下来，在推进中国式现代化建设中走在前列。")
    article = clean(_doc(body))
    assert article.text == body
    assert article.removed == ()


def test_sibling_copy_shows_what_a_mirror_pasted_in():
    original = clean(_doc("郭永航强调，要统筹抓好赛事保障和城市运行各项工作，推动赛会圆满成功。\n\n" + GENUINE,
                          origin="a.md"), spam=SpamRules(enabled=False))
    mirror = clean(_doc("郭永航强调，要统筹抓好赛事保障和城市运行各项工作，推动赛会圆宝马车膜满成功。\n\n" + GENUINE,
                        origin="b.md"), spam=SpamRules(enabled=False))
    kept_original, kept_mirror = remove_sibling_spam([original, mirror])
    assert kept_original.text == original.text
    assert "圆满成功" in kept_mirror.text and "宝马车膜" not in kept_mirror.text
    assert kept_mirror.removed[-1] == kept_mirror.removed[-1].__class__(
        "宝马车膜", SPAM, "not in the sibling copy of this report")


def test_outlet_wording_differences_are_not_taken_for_spam():
    a = clean(_doc("11月18日，市委书记郭永航到天河区调研，察看场馆运行情况。\n\n" + GENUINE, origin="a.md"))
    b = clean(_doc("11月18日，市委书记郭永航专程到天河区调研，察看场馆运行情况。\n\n" + GENUINE, origin="b.md"))
    assert [x.text for x in remove_sibling_spam([a, b])] == [a.text, b.text]
