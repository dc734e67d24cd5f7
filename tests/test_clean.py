from weeklydigest.model import RawDocument
from weeklydigest.understand.clean import clean

PAGE = """<html><head><title>余钢宣讲四中全会精神_湛江新闻网</title><script>var x = 1;</script></head>
<body>
<nav><a href="/">首页</a> | <a href="/sz">时政</a></nav>
<div class="article">
  <h1>余钢宣讲四中全会精神</h1>
  <p>11月13日，市委书记余钢到麻章区宣讲党的二十届四中全会精神。</p>
  <div style="display: none">限时优惠，点击领取大礼包</div>
  <p>余钢强调，要把学习成果转化为推动发展的实际成效。<span style="font-size:0px">隐藏广告词</span></p>
  <p>分享到：微信 微博</p>
</div>
<div class="footer">责任编辑：某某 版权所有 ©</div>
</body></html>"""


def _doc(body: str, fmt: str, title: str = "标题") -> RawDocument:
    return RawDocument(origin="x", source="t", title=title, url="", published=None, body=body, fmt=fmt)


def test_html_keeps_article_paragraphs_and_records_what_it_drops():
    article = clean(_doc(PAGE, "html", title="余钢宣讲四中全会精神"))
    assert article.paragraphs == [
        "11月13日，市委书记余钢到麻章区宣讲党的二十届四中全会精神。",
        "余钢强调，要把学习成果转化为推动发展的实际成效。",
    ]
    reasons = {(r.reason, r.text) for r in article.removed}
    assert ("hidden", "限时优惠，点击领取大礼包") in reasons
    assert ("hidden", "隐藏广告词") in reasons
    assert ("boilerplate", "分享到：微信微博") in reasons
    assert any(reason == "boilerplate" and "责任编辑" in text for reason, text in reasons)
    assert "var x" not in article.text


def test_traditional_text_becomes_simplified():
    article = clean(_doc("廣州市委書記調研會議籌備工作。", "text", title="廣州新聞"))
    assert article.text == "广州市委书记调研会议筹备工作。"
    assert article.title == "广州新闻"


def test_pinyin_annotations_are_removed_and_recorded():
    article = clean(_doc("黨組書(shū)記主持會(huì)議。", "text"))
    assert article.text == "党组书记主持会议。"
    assert [r.text for r in article.removed if r.reason == "pinyin"] == ["(shū)", "(huì)"]


def test_markdown_markup_is_stripped_and_inline_html_cleaned():
    body = ("11月12日，[市委书记](http://x)到现场。\n\n**小标题**\n\n"
            "<span style=\"display:none\">藏起来</span>正文继续。")
    article = clean(_doc(body, "markdown"))
    assert article.paragraphs == ["11月12日，市委书记到现场。", "小标题", "正文继续。"]
    assert [r.text for r in article.removed if r.reason == "hidden"] == ["藏起来"]


def test_trailer_lines_are_boilerplate():
    body = "正文第一段。\n责任编辑：张三\n打印本页\nrequestId:3f2a9c1d-88aa-4b1e\n字体：大 中 小"
    article = clean(_doc(body, "text"))
    assert article.paragraphs == ["正文第一段。"]
    assert len([r for r in article.removed if r.reason == "boilerplate"]) == 4


def test_article_id_is_stable_for_the_same_url():
    a = RawDocument(origin="a", source="t", title="x", url="http://e.cn/1", published=None, body="甲。", fmt="text")
    b = RawDocument(origin="b", source="u", title="y", url="http://e.cn/1", published=None, body="乙。", fmt="text")
    assert clean(a).id == clean(b).id
