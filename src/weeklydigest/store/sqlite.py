"""The SQLite backend: one file in WAL mode, writers one at a time (BEGIN IMMEDIATE).

Every write is one transaction (or one batch of them, see `Backend.batch`), so a crash (even
SIGKILL) leaves what was written before it intact and the write in flight either wholly there or
not at all. The schema version is `user_version`.
A read-only store is opened with a `mode=ro` URI: SQLite itself refuses any write, and neither the
journal mode nor the file is touched.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import Connection, Table, create_engine, event
from sqlalchemy.dialects.sqlite import insert

from .backend import Backend, StoreError
from .location import StoreLocation

BUSY_SECONDS = 30  # how long a connection waits for a database another one is writing


class SqliteBackend(Backend):
    name = "sqlite"
    # Writers take turns anyway, and a commit costs more than the writes of a batch of articles.
    batches = True
    driver_errors = (sqlite3.Error,)

    def __init__(self, location: StoreLocation, *, read_only: bool = False) -> None:
        super().__init__(location, read_only=read_only)
        path = location.path
        if read_only:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            self.engine = create_engine(
                "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS))
            event.listen(self.engine, "connect", _on_connect_read_only)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"store {location}: cannot open: {exc}") from None
            self.engine = create_engine(location.url(), connect_args={"timeout": BUSY_SECONDS})
            event.listen(self.engine, "connect", _on_connect)
        event.listen(self.engine, "begin", _on_begin)

    def schema_version(self, conn: Connection) -> int:
        return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    def set_schema_version(self, conn: Connection, version: int) -> None:
        conn.exec_driver_sql(f"PRAGMA user_version = {int(version)}")

    def insert(self, table: Table) -> Any:
        return insert(table)

    def integrity(self, conn: Connection) -> str:
        return "; ".join(row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check"))

    def message(self, exc: Exception) -> str:
        return super().message(exc) + damaged_hint(exc)


def damaged_hint(exc: BaseException) -> str:
    """Return what to do about a store file SQLite cannot read, for the end of the error line."""
    if "not a database" in str(exc) or "malformed" in str(exc):
        return ": the file is damaged or not a store; move it aside and run 'weeklydigest collect' to start a new one"
    return ""


def _on_connect(dbapi: sqlite3.Connection, record: object) -> None:
    # Transactions are begun by `_on_begin`, not implicitly by the driver (which would also commit DDL).
    dbapi.isolation_level = None
    cursor = dbapi.cursor()
    try:
        _wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable across process crashes
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _wal(cursor: sqlite3.Cursor) -> None:
    """Put the database in WAL mode, which its file keeps: only the first connection to a new store changes it.

    Changing the mode needs the database to itself, and SQLite answers "database is locked" at once,
    without waiting, when another connection (a process opening the new store at the same time) holds
    it: the mode is read again and the change retried for as long as a busy database is waited for.
    """
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _on_connect_read_only(dbapi: sqlite3.Connection, record: object) -> None:
    dbapi.isolation_level = None  # as `_on_connect`, without a pragma that would write


def _on_begin(conn: Connection) -> None:
    # A writer takes the write lock when it begins, so two writers queue instead of failing half way.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")
