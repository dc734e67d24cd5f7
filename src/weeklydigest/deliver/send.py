"""Send a published issue to every active subscriber, exactly once per (issue, subscriber).

The guarantee. Before a message is handed to the SMTP server its delivery row is committed as
`sending`; the moment the server accepts it (250 after DATA) the row is committed as `accepted`.
A re-run skips `accepted` (and `bounced`) rows and sends everything else. So a crash, a killed
process or a dead server never loses a message and never repeats an accepted one, with one
exception: a crash in the few milliseconds between the server's 250 and the commit of `accepted`
leaves the row at `sending`, and the re-run sends that message again. Such a second copy carries
the same Message-ID as the first, so mail clients and the receiving servers that deduplicate by
Message-ID show it once. The re-run counts these in `SendReport.uncertain`. SMTP itself offers no
way to close that window: the server's acceptance and our record cannot be one transaction. (The
same holds for a connection that drops after the message's final dot but before the server's
reply: the server may have taken the message, we cannot know, and the retry sends it again.)
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from email.message import EmailMessage, MIMEPart
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from .. import clock
from ..config import Config, SmtpSettings
from ..errors import DigestError
from ..lock import IssueLock, IssueLocked
from ..model import ACTIVE, BOUNCING, Delivery, Digest, Subscriber, digest_from_json
from ..store import Store, open_store, shared_lock
from .message import build_message, message_bytes, message_id, pdf_part, select_sections, unsubscribe_link
from .tokens import make_token, secret

logger = logging.getLogger(__name__)

SENDING, ACCEPTED, BOUNCED, FAILED = "sending", "accepted", "bounced", "failed"


@dataclass
class SendReport:
    """What one run of `send` did."""

    issue: str
    subscribers: int = 0  # active subscribers when the run started
    accepted: int = 0  # accepted by the server in this run
    already: int = 0  # accepted (or bounced) in an earlier run, not sent again
    uncertain: int = 0  # left at `sending` by a crashed run and sent again
    bounced: list[str] = field(default_factory=list)  # permanent failures: the subscriber is now bouncing
    failed: list[str] = field(default_factory=list)  # transient failures after every retry: a re-run sends them
    renders: int = 0  # PDFs rendered for section choices
    error: str | None = None  # why the run stopped early (server unreachable, refused our login or sender)

    @property
    def complete(self) -> bool:
        return self.error is None and not self.failed


def load_published(config: Config, issue: str, *, out: Path | None = None) -> Digest:
    """Return the published digest of `issue`; raise DigestError when it is missing or not published."""
    path = (out or config.output) / issue / "digest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        digest = digest_from_json(data)
    except FileNotFoundError:
        raise DigestError(f"{issue} has no digest at {path}: build and publish it first") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DigestError(f"{path}: cannot read the digest: {exc}") from None
    if digest.status != "published":
        raise DigestError(f"{issue} is not published (status {digest.status!r}); only published issues are sent")
    return digest


class PdfCache:
    """One PDF per distinct section choice: the published digest.pdf for all sections, others rendered once."""

    def __init__(self, digest: Digest, config: Config, *, folder: Path,
                 render: Callable[[Digest, Config], bytes] | None = None) -> None:
        self.digest = digest
        self.config = config
        self.folder = folder
        self.renders = 0
        self._render = render
        self._pdfs: dict[tuple[str, ...], tuple[Digest, MIMEPart]] = {}

    def get(self, sections: tuple[str, ...]) -> tuple[Digest, MIMEPart]:
        """Return the digest cut to `sections` and its PDF as an attachment part (base64-encoded once)."""
        chosen = select_sections(self.digest, sections)
        if not chosen.sections:
            # None of the chosen sections is in this issue (renamed since): the whole issue, rather than nothing.
            logger.warning("%s: none of the sections %s is in the issue; sending all", self.digest.issue, sections)
            chosen, sections = self.digest, ()
        key = tuple(s.title for s in chosen.sections) if sections else ()
        if key not in self._pdfs:
            self._pdfs[key] = (chosen, pdf_part(self._make(chosen, whole=not sections), issue=chosen.issue))
        return self._pdfs[key]

    def _make(self, digest: Digest, *, whole: bool) -> bytes:
        published = self.folder / "digest.pdf"
        if whole and published.is_file():
            return published.read_bytes()
        render = self._render
        if render is None:
            from ..render.pdf import render_pdf as render
        self.renders += 1
        return render(digest, self.config)


class SendLock(IssueLock):
    """Hold `<output>/.locks/<issue>.send.lock`: two runs sending one issue at once could both send a message."""

    def __init__(self, folder: Path, issue: str) -> None:
        super().__init__(folder, f"{issue}.send")
        self.sending = issue

    def __enter__(self) -> SendLock:
        try:
            super().__enter__()
        except IssueLocked:
            raise IssueLocked(f"{self.sending} is being sent by another process; not sending it twice") from None
        return self


def send_lock(config: Config, issue: str, *, out: Path) -> AbstractContextManager[Any]:
    """Return the lock of sending one issue: the database's for a PostgreSQL store (every host sees it), else
    `<out>/.locks/<issue>.send.lock`."""
    shared = shared_lock(config.store, f"send {config.edition} {issue}", busy=lambda holder: IssueLocked(
        f"{issue} is being sent by another process ({holder}); not sending it twice"))
    return shared if shared is not None else SendLock(out, issue)


class Permanent(Exception):
    """The server refused the message for good (5xx): the address bounces."""


class Transient(Exception):
    """The server or the connection failed this time (4xx, dropped connection): try again."""

    def __init__(self, message: str, *, connection: bool) -> None:
        super().__init__(message)
        self.connection = connection  # the connection is gone or unusable


class Fatal(DigestError):
    """Nothing can be sent with these settings (login or sender refused, TLS not offered)."""


class Mailer:
    """One SMTP connection, opened when first needed and again after it drops."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self.password: str | None = None
        if settings.user:
            self.password = os.environ.get(settings.password_env or "")
            if not self.password:
                raise DigestError(f"environment variable {settings.password_env} must hold the SMTP password "
                                  f"of {settings.user}")

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                try:
                    smtp.starttls(context=context)
                except smtplib.SMTPNotSupportedError:
                    smtp.close()
                    raise Fatal(f"SMTP server {s.host}:{s.port} does not offer STARTTLS "
                                "(set delivery.smtp.security)") from None
        if s.user:
            try:
                smtp.login(s.user, self.password or "")
            except smtplib.SMTPAuthenticationError as exc:
                smtp.close()
                raise Fatal(f"SMTP server {s.host}:{s.port} refused the login of {s.user}: "
                            f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
        return smtp

    def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        """Hand one message to the server; raise Permanent, Transient or Fatal when it is not accepted."""
        try:
            if self._smtp is None:
                self._smtp = self._open()
            self._smtp.sendmail(sender, [recipient], message_bytes(message))
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            _raise_for(code, text, connection=False)
        except smtplib.SMTPSenderRefused as exc:
            if exc.smtp_code >= 500:
                raise Fatal(f"SMTP server refused the sender {sender}: {exc.smtp_code} {_text(exc.smtp_error)}") \
                    from None
            _raise_for(exc.smtp_code, exc.smtp_error, connection=False)
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            raise Transient(f"connection dropped: {exc}", connection=True) from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing the connection
                self.close()
                raise Transient(f"{exc.smtp_code} {_text(exc.smtp_error)}", connection=True) from None
            _raise_for(exc.smtp_code, exc.smtp_error, connection=False)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise Transient(f"{type(exc).__name__}: {exc}", connection=True) from None

    def close(self) -> None:
        if self._smtp is None:
            return
        smtp, self._smtp = self._smtp, None
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _text(value: bytes | str) -> str:
    return (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)).replace("\n", " ")


