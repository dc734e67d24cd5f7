"""The web page: structure (sections → cities → notes → links), masthead, overview, safety."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest

from weeklydigest.model import CITIES, Commentary, Item, Section, SentenceRef, SourceRef
from weeklydigest.render.html import render_html
from weeklydigest.render.view import edition_label, issue_number, safe_url

from .render_fixtures import assert_golden, parse_html, saved_digest


@pytest.fixture(scope="module")
def digest():
    return saved_digest()


@pytest.fixture(scope="module")
def page(digest, config):
    return parse_html(render_html(digest, config))


def _text(element) -> str:
    return re.sub(r"\s+", "", element.text_content())


def test_sections_list_their_cities_in_order_with_numbered_notes_linking_to_the_sources(digest, page):
    sections = page.cssselect("main section.section")
    assert [_text(s.cssselect("h2")[0]) for s in sections] == [f"关键词：{s.title}" for s in digest.sections]
    notes = {li.get("id"): li for li in page.cssselect("section.notes li")}
    for section, node in zip(digest.sections, sections, strict=True):
        items = node.cssselect("article.item")
        assert [_text(i.cssselect("h3")[0]) for i in items] == [item.city for item in section.items]
        for item, article in zip(section.items, items, strict=True):
            refs = [a.get("href").lstrip("#") for a in article.cssselect("sup > a.noteref")]
            assert len(refs) == len(item.sources)
            linked = [notes[ref].cssselect("a")[0].get("href") if notes[ref].cssselect("a[rel]") else ""
                      for ref in refs]
            assert linked == [s.url if s.url.startswith("http") else "" for s in item.sources]


def test_note_numbers_run_through_the_issue_and_each_note_links_back(page):
    numbers = [int(li.get("value")) for li in page.cssselect("section.notes li")]
    assert numbers == list(range(1, len(numbers) + 1))
    for li in page.cssselect("section.notes li"):
        back = li.cssselect("a.back")[0].get("href")
        assert page.get_element_by_id(back.lstrip("#")).tag == "a"


def test_city_names_are_bold_key_terms_red_and_each_item_highlights_one_clause(page):
    css = "".join(s.text_content() for s in page.cssselect("style"))
    assert re.search(r"\.item h3 \{[^}]*font-weight: 700", css)
    assert re.search(r"\.term \{ color: #e00000; \}", css)
    items = page.cssselect("main article.item")
    marks = [[m.text_content() for m in item.cssselect("mark.key")] for item in items]
    assert all(len(m) <= 1 for m in marks), "one highlight per item"
    assert sum(1 for m in marks if m) >= len(items) * 3 // 4
    assert all(10 <= len(m[0]) <= 40 or m[0][0] == "“" for m in marks if m), "a clause or a quote, not a sentence"
    assert _text(page.cssselect("main section.section")[0].cssselect("span.term")[0]) == "十五运会"


def test_page_is_self_contained_chinese_and_mobile_ready(page):
    assert page.get("lang") == "zh-CN"
    assert page.cssselect('meta[name="viewport"]')
    assert not page.cssselect("script")
    assert not page.cssselect("link[rel=stylesheet]")
    assert not [e for e in page.iter() if e.get("src")]
    css = "".join(s.text_content() for s in page.cssselect("style"))
    assert "@media screen and (max-width" in css and "@import" not in css and "url(" not in css


def test_headings_form_an_outline_one_title_then_sections_then_cities(page):
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3")]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_masthead_shows_issue_number_week_and_date_range(page):
    masthead = page.cssselect("header.masthead")[0]
    assert _text(masthead.cssselect(".issue-label")[0]) == "第1期·2025年第46周"
    assert _text(masthead.cssselect("h1")[0]) == "上周，市委书记们关注了哪些内容？"
    assert masthead.cssselect("time")[0].text == "2025年11月10日—11月16日"
    assert _text(masthead.cssselect(".status")[0]) == "草稿"


def test_issue_numbers_count_weeks_from_the_first_issue_across_years():
    assert issue_number("2025-W46", "2025-W46") == 1
    assert issue_number("2026-W02", "2025-W46") == 9  # 2025 has 52 ISO weeks
    assert issue_number("2025-W45", "2025-W46") is None
    assert edition_label("2025-W45", "2025-W46") == "2025年第45周"
    assert edition_label("2025-W47", None) == "2025年第47周"


def test_toc_links_every_section_and_city(page):
    toc = page.cssselect("nav.toc")[0]
    targets = [a.get("href") for a in toc.cssselect("a")]
    anchors = {f"#{e.get('id')}" for e in page.iter() if e.get("id")}
    assert set(targets) <= anchors
    assert len(toc.cssselect("a.toc-entry")) == 3 + 1  # sections, then the notes
    assert len(toc.cssselect(".toc-cities a")) == 39


def test_overview_counts_articles_cities_and_items(page):
    assert _text(page.cssselect(".figures")[0]) == "47篇报道·21个地市·39条动态·3个关键词"


def test_coverage_chart_shows_all_21_cities_with_zeros_marked(config):
    sections = saved_digest().sections
    # Drop 汕尾 and 云浮 from every section: the chart must still show them, as zeros.
    trimmed = tuple(replace(s, items=tuple(i for i in s.items if i.city not in ("汕尾", "云浮"))) for s in sections)
    stats = saved_digest().stats | {"collected_cities": {c: 1 for c in CITIES if c not in ("汕尾", "云浮")}}
    page = parse_html(render_html(saved_digest(sections=trimmed, stats=stats), config))
    svg = page.cssselect("figure.coverage svg")[0]
    assert svg.get("role") == "img"
    desc = svg.cssselect("desc")[0].text
    assert [part.split()[0] for part in desc.split("；")] == list(CITIES)
    assert "汕尾 0 条" in desc and "云浮 0 条" in desc and "广州 2 条" in desc
    labels = "".join(t.text for t in svg.cssselect("text") if not t.text.isdigit())
    assert labels == "".join(CITIES)
    assert "暂无报道：汕尾、云浮" in _text(page.cssselect("figure.coverage figcaption")[0])


def test_a_city_whose_articles_were_collected_but_not_placed_is_never_printed_as_without_report(config):
    sections = tuple(replace(s, items=tuple(i for i in s.items if i.city not in ("汕尾", "云浮")))
                     for s in saved_digest().sections)
    collected = {c: 1 for c in CITIES if c != "云浮"}  # 汕尾's article was collected, but went unassigned
    page = parse_html(render_html(saved_digest(sections=sections, stats=saved_digest().stats | {
        "collected_cities": collected}), config))
    caption = _text(page.cssselect("figure.coverage figcaption")[0])
    assert "暂无报道：云浮" in caption and "汕尾" not in caption
    red = {t.text for t in page.cssselect("figure.coverage svg text") if t.get("fill") == "#c8102e"}
    assert "汕" not in red and "云" in red


def test_a_digest_that_did_not_count_collected_articles_claims_no_city_is_without_report(config):
    sections = tuple(replace(s, items=tuple(i for i in s.items if i.city != "汕尾")) for s in saved_digest().sections)
    caption = parse_html(render_html(saved_digest(sections=sections), config)).cssselect("figure.coverage figcaption")
    assert "暂无报道" not in _text(caption[0]) and "均有报道" not in _text(caption[0])


def test_emerging_terms_are_shown_when_present_and_the_block_omitted_when_absent(config, page):
    assert not page.cssselect(".emerging")
    stats = dict(saved_digest().stats)
    stats["emerging_terms"] = [{"term": "海洋牧场", "count": 4, "score": 2.5, "cities": ["阳江", "湛江"]},
                               {"term": "陈皮", "count": 3, "score": 1.9, "cities": ["江门", "茂名", "云浮", "肇庆"]},
                               {"count": 9}, "junk"]
    rendered = parse_html(render_html(saved_digest(stats=stats), config))
    terms = [_text(li) for li in rendered.cssselect(".emerging li")]
    assert terms == ["海洋牧场阳江、湛江", "陈皮江门、茂名、云浮等4地"]


def test_a_persons_name_is_never_a_word_count_chip(config):
    stats = dict(saved_digest().stats)
    named = saved_digest().sections[0].items[1].officials[0]
    stats["emerging_terms"] = [{"term": named, "count": 9, "score": 3.0}, {"term": "海洋牧场", "count": 4}]
    rendered = parse_html(render_html(saved_digest(stats=stats), config))
    assert [_text(li) for li in rendered.cssselect(".emerging li .phrase")] == ["海洋牧场"]


def test_commentary_is_rendered_a_draft_without_one_shows_the_slot_a_published_issue_omits_it(config, page):
    assert _text(page.cssselect("aside.commentary")[0]) == "政观谈（编辑评论待补充）"
    commentary = Commentary(title="协同是最大变量", text="第一段评论。\n\n第二段评论。")
    written = parse_html(render_html(saved_digest(commentary=commentary, status="published"), config))
    aside = written.cssselect("aside.commentary")[0]
    assert _text(aside.cssselect("h2")[0]) == "政观谈：协同是最大变量"
    assert [p.text for p in aside.cssselect("p")] == ["第一段评论。", "第二段评论。"]
    assert written.cssselect('nav.toc a[href="#commentary"]')
    bare = parse_html(render_html(saved_digest(status="published"), config))
    assert not bare.cssselect("aside.commentary") and not bare.cssselect(".status")


def _hostile_digest():
    payload = '<script>alert("x")</script>要求<img src=x onerror=alert(1)>，<a href="javascript:alert(2)">点此</a>。'
    item = Item(
        city="广州", officials=("郭永航",), dates=("2025-11-13",), summary=payload,
        sentences=(SentenceRef(text=payload, source="a1", start=0, end=len(payload), key=True),),
        sources=(
            SourceRef(id="a1", title='<script>alert("t")</script>标题', url="javascript:alert(3)",
                      published="2025-11-13T10:00:00+08:00", outlet="<b onmouseover=alert(4)>报</b>"),
            SourceRef(id="a2", title="转载", url='http://example.org/a" onmouseover="alert(5)',
                      published=None),
            SourceRef(id="a3", title="data", url="data:text/html,<script>alert(6)</script>", published=None),
        ),
        why=(), score=9,
    )
    digest = saved_digest()
    stats = dict(digest.stats, emerging_terms=[{"term": "<svg onload=alert(7)>", "count": 2, "score": 1.0}])
    return replace(digest, sections=(Section(title="十五运会和残特奥会", keywords=("十五运会",), items=(item,)),),
                   stats=stats, commentary=Commentary(title="<iframe src=//evil>", text="<img src=x onerror=alert(8)>"))


def test_hostile_article_text_comes_out_inert(config):
    text = render_html(_hostile_digest(), config)
    page = parse_html(text)
    assert not page.cssselect("script, iframe, img, object, embed")
    assert not [(e.tag, a) for e in page.iter() for a in e.attrib if a.lower().startswith("on")]
    hrefs = [e.get("href") for e in page.iter() if e.get("href")]
    assert not [h for h in hrefs if not (h.startswith("#") or h.startswith("http"))]
    assert all('"' not in h and " " not in h for h in hrefs)
    svgs = page.cssselect("svg")
    assert len(svgs) == 1 and svgs[0].get("class") == "coverage-chart"
    # The payload is still there for a reader to see, as text.
    assert '<script>alert("x")</script>要求' in page.cssselect("article.item p")[0].text_content()
    assert "<svg onload=alert(7)>" in page.cssselect(".emerging li")[0].text_content()


def test_only_web_links_survive_as_links():
    assert safe_url("https://www.example.cn/a.htm?x=1") == "https://www.example.cn/a.htm?x=1"
    assert safe_url("JavaScript:alert(1)") == ""
    assert safe_url("file:///etc/passwd") == ""
    assert safe_url('http://a.example/" onclick="x') == ""
    assert safe_url("http://") == ""


def test_html_body_matches_golden(digest, config):
    text = render_html(digest, config)
    main = text[text.index("<main>"): text.index("</main>") + len("</main>")]
    assert_golden(main + "\n", "render-sample.main.html")


def test_the_page_opens_as_a_column_masthead_lede_commentary_then_a_light_overview_with_the_contents(config):
    digest = saved_digest(headline="五市同提“五链融合”", lede="省委书记某某强调，要坚持“五链融合”。")
    page = parse_html(render_html(digest, config))
    blocks = [e.get("class").split()[0] if e.get("class") else e.tag for e in page.cssselect("div.page > *")]
    assert blocks[:5] == ["masthead", "lede", "commentary", "overview", "main"]
    overview = page.cssselect("section.overview")[0]
    assert overview.cssselect("nav.toc"), "the contents are a part of the overview, not a page of their own"
    printed = parse_html(render_html(digest, config, for_print=True))
    assert printed.cssselect("nav.toc .toc-cities") == [], "print contents list no cities (the bookmarks do)"
