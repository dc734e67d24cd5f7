"""Sources: each kind turns a configured source into articles, kept in the article store.

`collect_into` is the pipeline's collection: every source's articles go into the store, one
transaction each, and a failing source is recorded in its health and never stops the others. A
delivery the store has seen before is not cleaned again, an unchanged folder file is not read
again (`files`), and a new version is analysed once, its analysis kept with it (`keep`).
`read_sources` (and `collect`, its documents and skipped entries) reads the sources once into
memory, without a store (for one-off builds and tests). Each document is cut to the limits and
cleaned in its own guard (see `guard`); the time for all of it is linear in the number of entries.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from ..config import HttpSettings, LimitSettings, SourceConfig
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

    @property
    def failed(self) -> tuple[SourceRun, ...]:
        """Return the runs of the sources that failed as a whole."""
        return tuple(run for run in self.runs if run.error)


@dataclass(frozen=True)
class Reading:
    """What the sources hold, read once into memory."""

    documents: list[RawDocument]
    skipped: list[Skipped]
    failed: list[str]  # the sources that failed as a whole


def iter_source(
    source: SourceConfig, *, tz: ZoneInfo, fetcher: Fetcher | None, memory: Memory, limits: LimitSettings,
    ledger: FileLedger | None = None,
) -> Iterator[Event]:
    """Yield what one source holds; raise SourceError if the whole source fails."""
    if source.kind == "folder" and source.path is not None:
        return iter_folder(source.path, source=source.name, tz=tz, limits=limits,
                           unchanged=ledger.unchanged if ledger is not None else None)
    if source.kind in ("feed", "web") and fetcher is not None:
        # Imported when needed: HTTP, feed parsing and page extraction take a while to load.
        from .feed import iter_feed
        from .web import iter_web

        reader = iter_feed if source.kind == "feed" else iter_web
        return reader(source, fetcher=fetcher, store=memory, tz=tz, limits=limits)
    raise SourceError(f"source kind '{source.kind}' cannot be collected", where=source.name)


def _read(
    source: SourceConfig, *, tz: ZoneInfo, fetcher: Fetcher | None, memory: Memory, limits: LimitSettings,
    handle: Callable[[Event], None], ledger: FileLedger | None = None,
) -> tuple[str | None, list[Skipped]]:
    """Hand every event of one source to `handle`; return why the whole source failed (or None) and the skipped.

    A source fails as a whole when it cannot be read at all, when it raises something unforeseen
    (the entries before stay delivered), or when every entry it offered was skipped.
    """
    skipped: list[Skipped] = []
    seen, error = 0, None
    try:
        for event in iter_source(source, tz=tz, fetcher=fetcher, memory=memory, limits=limits, ledger=ledger):
            if isinstance(event, Skipped):
                skipped.append(event)
            if not isinstance(event, Expect | Validated):
                seen += 1
            handle(event)
    except SourceError as exc:
        error = str(exc)
        skipped.append(Skipped(exc.where, error))
    except (StoreError, sqlite3.Error):
        raise
    except Exception as exc:  # an unforeseen failure of one source must not stop the others
        logger.warning("source %s failed", source.name, exc_info=True)
        error = f"failed unexpectedly: {type(exc).__name__}: {exc}"
        skipped.append(Skipped(source.url or str(source.path or "") or source.name, error))
    if error is None and skipped and seen == len(skipped):
        error = f"every entry was skipped (first: {skipped[0].reason})"
    return error, skipped


def _fetcher(sources: tuple[SourceConfig, ...], http: HttpSettings, stack: ExitStack) -> Fetcher | None:
    if any(s.kind in ("feed", "web") for s in sources):
        from .fetch import Fetcher

        return stack.enter_context(Fetcher(http))
    return None


def read_sources(
    sources: tuple[SourceConfig, ...], *, tz: ZoneInfo, http: HttpSettings | None = None,
    limits: LimitSettings | None = None,
) -> Reading:
    """Read every source once into memory; a failing source is reported and never stops the rest."""
    limits = limits or LimitSettings()
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    failed: list[str] = []

    def keep(event: Event) -> None:
        if isinstance(event, RawDocument):
            documents.append(event)

    with ExitStack() as stack:
        fetcher = _fetcher(sources, http or HttpSettings(), stack)
        for source in sources:
            error, bad = _read(source, tz=tz, fetcher=fetcher, memory=_NoMemory(), limits=limits, handle=keep)
            skipped += bad
            if error:
                failed.append(source.name)
    return Reading(documents=documents, skipped=skipped, failed=failed)


def collect(
    sources: tuple[SourceConfig, ...], *, tz: ZoneInfo, http: HttpSettings | None = None,
    limits: LimitSettings | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read every source once into memory; a failing source is reported in `skipped` and never stops the rest."""
    reading = read_sources(sources, tz=tz, http=http, limits=limits)
    return reading.documents, reading.skipped


