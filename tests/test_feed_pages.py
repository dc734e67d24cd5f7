"""`fetch_pages`: a feed entry that carries only a summary is completed from its linked page by default."""

from __future__ import annotations

from weeklydigest.collect import collect_into
from weeklydigest.config import Config
from weeklydigest.store import Store

from .content import EPOCH, FAR, by_slug, page, rss2, write_config
from .servers import Site

pytest_plugins = ("tests.http_fixture",)


def _texts(config: Config) -> list[str]:
    with Store(config.store) as store:
        collect_into(store, config.sources, tz=config.tz, http=config.http)
        docs = store.candidates(published_from=EPOCH, published_to=FAR, seen_from=EPOCH)
        return [store.versions(d.url or d.origin)[-1][2] for d in docs]


def _config(tmp_path, site: Site, **source: object) -> Config:
    return write_config(tmp_path, [{"name": "南粤时政日报", "kind": "feed", "url": site.url("/feed.xml"), **source}])


def test_a_summary_only_entry_is_completed_from_its_page_without_any_setting(tmp_path, site):
    report = by_slug("gz-1110")
    site.serve("/feed.xml", rss2([report], site=site.url(""), mode="summary"), content_type="application/rss+xml")
    site.serve("/gz-1110.html", page(report))
    assert _texts(_config(tmp_path, site)) == [report.text]
    assert len(site.hits("/gz-1110.html")) == 1


def test_an_entry_with_the_article_in_its_description_is_not_fetched_again(tmp_path, site):
    report = by_slug("gz-1110")
    site.serve("/feed.xml", rss2([report], site=site.url(""), mode="description"), content_type="application/rss+xml")
    site.serve("/gz-1110.html", page(report))
    (text,) = _texts(_config(tmp_path, site))
    assert text == report.text
    assert site.hits("/gz-1110.html") == []


def test_fetch_pages_false_keeps_the_summary(tmp_path, site):
    report = by_slug("gz-1110")
    site.serve("/feed.xml", rss2([report], site=site.url(""), mode="summary"), content_type="application/rss+xml")
    site.serve("/gz-1110.html", page(report))
    (text,) = _texts(_config(tmp_path, site, fetch_pages=False))
    assert text.endswith("…") and len(text) < 30
    assert site.hits("/gz-1110.html") == []


def test_fetch_pages_true_fetches_even_a_long_description(tmp_path, site):
    report = by_slug("gz-1110")
    site.serve("/feed.xml", rss2([report], site=site.url(""), mode="description"), content_type="application/rss+xml")
    site.serve("/gz-1110.html", page(report))
    _texts(_config(tmp_path, site, fetch_pages=True))
    assert len(site.hits("/gz-1110.html")) == 1
