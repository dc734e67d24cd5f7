"""One build of an issue at a time, across processes: an advisory lock file per issue, or the database's
advisory lock when the store is PostgreSQL (so that hosts sharing the store see it too)."""

from __future__ import annotations

import fcntl
import os
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any

from .errors import DigestError
from .store import DEFAULT_EDITION, StoreLocation, shared_lock

LOCKED_EXIT = 75  # EX_TEMPFAIL: try again later


class IssueLocked(DigestError):
    """Another process is building the same issue."""


class IssueLock:
    """Hold `<folder>/.locks/<issue>.lock` exclusively while building; released on exit or death."""

    def __init__(self, folder: Path, issue: str) -> None:
        self.path = folder / ".locks" / f"{issue}.lock"
        self.issue = issue
        self._fd: int | None = None

    def __enter__(self) -> IssueLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise IssueLocked(
                f"{self.issue} is being built by another process (pid {holder}); not building it twice"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


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
