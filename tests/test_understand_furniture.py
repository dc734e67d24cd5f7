"""Page furniture: the site around a report is taken out by the shape of its lines, the report is kept."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from weeklydigest.model import RawDocument
from weeklydigest.understand.clean import BOILERPLATE, clean
from weeklydigest.understand.furniture import DATE_WIDGET, DATELINE, PUBLICATION, line_furniture

TZ = ZoneInfo("Asia/Shanghai")
TITLE = "林志远到白沙镇调研乡村产业发展"
LEAD = "3月12日，市委书记林志远到白沙镇调研乡村产业发展，察看茶叶加工厂和村集体合作社。"
BODY = "林志远强调，要把特色产业做强做优，带动更多村民在家门口就业增收。"
LAST = "林志远要求，各级各部门要压实责任，推动各项工作落地见效。"


def _doc(body: str, *, title: str = TITLE, fmt: str = "markdown") -> RawDocument:
    return RawDocument(origin="a.md", source="test", title=title, url="", published=datetime(2025, 3, 13, tzinfo=TZ),
                       body=body, fmt=fmt)


def _removed(article) -> dict[str, str]:
    return {r.text: r.detail for r in article.removed if r.reason == BOILERPLATE}


def test_page_head_lines_of_a_scraped_page_are_furniture_and_the_report_stays():
    page = "\n".join([
        "• 白沙镇人民政府门户网站", "今天是2025年3月13日 星期四 欢迎访问本站！",
        "您当前的位置：首页 > 镇务公开 > 工作动态",
        TITLE, "发布日期：2025-03-13 09:30", "来源：白沙镇融媒体中心", "【打印】 【字体：大 中 小】", "",
        LEAD, "", BODY, "", LAST,
    ])
    article = clean(_doc(page))
    assert article.paragraphs == [LEAD, BODY, LAST]
    removed = _removed(article)
    assert removed["今天是2025年3月13日星期四欢迎访问本站！"] == DATE_WIDGET  # recorded as the cleaner read it
    assert removed["您当前的位置：首页 > 镇务公开 > 工作动态"] == "breadcrumb"
    assert removed["发布日期：2025-03-13 09:30"] == PUBLICATION
    assert removed[TITLE] == "headline repeated"
    assert removed["【打印】【字体：大中小】"] == "page controls"


def test_breadcrumbs_navigation_and_widget_lines_are_recognised_by_their_shape():
    assert line_furniture("首页 >> 专题报道 >> 正文") == "breadcrumb"
    assert line_furniture("首页 | 新闻 | 政务 | 视频 | 文旅 | 图片") == "site navigation"
    assert line_furniture("会员登录 - 用户注册 - 设为首页 - 加入收藏") == "site navigation"
    assert line_furniture("分享到：微信 微博 QQ空间") == "page furniture"
    assert line_furniture("上一版 下一版 版面概览") == "epaper navigation"
    assert line_furniture("国内统一刊号：CN44-0000 邮发代号：00-00") == "epaper navigation"
    assert line_furniture("镇区新貌航拍01.jpg") == "image file name"
    assert line_furniture("DSC_0042(1).JPG") == "image file name"
    assert line_furniture("更新时间：2025-03-13 浏览次数：208") == PUBLICATION
    assert line_furniture("执笔 | 陈晓彤") in ("byline", "source line")
    assert line_furniture("南海日报记者 周海燕") == "byline"


def test_a_sentence_that_names_a_widget_or_a_reporter_is_report_text():
    assert line_furniture("记者从市交通运输局获悉，白沙镇至港口的公路将于年内通车。") == ""
    assert line_furniture("村民们纷纷打开手机，把合作社的茶叶分享到朋友圈。") == ""
    body = "\n\n".join([LEAD, "记者从市农业农村局获悉，全市已建成茶叶标准化生产基地42个。", BODY])
    assert clean(_doc(body)).paragraphs == [LEAD, "记者从市农业农村局获悉，全市已建成茶叶标准化生产基地42个。", BODY]


def test_dateline_and_byline_glued_to_the_lead_are_cut_and_the_report_text_kept():
    body = f"南海新闻网讯 （记者 周海燕 通讯员 郑启明）{LEAD}\n\n{BODY}"
    article = clean(_doc(body))
    assert article.paragraphs == [LEAD, BODY]
    removed = _removed(article)
    assert removed["南海新闻网讯"] == DATELINE
    assert removed["（记者周海燕通讯员郑启明）"] == "byline"


def test_a_dated_dateline_is_kept_as_evidence_of_the_publication_day():
    body = f"南海客户端·南海新闻网2025年3月12日讯 2月4日下午，市委书记林志远到白沙镇调研。\n\n{BODY}"
    article = clean(_doc(body))
    assert article.paragraphs[0] == "2月4日下午，市委书记林志远到白沙镇调研。"
    assert ("南海客户端·南海新闻网2025年3月12日讯", DATELINE) in [(r.text, r.detail) for r in article.removed]


def test_photo_captions_and_credits_are_taken_out_also_when_glued_to_a_lead():
    body = "\n".join([
        LEAD, "村民在合作社分拣新茶。记者 陈立 摄", "南海日报记者 何明 摄", "图片来源：南海日报",
        "白沙镇茶园一景。南海日报&南海客户端记者 赵宁 摄", BODY,
    ])
    article = clean(_doc(body))
    assert article.paragraphs == [LEAD, BODY]
    assert set(_removed(article).values()) == {"image caption"}


def test_related_links_after_the_editor_line_are_the_page_foot():
    body = "\n".join([LEAD, BODY, LAST, "【编辑：黄敏】", "白沙镇举办春茶开采节", "港口新区再添两个重点项目的相关文章"])
    article = clean(_doc(body))
    assert article.paragraphs == [LEAD, BODY, LAST]
    assert _removed(article)["白沙镇举办春茶开采节"] == "related links"


def test_summary_box_and_repeated_lead_leave_the_lead_once():
    body = f"摘要：{LEAD}\n{LEAD}\n\n{BODY}"
    article = clean(_doc(body))
    assert article.paragraphs == [LEAD, BODY]


def test_headline_with_an_seo_tag_is_taken_out_but_a_lead_containing_the_headline_stays():
    lead = "3月12日，市委书记林志远到白沙镇调研乡村产业发展。"
    body = "\n\n".join([f"{TITLE}-某某娱乐平台", lead, BODY])
    article = clean(_doc(body, title="林志远到白沙镇调研乡村产业发展"))
    assert article.paragraphs == [lead, BODY]


def test_a_title_that_is_the_lead_sentence_is_not_dropped_from_the_text():
    body = f"{LEAD}\n\n{BODY}"
    assert clean(_doc(body, title=LEAD)).paragraphs == [LEAD, BODY]


def test_a_title_cut_from_the_lead_mid_word_leaves_the_lead_whole():
    title = LEAD[:LEAD.index("业发展")]  # pages that title a report by its first characters
    assert title.endswith("乡村产")
    body = f"{LEAD}\n\n{BODY}"
    article = clean(_doc(body, title=title))
    assert article.paragraphs == [LEAD, BODY]


def test_a_title_that_is_the_dated_lead_sentence_without_its_full_stop_stays_in_the_text():
    body = f"{LEAD}\n\n{BODY}"
    assert clean(_doc(body, title=LEAD[:LEAD.index("，察看")])).paragraphs == [LEAD, BODY]


def test_a_headline_glued_to_the_lead_is_still_taken_out():
    body = f"{TITLE}{LEAD}\n\n{BODY}"
    assert clean(_doc(body)).paragraphs == [LEAD, BODY]


def test_a_short_subhead_inside_the_report_is_kept():
    body = "\n\n".join([LEAD, "产业兴旺富乡亲", BODY, LAST])
    assert clean(_doc(body)).paragraphs == [LEAD, "产业兴旺富乡亲", BODY, LAST]


def test_scraped_markdown_keeps_one_thing_per_line_and_joins_a_broken_sentence():
    body = "首页 > 要闻\n3月12日，市委书记林志远到白沙镇调研乡村产业发展，察看茶叶\n加工厂和村集体合作社。\n" + BODY
    article = clean(_doc(body))
    assert article.paragraphs == [LEAD, BODY]


def test_publication_line_outside_the_article_container_keeps_its_detail():
    page = (f"<html><body><div class='top'><p>您当前的位置：首页 > 工作动态</p><p>发布时间：2025-03-13 09:30</p></div>"
            f"<div class='content'><p>{LEAD}</p><p>{BODY}</p><p>{LAST}</p></div></body></html>")
    article = clean(_doc(page, fmt="html"))
    assert article.paragraphs == [LEAD, BODY, LAST]
    assert ("发布时间：2025-03-13 09:30", PUBLICATION) in [(r.text, r.detail) for r in article.removed]


def test_a_long_line_without_any_punctuation_is_text_and_does_not_break_the_reader():
    run_on = ("白沙镇茶园连片铺开山间云雾缭绕村道两旁新建的民宿错落有致"
              "游客沿着步道缓缓上山体验采茶制茶的乐趣直到傍晚才下山返程")
    assert clean(_doc(run_on)).paragraphs == [run_on]


def test_a_bracketed_byline_closing_the_last_paragraph_is_furniture():
    article = clean(_doc("\n\n".join([LEAD, BODY, LAST + "（记者 赵某某 通讯员 钱某某）"])))
    assert article.paragraphs == [LEAD, BODY, LAST]
    assert _removed(article)["（记者赵某某通讯员钱某某）"] == "byline"
    quoted = "林志远说：“这件事要问问记者朋友们（记者站）的意见。”"
    assert clean(_doc("\n\n".join([LEAD, quoted, LAST]))).paragraphs == [LEAD, quoted, LAST]


def test_a_short_outlet_dateline_and_a_byline_before_the_date_are_furniture():
    article = clean(_doc("\n\n".join(["某都讯 记者赵某某 " + LEAD, BODY, LAST])))
    assert article.paragraphs == [LEAD, BODY, LAST]
    assert _removed(article)["某都讯"] == DATELINE
    news = "喜讯传来，白沙镇入选全省典型镇名单，村民们奔走相告。"
    assert clean(_doc("\n\n".join([LEAD, news, LAST]))).paragraphs == [LEAD, news, LAST]


def test_magazine_bylines_editor_lines_and_author_stamps_are_furniture():
    page = "\n\n".join([
        "作者 赵某某;钱某某 2025-03-13 10:07", LEAD, "◎《某某》杂志记者/孙某某  发自白沙", "◎本文责编/李某某",
        BODY, "扫一扫,分享给好友或朋友圈", LAST,
    ])
    article = clean(_doc(page))
    assert article.paragraphs == [LEAD, BODY, LAST]
    removed = _removed(article)
    assert removed["作者赵某某;钱某某 2025-03-13 10:07"] == PUBLICATION
    assert removed["◎本文责编/李某某"] == "byline"


def test_a_credit_of_the_paper_a_text_was_taken_from_is_furniture():
    article = clean(_doc("\n\n".join([LEAD, BODY, LAST + "（摘自某某日报）"])))
    assert article.paragraphs == [LEAD, BODY, LAST]
    told = "林志远说，这些经验摘自村民的口述（见附件）。"
    assert told in clean(_doc("\n\n".join([LEAD, told, LAST]))).paragraphs


def test_a_speechs_occasion_speaker_and_salutation_are_kept_and_the_page_head_is_not():
    occasion = "——2025年3月12日在白沙镇乡村振兴推进会上"
    page = "\n".join(["首页 > 领导讲话", "在推进会上的讲话", occasion, "镇党委书记林志远", "同志们:", "",
                      BODY, "", LAST])
    article = clean(_doc(page, title="在推进会上的讲话"))
    assert article.paragraphs == [occasion, "镇党委书记林志远", "同志们:", BODY, LAST]
    plain = "\n".join(["首页 > 工作动态", "镇党委书记林志远", "", BODY, "", LAST])
    assert clean(_doc(plain)).paragraphs == [BODY, LAST]


def test_a_speechs_numbered_outline_before_its_first_sentence_is_kept():
    outline = ["一、提高认识", "（一）发展的现实需要", "（二）乡村产业加快发展", "二、明确任务"]
    page = "\n".join(["首页 > 领导讲话", "发表时间：2025/3/13 14:59", *outline, "", BODY, "", LAST])
    article = clean(_doc(page))
    assert article.paragraphs == [*outline, BODY, LAST]
    assert "首页 > 领导讲话" in _removed(article)


def test_the_lines_after_a_proofreader_credit_are_related_links():
    links = ["2、某地新型芯片面世？这款产品算得快", "3、某球队为边锋报价超3000万欧，转会在即"]
    page = "\n\n".join([LEAD, BODY, LAST, "某某网、某某号记者赵某某", "剪辑孙某某、李某某", "校对钱某某", *links])
    article = clean(_doc(page))
    assert article.paragraphs == [LEAD, BODY, LAST]
    assert all(_removed(article)[link] == "related links" for link in links)
    checked = "审核通过后，白沙镇将把茶叶加工厂纳入示范名单。"
    assert clean(_doc("\n\n".join([LEAD, checked, LAST]))).paragraphs == [LEAD, checked, LAST]


def test_a_long_headline_without_punctuation_does_not_start_the_report():
    title = ("林志远到白沙镇调研乡村产业发展 强调要把特色产业做强做优 带动更多村民在家门口就业增收 "
             "推动乡村全面振兴走在前列 以更高标准更严要求做好各项工作")
    page = "\n".join(["新闻中心 分类>>", "【12345】" + title, "某某直播软件 返回列表", "", LEAD, "", BODY, "", LAST])
    article = clean(_doc(page, title=title))
    assert article.paragraphs == [LEAD, BODY, LAST]
    lead = "3月12日，市委书记林志远到白沙镇调研乡村产业发展，察看茶叶加工厂和村集体合作社，强调要把特色产业做强做优。"
    assert clean(_doc("\n".join([lead, BODY, LAST]), title=lead)).paragraphs[0] == lead


def test_a_leaders_photo_caption_left_standing_alone_is_furniture():
    caption = "白沙镇党委书记林志远致辞。"
    article = clean(_doc("\n\n".join([LEAD, caption, "林志远在致辞中表示，要把特色产业做强做优。", LAST])))
    assert caption not in article.paragraphs and _removed(article)[caption] == "image caption"
    said = "会上，镇党委书记林志远讲话。"
    assert said in clean(_doc("\n\n".join([LEAD, said, LAST]))).paragraphs
