"""Web sources against a real local HTTP server: pages, listings, charsets, versions."""

from __future__ import annotations

import sqlite3

import opencc

from weeklydigest.collect import Collection, collect_into
from weeklydigest.config import Config
from weeklydigest.store import Store

from .content import EPOCH, FAR, by_slug, listing, page, write_config
from .servers import Site

pytest_plugins = ("tests.http_fixture",)


def collect(config: Config) -> Collection:
    with Store(config.store) as store:
        return collect_into(store, config.sources, tz=config.tz, http=config.http)


def latest(config: Config) -> dict[str, object]:
    """Return key -> latest RawDocument of every stored article."""
    with Store(config.store) as store:
        return {d.url: d for d in store.candidates(published_from=EPOCH, published_to=FAR, seen_from=EPOCH)}


def texts(config: Config) -> dict[str, str]:
    with Store(config.store) as store:
        keys = list(latest(config))
        return {key: store.versions(key)[-1][2] for key in keys}


def web_config(tmp_path, **source: object) -> Config:
    return write_config(tmp_path, [{"name": "南粤时政网", "kind": "web", **source}])


def test_article_pages_give_title_date_outlet_and_only_the_article_text(tmp_path, site):
    report = by_slug("st-1113")
    url = site.serve("/st-1113.html", page(report))
    config = web_config(tmp_path, urls=[url])
    (run,) = collect(config).runs
    assert (run.new, run.error) == (1, None)
    document = latest(config)[url]
    assert document.title == report.title
    assert document.published == report.published
    assert document.outlet == "南粤时政网"
    assert texts(config)[url] == report.text
    with sqlite3.connect(config.store) as db:
        assert db.execute("SELECT raw FROM versions WHERE key = ?", (url,)).fetchone()[0] == page(report).encode()
    assert "版权所有" not in document.body and "相关新闻" not in document.body and "首页" not in document.body


def test_the_date_falls_back_to_the_time_element(tmp_path, site):
    report = by_slug("fs-1114")
    url = site.serve("/fs-1114.html", page(report, date_in="time"))
    config = web_config(tmp_path, urls=[url])
    collect(config)
    assert latest(config)[url].published == report.published


def test_gbk_page_declared_only_in_its_meta_tag_is_decoded(tmp_path, site):
    report = by_slug("sg-1115")
    url = site.serve("/sg.html", page(report, charset="gbk"), encoding="gbk", content_type="text/html")
    config = web_config(tmp_path, urls=[url])
    collect(config)
    assert texts(config)[url] == report.text


def test_gbk_page_declared_only_in_the_http_header_is_decoded(tmp_path, site):
    report = by_slug("hy-1116")
    url = site.serve("/hy.html", page(report, meta_charset=False), encoding="gbk",
                     content_type="text/html; charset=GBK")
    config = web_config(tmp_path, urls=[url])
    collect(config)
    assert texts(config)[url] == report.text


def test_an_xhtml_page_with_an_xml_declaration_is_read(tmp_path, site):
    report = by_slug("st-1113")
    xhtml = '<?xml version="1.0" encoding="gbk"?>\n' + page(report, charset="gbk").replace("<!DOCTYPE html>", "")
    url = site.serve("/st.html", xhtml, encoding="gbk", content_type="application/xhtml+xml")
    config = web_config(tmp_path, urls=[url])
    collect(config)
    assert latest(config)[url].title == report.title
    assert texts(config)[url] == report.text


def test_big5_page_without_any_declaration_is_decoded_and_converted_to_simplified(tmp_path, site):
    report = by_slug("zh-1112")
    traditional = opencc.OpenCC("s2tw").convert(page(report, meta_charset=False))
    url = site.serve("/zh.html", traditional, encoding="big5", content_type="text/html")
    config = web_config(tmp_path, urls=[url])
    collect(config)
    assert texts(config)[url] == report.text


