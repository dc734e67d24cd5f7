"""Keeping collected documents: each new delivery analysed once and put in the store, with its analysis.

A delivery the store has seen before is only marked as seen. New ones are analysed in the
collecting process while they are few; once a run has many (a first collection, a backlog), they
are analysed BATCH at a time by worker processes, one per core, and put in the store in the order
they came, a batch in one transaction where the store allows (an interrupted run loses at most the
batch being written; its files are read again next time). O(N) in the documents; the workers hold one batch each.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.pool import AsyncResult, Pool
from typing import TYPE_CHECKING, Any

from ..config import LimitSettings
from ..cores import fork_pool, start_method, stop_pool, worker_signals, workers
from ..model import RawDocument, Skipped
from ..store import UNCHANGED, Store, delivery_hash
from ..understand.analysis import Analyser
from ..understand.learn import learn
from .bounded import within_limits
from .guard import guarded

if TYPE_CHECKING:
    from ..analysed import Readers

logger = logging.getLogger(__name__)

BATCH = 64  # documents handed to the workers at a time
IN_FLIGHT = 3  # batches being analysed while the next is read
ALONE = 128  # documents analysed here before spawned workers are started (starting them takes about a second)
ALONE_FORKED = 16  # … before forked ones are (they start at once)

_analyser: Analyser | None = None  # a worker's own
_readers: Readers | None = None  # … and its readers of what the config decides
Results = AsyncResult[list["Analysed | Skipped"]] | list["Analysed | Skipped"]


@dataclass(frozen=True)
class Analysed:
    """What analysing one document gave: the cleaned text and the results kept with a new version."""

    text: str
    derived: tuple[tuple[str, str, bytes], ...]


def analyse(analyser: Analyser | None, document: RawDocument, *, seconds: float | None,
            readers: Readers | None = None) -> Analysed | Skipped:
    """Return the document analysed (only cleaned when undated or without settings), or why it cannot be.

    Each document is analysed in its own guard, within `seconds` (see `guard`). With `readers`,
    what the config decides of it (phrases, scores, meetings) is kept too, in a guard of its own:
    if that fails, the build computes it.
    """
    from ..analysed import kept_analysis, kept_results

    analyser = analyser or Analyser()
    if analyser.config is None or document.published is None:
        # An undated document's dates are read against the week a build asks for.
        (cleaned,) = guarded(document.origin, lambda: [analyser.clean(document)], seconds=seconds)
        if isinstance(cleaned, Skipped):
            return Skipped(cleaned.path_or_url, f"cannot be cleaned: {cleaned.reason}")
        return Analysed(cleaned.text, ())
    article = analyser.analyse_guarded(document, fallback=document.published.date(), seconds=seconds)
    if isinstance(article, Skipped):
        return article
    stamp = analyser.stamp(document, None)
    derived = kept_analysis(article, stamp)
    if readers is not None:
        (results,) = guarded(document.origin, lambda: [kept_results(readers, article, stamp)], seconds=seconds)
        if not isinstance(results, Skipped):
            derived += results
    return Analysed(article.text, derived)


def _start_worker(config: Any, learned: Any) -> None:
    global _analyser, _readers
    worker_signals()
    _analyser = Analyser(config)
    _readers = _readers_for(_analyser, learned)


def _adopt(analyser: Analyser, readers: Readers | None) -> None:
    """Take the collecting process's analyser and readers as they are (a forked worker has them already)."""
    global _analyser, _readers
    _analyser, _readers = analyser, readers


def _readers_for(analyser: Analyser, learned: Any) -> Readers:
    from ..analysed import Readers

    return Readers(analyser.config, analyser, learned=learned)


def _work(job: tuple[RawDocument, float | None]) -> Analysed | Skipped:
    document, seconds = job
    return analyse(_analyser, document, seconds=seconds, readers=_readers)


