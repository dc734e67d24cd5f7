"""One build of an issue at a time, across processes: an advisory lock file per issue (filelock), or the
database's advisory lock when the store is PostgreSQL (so that hosts sharing the store see it too)."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout

from .errors import LOCKED, DigestError, Locked
from .store import DEFAULT_EDITION, StoreLocation, shared_lock

LOCKED_EXIT = LOCKED  # EX_TEMPFAIL: try again later


class IssueLocked(Locked):
    """Another process is building the same issue."""


def _write_pid(fd: int) -> None:
    """Write the holder's pid into the lock file, for the message another process shows."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)


class IssueLock:
    """Hold `<folder>/.locks/<issue>.lock` exclusively while building; released on exit or death.

    The lock is the operating system's (flock), so a killed holder never leaves a stale lock; the
    file stays, holding the pid of the current holder (empty when free).
    """

    def __init__(self, folder: Path, issue: str) -> None:
        self.path = folder / ".locks" / f"{issue}.lock"
        self.issue = issue
        self._lock: FileLock | None = None

    def __enter__(self) -> IssueLock:
        lock = FileLock(self.path, blocking=False, thread_local=False, preserve_lock_file=True,
                        on_acquired=_write_pid)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout:
            raise IssueLocked(
                f"{self.issue} is being built by another process (pid {self._holder()}); not building it twice"
            ) from None
        except OSError as exc:
            raise DigestError(f"cannot create the lock {self.path}: {exc.strerror or exc}") from None
        self._lock = lock
        return self

    def _holder(self) -> str:
        try:
            return self.path.read_text(encoding="ascii", errors="replace").strip() or "?"
        except OSError:
            return "?"

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._lock is not None:
            with open(self.path, "r+b") as held:  # still ours: clear the pid before letting go
                held.truncate(0)
            self._lock.release()
            self._lock = None


def issue_lock(folder: Path, issue: str, *, store: StoreLocation | Path | None = None,
               edition: str = DEFAULT_EDITION) -> AbstractContextManager[Any]:
    """Return the lock of one issue's build: the database's when the store is PostgreSQL (every host sees it),
    else `<folder>/.locks/<issue>.lock`."""
    if store is not None:
        shared = shared_lock(store, f"build {edition} {issue}", busy=lambda holder: IssueLocked(
            f"{issue} is being built by another process ({holder}); not building it twice"))
        if shared is not None:
            return shared
    return IssueLock(folder, issue)