def _raise_for(code: int, text: bytes | str, *, connection: bool) -> None:
    if code >= 500:
        raise Permanent(f"{code} {_text(text)}")
    raise Transient(f"{code} {_text(text)}", connection=connection)


class RateLimit:
    """At most `per_minute` messages a minute, evenly spaced; 0 for no limit."""

    def __init__(self, per_minute: float, *, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = self._monotonic()
        if self._next > now:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


def send_issue(
    config: Config, issue: str, *, out: Path | None = None, sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic, render: Callable[[Digest, Config], bytes] | None = None,
) -> SendReport:
    """E-mail the published `issue` to every active subscriber who has not received it yet."""
    delivery = config.delivery
    if delivery is None:
        raise DigestError(f"{config.path}: no 'delivery' settings: add delivery.smtp and delivery.from")
    if not delivery.sender:
        raise DigestError(f"{config.path}: delivery.from is required to send")
    if not (delivery.unsubscribe_url or config.base_url):
        raise DigestError(f"{config.path}: set delivery.unsubscribe_url (or base_url) so that every e-mail "
                          "can carry its unsubscribe link")
    out = out or config.output
    digest = load_published(config, issue, out=out)
    key = secret(config)
    mailer = Mailer(delivery.smtp)
    pdfs = PdfCache(digest, config, folder=out / issue, render=render)
    limit = RateLimit(delivery.rate_per_minute, monotonic=monotonic, sleep=sleep)
    sender = parseaddr(delivery.sender)[1]
    report = SendReport(issue=issue)
    with send_lock(config, issue, out=out), open_store(config) as store:
        subscribers = store.subscribers(status=ACTIVE)
        log = store.deliveries(issue)
        report.subscribers = len(subscribers)
        try:
            for subscriber in subscribers:
                done = log.get(subscriber.address)
                if done is not None and done.status in (ACCEPTED, BOUNCED):
                    report.already += 1
                    continue
                if done is not None and done.status == SENDING:
                    report.uncertain += 1
                    logger.warning("%s to %s: an earlier run stopped while sending; sending again", issue,
                                   subscriber.address)
                current = store.subscriber(subscriber.address)  # they may have unsubscribed since the run began
                if current is None or current.status != ACTIVE:
                    continue
                _send_one(store, mailer, limit, pdfs, report, config=config, subscriber=subscriber, key=key,
                          sender=sender, attempts=done.attempts if done else 0, sleep=sleep)
        except Fatal as exc:
            report.error = str(exc)
        finally:
            mailer.close()
    report.renders = pdfs.renders
    return report


def _send_one(
    store: Store, mailer: Mailer, limit: RateLimit, pdfs: PdfCache, report: SendReport, *, config: Config,
    subscriber: Subscriber, key: bytes, sender: str, attempts: int, sleep: Callable[[float], None],
) -> None:
    assert config.delivery is not None
    settings = config.delivery
    issue = report.issue
    digest, pdf = pdfs.get(subscriber.sections)
    mid = message_id(issue, subscriber.address, settings.sender)
    try:
        message = build_message(digest, subscriber, config=config, pdf=pdf,
                                unsubscribe=unsubscribe_link(config, make_token(key, subscriber.address)),
                                when=clock.now(config.tz))
    except (ValueError, TypeError) as exc:  # e.g. a name that cannot go in a header
        store.record_delivery(Delivery(issue, subscriber.address, FAILED, attempts, mid, f"cannot build: {exc}"),
                              now=clock.now(config.tz))
        report.failed.append(f"{subscriber.address}: cannot build the message: {exc}")
        return
    error = ""
    lost_connection = False
    for attempt in range(settings.retries + 1):
        if attempt:
            sleep(settings.backoff * 2 ** (attempt - 1))
        limit.wait()
        attempts += 1
        # Committed before the server sees the message: a crash from here on leaves `sending`, never nothing.
        store.record_delivery(Delivery(issue, subscriber.address, SENDING, attempts, mid, error),
                              now=clock.now(config.tz))
        try:
            mailer.send(message, sender=sender, recipient=subscriber.address)
        except Permanent as exc:
            store.record_delivery(Delivery(issue, subscriber.address, BOUNCED, attempts, mid, str(exc)),
                                  now=clock.now(config.tz))
            store.set_subscriber_status(subscriber.address, BOUNCING, now=clock.now(config.tz))
            report.bounced.append(f"{subscriber.address}: {exc}")
            return
        except Transient as exc:
            error, lost_connection = str(exc), exc.connection
            logger.info("%s to %s: try %d failed: %s", issue, subscriber.address, attempt + 1, error)
            continue
        # Accepted: record it at once; this commit closes the window described at the top of the module.
        store.record_delivery(Delivery(issue, subscriber.address, ACCEPTED, attempts, mid), now=clock.now(config.tz))
        report.accepted += 1
        return
    store.record_delivery(Delivery(issue, subscriber.address, FAILED, attempts, mid, error), now=clock.now(config.tz))
    report.failed.append(f"{subscriber.address}: {error}")
    # Every try lost the connection: the server is down; the rest would fail the same way.
    if lost_connection:
        raise Fatal(f"SMTP server {settings.smtp.host}:{settings.smtp.port} unreachable ({error}); "
                    f"{report.accepted} sent in this run, run send again to send the rest")
