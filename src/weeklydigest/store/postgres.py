"""The PostgreSQL backend (psycopg 3): many processes on many hosts write one store at once.

Writers never wait for one another except on the same row: an article being stored is locked by
its row (`SELECT … FOR UPDATE`) for the few statements of its transaction, so two collectors
storing the same article queue for it, and neither stores it twice nor loses the other's version.
The schema version is the one row of `store_schema`; migrating holds an advisory lock, so two
processes opening a new store at once migrate it once. Builds and sends of one issue
hold a session-level advisory lock (`AdvisoryLock`), which the server drops when its holder dies.
The password comes from libpq: `PGPASSWORD`, or `~/.pgpass` (`PGPASSFILE`). A read-only store's
sessions set `default_transaction_read_only`, so the server refuses any write in them.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy import Connection, Table, create_engine, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from . import schema
from .backend import Backend, StoreError, first_line
from .location import StoreLocation
from .migrations import SCHEMA_VERSION

_SCHEMA_LOCK = "weeklydigest schema"


def lock_key(name: str) -> int:
    """Return the advisory lock key (a signed 64-bit number) of a lock's name."""
    return int.from_bytes(hashlib.sha1(name.encode("utf-8")).digest()[:8], "big", signed=True)


def holder_name() -> str:
    """Return how this process names itself to the server, which is what another process is told."""
    return f"weeklydigest pid {os.getpid()} on {socket.gethostname()}"[:63]


def _connect_args() -> dict[str, Any]:
    return {"application_name": holder_name(), "connect_timeout": 10}


class PostgresBackend(Backend):
    name = "postgresql"
    driver_errors = (psycopg.Error,)

    def __init__(self, location: StoreLocation, *, read_only: bool = False) -> None:
        super().__init__(location, read_only=read_only)
        connect_args = _connect_args()
        if read_only:
            connect_args["options"] = "-c default_transaction_read_only=on"
        self.engine = create_engine(location.url(), pool_size=2, max_overflow=8, connect_args=connect_args)

    def schema_version(self, conn: Connection) -> int:
        if conn.execute(text("SELECT to_regclass('store_schema')")).scalar() is None:
            return 0
        return int(conn.execute(text("SELECT coalesce(max(version), 0) FROM store_schema")).scalar_one())

    def set_schema_version(self, conn: Connection, version: int) -> None:
        conn.execute(text("CREATE TABLE IF NOT EXISTS store_schema (version integer NOT NULL)"))
        conn.execute(text("DELETE FROM store_schema"))
        conn.execute(text("INSERT INTO store_schema (version) VALUES (:version)"), {"version": version})

    @contextmanager
    def schema_lock(self) -> Iterator[None]:
        # A session lock taken outside the migration's transactions: each step's transaction then begins
        # after the previous holder's commit, and so sees the tables it made (a transaction begun before
        # would still have them cached as missing).
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key(_SCHEMA_LOCK)})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key(_SCHEMA_LOCK)})

    @contextmanager
    def ingesting(self) -> Iterator[None]:
        """Run the block with `synchronous_commit` off for the store's session, set back when it ends.

        Each article is its own transaction; with the setting on, each commit waits for the server to
        flush its write-ahead log to disk (a fifth of a 10,000-article collect on a server that syncs).
        The server still writes the log in commit order, so a crash of the server loses at most its
        last commits (about half a second's), never one between two it kept, and never corrupts the
        store: the articles lost have no file record either and are collected again next time.
        """
        with self.writer() as conn:
            conn.execute(text("SET synchronous_commit TO off"))  # committed: it holds for the session
        try:
            yield
        finally:
            if not self.connection().invalidated:  # a new connection starts with the server's setting
                with suppress(SQLAlchemyError, psycopg.Error), self.writer() as again:
                    again.execute(text("RESET synchronous_commit"))

    def insert(self, table: Table) -> Any:
        return insert(table)

    def integrity(self, conn: Connection) -> str:
        if self.schema_version(conn) < SCHEMA_VERSION:
            return "ok"  # the tables of a later schema come with the migration
        present = set(sa.inspect(conn).get_table_names())
        missing = sorted(set(schema.metadata.tables) - present)
        return f"missing tables: {', '.join(missing)}" if missing else "ok"

    def message(self, exc: Exception) -> str:
        return explain(super().message(exc))

    def after_copy(self, conn: Connection, table: Table) -> None:
        if "id" in table.c and table.c.id.primary_key:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                              f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))


def explain(message: str) -> str:
    """Add what to do to the server's message, when it is about the password or an unreachable server."""
    if "no password supplied" in message or "password authentication failed" in message:
        return f"{message}: give the password in the environment variable PGPASSWORD or in ~/.pgpass"
    if any(sign in message for sign in ("Connection refused", "could not translate host name",
                                        "failed to resolve host", "timeout expired")):
        return f"{message}: is the PostgreSQL server running, and the host and port right?"
    return message


class AdvisoryLock:
    """Hold a PostgreSQL session-level advisory lock named `name` for as long as the block runs.

    Every process on every host that shares the store sees it. A process that dies loses its
    connection and with it the lock, so a lock is never stale. When the lock is taken, `busy` is
    called with the holder's name (`pid 1234 on host`) and its exception raised.
    """

    def __init__(self, location: StoreLocation, name: str, *, busy: Callable[[str], Exception]) -> None:
        self.location = location
        self.name = name
        self.key = lock_key(name)
        self._busy = busy
        self._engine: sa.Engine | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> AdvisoryLock:
        engine = create_engine(self.location.url(), poolclass=NullPool, connect_args=_connect_args())
        try:
            conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            taken = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
            if not taken:
                holder = self._holder(conn)
                conn.close()
                engine.dispose()
                raise self._busy(holder)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(f"store {self.location}: {explain(first_line(exc))}") from None
        self._engine, self._conn = engine, conn
        return self

    def _holder(self, conn: Connection) -> str:
        unsigned = self.key & 0xFFFFFFFFFFFFFFFF
        row = conn.execute(text(
            "SELECT a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :high AND l.objid = :low "
            "AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
            {"high": unsigned >> 32, "low": unsigned & 0xFFFFFFFF}).first()
        if row is None:
            return "pid ?"
        name, server_pid = row
        if name.startswith("weeklydigest pid "):
            return name.removeprefix("weeklydigest ")
        return f"server pid {server_pid}"

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        conn, engine = self._conn, self._engine
        self._conn = self._engine = None
        if conn is not None:
            # Should unlocking fail, closing the connection below lets go of the lock all the same.
            with suppress(SQLAlchemyError):
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            conn.close()
        if engine is not None:
            engine.dispose()
