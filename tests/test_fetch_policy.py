"""The network policy of feed and web sources, against real servers on 127.0.0.1: deadline, schemes, addresses."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from weeklydigest.collect import Collection, collect_into, netpolicy
from weeklydigest.config import Config
from weeklydigest.store import Store

from .content import EPOCH, FAR, REPORTS, by_slug, rss2, write_config
from .servers import Reply, Site

pytest_plugins = ("tests.http_fixture",)

FEED = "application/rss+xml"


def collect(config: Config) -> Collection:
    with Store(config.store) as store:
        return collect_into(store, config.sources, tz=config.tz, http=config.http)


@pytest.fixture
def second() -> Iterator[Site]:
    """Another server, on 127.0.0.2 (loopback too, but another address)."""
    server = Site(host="127.0.0.2")
    yield server
    server.close()


def test_a_feed_trickling_a_byte_at_a_time_is_given_up_at_the_deadline_and_the_sources_after_it_are_collected(
        tmp_path, site):
    # Each byte comes well within the read timeout: only a deadline for the whole request ends it.
    site.sequence("/slow.xml", [Reply(rss2(list(REPORTS[:2]), site=site.url("")), content_type=FEED, trickle=0.1)])
    site.serve("/feed.xml", rss2([by_slug("sg-1115")], site=site.url("")), content_type=FEED)
    config = write_config(tmp_path, [
        {"name": "慢源", "kind": "feed", "url": site.url("/slow.xml")},
        {"name": "好源", "kind": "feed", "url": site.url("/feed.xml")},
    ], http={"timeout": 2, "connect_timeout": 2, "retries": 1, "backoff": 0.01, "deadline": 1.0,
             "allow_private": True})
    slow, good = collect(config).runs
    assert slow.error == "gave up: no complete answer within 1s (http.deadline)"
    assert (good.new, good.error) == (1, None)
    assert len(site.hits("/slow.xml")) == 1, "a deadline is not retried"
    assert site.trickled < 100, "the client hung up long before the feed was sent"


def test_loopback_sources_are_refused_unless_the_source_or_the_http_settings_allow_them(tmp_path, site):
    site.serve("/feed.xml", rss2([by_slug("gz-1110")], site=site.url("")), content_type=FEED)
    strict = {"timeout": 0.5, "connect_timeout": 0.5, "retries": 1, "backoff": 0.01}
    config = write_config(tmp_path, [
        {"name": "内网", "kind": "feed", "url": site.url("/feed.xml")},
        {"name": "内网放行", "kind": "feed", "url": site.url("/feed.xml"), "allow_private": True},
    ], http=strict)
    refused, allowed = collect(config).runs
    assert refused.error == ("refused: 127.0.0.1 is a loopback or private address (127.0.0.1); set allow_private "
                             "on the source (or http.allow_private) to fetch it")
    assert (allowed.new, allowed.error) == (1, None)
    assert len(site.hits("/feed.xml")) == 1, "the refused source never connected"
    everyone = write_config(tmp_path, [{"name": "内网", "kind": "feed", "url": site.url("/feed.xml")}],
                            http={**strict, "allow_private": True})
    (run,) = collect(everyone).runs
    assert run.error is None


def test_a_redirect_is_checked_against_the_address_policy_again(tmp_path, site, second, monkeypatch):
    # Only loopback servers run here: 127.0.0.1 stands in for a public address, 127.0.0.2 stays private.
    real = netpolicy.allowed
    monkeypatch.setattr(netpolicy, "allowed", lambda address, *, allow_private: (
        address == ipaddress.ip_address("127.0.0.1") or real(address, allow_private=allow_private)))
    second.serve("/inner.xml", rss2([by_slug("sz-1111")], site=second.url("")), content_type=FEED)
    site.serve("/feed.xml", "", status=302, headers={"Location": second.url("/inner.xml")})
    strict = {"timeout": 0.5, "connect_timeout": 0.5, "retries": 1, "backoff": 0.01}
    config = write_config(tmp_path, [
        {"name": "跳转", "kind": "feed", "url": site.url("/feed.xml")},
        {"name": "跳转放行", "kind": "feed", "url": site.url("/feed.xml"), "allow_private": True},
    ], http=strict)
    refused, allowed = collect(config).runs
    assert refused.error is not None and refused.error.startswith("refused: 127.0.0.2 is a loopback or private")
    assert (allowed.new, allowed.error) == (1, None)
    assert len(second.hits("/inner.xml")) == 1, "only the allowed source reached the private address"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/feed.xml", "gopher://127.0.0.1/"])
def test_a_redirect_to_another_scheme_is_refused_at_once_and_not_retried(tmp_path, site, target):
    site.serve("/feed.xml", "", status=302, headers={"Location": target})
    config = write_config(tmp_path, [{"name": "跳转", "kind": "feed", "url": site.url("/feed.xml")}],
                          http={"timeout": 0.5, "retries": 2, "backoff": 0.01, "allow_private": True})
    (run,) = collect(config).runs
    scheme = target.split(":")[0]
    assert run.error == f"refused: only http and https URLs are fetched, not '{scheme}:'"
    assert len(site.hits("/feed.xml")) == 1


def test_linked_pages_of_a_feed_are_held_to_the_policy_too(tmp_path, site):
    base = site.url("")
    site.serve("/feed.xml", rss2([by_slug("gz-1110")], site=base, mode="summary"), content_type=FEED)
    site.serve("/gz-1110.html", "", status=302, headers={"Location": "file:///etc/passwd"})
    config = write_config(tmp_path, [{"name": "摘要源", "kind": "feed", "url": site.url("/feed.xml"),
                                      "fetch_pages": True}])
    collection = collect(config)
    (run,) = collection.runs
    assert run.new == 1, "the summary stands in"
    assert [s.reason for s in collection.skipped] == [
        "linked page not used (refused: only http and https URLs are fetched, not 'file:'); the feed's summary "
        "stands in"]


@pytest.mark.parametrize(("address", "private_ok"), [
    ("127.0.0.1", True), ("10.1.2.3", True), ("172.16.0.9", True), ("192.168.1.1", True),
    ("169.254.169.254", True), ("100.64.0.1", True), ("::1", True), ("fd00::1", True), ("fe80::1", True),
    ("::ffff:127.0.0.1", True), ("0.0.0.0", False), ("::", False), ("224.0.0.1", False), ("ff02::1", False),
])
def test_non_public_addresses_are_refused_and_private_ones_only_when_allowed(address, private_ok):
    ip = ipaddress.ip_address(address)
    assert netpolicy.allowed(ip, allow_private=False) is False
    assert netpolicy.allowed(ip, allow_private=True) is private_ok


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888"])
def test_public_addresses_are_allowed(address):
    assert netpolicy.allowed(ipaddress.ip_address(address), allow_private=False) is True


def test_feed_entries_with_dates_no_calendar_holds_are_read_undated_beside_the_others(tmp_path, site):
    whole = rss2(list(REPORTS[:2]), site=site.url("")).decode()
    odd = "".join(f"<item><title>日期{n}</title><link>{site.url(f'/odd-{n}.html')}</link><pubDate>{when}</pubDate>"
                  f"<description><![CDATA[<p>{REPORTS[2].text}</p>]]></description></item>"
                  for n, when in enumerate(["0000-00-00T00:00:00Z", "9999-12-31T23:59:59-12:00",
                                            "Mon, 99 Foo 2025 99:99:99 +0800"]))
    site.serve("/feed.xml", whole.replace("</channel>", odd + "</channel>"), content_type=FEED)
    # The entries' texts are summary-short: without fetch_pages: false their (missing) pages would be fetched.
    config = write_config(tmp_path, [{"name": "怪日期", "kind": "feed", "url": site.url("/feed.xml"),
                                      "fetch_pages": False}])
    collection = collect(config)
    (run,) = collection.runs
    assert (run.seen, run.new, run.error) == (5, 5, None)
    with Store(config.store) as store:
        undated = store.candidates(published_from=FAR, published_to=FAR, seen_from=EPOCH)
    assert sorted(d.title for d in undated) == ["日期0", "日期1", "日期2"]