def collect_into(
    store: Store, sources: tuple[SourceConfig, ...], *, tz: ZoneInfo, http: HttpSettings,
    progress: Progress | None = None, limits: LimitSettings | None = None, analyser: Analyser | None = None,
) -> Collection:
    """Collect every source into the store and record each source's health.

    New versions are analysed by `analyser` (the config's) and kept with it; without one they are
    only cleaned (a build analyses them).
    """
    progress = progress or _Quiet()
    limits = limits or LimitSettings()
    started = datetime.now(UTC)
    runs: list[SourceRun] = []
    skipped: list[Skipped] = []
    with ExitStack() as stack:
        stack.enter_context(store.ingesting())  # what a crash of the machine loses is collected again
        fetcher = _fetcher(sources, http, stack)
        for source in sources:
            progress.begin(source.name)
            run, bad = _collect_source(store, source, tz=tz, fetcher=fetcher, progress=progress, limits=limits,
                                       analyser=analyser)
            progress.end(source.name)
            store.record_run(run, now=datetime.now(UTC))
            logger.info("source %s: %d seen, %d new, %d updated, %d skipped%s", run.name, run.seen, run.new,
                        run.updated, run.skipped, f"; failed: {run.error}" if run.error else "")
            runs.append(run)
            skipped += bad
    return Collection(runs=tuple(runs), skipped=tuple(skipped), started=started)


def _collect_source(
    store: Store, source: SourceConfig, *, tz: ZoneInfo, fetcher: Fetcher | None, progress: Progress,
    limits: LimitSettings, analyser: Analyser | None,
) -> tuple[SourceRun, list[Skipped]]:
    counts = {NEW: 0, UPDATED: 0, "seen": 0}
    unclean: list[Skipped] = []
    ledger = FileLedger(store, source=source.name, limits=limits) if source.kind == "folder" else None
    keeper = Keeper(store, analyser, limits=limits)
    seen_again: list[str] = []

    def kept(results: Iterator[tuple[RawDocument, Any, str | Skipped]]) -> None:
        for _document, reading, outcome in results:
            if isinstance(outcome, Skipped):
                unclean.append(outcome)
                FileLedger.failed(reading)
            else:
                counts[outcome] = counts.get(outcome, 0) + 1
                FileLedger.delivered(reading, _document.url or _document.origin)
            progress.advance(source.name)
        if ledger is not None:
            ledger.settle()

    def handle(event: Event) -> None:
        match event:
            case Expect(count=count):
                progress.expect(source.name, count)
                return
            case Validated(url=url, validators=validators):
                # Kept only once every entry delivered before is in the store (workers may still hold
                # some): a crash before this commit makes the next run fetch the page in full again.
                kept(keeper.flush())
                store.save_validators(url, validators, now=datetime.now(UTC))
                return
            case Skipped():
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
                return
        counts["seen"] += 1
        progress.advance(source.name)

    try:
        error, skipped = _read(source, tz=tz, fetcher=fetcher, memory=store, limits=limits, handle=handle,
                               ledger=ledger)
        # What was delivered before a failure is kept.
        kept(keeper.flush())
        keeper.close()
    finally:
        keeper.stop()
        if seen_again:
            store.touch_many(seen_again, now=datetime.now(UTC))
    if ledger is not None:
        ledger.finish()
        logger.info("source %s: %d files read, %d unchanged and not read again", source.name, ledger.read,
                    ledger.replayed)
    skipped += unclean
    if error is None and unclean and counts["seen"] == len(skipped):
        error = f"every entry was skipped (first: {skipped[0].reason})"
    run = SourceRun(name=source.name, kind=source.kind, seen=counts["seen"], new=counts[NEW],
                    updated=counts[UPDATED], skipped=len(skipped), error=error)
    return run, skipped
