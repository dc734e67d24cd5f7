"""Feed sources against a real local HTTP server: RSS/Atom, conditional GET, retries, limits, rotation."""

from __future__ import annotations

from weeklydigest import __version__
from weeklydigest.build import build_issue
from weeklydigest.collect import Collection, collect_into
from weeklydigest.config import Config
from weeklydigest.store import Store
from weeklydigest.week import parse_week

from .content import EPOCH, FAR, REPORTS, WEEK, atom, by_slug, page, rss091, rss1, rss2, write_config
from .servers import Reply, Site

pytest_plugins = ("tests.http_fixture",)


def collect(config: Config) -> Collection:
    with Store(config.store) as store:
        return collect_into(store, config.sources, tz=config.tz, http=config.http)


def stored(config: Config) -> dict[str, tuple[str, str]]:
    """Return key -> (title, cleaned text) of the latest version of every stored article."""
    with Store(config.store) as store:
        docs = store.candidates(published_from=EPOCH, published_to=FAR, seen_from=EPOCH)
        return {d.url or d.origin: (d.title, store.versions(d.url or d.origin)[-1][2]) for d in docs}


def feed_config(tmp_path, site: Site, path: str = "/feed.xml", **source: object) -> Config:
    return write_config(tmp_path, [{"name": "南粤时政日报", "kind": "feed", "url": site.url(path), **source}])


def test_rss2_entries_are_stored_with_title_link_date_and_outlet(tmp_path, site):
    site.serve("/feed.xml", rss2(list(REPORTS[:3]), site=site.url("")), content_type="application/rss+xml")
    config = feed_config(tmp_path, site)
    (run,) = collect(config).runs
    assert (run.seen, run.new, run.error) == (3, 3, None)
    with Store(config.store) as store:
        (doc,) = [d for d in store.candidates(published_from=by_slug("gz-1110").published,
                                              published_to=by_slug("gz-1110").published,
                                              seen_from=by_slug("gz-1110").published)]
    assert doc.title == "林志远调研城中村改造工作"
    assert doc.url == site.url("/gz-1110.html")
    assert doc.published == by_slug("gz-1110").published
    assert doc.outlet == "南粤时政日报"
    assert "稳妥有序推进城中村改造" in doc.body


def test_atom_rss1_and_rss091_feeds_are_read(tmp_path, site):
    base = site.url("")
    site.serve("/atom.xml", atom([by_slug("sz-1111")], site=base), content_type="application/atom+xml")
    site.serve("/rdf.xml", rss1([by_slug("zh-1112")], site=base), content_type="application/rdf+xml")
    site.serve("/old.xml", rss091([by_slug("st-1113")], site=base), content_type="text/xml")
    config = write_config(tmp_path, [
        {"name": "湾区观察", "kind": "feed", "url": site.url("/atom.xml")},
        {"name": "粤东新闻", "kind": "feed", "url": site.url("/rdf.xml")},
        {"name": "粤北快讯", "kind": "feed", "url": site.url("/old.xml")},
    ])
    runs = collect(config).runs
    assert [(r.name, r.new, r.error) for r in runs] == [
        ("湾区观察", 1, None), ("粤东新闻", 1, None), ("粤北快讯", 1, None)]
    texts = {title: text for title, text in stored(config).values()}
    assert "打造低空经济产业高地" in texts["周海川调研低空经济发展"]
    assert "保障口岸安全高效运行" in texts["陈启明检查港珠澳大桥口岸通关保障"]
    assert "推动试验区建设取得新突破" in texts["黄立言调研华侨试验区建设"]


def test_second_collection_sends_validators_and_a_304_changes_nothing(tmp_path, site):
    site.serve("/feed.xml", rss2(list(REPORTS[:2]), site=site.url("")), content_type="application/rss+xml",
               headers={"ETag": '"v1"', "Last-Modified": "Sun, 16 Nov 2025 12:00:00 GMT"})
    config = feed_config(tmp_path, site)
    collect(config)
    (run,) = collect(config).runs
    first, second = site.hits("/feed.xml")
    assert "if-none-match" not in first
    assert second["if-none-match"] == '"v1"'
    assert second["if-modified-since"] == "Sun, 16 Nov 2025 12:00:00 GMT"
    assert (run.seen, run.new, run.updated, run.error) == (0, 0, 0, None)
    assert len(stored(config)) == 2


