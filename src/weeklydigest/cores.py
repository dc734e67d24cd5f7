"""Worker processes: how many, and how they are started.

A forked worker starts at once with what this process has imported and loaded (the readers'
dictionaries, the roster, the places); a spawned one imports and loads them again, about a second
of CPU each. A fork of a process running other threads (the scheduler's, the review app's) may
copy a lock one of them holds and hang, so such a process spawns its workers, or does the work itself.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool
from typing import Any

AHEAD = 2  # chunks in the workers' hands while the next is read


def workers() -> int:
    """Return how many worker processes to run: one per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_method() -> str:
    """Return how worker processes are started: forked when this process runs no other thread, else spawned."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


@contextmanager
def forked_pool(initializer: Callable[..., None], initargs: tuple[Any, ...]) -> Iterator[Pool | None]:
    """Yield a pool of forked workers, one per core, set up with `initializer(*initargs)` (passed, not pickled).

    Yields None where workers cannot be forked (other threads run, one core, no fork): the caller
    then does the work itself.
    """
    if start_method() != "fork" or workers() < 2:
        yield None
        return
    pool = multiprocessing.get_context("fork").Pool(workers(), initializer=initializer, initargs=initargs)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


def mapped_in_order(pool: Pool | None, work: Callable[[Any], Any], chunks: Iterable[list[Any]]) -> Iterator[Any]:
    """Yield `work(item)` for every item of every chunk, in order.

    With a pool, each chunk is worked on by the workers while this process reads the next one (the
    chunks are read here, never in another thread: a store connection stays with its thread); up
    to AHEAD chunks are in flight. Without one, the items are worked on here.
    """
    if pool is None:
        for chunk in chunks:
            yield from map(work, chunk)
        return
    flying: deque[Any] = deque()
    for chunk in chunks:
        flying.append(pool.map_async(work, chunk, chunksize=max(1, len(chunk) // (4 * workers()))))
        while len(flying) > AHEAD:
            yield from flying.popleft().get()
    while flying:
        yield from flying.popleft().get()
