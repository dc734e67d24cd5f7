"""One build of an issue at a time, across processes: an advisory lock file per issue."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from .errors import LOCKED, DigestError, Locked

LOCKED_EXIT = LOCKED  # EX_TEMPFAIL: try again later


class IssueLocked(Locked):
    """Another process is building the same issue."""


class IssueLock:
    """Hold `<folder>/.locks/<issue>.lock` exclusively while building; released on exit or death."""

    def __init__(self, folder: Path, issue: str) -> None:
        self.path = folder / ".locks" / f"{issue}.lock"
        self.issue = issue
        self._fd: int | None = None

    def __enter__(self) -> IssueLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DigestError(f"cannot create the lock {self.path}: {exc.strerror}") from None
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
