"""The archive page and the Atom feed written after each build."""

from __future__ import annotations

import functools
import json
import logging
import operator
import stat
from datetime import date, datetime

import feedparser
import pytest

from weeklydigest.build import write_outputs
from weeklydigest.model import Period

from .render_fixtures import parse_html, saved_digest, with_config


def _issue(week: int, *, generated: str, status: str = "draft"):
    start = date.fromisocalendar(2025, week, 1)
    return saved_digest(issue=f"2025-W{week:02d}", generated=generated, status=status,
                         period=Period(start=start, end=date.fromisocalendar(2025, week, 7), timezone="Asia/Shanghai"))


@pytest.fixture
def built(tmp_path, config):
    """Three issues built into one output folder, oldest first, the last one published; drafts in the feed."""
    config = with_config(config, feed_drafts=True)
    out = tmp_path / "output"
    write_outputs(_issue(44, generated="2025-11-03T08:00:00+08:00"), config, out=out, formats=("html", "json"))
    write_outputs(_issue(46, generated="2025-11-17T08:00:00+08:00"), config, out=out,
                  formats=("html", "md", "json"))
    write_outputs(_issue(45, generated="2025-11-10T08:00:00+08:00", status="published"), config, out=out,
                  formats=("html", "md", "json"))
    return out


def test_index_lists_every_issue_newest_first_with_its_files(built):
    page = parse_html((built / "index.html").read_text(encoding="utf-8"))
    assert page.get("lang") == "zh-CN"
    entries = page.cssselect("ol.archive > li")
    editions = [e.cssselect(".edition")[0].text_content() for e in entries]
    assert editions == ["第1期 · 2025年第46周草稿", "2025年第45周", "2025年第44周草稿"]
    links = [[a.get("href") for a in e.cssselect(".files a")] for e in entries]
    assert links == [["2025-W46/digest.html", "2025-W46/digest.md"],
                     ["2025-W45/digest.html", "2025-W45/digest.md"],
                     ["2025-W44/digest.html"]]
    for href in functools.reduce(operator.iadd, links, []):
        assert (built / href).is_file()
    assert page.cssselect('link[rel=alternate][type="application/atom+xml"]')[0].get("href") == "feed.atom"


