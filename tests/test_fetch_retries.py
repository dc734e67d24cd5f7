"""Fetcher retries against a local server: exponential backoff, Retry-After honoured, 4xx never retried."""

from __future__ import annotations

import pytest

from weeklydigest.collect.fetch import Fetcher, FetchError
from weeklydigest.config import HttpSettings

from .servers import Reply

pytest_plugins = ("tests.http_fixture",)


def _fetcher(sleeps: list[float], *, retries: int = 3) -> Fetcher:
    settings = HttpSettings(timeout=2, connect_timeout=2, retries=retries, backoff=0.5, allow_private=True)
    return Fetcher(settings, sleep=sleeps.append)  # the test server is on 127.0.0.1


def test_a_server_that_recovers_is_retried_with_doubling_pauses(site):
    site.sequence("/feed.xml", [Reply(b"busy", 503), Reply(b"busy", 502), Reply(b"<rss/>", 200)])
    sleeps: list[float] = []
    with _fetcher(sleeps) as fetcher:
        response = fetcher.get(site.url("/feed.xml"))
    assert (response.status, response.content) == (200, b"<rss/>")
    assert sleeps == [0.5, 1.0]
    assert len(site.hits("/feed.xml")) == 3


def test_retry_after_is_waited_for_when_longer_than_the_backoff(site):
    site.sequence("/feed.xml", [Reply(b"slow down", 429, headers={"Retry-After": "7"}), Reply(b"<rss/>", 200)])
    sleeps: list[float] = []
    with _fetcher(sleeps) as fetcher:
        assert fetcher.get(site.url("/feed.xml")).status == 200
    assert sleeps == [7.0]


def test_giving_up_names_the_last_failure_and_the_tries(site):
    site.serve("/feed.xml", "down", status=503)
    sleeps: list[float] = []
    with _fetcher(sleeps, retries=2) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/feed.xml"))
    assert str(caught.value) == "HTTP 503 Service Unavailable (after 3 tries)"
    assert sleeps == [0.5, 1.0]


def test_a_client_error_is_not_retried(site):
    site.serve("/feed.xml", "gone", status=404)
    sleeps: list[float] = []
    with _fetcher(sleeps) as fetcher, pytest.raises(FetchError, match="HTTP 404 Not Found"):
        fetcher.get(site.url("/feed.xml"))
    assert sleeps == []
    assert len(site.hits("/feed.xml")) == 1
