"""Sources: each kind turns a configured source into articles, kept in the article store.

`collect_into` is the pipeline's collection: every source's articles go into the store, one
transaction each, and a failing source is recorded in its health and never stops the others. A
delivery the store has seen before is not cleaned again, an unchanged folder file is not read
again (`files`), and a new version is analysed once, its analysis kept with it. O(N) in the
articles delivered. `collect` reads the sources once into memory, without a store (for tests and
one-off reads).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from ..config import HttpSettings, SourceConfig
from ..model import RawDocument, Skipped
from ..store import NEW, UPDATED, SourceRun, Store, StoreError, Validators
from ..understand.analysis import Analyser
from .events import Event, Expect, Memory, SourceError, Unchanged, Validated
from .files import FileLedger
from .folder import iter_folder
from .keep import Keeper

if TYPE_CHECKING:
    from .fetch import Fetcher

TOUCH_BATCH = 500  # articles marked as seen again per transaction

logger = logging.getLogger(__name__)


class Progress(Protocol):
    """Told what collection is doing, for a progress display."""

    def begin(self, source: str) -> None: ...
    def expect(self, source: str, total: int) -> None: ...
    def advance(self, source: str) -> None: ...
    def end(self, source: str) -> None: ...


class _Quiet:
    def begin(self, source: str) -> None: ...
    def expect(self, source: str, total: int) -> None: ...
    def advance(self, source: str) -> None: ...
    def end(self, source: str) -> None: ...


class _NoMemory:
    """A store that knows nothing: every page is fetched in full."""

    def has(self, key: str) -> bool:
        return False

    def validators(self, url: str) -> Validators | None:
        return None


@dataclass(frozen=True)
class Collection:
    """What one collection did."""

    runs: tuple[SourceRun, ...]
    skipped: tuple[Skipped, ...]
    started: datetime


def iter_source(
    source: SourceConfig, *, tz: ZoneInfo, fetcher: Fetcher | None, memory: Memory, ledger: FileLedger | None = None,
) -> Iterator[Event]:
    """Yield what one source holds; raise SourceError if the whole source fails."""
    if source.kind == "folder" and source.path is not None:
        return iter_folder(source.path, source=source.name, tz=tz,
                           unchanged=ledger.unchanged if ledger is not None else None)
    if source.kind in ("feed", "web") and fetcher is not None:
        # Imported when needed: HTTP, feed parsing and page extraction take a while to load.
        from .feed import iter_feed
        from .web import iter_web

        reader = iter_feed if source.kind == "feed" else iter_web
        return reader(source, fetcher=fetcher, store=memory, tz=tz)
    raise SourceError(f"source kind '{source.kind}' cannot be collected", where=source.name)


def _fetcher(sources: tuple[SourceConfig, ...], http: HttpSettings, stack: ExitStack) -> Fetcher | None:
    if any(s.kind in ("feed", "web") for s in sources):
        from .fetch import Fetcher

        return stack.enter_context(Fetcher(http))
    return None


def collect(
    sources: tuple[SourceConfig, ...], *, tz: ZoneInfo, http: HttpSettings | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read every source once into memory; a failing source is reported in `skipped` and never stops the rest."""
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    with ExitStack() as stack:
        fetcher = _fetcher(sources, http or HttpSettings(), stack)
        for source in sources:
            try:
                for event in iter_source(source, tz=tz, fetcher=fetcher, memory=_NoMemory()):
                    if isinstance(event, RawDocument):
                        documents.append(event)
                    elif isinstance(event, Skipped):
                        skipped.append(event)
            except SourceError as exc:
                skipped.append(Skipped(exc.where, str(exc)))
    return documents, skipped