def test_a_feeds_validators_are_kept_only_after_every_entry_of_it_is_in_the_store(tmp_path, site, monkeypatch):
    from weeklydigest.collect import keep
    from weeklydigest.understand.analysis import Analyser

    # Workers from the first entry on: entries are then still being analysed when the feed ends.
    monkeypatch.setattr(keep, "ALONE", 0)
    monkeypatch.setattr(keep, "ALONE_FORKED", 0)
    site.serve("/feed.xml", rss2(list(REPORTS), site=site.url("")), content_type="application/rss+xml",
               headers={"ETag": '"v1"'})
    config = feed_config(tmp_path, site)
    stored_when_validated: list[int] = []
    with Store(config.store) as store:
        save = store.save_validators

        def watched(*args: object, **kwargs: object) -> None:
            stored_when_validated.append(store.counts()["articles"])
            save(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(store, "save_validators", watched)
        (run,) = collect_into(store, config.sources, tz=config.tz, http=config.http,
                              analyser=Analyser(config)).runs
    assert run.new == len(REPORTS) > 1
    assert stored_when_validated == [len(REPORTS)]  # a crash before the validators fetches every entry again


def test_a_500_is_retried_and_the_feed_then_collected(tmp_path, site):
    good = Reply(rss2([by_slug("fs-1114")], site=site.url("")), content_type="application/rss+xml")
    site.sequence("/feed.xml", [Reply(b"busy", status=500), good])
    config = feed_config(tmp_path, site)
    (run,) = collect(config).runs
    assert (run.new, run.error) == (1, None)
    assert len(site.hits("/feed.xml")) == 2


def test_a_feed_that_keeps_failing_is_reported_and_the_next_source_still_runs(tmp_path, site):
    site.serve("/broken.xml", "oops", status=503)
    site.serve("/feed.xml", rss2([by_slug("sg-1115")], site=site.url("")), content_type="application/rss+xml")
    config = write_config(tmp_path, [
        {"name": "坏源", "kind": "feed", "url": site.url("/broken.xml")},
        {"name": "好源", "kind": "feed", "url": site.url("/feed.xml")},
    ])
    collection = collect(config)
    bad, good = collection.runs
    assert bad.error == "HTTP 503 Service Unavailable (after 2 tries)"
    assert (good.new, good.error) == (1, None)
    assert [(s.path_or_url, s.reason) for s in collection.skipped] == [(site.url("/broken.xml"), bad.error)]
    with Store(config.store) as store:
        health = {h.name: h for h in store.health()}
    assert health["坏源"].last_success is None and health["坏源"].last_error == bad.error
    assert health["好源"].last_error is None and health["好源"].stored == 1


def test_a_server_that_does_not_answer_in_time_is_given_up_after_bounded_retries(tmp_path, site):
    site.serve("/slow.xml", rss2([by_slug("hy-1116")], site=site.url("")), delay=2.0)
    config = feed_config(tmp_path, site, "/slow.xml")
    (run,) = collect(config).runs
    assert run.error == "timed out (no answer within 0.5s) (after 2 tries)"
    assert len(site.hits("/slow.xml")) == 2


def test_redirects_are_followed(tmp_path, site):
    site.serve("/feed.xml", rss2([by_slug("mz-1112")], site=site.url("")), content_type="application/rss+xml")
    site.serve("/old-feed", "", status=301, headers={"Location": site.url("/feed.xml")})
    config = feed_config(tmp_path, site, "/old-feed")
    (run,) = collect(config).runs
    assert (run.new, run.error) == (1, None)


def test_endless_redirects_fail_the_source_with_a_reason(tmp_path, site):
    site.serve("/loop", "", status=302, headers={"Location": "/loop"})
    (run,) = collect(feed_config(tmp_path, site, "/loop")).runs
    assert run.error == "more than 5 redirects"


def test_malformed_xml_without_entries_fails_the_source_with_a_reason(tmp_path, site):
    site.serve("/feed.xml", b"<?xml version='1.0'?><rss><channel><title>\x01\x02 broken", content_type="text/xml")
    (run,) = collect(feed_config(tmp_path, site)).runs
    assert run.error is not None and run.error.startswith("not valid RSS/Atom (")
    assert run.new == 0


def test_a_malformed_feed_keeps_the_entries_that_could_be_read(tmp_path, site):
    whole = rss2(list(REPORTS[:2]), site=site.url("")).decode()
    cut = whole[: whole.index("</item>") + len("</item>")] + "<item><title>半截"  # the feed stops mid-entry
    site.serve("/feed.xml", cut, content_type="application/rss+xml")
    collection = collect(feed_config(tmp_path, site))
    (run,) = collection.runs
    assert (run.new, run.skipped) == (1, 1)
    assert [s.reason for s in collection.skipped] == ["feed entry has no title"]


def test_a_page_that_is_not_a_feed_is_reported(tmp_path, site):
    site.serve("/feed.xml", "<html><body><p>维护中</p></body></html>")
    (run,) = collect(feed_config(tmp_path, site)).runs
    assert run.error == "not an RSS or Atom feed (text/html; charset=utf-8 is not an XML media type)"


def test_an_oversized_feed_is_refused_with_or_without_content_length(tmp_path, site):
    big = rss2(list(REPORTS) * 400, site=site.url(""))
    assert len(big) > 100_000
    site.serve("/declared.xml", big, content_type="application/rss+xml")
    site.serve("/streamed.xml", big, content_type="application/rss+xml", length=False)
    config = write_config(tmp_path, [
        {"name": "大", "kind": "feed", "url": site.url("/declared.xml")},
        {"name": "流", "kind": "feed", "url": site.url("/streamed.xml")},
    ], http={"max_bytes": 100_000, "timeout": 2, "allow_private": True})
    declared, streamed = collect(config).runs
    assert declared.error == f"response too large ({len(big)} bytes, the limit is 100000)"
    assert streamed.error == "response too large (more than 100000 bytes)"


def test_a_feed_that_rotates_its_entries_loses_nothing(tmp_path, site):
    base = site.url("")
    config = feed_config(tmp_path, site)
    site.serve("/feed.xml", rss2(list(REPORTS[0:3]), site=base), content_type="application/rss+xml",
               headers={"ETag": '"a"'})
    collect(config)
    site.serve("/feed.xml", rss2(list(REPORTS[2:6]), site=base), content_type="application/rss+xml",
               headers={"ETag": '"b"'})
    (run,) = collect(config).runs
    assert (run.seen, run.new) == (4, 3)
    assert len(stored(config)) == 6
    digest = build_issue(config, week=parse_week(WEEK))
    assert digest.stats["articles_seen"] == 6
    cities = {item.city for section in digest.sections for item in section.items}
    assert cities == {"广州", "深圳", "珠海", "汕头", "佛山", "韶关"}


def test_summary_only_entries_are_completed_from_the_linked_page(tmp_path, site):
    report = by_slug("gz-1110")
    site.serve("/feed.xml", rss2([report], site=site.url(""), mode="summary"), content_type="application/rss+xml")
    hidden = '<p style="display:none">点击领取免费流量大礼包</p>'
    site.serve("/gz-1110.html", page(report, extra=hidden), headers={"ETag": '"p1"'})
    config = feed_config(tmp_path, site, fetch_pages=True)
    (run,) = collect(config).runs
    assert (run.new, run.error) == (1, None)
    ((title, text),) = stored(config).values()
    assert title == report.title
    assert text == report.text  # the page's text, without its menu, footer, related links or hidden text
    digest = build_issue(config, week=parse_week(WEEK))
    assert digest.stats["removed"].get("hidden") == 1


def test_a_known_linked_page_is_fetched_again_only_when_its_entry_changes(tmp_path, site):
    report = by_slug("sz-1111")
    site.serve("/sz-1111.html", page(report))
    site.serve("/feed.xml", rss2([report], site=site.url(""), mode="summary"), content_type="application/rss+xml")
    config = feed_config(tmp_path, site, fetch_pages=True)
    collect(config)
    (run,) = collect(config).runs
    assert len(site.hits("/sz-1111.html")) == 1
    assert (run.seen, run.new, run.updated) == (1, 0, 0)
    later = report.__class__(**{**report.__dict__, "day": report.day.replace(day=12)})
    site.serve("/feed.xml", rss2([later], site=site.url(""), mode="summary"), content_type="application/rss+xml")
    collect(config)
    assert len(site.hits("/sz-1111.html")) == 2


def test_when_the_linked_page_fails_the_summary_stands_in_with_a_reason(tmp_path, site):
    site.serve("/feed.xml", rss2([by_slug("zh-1112")], site=site.url(""), mode="summary"),
               content_type="application/rss+xml")
    config = feed_config(tmp_path, site, fetch_pages=True)
    collection = collect(config)
    assert [s.reason for s in collection.skipped] == [
        "linked page not used (HTTP 404 Not Found); the feed's summary stands in"]
    ((title, text),) = stored(config).values()
    assert title == "陈启明检查港珠澳大桥口岸通关保障" and text.startswith("11月12日，珠海市委书记陈启明")


def test_requests_name_weeklydigest_and_its_version(tmp_path, site):
    site.serve("/feed.xml", rss2([by_slug("st-1113")], site=site.url("")), content_type="application/rss+xml")
    collect(feed_config(tmp_path, site))
    assert site.hits("/feed.xml")[0]["user-agent"] == f"weeklydigest/{__version__}"


def test_a_gbk_feed_is_decoded(tmp_path, site):
    site.serve("/feed.xml", rss2([by_slug("mz-1112")], site=site.url(""), encoding="gbk"),
               content_type="application/rss+xml")
    config = feed_config(tmp_path, site)
    collect(config)
    ((title, text),) = stored(config).values()
    assert title == "曾宪平调研柚果产业发展" and "带动果农持续增收" in text