class Keeper:
    """Puts documents into the store in order, analysing the new ones, many at a time on every core.

    With workers, up to IN_FLIGHT batches are analysed while the next one is read.
    """

    def __init__(self, store: Store, analyser: Analyser | None, *, limits: LimitSettings) -> None:
        self.store, self.limits = store, limits
        self.analyser = analyser or Analyser()
        self._warm = False
        self._waiting: list[tuple[RawDocument, Any]] = []
        self._flying: deque[tuple[list[tuple[RawDocument, Any]], dict[int, str | Skipped], list[tuple[int, str]],
                                  AsyncResult[list[Analysed | Skipped]] | list[Analysed | Skipped]]] = deque()
        self._pool: Pool | None = None
        self._alone = 0  # documents analysed in this process
        self.learned: Any = None  # read with the readers, once a document is to be analysed
        self.readers: Readers | None = None

    def add(self, document: RawDocument, token: Any) -> Iterator[tuple[RawDocument, Any, str | Skipped]]:
        """Take a document; yield (document, token, outcome) of those put in the store meanwhile, in order.

        The outcome is NEW, UPDATED, UNCHANGED or Skipped (it cannot be cleaned, and why).
        """
        self._waiting.append((within_limits(document, limits=self.limits), token))
        if self._pool is None or len(self._waiting) >= BATCH:
            self._send()
        yield from self._land(keep=IN_FLIGHT if self._pool is not None else 0)

    def flush(self) -> Iterator[tuple[RawDocument, Any, str | Skipped]]:
        """Put every document taken so far into the store; yield what became of each, in order."""
        self._send()
        yield from self._land(keep=0)

    def _send(self) -> None:
        """Mark the deliveries seen before; hand the new ones to be analysed."""
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        done: dict[int, str | Skipped] = {}
        fresh: list[tuple[int, str]] = []
        for n, (document, _token) in enumerate(waiting):
            delivered = delivery_hash(document)
            known = self.store.latest_delivery(document.url or document.origin)
            if known is not None and known[1] == delivered:
                self.store.touch(document.url or document.origin, now=datetime.now(UTC))
                done[n] = UNCHANGED
            else:
                fresh.append((n, delivered))
        documents = [waiting[n][0] for n, _ in fresh]
        self._flying.append((waiting, done, fresh, self._analyse(documents)))

    def _land(self, *, keep: int) -> Iterator[tuple[RawDocument, Any, str | Skipped]]:
        """Put the analysed batches in the store, oldest first, until `keep` are left in flight."""
        while len(self._flying) > keep or (self._flying and _ready(self._flying[0][3])):
            waiting, done, fresh, result = self._flying.popleft()
            results = result if isinstance(result, list) else result.get()
            with self.store.batch():  # a batch's articles in one transaction, once they are all analysed
                for (n, delivered), analysed in zip(fresh, results, strict=True):
                    document = waiting[n][0]
                    done[n] = analysed if isinstance(analysed, Skipped) else self.store.put(
                        document, text=analysed.text, now=datetime.now(UTC), body_hash=delivered,
                        derived=analysed.derived)
            for n, (document, token) in enumerate(waiting):
                yield document, token, done[n]

    def _analyse(self, documents: list[RawDocument]) -> Results:
        if documents and not self._warm:
            self.analyser.aids()  # loaded once, outside any document's time budget
            if self.analyser.config is not None:
                # The editors' corrections so far, as a build of the coming issue weighs sections with them.
                self.learned = learn(self.store.examples())
                self.readers = _readers_for(self.analyser, self.learned)
            self._warm = True
        method = start_method() if self._pool is None else ""
        if (method and self._alone + len(documents) > (ALONE_FORKED if method == "fork" else ALONE)
                and self.analyser.config is not None and workers() > 1):
            if method == "fork":  # the workers share what this process has loaded
                self._pool = fork_pool(_adopt, (self.analyser, self.readers))
            else:
                self._pool = multiprocessing.get_context(method).Pool(
                    workers(), initializer=_start_worker, initargs=(self.analyser.config, self.learned))
            logger.info("analysing with %d worker processes (%s)", workers(), method)
        seconds = self.limits.file_seconds
        if self._pool is not None and documents:
            return self._pool.map_async(_work, [(d, seconds) for d in documents],
                                        chunksize=max(1, len(documents) // (2 * workers())))
        self._alone += len(documents)
        return [analyse(self.analyser, d, seconds=seconds, readers=self.readers) for d in documents]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def stop(self) -> None:
        """Stop the workers at once (on an error or an interrupt)."""
        if self._pool is not None:
            stop_pool(self._pool)
            self._pool = None


def _ready(result: AsyncResult[list[Analysed | Skipped]] | list[Analysed | Skipped]) -> bool:
    return isinstance(result, list) or result.ready()