def test_feed_is_valid_atom_with_stable_ids_dates_and_links(built, config):
    config = with_config(config, feed_drafts=True)
    feed = feedparser.parse((built / "feed.atom").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == config.title
    assert feed.feed.id.startswith("urn:uuid:")
    assert feed.feed.updated == "2025-11-17T08:00:00+08:00"
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == 3 and all(i.startswith("urn:uuid:") for i in ids)
    assert [e.updated_parsed[:3] for e in feed.entries] == [(2025, 11, 17), (2025, 11, 10), (2025, 11, 3)]
    newest = feed.entries[0]
    assert newest.title == "上周，市委书记们关注了哪些内容？｜第1期 · 2025年第46周（草稿）"
    assert newest.link == "2025-W46/digest.html"
    assert [t.term for t in newest.tags] == ["十五运会和残特奥会", "宣讲党的二十届四中全会精神", "百千万工程", "draft"]
    assert feed.entries[1].title == "上周，市委书记们关注了哪些内容？｜2025年第45周"
    # Rebuilding an issue keeps its entry id: readers do not see it twice.
    write_outputs(_issue(45, generated="2025-11-11T09:00:00+08:00", status="published"), config, out=built,
                  formats=("html",))
    again = feedparser.parse((built / "feed.atom").read_bytes())
    assert [e.id for e in again.entries] == ids
    assert again.entries[1].updated_parsed[:3] == (2025, 11, 11)


def test_feed_links_are_absolute_under_base_url_and_the_pdf_is_an_enclosure(tmp_path, config):
    out = tmp_path / "output"
    configured = with_config(config, base_url="https://digest.example.cn/weekly/")
    digest = _issue(46, generated="2025-11-17T08:00:00+08:00", status="published")
    (out / "2025-W46").mkdir(parents=True)
    (out / "2025-W46" / "digest.pdf").write_bytes(b"%PDF-1.7 placeholder")
    write_outputs(digest, configured, out=out, formats=("html",))
    feed = feedparser.parse((out / "feed.atom").read_bytes())
    assert not feed.bozo
    entry = feed.entries[0]
    assert entry.link == "https://digest.example.cn/weekly/2025-W46/digest.html"
    enclosure = next(link for link in entry.links if link.rel == "enclosure")
    assert enclosure.href == "https://digest.example.cn/weekly/2025-W46/digest.pdf"
    assert enclosure.type == "application/pdf" and enclosure.length == str(len(b"%PDF-1.7 placeholder"))
    self_link = next(link for link in feed.feed.links if link.rel == "self")
    assert self_link.href == "https://digest.example.cn/weekly/feed.atom"


def test_an_issue_with_an_unreadable_digest_json_is_listed_by_its_week(tmp_path, config, caplog):
    out = tmp_path / "output"
    (out / "2025-W40").mkdir(parents=True)
    (out / "2025-W40" / "digest.json").write_text("{not json", encoding="utf-8")
    (out / "2025-W40" / "digest.html").write_text("<html></html>", encoding="utf-8")
    (out / "notes").mkdir()
    with caplog.at_level(logging.WARNING):
        write_outputs(_issue(46, generated="2025-11-17T08:00:00+08:00"), with_config(config, feed_drafts=True),
                      out=out, formats=("json",))
    assert "2025-W40/digest.json: cannot be read" in caplog.text
    page = parse_html((out / "index.html").read_text(encoding="utf-8"))
    abouts = [e.cssselect(".about time")[0].text for e in page.cssselect("ol.archive > li")]
    assert abouts == ["2025年11月10日—11月16日", "2025年9月29日—10月5日"]
    assert len(feedparser.parse((out / "feed.atom").read_bytes()).entries) == 2


def test_outputs_are_written_whole_and_readable_by_others(built):
    leftovers = [p.name for p in built.rglob(".*.tmp")]
    assert leftovers == []
    for path in [built / "index.html", built / "feed.atom", built / "2025-W46" / "digest.html"]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & stat.S_IRGRP and mode & stat.S_IROTH, oct(mode)
    saved = json.loads((built / "2025-W46" / "digest.json").read_text(encoding="utf-8"))
    assert saved["issue"] == "2025-W46" and saved["commentary"] is None


def test_feed_updated_is_the_newest_issue_even_when_built_out_of_order(built):
    feed = feedparser.parse((built / "feed.atom").read_bytes())
    newest = max(datetime.fromisoformat(e.updated) for e in feed.entries)
    assert datetime.fromisoformat(feed.feed.updated) == newest


def test_an_empty_output_folder_gives_an_empty_archive_and_a_valid_feed(tmp_path, config):
    from weeklydigest.render.archive import write_archive

    out = tmp_path / "empty"
    out.mkdir()
    write_archive(out, config)
    assert "还没有任何一期" in (out / "index.html").read_text(encoding="utf-8")
    feed = feedparser.parse((out / "feed.atom").read_bytes())
    assert not feed.bozo and feed.entries == []


def test_a_digest_without_commentary_round_trips_through_json():
    digest = saved_digest()
    from weeklydigest.model import digest_from_json

    assert digest_from_json(json.loads(json.dumps(digest.to_json()))) == digest


def test_a_freshly_built_digest_round_trips_through_json(sample_digest):
    from weeklydigest.model import digest_from_json

    assert digest_from_json(json.loads(json.dumps(sample_digest.to_json()))) == sample_digest


def test_by_default_the_feed_announces_only_published_issues(tmp_path, config):
    out = tmp_path / "output"
    write_outputs(_issue(45, generated="2025-11-10T08:00:00+08:00", status="published"), config, out=out,
                  formats=("html", "json"))
    write_outputs(_issue(46, generated="2025-11-17T08:00:00+08:00"), config, out=out, formats=("html", "json"))
    feed = feedparser.parse((out / "feed.atom").read_bytes())
    assert [e.link for e in feed.entries] == ["2025-W45/digest.html"]
    page = parse_html((out / "index.html").read_text(encoding="utf-8"))
    assert len(page.cssselect("ol.archive > li")) == 2, "the desk's archive page still lists the draft"


def test_an_issue_without_a_web_page_still_has_an_alternate_link_in_the_feed(tmp_path, config):
    out = tmp_path / "output"
    write_outputs(_issue(46, generated="2025-11-17T08:00:00+08:00", status="published"), config, out=out,
                  formats=("json",))
    feed = feedparser.parse((out / "feed.atom").read_bytes())
    assert not feed.bozo
    (entry,) = feed.entries
    assert [link.href for link in entry.links if link.rel == "alternate"] == ["index.html"]


def test_a_feed_entry_carries_the_headline_an_editor_signed_and_never_the_machines_draft(tmp_path, config):
    from dataclasses import replace

    from weeklydigest.model import ACCEPTED, MACHINE, Draft

    out = tmp_path / "output"
    issue = _issue(45, generated="2025-11-10T08:00:00+08:00", status="published")
    write_outputs(replace(issue, headline="五市同提“五链融合”", drafts={"headline": Draft(status=MACHINE)}), config,
                  out=out, formats=("html", "json"))
    write_outputs(replace(_issue(46, generated="2025-11-17T08:00:00+08:00", status="published"),
                          headline="三市召开务虚会", drafts={"headline": Draft(status=ACCEPTED, by="王编辑")}),
                  config, out=out, formats=("html", "json"))
    titles = [e.title for e in feedparser.parse((out / "feed.atom").read_bytes()).entries]
    assert titles == ["三市召开务虚会｜第1期 · 2025年第46周", f"{config.title}｜2025年第45周"]