def test_a_listing_page_yields_the_links_that_match_the_pattern(tmp_path, site):
    for slug in ("gz-1110", "sz-1111"):
        site.serve(f"/news/{slug}.html", page(by_slug(slug)))
    site.serve("/list.html", listing(["/news/gz-1110.html", "news/sz-1111.html#top", "/about.html",
                                      "mailto:x@example.cn", "/news/gz-1110.html"]))
    config = web_config(tmp_path, listing=site.url("/list.html"), link_pattern=r"/news/[\w-]+\.html$")
    (run,) = collect(config).runs
    assert (run.seen, run.new, run.error) == (2, 2, None)
    assert set(latest(config)) == {site.url("/news/gz-1110.html"), site.url("/news/sz-1111.html")}
    assert site.hits("/about.html") == []
    (again,) = collect(config).runs
    assert (again.seen, again.new) == (2, 0)
    assert len(site.hits("/news/gz-1110.html")) == 1  # a known link is not fetched again


def test_a_changed_page_becomes_a_new_version_and_the_latest_wins(tmp_path, site):
    report = by_slug("mz-1112")
    url = site.serve("/mz.html", page(report), headers={"ETag": '"1"'})
    config = web_config(tmp_path, urls=[url])
    collect(config)
    (unchanged,) = collect(config).runs
    assert site.hits("/mz.html")[1]["if-none-match"] == '"1"'
    assert (unchanged.seen, unchanged.new, unchanged.updated) == (1, 0, 0)
    corrected = report.__class__(**{**report.__dict__, "paragraphs": (*report.paragraphs, "市领导吴晓东参加调研。")})
    site.serve("/mz.html", page(corrected), headers={"ETag": '"2"'})
    (changed,) = collect(config).runs
    assert changed.updated == 1
    with Store(config.store) as store:
        versions = store.versions(url)
    assert [v for v, _, _ in versions] == [1, 2]
    assert texts(config)[url].endswith("市领导吴晓东参加调研。")


def test_bad_pages_are_skipped_with_a_reason_and_the_good_ones_kept(tmp_path, site: Site):
    good = site.serve("/good.html", page(by_slug("gz-1110")))
    pdf = site.serve("/file.pdf", b"%PDF-1.4", content_type="application/pdf")
    empty = site.serve("/empty.html", "   ")
    untitled = site.serve("/untitled.html", "<html><body><p>只有一句话。</p></body></html>")
    config = web_config(tmp_path, urls=[good, site.url("/missing.html"), pdf, empty, untitled])
    collection = collect(config)
    (run,) = collection.runs
    assert (run.seen, run.new, run.skipped, run.error) == (5, 1, 4, None)
    assert [(s.path_or_url, s.reason) for s in collection.skipped] == [
        (site.url("/missing.html"), "HTTP 404 Not Found"),
        (pdf, "not a web page (application/pdf)"),
        (empty, "empty page"),
        (untitled, "page has no <title> or <h1>"),
    ]


def test_a_source_whose_every_page_fails_is_marked_failed(tmp_path, site):
    config = web_config(tmp_path, urls=[site.url("/a.html"), site.url("/b.html")])
    (run,) = collect(config).runs
    assert run.error == "every entry was skipped (first: HTTP 404 Not Found)"


def test_an_unreachable_listing_fails_the_source(tmp_path, site):
    config = web_config(tmp_path, listing=site.url("/list.html"), link_pattern="news")
    (run,) = collect(config).runs
    assert run.error == "listing page: HTTP 404 Not Found"


def test_hidden_text_in_the_article_reaches_the_cleaner_and_is_removed(tmp_path, site):
    report = by_slug("sz-1111")
    spam = '<span style="display:none">澳门博彩官网注册送彩金</span>'
    body = page(report).replace("打造低空经济产业高地。", "打造低空经济产业高地。" + spam)
    url = site.serve("/sz.html", body)
    config = web_config(tmp_path, urls=[url])
    collect(config)
    assert "澳门博彩" in latest(config)[url].body  # kept as delivered …
    assert texts(config)[url] == report.text  # … and dropped by the cleaner
