"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the delivery tests and the delivery benchmark."""

from __future__ import annotations

import contextlib
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """Keeps every accepted message; can refuse some (4xx every n-th DATA, 5xx for some addresses) or die."""

    def __init__(self, *, fail_every: int = 0, reject: frozenset[str] = frozenset(), die_after: int | None = None,
                 keep: bool = True) -> None:
        self.fail_every = fail_every
        self.reject = reject
        self.die_after = die_after
        self.keep = keep
        self.messages: list[EmailMessage] = []
        self.accepted = 0
        self.data_commands = 0
        self.refused_4xx = 0
        self.died = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.died.is_set():
                server.transport.close()  # the server has crashed: the connection just drops
                return "421 4.3.2 Going down"
            self.data_commands += 1
            if self.fail_every and self.data_commands % self.fail_every == 0:
                self.refused_4xx += 1
                return "451 4.3.0 Try again later"
            self.accepted += 1
            if self.keep:
                self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            if self.die_after is not None and self.accepted >= self.die_after:
                self.died.set()
            return "250 2.0.0 OK queued"

    def copies(self) -> dict[str, int]:
        """Return how many messages each recipient received."""
        counts: dict[str, int] = {}
        for message in self.messages:
            to = message["To"].addresses[0].addr_spec
            counts[to] = counts.get(to, 0) + 1
        return counts


class SmtpServer:
    """An aiosmtpd server on a free port of 127.0.0.1; `stop_when_dead` stops it once its inbox dies."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.port = free_port()
        self.controller = Controller(inbox, hostname="127.0.0.1", port=self.port, data_size_limit=0)
        self._watcher: threading.Thread | None = None

    def start(self) -> SmtpServer:
        self.controller.start()
        if self.inbox.die_after is not None:
            self._watcher = threading.Thread(target=self._stop_on_death, daemon=True)
            self._watcher.start()
        return self

    def _stop_on_death(self) -> None:
        self.inbox.died.wait()
        self.stop()

    def stop(self) -> None:
        with contextlib.suppress(AssertionError, RuntimeError):  # already stopped
            self.controller.stop()