def collect_into(
    store: Store, sources: tuple[SourceConfig, ...], *, tz: ZoneInfo, http: HttpSettings,
    progress: Progress | None = None, analyser: Analyser | None = None,
) -> Collection:
    """Collect every source into the store and record each source's health.

    New versions are analysed by `analyser` (the config's) and kept with it; without one they are
    only cleaned (a build analyses them).
    """
    progress = progress or _Quiet()
    started = datetime.now(UTC)
    runs: list[SourceRun] = []
    skipped: list[Skipped] = []
    with ExitStack() as stack:
        fetcher = _fetcher(sources, http, stack)
        for source in sources:
            progress.begin(source.name)
            run, bad = _collect_source(store, source, tz=tz, fetcher=fetcher, progress=progress, analyser=analyser)
            progress.end(source.name)
            store.record_run(run, now=datetime.now(UTC))
            logger.info("source %s: %d seen, %d new, %d updated, %d skipped%s", run.name, run.seen, run.new,
                        run.updated, run.skipped, f"; failed: {run.error}" if run.error else "")
            runs.append(run)
            skipped += bad
    return Collection(runs=tuple(runs), skipped=tuple(skipped), started=started)


def _collect_source(
    store: Store, source: SourceConfig, *, tz: ZoneInfo, fetcher: Fetcher | None, progress: Progress,
    analyser: Analyser | None,
) -> tuple[SourceRun, list[Skipped]]:
    counts = {NEW: 0, UPDATED: 0, "seen": 0}
    skipped: list[Skipped] = []
    error = None
    ledger = FileLedger(store, source.path) if source.kind == "folder" and source.path is not None else None
    keeper = Keeper(store, analyser)
    seen_again: list[str] = []

    def kept(results: Iterator[tuple[RawDocument, Any, str | None]]) -> None:
        for document, reading, outcome in results:
            if outcome is None:
                skipped.append(Skipped(document.origin, "cannot be cleaned (see the log with -v)"))
                FileLedger.failed(reading)
            else:
                counts[outcome] = counts.get(outcome, 0) + 1
                FileLedger.delivered(reading, document.url or document.origin)
            progress.advance(source.name)
        if ledger is not None:
            ledger.settle()

    try:
        for event in iter_source(source, tz=tz, fetcher=fetcher, memory=store, ledger=ledger):
            match event:
                case Expect(count=count):
                    progress.expect(source.name, count)
                    continue
                case Validated(url=url, validators=validators):
                    store.save_validators(url, validators, now=datetime.now(UTC))
                    continue
                case Skipped():
                    skipped.append(event)
                    if ledger is not None:
                        ledger.refused(event.path_or_url, event.reason)
                case Unchanged(key=key):
                    seen_again.append(key)
                    if len(seen_again) >= TOUCH_BATCH:
                        store.touch_many(seen_again, now=datetime.now(UTC))
                        seen_again.clear()
                case RawDocument():
                    counts["seen"] += 1
                    kept(keeper.add(event, ledger.receive(event.origin) if ledger is not None else None))
                    continue
            counts["seen"] += 1
            progress.advance(source.name)
        kept(keeper.flush())
        keeper.close()
        if ledger is not None:
            ledger.finish()
    except SourceError as exc:
        error = str(exc)
        kept(keeper.flush())
        skipped.append(Skipped(exc.where, error))
    except (StoreError, sqlite3.Error):
        raise
    except Exception as exc:  # an unforeseen failure of one source must not stop the others
        logger.warning("source %s failed", source.name, exc_info=True)
        error = f"failed unexpectedly: {type(exc).__name__}: {exc}"
        skipped.append(Skipped(source.url or str(source.path or "") or source.name, error))
        with contextlib.suppress(Exception):  # what was delivered before the failure is kept
            kept(keeper.flush())
    finally:
        keeper.stop()
        if seen_again:
            store.touch_many(seen_again, now=datetime.now(UTC))
    if error is None and skipped and counts["seen"] == len(skipped):
        error = f"every entry was skipped (first: {skipped[0].reason})"
    run = SourceRun(name=source.name, kind=source.kind, seen=counts["seen"], new=counts[NEW],
                    updated=counts[UPDATED], skipped=len(skipped), error=error)
    if ledger is not None:
        logger.info("source %s: %d files read, %d unchanged and not read again", source.name, ledger.read,
                    ledger.replayed)
    return run, skipped
