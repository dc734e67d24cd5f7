"""The article store: every collected article version, source health, review edits, subscribers and deliveries.

`Store` is the store interface. Its backend follows the configured `store:` value: a path is an
SQLite file (`sqlite.py`), a `postgresql://user@host:port/db` URL a PostgreSQL database
(`postgres.py`); both run the same SQLAlchemy Core queries and the same migration steps.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .backend import StoreError
from .core import NEW, UNCHANGED, UPDATED, ArticleStore, SourceHealth, SourceRun, Validators, open_backend, text_hash
from .derived import DerivedTables, FileRecord, Ref, Window, delivery_hash
from .editions import Edition, EditionRegistry
from .editorial import EditorialStore
from .location import DEFAULT_EDITION, StoreLocation, edition_problem, url_problem
from .migrations import MIGRATIONS, SCHEMA_VERSION
from .people import PeopleStore
from .runlog import RunLog


class Store(ArticleStore, DerivedTables, EditorialStore, PeopleStore, RunLog, EditionRegistry):
    """The store at `location` (a path or a PostgreSQL URL), seen by one edition; use as a context manager."""

    def __init__(self, location: StoreLocation | Path | str, *, edition: str = DEFAULT_EDITION,
                 read_only: bool = False) -> None:
        """Open the store, creating and migrating it; `read_only` opens an existing one as it is, refusing writes."""
        open_backend(self, location, edition, read_only=read_only)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._backend.dispose()

    @property
    def backend(self) -> str:
        """The backend's name: 'sqlite' or 'postgresql'."""
        return self._backend.name

    @property
    def path(self) -> Path:
        """The SQLite file of the store (a PostgreSQL store has none)."""
        return self.location.path

    @property
    def schema_version(self) -> int:
        with self._read() as db:
            return self._backend.schema_version(db)

    @property
    def is_current(self) -> bool:
        """Whether the store's schema is this release's (a read-only store may be older, or empty)."""
        return self.schema_version == SCHEMA_VERSION

    def integrity(self) -> str:
        """Return the database's check of itself: 'ok' or the problems found."""
        with self._read() as db:
            return self._backend.integrity(db)


def open_store(config: Any) -> Store:
    """Open a config's store as its edition sees it, and record the edition's title and output folder."""
    store = Store(config.store, edition=config.edition)
    try:
        store.register_edition(title=config.title, output=str(config.output), now=datetime.now(UTC))
    except BaseException:
        store.close()
        raise
    return store


def check_store(config: Any) -> Store | None:
    """Open a config's store read-only, as its edition sees it, for a check; None when it holds no store yet."""
    if not StoreLocation.of(config.store).exists():
        return None
    store = Store(config.store, edition=config.edition, read_only=True)
    try:
        if store.schema_version == 0:  # an empty database, or a file another program made
            store.close()
            return None
    except BaseException:
        store.close()
        raise
    return store


def shared_lock(location: StoreLocation | Path | str, name: str, *,
                busy: Callable[[str], Exception]) -> AbstractContextManager[Any] | None:
    """Return a lock named `name` that every host sharing the store sees, or None for an SQLite store.

    `busy(holder)` makes the exception raised when another process holds it.
    """
    location = StoreLocation.of(location)
    if not location.is_database:
        return None
    from .postgres import AdvisoryLock

    return AdvisoryLock(location, name, busy=busy)


__all__ = [
    "DEFAULT_EDITION", "MIGRATIONS", "NEW", "SCHEMA_VERSION", "UNCHANGED", "UPDATED", "Edition", "FileRecord", "Ref",
    "SourceHealth", "SourceRun", "Store", "StoreError", "StoreLocation", "Validators", "Window", "check_store",
    "delivery_hash", "edition_problem", "open_store", "shared_lock", "text_hash", "url_problem",
]
