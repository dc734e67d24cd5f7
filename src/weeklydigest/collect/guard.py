"""The per-file guard: one input's failure, whatever it raises, becomes one skipped line; a time budget.

Every file of a folder, every entry of a feed and every line of a JSON-lines file is read (and
cleaned) inside `guarded`, so that nothing one input does stops the others. The time budget is a
timer signal: it interrupts Python code, which is where unbounded work can hide once the size
limits (`LimitSettings`) have bounded what the C parsers are given.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from ..model import Skipped

logger = logging.getLogger(__name__)

T = TypeVar("T")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_running: float | None = None  # the seconds of the budget running now; an inner one does not replace it


class OverBudget(Exception):
    """Reading one input took longer than its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than {seconds:g}s (limits.file_seconds)")


class Unusable(Exception):
    """An input that cannot be used; the message is the one-line reason."""


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise OverBudget inside the block once it has run for `seconds`.

    Only the main thread receives signals: elsewhere, and inside a running budget, the block runs
    without a (new) budget.
    """
    global _running
    if not seconds or _running is not None or threading.current_thread() is not threading.main_thread():
        yield
        return
    # Installed once and left in place (a handler per file would cost more than reading a small file);
    # an alarm outside a budget is ignored.
    if signal.getsignal(signal.SIGALRM) is not _expire:
        signal.signal(signal.SIGALRM, _expire)
    _running = seconds
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _running = None


RETRY_SECONDS = 0.05  # after an interruption, when the next one comes unless the block has ended


def _expire(signum: int, frame: object) -> None:
    if _running is not None:
        # The exception may land where Python ignores it (a finalizer the collector runs at that
        # moment, a weak reference's callback): the timer is set again, so the next one stops the block.
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
        raise OverBudget(_running)


def one_line(text: str, *, limit: int = 200) -> str:
    """Return `text` on one line, control characters shown as spaces, at most `limit` characters."""
    line = _CONTROL.sub(" ", text).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def reason(exc: BaseException) -> str:
    """Return the one-line reason an input could not be read, for any exception."""
    if isinstance(exc, Unusable | OverBudget):
        return one_line(str(exc))
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "too large to read (out of memory)"
    return f"cannot be read: {describe(exc)}"


def describe(exc: BaseException) -> str:
    """Return an unforeseen exception as one line: its type and message."""
    detail = one_line(str(exc), limit=160)
    return type(exc).__name__ + (f": {detail}" if detail else "")


def guarded(origin: str, work: Callable[[], list[T]], *, seconds: float | None = None) -> list[T | Skipped]:
    """Return what `work` returns, or one Skipped with the reason if it raises or runs over `seconds`."""
    try:
        with time_budget(seconds):
            return list(work())
    except Exception as exc:  # whatever one input raises must not stop the others
        if not isinstance(exc, Unusable | OverBudget):
            logger.debug("%s: unexpected failure", origin, exc_info=True)
        return [Skipped(origin, reason(exc))]
