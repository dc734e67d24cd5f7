"""Delivery against a real SMTP server on 127.0.0.1: exactly once, retries, bounces, unsubscribe, section choices."""

from __future__ import annotations

import json
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from weeklydigest.build import write_outputs
from weeklydigest.config import Config, DeliveryConfig, SmtpSettings
from weeklydigest.deliver import make_app, on_published, send_issue, unsubscribe
from weeklydigest.deliver.send import ACCEPTED, RateLimit
from weeklydigest.deliver.subscribers import make_subscriber
from weeklydigest.deliver.tokens import make_token, read_token
from weeklydigest.errors import DigestError
from weeklydigest.model import ACTIVE, BOUNCING, UNSUBSCRIBED, Delivery, Digest
from weeklydigest.store import Store

from .smtp_server import Inbox, SmtpServer

ISSUE = "2025-W46"
SECRET = "a-test-secret-of-some-length"
SECTIONS = ("十五运会和残特奥会", "宣讲党的二十届四中全会精神", "百千万工程")


@pytest.fixture(scope="module")
def published(sample_digest: Digest, config: Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding the sample week as a published issue."""
    out = tmp_path_factory.mktemp("published")
    write_outputs(replace(sample_digest, status="published"), config, out=out)
    return out


@dataclass
class Setup:
    config: Config
    out: Path

    def on(self, server: SmtpServer, **delivery: object) -> Config:
        """Return the config sending to `server`."""
        settings = replace(self.config.delivery, smtp=SmtpSettings(host="127.0.0.1", port=server.port,
                                                                   security="none", timeout=5), **delivery)
        return replace(self.config, delivery=settings)

    def add(self, *addresses: str, sections: str | None = None) -> None:
        with Store(self.config.store) as store:
            for address in addresses:
                assert store.add_subscriber(make_subscriber(address, sections=sections, config=self.config),
                                            now=_now())

    def status(self, address: str) -> str:
        with Store(self.config.store) as store:
            subscriber = store.subscriber(address)
            assert subscriber is not None
            return subscriber.status


def _now() -> datetime:
    return datetime(2025, 11, 17, 9, 0, tzinfo=UTC)


@pytest.fixture
def setup(config: Config, published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Setup:
    monkeypatch.setenv("WD_TEST_SECRET", SECRET)
    delivery = DeliveryConfig(sender="周报编辑部 <digest@example.org>", secret_env="WD_TEST_SECRET",
                              unsubscribe_url="http://127.0.0.1:9/unsubscribe", retries=2, backoff=0.0)
    return Setup(replace(config, store=tmp_path / "store.sqlite", output=published, delivery=delivery,
                         base_url="https://digest.example.org/"), published)


@pytest.fixture
def servers() -> Iterator[list[SmtpServer]]:
    started: list[SmtpServer] = []
    yield started
    for server in started:
        server.stop()


def _serve(servers: list[SmtpServer], inbox: Inbox) -> SmtpServer:
    server = SmtpServer(inbox).start()
    servers.append(server)
    return server


def _pdf_text(message, tmp_path: Path) -> str:
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    path = tmp_path / attachment.get_filename()
    path.write_bytes(attachment.get_content())
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def test_each_subscriber_receives_the_issue_with_headers_bodies_and_a_readable_pdf(setup, servers, tmp_path):
    server = _serve(servers, Inbox())
    setup.add("li.lei@example.org", "han.meimei@example.net")
    report = send_issue(setup.on(server), ISSUE)

    assert (report.accepted, report.failed, report.bounced, report.renders) == (2, [], [], 0)
    assert server.inbox.copies() == {"li.lei@example.org": 1, "han.meimei@example.net": 1}
    message = next(m for m in server.inbox.messages if m["To"].addresses[0].addr_spec == "li.lei@example.org")
    assert message["Subject"] == "上周，市委书记们关注了哪些内容？（2025-W46）"
    assert message["From"].addresses[0].addr_spec == "digest@example.org"
    assert message["Message-ID"].endswith("@example.org>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:9/unsubscribe?token=")
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["token"][0]
    assert read_token(SECRET.encode(), token) == "li.lei@example.org"

    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for title in SECTIONS:
        assert f"关键词：{title}" in plain and title in html
    assert "广州、深圳、珠海" in plain  # the cities of the first section, in the column's order
    assert "https://digest.example.org/2025-W46/digest.html" in plain
    assert 'href="https://digest.example.org/2025-W46/digest.html"' in html
    assert link in plain and link.replace("&", "&amp;") in html

    text = _pdf_text(message, tmp_path)
    assert all(title in text for title in SECTIONS)
    assert "共" in text and "页" in text


def test_a_subscriber_with_one_section_gets_a_pdf_of_that_section_only(setup, servers, tmp_path):
    server = _serve(servers, Inbox())
    setup.add("a@example.org", "b@example.org", sections="百千万工程")
    setup.add("c@example.org", sections="百千万工程, 十五运会和残特奥会")
    setup.add("d@example.org")
    report = send_issue(setup.on(server), ISSUE)

    assert report.accepted == 4
    assert report.renders == 2  # one per distinct choice; the whole issue is the published digest.pdf
    by_address = {m["To"].addresses[0].addr_spec: m for m in server.inbox.messages}
    # The headline and lede are the whole issue's and may name what other sections cover; the sections are cut.
    text = "".join(_pdf_text(by_address["a@example.org"], tmp_path).split())
    assert "关键词：百千万工程" in text
    assert "关键词：十五运会和残特奥会" not in text and "关键词：宣讲党的二十届四中全会精神" not in text
    plain = by_address["a@example.org"].get_body(("plain",)).get_content()
    assert "关键词：百千万工程" in plain and "十五运会" not in plain
    two = "".join(_pdf_text(by_address["c@example.org"], tmp_path).split())
    assert "关键词：百千万工程" in two and "关键词：十五运会和残特奥会" in two
    assert "关键词：宣讲党的二十届四中全会精神" not in two


def test_a_rerun_sends_nothing_twice(setup, servers):
    server = _serve(servers, Inbox())
    setup.add("a@example.org", "b@example.org")
    config = setup.on(server)
    send_issue(config, ISSUE)
    again = send_issue(config, ISSUE)
    assert (again.accepted, again.already) == (0, 2)
    assert server.inbox.copies() == {"a@example.org": 1, "b@example.org": 1}


def test_refused_every_third_message_each_subscriber_ends_with_exactly_one_copy(setup, servers):
    server = _serve(servers, Inbox(fail_every=3))
    addresses = [f"reader{i}@example.org" for i in range(10)]
    setup.add(*addresses)
    # No retries: the refused messages are left for the re-run.
    first = send_issue(setup.on(server, retries=0), ISSUE)
    assert first.failed and not first.complete
    assert all("451" in line for line in first.failed)
    assert first.accepted == 10 - len(first.failed)
    second = send_issue(setup.on(server, retries=0), ISSUE)
    third = send_issue(setup.on(server, retries=0), ISSUE)
    assert first.accepted + second.accepted + third.accepted == 10
    assert server.inbox.copies() == dict.fromkeys(addresses, 1)
    assert server.inbox.refused_4xx >= 3


def test_transient_refusals_are_retried_within_the_run(setup, servers):
    server = _serve(servers, Inbox(fail_every=3))
    addresses = [f"reader{i}@example.org" for i in range(9)]
    setup.add(*addresses)
    sleeps: list[float] = []
    report = send_issue(setup.on(server, retries=2, backoff=0.5), ISSUE, sleep=sleeps.append)
    assert report.complete and report.accepted == 9
    assert server.inbox.copies() == dict.fromkeys(addresses, 1)
    assert sleeps and set(sleeps) == {0.5}  # one retry each, after the first backoff


def test_a_server_dying_mid_run_then_a_rerun_leaves_exactly_one_copy_each(setup, servers):
    dying = _serve(servers, Inbox(die_after=4))
    addresses = [f"reader{i}@example.org" for i in range(10)]
    setup.add(*addresses)
    first = send_issue(setup.on(dying), ISSUE)
    assert first.error and "unreachable" in first.error and not first.complete
    assert first.accepted == 4
    with Store(setup.config.store) as store:
        log = store.deliveries(ISSUE)
    assert sum(d.status == ACCEPTED for d in log.values()) == 4

    revived = _serve(servers, Inbox())
    second = send_issue(setup.on(revived), ISSUE)
    assert second.complete and (second.accepted, second.already) == (6, 4)
    received: dict[str, int] = {}
    for inbox in (dying.inbox, revived.inbox):
        for address, count in inbox.copies().items():
            received[address] = received.get(address, 0) + count
    assert received == dict.fromkeys(addresses, 1)


def test_a_permanent_refusal_marks_the_subscriber_bouncing_and_the_run_goes_on(setup, servers):
    server = _serve(servers, Inbox(reject=frozenset({"gone@example.org"})))
    setup.add("a@example.org", "gone@example.org", "z@example.org")
    report = send_issue(setup.on(server), ISSUE)
    assert report.accepted == 2
    assert len(report.bounced) == 1 and report.bounced[0].startswith("gone@example.org: 550")
    assert setup.status("gone@example.org") == BOUNCING
    assert server.inbox.copies() == {"a@example.org": 1, "z@example.org": 1}
    # Bouncing addresses are not tried again.
    assert send_issue(setup.on(server), ISSUE).subscribers == 2


def test_an_unsubscribed_address_receives_nothing(setup, servers):
    server = _serve(servers, Inbox())
    setup.add("stay@example.org", "left@example.org")
    with Store(setup.config.store) as store:
        store.set_subscriber_status("left@example.org", UNSUBSCRIBED, now=_now())
    report = send_issue(setup.on(server), ISSUE)
    assert report.accepted == 1
    assert server.inbox.copies() == {"stay@example.org": 1}


def test_a_message_left_sending_by_a_crash_is_sent_again_and_counted_as_uncertain(setup, servers):
    server = _serve(servers, Inbox())
    setup.add("a@example.org", "b@example.org")
    with Store(setup.config.store) as store:
        store.record_delivery(Delivery(ISSUE, "a@example.org", "sending", 1, "<x@example.org>"), now=_now())
    report = send_issue(setup.on(server), ISSUE)
    assert (report.accepted, report.uncertain) == (2, 1)
    with Store(setup.config.store) as store:
        assert store.deliveries(ISSUE)["a@example.org"].attempts == 2


def test_an_unpublished_issue_is_refused_in_one_line(setup, published, tmp_path, servers):
    server = _serve(servers, Inbox())
    draft = tmp_path / "out"
    (draft / ISSUE).mkdir(parents=True)
    data = json.loads((published / ISSUE / "digest.json").read_text(encoding="utf-8")) | {"status": "draft"}
    (draft / ISSUE / "digest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    setup.add("a@example.org")
    with pytest.raises(DigestError, match=r"^2025-W46 is not published \(status 'draft'\)"):
        send_issue(setup.on(server), ISSUE, out=draft)
    with pytest.raises(DigestError, match="2025-W47 has no digest"):
        send_issue(setup.on(server), "2025-W47")
    assert server.inbox.messages == []


def test_missing_secret_is_a_one_line_error(setup, servers, monkeypatch):
    server = _serve(servers, Inbox())
    monkeypatch.delenv("WD_TEST_SECRET")
    with pytest.raises(DigestError, match="environment variable WD_TEST_SECRET must hold"):
        send_issue(setup.on(server), ISSUE)


def test_rate_limit_spaces_the_messages():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limit = RateLimit(30, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limit.wait()
        now[0] += 0.5  # sending takes half a second
    assert slept == [1.5, 1.5, 1.5]
    unlimited = RateLimit(0, monotonic=lambda: now[0], sleep=sleep)
    unlimited.wait()
    unlimited.wait()
    assert len(slept) == 3


def test_send_on_publish_sends_only_when_configured(setup, servers):
    server = _serve(servers, Inbox())
    setup.add("a@example.org")
    assert on_published(setup.on(server), ISSUE) is None
    assert server.inbox.messages == []
    report = on_published(setup.on(server, send_on_publish=True), ISSUE)
    assert report is not None and report.accepted == 1
    assert server.inbox.copies() == {"a@example.org": 1}


# --- unsubscribe --------------------------------------------------------------------------------


@pytest.fixture
def web(setup) -> Iterator[str]:
    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = make_server("127.0.0.1", 0, make_app(setup.config), handler_class=Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/unsubscribe"
    httpd.shutdown()
    httpd.server_close()


def _fetch(url: str, *, data: bytes | None = None) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only, never a proxy
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_the_unsubscribe_link_of_a_received_message_works_against_the_wsgi_app(setup, servers, web):
    server = _serve(servers, Inbox())
    setup.add("a@example.org", "b@example.org")
    send_issue(setup.on(server, unsubscribe_url=web), ISSUE)
    message = next(m for m in server.inbox.messages if m["To"].addresses[0].addr_spec == "a@example.org")
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith(web + "?token=")

    status, page = _fetch(link)  # opening the link only asks
    assert status == 200 and "a@example.org" in page and 'method="post"' in page
    assert setup.status("a@example.org") == ACTIVE
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["token"][0]
    status, page = _fetch(web, data=urllib.parse.urlencode({"token": token}).encode())
    assert status == 200 and "已退订" in page
    assert setup.status("a@example.org") == UNSUBSCRIBED
    assert setup.status("b@example.org") == ACTIVE


def test_one_click_post_to_the_list_unsubscribe_url_unsubscribes(setup, web):
    setup.add("a@example.org")
    token = make_token(SECRET.encode(), "a@example.org")
    status, _ = _fetch(f"{web}?token={token}", data=b"List-Unsubscribe=One-Click")
    assert status == 200
    assert setup.status("a@example.org") == UNSUBSCRIBED


def test_a_tampered_token_is_rejected(setup, web):
    setup.add("a@example.org", "b@example.org")
    token = make_token(SECRET.encode(), "a@example.org")
    head, _, tail = token.partition(".")
    forged = make_token(SECRET.encode(), "b@example.org").partition(".")[0] + "." + tail  # b's address, a's signature
    flipped = head + "." + ("A" if tail[0] != "A" else "B") + tail[1:]
    for bad in (forged, flipped, "garbage", "", make_token(b"another-secret-entirely", "a@example.org")):
        status, page = _fetch(f"{web}?token={urllib.parse.quote(bad)}")
        assert status == 400 and "Invalid or tampered" in page
        status, _ = _fetch(web, data=urllib.parse.urlencode({"token": bad}).encode())
        assert status == 400
    assert (setup.status("a@example.org"), setup.status("b@example.org")) == (ACTIVE, ACTIVE)


# A link as mailed before the tokens were signed with itsdangerous: HMAC-SHA256 of a purpose line and the
# address, under SECRET. Such links are in readers' inboxes and must keep working.
LEGACY_TOKEN = "YUBleGFtcGxlLm9yZw.hgHoeDP0T1MqJEFE2_4T4AudFymxIvixIU71M3qrycg"


def test_unsubscribe_links_mailed_before_keep_working(setup, web):
    setup.add("a@example.org", "b@example.org")
    assert read_token(SECRET.encode(), LEGACY_TOKEN) == "a@example.org"
    assert read_token(b"another-secret-entirely", LEGACY_TOKEN) is None
    head, _, tail = LEGACY_TOKEN.partition(".")
    assert read_token(SECRET.encode(), make_token(SECRET.encode(), "b@example.org").partition(".")[0] + "." + tail) \
        is None
    assert read_token(SECRET.encode(), head + "." + tail[:-1] + ("A" if tail[-1] != "A" else "B")) is None
    status, _ = _fetch(web, data=urllib.parse.urlencode({"token": LEGACY_TOKEN}).encode())
    assert status == 200
    assert (setup.status("a@example.org"), setup.status("b@example.org")) == (UNSUBSCRIBED, ACTIVE)


def test_a_token_signed_for_another_purpose_is_refused():
    from itsdangerous import URLSafeSerializer

    other = URLSafeSerializer(SECRET.encode(), salt="something-else").dumps("a@example.org")
    assert read_token(SECRET.encode(), other) is None
    assert read_token(SECRET.encode(), make_token(SECRET.encode(), "a@example.org")) == "a@example.org"


def test_unsubscribe_function_reports_what_happened(setup):
    setup.add("a@example.org")
    token = make_token(SECRET.encode(), "a@example.org")
    expected = "a@example.org 已退订，不会再收到周报。a@example.org is unsubscribed."
    assert unsubscribe(setup.config, token) == (True, expected)
    ok, message = unsubscribe(setup.config, token)
    assert ok and "already" in message
    ok, message = unsubscribe(setup.config, make_token(SECRET.encode(), "nobody@example.org"))
    assert not ok and "not subscribed" in message
    assert unsubscribe(setup.config, token[:-2])[0] is False


def test_unknown_path_and_method_are_refused(setup, web):
    assert _fetch(web.replace("/unsubscribe", "/other"))[0] == 404
    request = urllib.request.Request(web, method="PUT", data=b"")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with pytest.raises(urllib.error.HTTPError) as error:
        opener.open(request, timeout=10)
    assert error.value.code == 405


def test_message_bytes_equal_the_stock_generators(setup, published):
    from email.generator import BytesGenerator
    from io import BytesIO

    from weeklydigest.deliver.message import build_message, message_bytes
    from weeklydigest.deliver.send import load_published

    digest = load_published(setup.config, ISSUE)
    subscriber = make_subscriber("li@example.org", name="李雷", config=setup.config)
    pdf = (published / ISSUE / "digest.pdf").read_bytes()
    message = build_message(digest, subscriber, config=setup.config, pdf=pdf,
                            unsubscribe="https://example.org/unsubscribe?token=x", when=_now())
    stock = BytesIO()
    BytesGenerator(stock, policy=message.policy).flatten(message, linesep="\r\n")
    assert message_bytes(message) == stock.getvalue()
    assert b"\r\n\r\n" in stock.getvalue() and b"\n" not in stock.getvalue().replace(b"\r\n", b"")


def test_a_second_send_of_the_same_issue_at_once_is_refused(setup, servers):
    from weeklydigest.deliver.send import SendLock
    from weeklydigest.lock import IssueLocked

    server = _serve(servers, Inbox())
    setup.add("a@example.org")
    with SendLock(setup.out, ISSUE), pytest.raises(IssueLocked, match="2025-W46 is being sent by another process"):
        send_issue(setup.on(server), ISSUE)
    assert server.inbox.messages == []
    assert send_issue(setup.on(server), ISSUE).accepted == 1


def test_a_name_with_line_breaks_is_one_line_in_the_to_header(setup, servers):
    server = _serve(servers, Inbox())
    with Store(setup.config.store) as store:
        store.add_subscriber(make_subscriber("a@example.org", name="李雷\r\nBcc: x@evil.example", config=setup.config),
                             now=_now())
    send_issue(setup.on(server), ISSUE)
    [message] = server.inbox.messages
    assert message["To"].addresses[0].display_name == "李雷 Bcc: x@evil.example"
    assert message["Bcc"] is None


def test_the_subject_is_the_headline_an_editor_signed_never_the_machines_draft(setup, published):
    from weeklydigest.deliver.message import build_message
    from weeklydigest.deliver.send import load_published
    from weeklydigest.model import ACCEPTED, EDITED, MACHINE, Draft

    digest = load_published(setup.config, ISSUE)
    subscriber = make_subscriber("li@example.org", name="李雷", config=setup.config)
    pdf = (published / ISSUE / "digest.pdf").read_bytes()

    def subject(status: str) -> tuple[str, str]:
        signed = replace(digest, headline="五市同提“五链融合”", drafts={"headline": Draft(status=status)})
        message = build_message(signed, subscriber, config=setup.config, pdf=pdf,
                                unsubscribe="https://example.org/unsubscribe?token=x", when=_now())
        return message["Subject"], message.get_body(("plain",)).get_content()

    assert subject(MACHINE)[0] == f"{digest.title}（{ISSUE}）", "a machine proposal nobody signed stays out"
    for status in (ACCEPTED, EDITED):
        title, text = subject(status)
        assert title == f"五市同提“五链融合”（{ISSUE}）"
        assert text.splitlines()[:2] == [title, digest.title], "the column's title follows the headline"
