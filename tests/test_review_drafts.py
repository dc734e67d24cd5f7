"""Editors accept or rewrite the drafted headline and lede, and accept, rename or drop the proposed themes."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from lxml import html as lxml_html

from weeklydigest.model import ACCEPTED, DROPPED, EDITED, MACHINE, digest_from_json
from weeklydigest.render.html import render_html
from weeklydigest.review.app import create_app
from weeklydigest.review.edits import EditError, apply_edits, check_edit, diff
from weeklydigest.review.workflow import Review

from .editorial_week import UNPLACED_CITY, WEEK, build
from .render_fixtures import parse_html
from .review_env import PASSWORDS, SECRET, review_config, save_draft

RUN = "强链条、优环境、惠民生"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("drafts"))


def _theme(digest, phrase):
    return next(t for t in digest.themes if t.phrase == phrase)


def _main_headings(page) -> list[str]:
    return [h.text_content() for h in page.cssselect("main > section > h2, main > h2.part, main > aside > h2")]


def test_an_accepted_theme_is_a_section_above_the_keyword_sections_and_proposals_are_not_printed_once_approved(built):
    config, digest, _ = built
    edited = apply_edits(digest, [{"op": "theme_accept", "phrase": RUN, "by": "王编辑"}]).digest
    assert _theme(edited, RUN).status == ACCEPTED and _theme(edited, RUN).by == "王编辑"
    page = parse_html(render_html(replace(edited, status="approved"), config))
    headings = _main_headings(page)
    assert headings[0] == _theme(digest, RUN).title
    assert headings.index(config.title) > 0 and headings[-1].startswith("关键词：")
    assert len(page.cssselect("section.theme")) == 1, "only the accepted theme is printed once approved"
    cities = [s.text for s in page.cssselect("section.theme p strong")]
    assert cities == ["汕头", "潮州", "揭阳"]


def test_a_draft_shows_its_proposed_themes_marked_as_proposals(built):
    config, digest, _ = built
    page = parse_html(render_html(digest, config))
    proposed = page.cssselect("section.theme")
    assert len(proposed) == len(digest.themes) >= 3
    assert all(t.cssselect("p.proposed") for t in proposed)


def test_a_renamed_theme_prints_the_editors_title_and_a_dropped_one_is_gone(built):
    config, digest, _ = built
    other = digest.themes[0].phrase
    edited = apply_edits(digest, [{"op": "theme_rename", "phrase": RUN, "title": "粤东三市：抓链条、优环境、惠民生"},
                                  {"op": "theme_drop", "phrase": other}]).digest
    assert _theme(edited, other).status == DROPPED
    page = parse_html(render_html(edited, config))
    titles = [h.text_content() for h in page.cssselect("section.theme h2")]
    assert "粤东三市：抓链条、优环境、惠民生" in titles and digest.themes[0].title not in titles
    assert "## 专题" not in "\n".join(diff(digest, edited)), "a renamed proposal is not yet in the issue"


def test_the_editors_headline_replaces_the_draft_and_is_no_longer_marked_as_machine_drafted(built):
    config, digest, _ = built
    assert digest.drafts["headline"].status == MACHINE
    page = parse_html(render_html(digest, config))
    assert page.cssselect("h1")[0].text_content() == digest.headline
    assert "标题、导语由机器草拟" in page.cssselect(".drafted")[0].text_content()
    edited = apply_edits(digest, [{"op": "headline", "text": "五市同提“五链融合”", "by": "王编辑"},
                                  {"op": "accept", "field": "lede", "by": "王编辑"}]).digest
    assert edited.headline == "五市同提“五链融合”"
    assert (edited.drafts["headline"].status, edited.drafts["headline"].by) == (EDITED, "王编辑")
    assert edited.drafts["headline"].sentences == ()
    assert edited.drafts["lede"].status == ACCEPTED and edited.drafts["lede"].sentences
    page = parse_html(render_html(edited, config))
    assert page.cssselect("h1")[0].text_content() == "五市同提“五链融合”"
    assert not page.cssselect(".drafted")
    assert "标题：五市同提“五链融合”" in "\n".join(diff(digest, edited))
    saved = digest_from_json(edited.to_json())
    assert saved.drafts == edited.drafts and saved.headline == edited.headline


def test_edits_whose_theme_or_draft_is_missing_are_kept_as_orphans(built):
    digest = built[1]
    result = apply_edits(replace(digest, lede="", drafts={}), [{"op": "theme_accept", "phrase": "不存在的提法"},
                                                              {"op": "accept", "field": "lede"}])
    assert [o.reason for o in result.orphaned] == ["no theme 不存在的提法", "no machine draft of the lede"]


def test_a_malformed_draft_edit_is_refused():
    with pytest.raises(EditError, match="accept: 'field' must be one of headline, lede"):
        check_edit({"op": "accept", "field": "commentary"})
    with pytest.raises(EditError, match="theme_rename: 'title' is required"):
        check_edit({"op": "theme_rename", "phrase": RUN, "title": " "})


def _login(client):
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    client.post("/login", data={"name": "王编辑", "password": PASSWORDS["王编辑"], "csrf_token": csrf})
    return csrf


def test_the_review_page_lets_an_editor_accept_a_theme_and_the_drafts_and_shows_unplaced_cities(built, tmp_path):
    config = review_config(tmp_path)
    save_draft(config, built[1])
    app = create_app(config, secret=SECRET)
    app.testing = True
    client = app.test_client()
    _login(client)
    page = lxml_html.fromstring(client.get(f"/issues/{WEEK}").get_data())
    assert [a.get("data-phrase") for a in page.cssselect("#themes article")] == [t.phrase for t in built[1].themes]
    assert [s.get("data-city") for s in page.cssselect("#unplaced .city")] == [UNPLACED_CITY]
    assert page.cssselect('[data-draft="headline"]')[0].text_content().startswith("机器草拟")
    csrf = page.cssselect('input[name="csrf_token"]')[0].get("value")
    for data in ({"op": "theme_accept", "phrase": RUN}, {"op": "accept", "field": "headline"}):
        response = client.post(f"/issues/{WEEK}/edit", data={**data, "csrf_token": csrf})
        assert response.status_code == 302
    state = Review(config).state(WEEK)
    assert _theme(state.edited, RUN).status == ACCEPTED and _theme(state.edited, RUN).by == "王编辑"
    assert (state.edited.drafts["headline"].status, state.edited.drafts["headline"].by) == (ACCEPTED, "王编辑")
    page = lxml_html.fromstring(client.get(f"/issues/{WEEK}").get_data())
    assert page.cssselect(f'#themes article[data-phrase="{RUN}"]')[0].get("data-status") == "accepted"
    preview = parse_html(client.get(f"/issues/{WEEK}/preview.html").get_data(as_text=True))
    assert preview.cssselect("main > section")[0].get("data-phrase") == RUN
