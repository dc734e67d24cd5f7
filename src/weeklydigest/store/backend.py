"""What differs between the store's backends, in one place: connecting, the schema version, locks, checks.

Everything else — every table, query and migration step — is the same SQLAlchemy Core code on both.
`backend_for` is the one place that picks a backend from the store's location.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, Table

from ..errors import StoreError
from .location import StoreLocation

__all__ = ["Backend", "StoreError", "backend_for", "first_line"]


class Backend:
    """A store's database: an engine, how it keeps its schema version and how it reports problems."""

    name = ""
    engine: Engine
    driver_errors: tuple[type[Exception], ...] = ()  # what the driver raises when run directly

    def __init__(self, location: StoreLocation, *, read_only: bool = False) -> None:
        self.location = location
        self.read_only = read_only  # the database refuses every write

    _held: Connection | None = None
    batches = False  # whether `batch` gathers many writes into one transaction
    _batched = False  # a batch is open: writes join its transaction

    def connection(self) -> Connection:
        """Return the store's one connection (a store is used by one thread), connecting on first use."""
        if self._held is None:
            self._held = self.engine.connect()
        return self._held

    @contextmanager
    def writer(self) -> Iterator[Connection]:
        """Run the block in a transaction for writing: committed on exit, rolled back on an exception."""
        conn = self.connection()
        if self._batched:
            yield conn  # committed with the batch
            return
        conn.info["write"] = True  # for SQLite's BEGIN IMMEDIATE
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info["write"] = False

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run the block's writes in one transaction when the backend `batches` (else each in its own).

        Committed when the block ends; on an exception every write of the block is rolled back.
        """
        if not self.batches or self._batched:
            yield
            return
        with self.writer():
            self._batched = True
            try:
                yield
            finally:
                self._batched = False

    @contextmanager
    def ingesting(self) -> Iterator[None]:
        """Let the block's commits return before they reach the disk, where the backend needs telling.

        A crash of the machine may then lose the last commits, in their order (never one from the
        middle): as if the run had stopped earlier. SQLite in WAL mode with `synchronous = NORMAL`
        already commits so; PostgreSQL is told for its session (`PostgresBackend.ingesting`).
        """
        yield

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        """Run the block's reads, then end any transaction they began (none is left open between calls)."""
        conn = self.connection()
        if self._batched:
            yield conn  # inside the batch's transaction, which ends with the batch
            return
        try:
            yield conn
        finally:
            if conn.in_transaction():
                conn.rollback()
            if not conn.invalidated:
                conn.connection.dbapi_connection.rollback()  # type: ignore[union-attr]  # one the driver began

    def schema_version(self, conn: Connection) -> int:
        raise NotImplementedError

    def set_schema_version(self, conn: Connection, version: int) -> None:
        raise NotImplementedError

    def schema_lock(self) -> AbstractContextManager[None]:
        """Make other processes that open the store wait while this one migrates its schema."""
        return nullcontext()

    def insert(self, table: Table) -> Any:
        """Return an INSERT of the backend's dialect, which has `on_conflict_do_update/nothing`."""
        raise NotImplementedError

    def integrity(self, conn: Connection) -> str:
        """Return 'ok' or the problems the database finds in itself."""
        raise NotImplementedError

    def message(self, exc: Exception) -> str:
        """Return the one line a person reads for a database error."""
        return first_line(exc)

    def after_copy(self, conn: Connection, table: Table) -> None:
        """Bring the table's id counter past the ids copied into it."""

    def dispose(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None
        self.engine.dispose()


def first_line(exc: BaseException) -> str:
    """Return the first line of what the driver said about an error (SQLAlchemy wraps it)."""
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0]


def backend_for(location: StoreLocation, *, read_only: bool = False) -> Backend:
    """Return the backend of a store location: PostgreSQL for a database URL, SQLite for a path."""
    if location.is_database:
        from .postgres import PostgresBackend

        return PostgresBackend(location, read_only=read_only)
    from .sqlite import SqliteBackend

    return SqliteBackend(location, read_only=read_only)
