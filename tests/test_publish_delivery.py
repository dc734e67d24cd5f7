"""Publishing e-mails the issue when the config says so, and the review server takes unsubscribe links."""

from dataclasses import replace
from datetime import UTC, datetime

from weeklydigest.config import DeliveryConfig, SmtpSettings
from weeklydigest.deliver.subscribers import make_subscriber
from weeklydigest.deliver.tokens import make_token, secret
from weeklydigest.review.app import create_app
from weeklydigest.review.workflow import Review
from weeklydigest.store import Store

from .review_env import ISSUE, SECRET, review_config, save_draft
from .smtp_server import Inbox, SmtpServer


def _config(tmp_path, monkeypatch, *, port: int, send_on_publish: bool = True):
    monkeypatch.setenv("WD_PUBLISH_SECRET", "a-secret-for-unsubscribe-links")
    delivery = DeliveryConfig(smtp=SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=5),
                              sender="周报编辑部 <digest@example.org>", secret_env="WD_PUBLISH_SECRET",
                              send_on_publish=send_on_publish, backoff=0.0,
                              unsubscribe_url="http://127.0.0.1:8765/unsubscribe")
    config = replace(review_config(tmp_path), delivery=delivery)
    save_draft(config)
    with Store(config.store) as store:
        for address in ("reader@example.org", "desk@example.org"):
            store.add_subscriber(make_subscriber(address, sections=None, config=config), now=datetime.now(UTC))
    return config


def test_publishing_sends_the_issue_to_every_subscriber_once(tmp_path, monkeypatch):
    server = SmtpServer(Inbox()).start()
    try:
        config = _config(tmp_path, monkeypatch, port=server.port)
        review = Review(config)
        review.approve(ISSUE, by="王编辑")
        review.publish(ISSUE, by="李主编")
        assert server.inbox.copies() == {"reader@example.org": 1, "desk@example.org": 1}
        review.publish(ISSUE, by="李主编", correction="更正：一处日期有误，已改正。")
        assert server.inbox.copies() == {"reader@example.org": 1, "desk@example.org": 1}, "a correction is not resent"
    finally:
        server.stop()


def test_a_failed_send_does_not_undo_the_publication(tmp_path, monkeypatch, caplog):
    config = _config(tmp_path, monkeypatch, port=9)  # nothing listens there
    config = replace(config, delivery=replace(config.delivery, retries=0))
    review = Review(config)
    review.approve(ISSUE, by="王编辑")
    review.publish(ISSUE, by="李主编")
    assert review.state(ISSUE).status == "published"
    assert f"run: weeklydigest send {ISSUE}" in caplog.text


def test_the_review_server_takes_a_signed_unsubscribe_link_without_login(tmp_path, monkeypatch):
    config = _config(tmp_path, monkeypatch, port=9, send_on_publish=False)
    client = create_app(config, secret=SECRET).test_client()
    link = make_token(secret(config), "reader@example.org")
    assert client.get(f"/unsubscribe?token={link}").status_code == 200
    assert client.post(f"/unsubscribe?token={link}x").status_code == 400
    assert client.post(f"/unsubscribe?token={link}").status_code == 200
    with Store(config.store) as store:
        assert store.subscriber("reader@example.org").status == "unsubscribed"
        assert store.subscriber("desk@example.org").status == "active"
    assert client.get(f"/issues/{ISSUE}").status_code == 302, "the rest of the app still needs a login"
