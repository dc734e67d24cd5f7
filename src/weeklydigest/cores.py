"""Worker processes: how many, and how they are started.

A forked worker starts at once with what this process has imported and loaded (the readers'
dictionaries, the roster, the places); a spawned one imports and loads them again, about a second
of CPU each. A fork of a process running other threads (the scheduler's, the review app's) may
copy a lock one of them holds and hang, so such a process spawns its workers, or does the work itself.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool
from typing import Any


def workers() -> int:
    """Return how many worker processes to run: one per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_method() -> str:
    """Return how worker processes are started: forked when this process runs no other thread, else spawned.

    Only on Linux: elsewhere (macOS) system libraries may not survive a fork, and Python spawns too.
    """
    if threading.active_count() == 1 and sys.platform.startswith("linux"):
        return "fork"
    return "spawn"


def worker_signals() -> None:
    """Set a worker's signals: SIGTERM ends it at once, Ctrl-C is left to the process that started it.

    A fork inherits the command line's SIGTERM handler (which unwinds like Ctrl-C): a worker told to
    stop while it waited for a task could catch the signal and wait on, and its pool never end. Ctrl-C
    reaches every process of the terminal's group: the starting process stops its workers and says so
    in one line, where each worker would print its own traceback.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_forked(initializer: Callable[..., None], *initargs: Any) -> None:
    """Start a forked worker: its signals (`worker_signals`), then `initializer(*initargs)`."""
    worker_signals()
    initializer(*initargs)


def fork_pool(initializer: Callable[..., None], initargs: tuple[Any, ...]) -> Pool:
    """Return a pool of forked workers, one per core, set up with `initializer(*initargs)` (passed, not pickled)."""
    return multiprocessing.get_context("fork").Pool(workers(), initializer=start_forked,
                                                    initargs=(initializer, *initargs))


def stop_pool(pool: Pool, *, wait: float = 5.0) -> None:
    """Stop a pool's workers at once, waiting for the pool's own ending at most `wait` seconds.

    `Pool.terminate` kills the workers, then waits for the thread that feeds them; that thread may
    be waiting for the lock of the results' queue, which a worker killed while sending a large
    result still holds: then it waits for ever (one of 65 collections stopped by Ctrl-C did). The
    ending runs on a thread of its own; if it is not done in time, the workers still alive are
    killed, and the pool's threads, daemons, end with the process.
    """
    ender = threading.Thread(target=_terminate, args=(pool,), name="pool-stop", daemon=True)
    ender.start()
    ender.join(wait)
    if ender.is_alive():
        for process in list(getattr(pool, "_pool", ())):  # its worker processes (the pool's own list)
            if process.exitcode is None:
                process.kill()
                process.join(wait)


def _terminate(pool: Pool) -> None:
    pool.terminate()
    pool.join()


@contextmanager
def forked_pool(initializer: Callable[..., None], initargs: tuple[Any, ...]) -> Iterator[Pool | None]:
    """Yield a pool of forked workers (see `fork_pool`), closed when the block ends, stopped if it fails.

    Yields None where workers cannot be forked (other threads run, one core, not Linux): the
    caller then does the work itself.
    """
    if start_method() != "fork" or workers() < 2:
        yield None
        return
    pool = fork_pool(initializer, initargs)
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.close()  # the workers finish and exit; nothing is signalled
    pool.join()
