"""What stands between a visitor and the review app: safe redirect targets, login throttling, sessions.

Throttling is in memory: the app runs as one process (waitress, several threads), and forgetting the
counts on a restart only gives a guesser a fresh few tries. Sessions are rows in the store, so that
logging out ends a login on the server, and a restart keeps editors logged in.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from ..store import DEFAULT_EDITION, Store

logger = logging.getLogger(__name__)


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so `/\\t/evil.example/`
    and `/\\\\evil.example/` lead off the site as surely as `//evil.example/`; all are refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Count wrong passwords per user name and per address; past `free` of them, lock out with backoff.

    The k-th wrong password past the free ones locks the name (or the address) for backoff × 2^(k-1)
    seconds, at most `longest`; while locked, every attempt is refused unread, the right password too.
    Counts are forgotten `longest` seconds after the last wrong password, or at a successful login.
    At most `capacity` names and addresses are remembered (the oldest are forgotten first).
    """

    def __init__(self, *, free: int, backoff: float, longest: float, capacity: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.backoff, self.longest, self.capacity = free, backoff, longest, capacity
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[tuple[str, str], _Failures] = OrderedDict()

    def retry_after(self, *, user: str, address: str) -> int:
        """Return the seconds until this user may try again from this address (0: now)."""
        now = self._clock()
        with self._lock:
            wait = max((f.locked_until - now for f in map(self._failures.get, _keys(user, address)) if f),
                       default=0.0)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, *, user: str, address: str) -> int:
        """Count a wrong password; return the seconds of the lock-out it starts (0: none yet)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in _keys(user, address):
                failures = self._failures.pop(key, None)
                if failures is None or now - failures.last > self.longest:
                    failures = _Failures()
                failures.count += 1
                failures.last = now
                over = failures.count - self.free
                if over > 0:
                    lock = min(self.longest, self.backoff * 2 ** min(over - 1, 32))
                    failures.locked_until = max(failures.locked_until, now + lock)
                    wait = max(wait, failures.locked_until - now)
                self._failures[key] = failures
            while len(self._failures) > self.capacity:
                self._failures.popitem(last=False)
        return math.ceil(wait)

    def succeeded(self, *, user: str, address: str) -> None:
        """Forget the wrong passwords of this user and this address."""
        with self._lock:
            for key in _keys(user, address):
                self._failures.pop(key, None)


def _keys(user: str, address: str) -> tuple[tuple[str, str], ...]:
    return (("user", user), ("address", address))


class Sessions:
    """Logins as rows in the store: the cookie carries a random id, the store its SHA-256."""

    def __init__(self, store: Path, *, lifetime: float, now: Callable[[], datetime],
                 edition: str = DEFAULT_EDITION) -> None:
        self.store, self.lifetime, self._now = store, timedelta(seconds=lifetime), now
        self.edition = edition  # a login to one edition's app is no login to another's

    def start(self, user: str) -> str:
        """Record a new login of `user`; return the id for the cookie."""
        sid = secrets.token_urlsafe(32)
        with Store(self.store, edition=self.edition) as store:
            store.add_session(_digest(sid), user=user, now=self._now())
        return sid

    def user(self, sid: str | None) -> str | None:
        """Return the user of a live login, or None."""
        if not sid:
            return None
        with Store(self.store, edition=self.edition) as store:
            return store.session_user(_digest(sid), since=self._now() - self.lifetime)

    def end(self, sid: str | None) -> None:
        """End a login (and forget expired ones)."""
        with Store(self.store, edition=self.edition) as store:
            store.end_session(_digest(sid or ""), expired_before=self._now() - self.lifetime)


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()
