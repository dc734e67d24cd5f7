"""digest.md for a Hugo-style blog: front matter, the column's inline conventions, sources as footnotes."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import yaml

from weeklydigest.model import Commentary, SourceRef
from weeklydigest.render.markdown import render_markdown

from .render_fixtures import assert_golden, saved_digest

VOLATILE = ((r'^(lastmod): ".*"$', r'\1: "<generated>"'),)


def _front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_markdown_matches_golden(config):
    assert_golden(render_markdown(saved_digest(), config), "render-sample.md", masks=VOLATILE)


def test_front_matter_has_title_date_tags_and_draft_state(config):
    digest = saved_digest()
    meta = _front_matter(render_markdown(digest, config))
    assert meta["title"] == "上周，市委书记们关注了哪些内容？｜第1期 · 2025年第46周"
    assert meta["date"] == "2025-11-17"  # the Monday after 2025-W46, whenever it was built
    assert meta["lastmod"] == digest.generated
    assert meta["tags"] == [s.title for s in digest.sections]
    assert meta["draft"] is True
    assert meta["slug"] == "2025-W46"
    published = _front_matter(render_markdown(replace(digest, status="published"), config))
    assert published["draft"] is False


def test_front_matter_survives_quotes_and_colons_in_titles(config):
    digest = replace(saved_digest(), title='周报: "特刊"')
    assert _front_matter(render_markdown(digest, config))["title"] == '周报: "特刊"｜第1期 · 2025年第46周'


def test_cities_bold_terms_red_key_lines_highlighted_like_the_reference(config):
    text = render_markdown(saved_digest(), config)
    body = text.split("---\n", 2)[2]
    assert "\n### 关键词：十五运会和残特奥会\n\n<strong>广东</strong>\n\n　　11月14日至15日" in body
    assert '<font color="#ff0000">十五运会</font>' in body
    highlights = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r'<span style="background:#fff88f">(.*?)</span>', body)]
    items = [i for s in saved_digest().sections for i in s.items]
    assert len(items) * 3 // 4 <= len(highlights) <= len(items)  # the key clause of (nearly) every item
    assert all(10 <= len(h) <= 40 or (h[0] == "“" and h[-1] == "”") for h in highlights), "a clause or a quoted phrase"


def test_every_paragraph_ends_with_footnotes_that_resolve_to_sources(config):
    digest = saved_digest()
    text = render_markdown(digest, config)
    refs = re.findall(r"\[\^(\d+)\](?!:)", text)
    defs = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", text, flags=re.M))
    sources = [s for sec in digest.sections for i in sec.items for s in i.sources]
    assert [int(r) for r in refs] == list(range(1, len(sources) + 1))
    assert sorted(defs, key=int) == refs
    assert defs["1"].startswith(f"[{sources[0].title}]({sources[0].url})")


def test_commentary_becomes_the_zhengguantan_section(config):
    digest = replace(saved_digest(), commentary=Commentary(title="协同是最大变量", text="第一段。\n第二段。"))
    text = render_markdown(digest, config)
    assert "\n## 政观谈：协同是最大变量\n\n　　第一段。\n\n　　第二段。\n" in text
    assert "政观谈" not in render_markdown(saved_digest(), config)


def test_untrusted_titles_and_urls_cannot_inject_markup_or_break_links(config):
    digest = saved_digest()
    first = digest.sections[0].items[0]
    hostile = replace(first, sources=(SourceRef(id=first.sources[0].id, title="<script>x</script>[a](b)",
                                                url="http://example.org/a)(c", published=None),))
    section = replace(digest.sections[0], items=(hostile,))
    text = render_markdown(replace(digest, sections=(section,)), config)
    note = re.search(r"^\[\^1\]: (.*)$", text, flags=re.M)[1]
    assert note == r"[&lt;script&gt;x&lt;/script&gt;\[a\](b)](http://example.org/a%29%28c)"
    assert "<script>" not in text


def test_headings_start_at_level_two_and_never_skip_a_level(config):
    text = render_markdown(replace(saved_digest(), commentary=Commentary(title="协同", text="一段。")), config)
    levels = [len(m) for m in re.findall(r"^(#+) ", text.split("---\n", 2)[2], flags=re.M)]
    assert levels and min(levels) == 2 and levels[0] == 2
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_the_issue_date_does_not_follow_the_build_time(config):
    digest = saved_digest()
    late = replace(digest, generated="2026-12-02T10:00:00+08:00")
    assert _front_matter(render_markdown(late, config))["date"] == "2025-11-17"
