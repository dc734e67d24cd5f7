"""The store interface: every collected article with its versions, HTTP validators and source health.

`Store(location, edition=…)` opens the store at a path (SQLite) or a `postgresql://` URL and brings
its schema up to date; `read_only=True` opens it as it is, for checks: no migration, and the
database refuses any write. Every write is one short transaction, so a crash leaves what was stored
before it intact and the write in flight either wholly there or not at all. Articles, validators
and source health are shared by every edition of the store; review state, learning examples,
subscribers, deliveries and runs belong to the store's `edition` (mixins in editorial.py,
people.py, runlog.py).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..model import RawDocument
from .backend import Backend, StoreError, backend_for
from .location import DEFAULT_EDITION, StoreLocation
from .migrations import MIGRATIONS, SCHEMA_VERSION
from .schema import articles, http_cache, sources, versions
from .schema import derived as derived_results

logger = logging.getLogger(__name__)

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"


@dataclass(frozen=True)
class Validators:
    """What a server said about a URL last time, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class SourceHealth:
    name: str
    kind: str
    last_run: datetime | None
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    seen: int
    new: int
    updated: int
    skipped: int
    stored: int  # articles this source delivered first, all time


@dataclass(frozen=True)
class SourceRun:
    """One source's part of one collection."""

    name: str
    kind: str
    seen: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    error: str | None = None


def text_hash(title: str, text: str) -> str:
    return hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()


def iso(moment: datetime) -> str:
    """Return a moment as the store keeps it: UTC, ISO 8601 with microseconds."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class StoreBase:
    """The connection to the store's database and its transactions, shared by the store's parts."""

    location: StoreLocation
    edition: str
    _backend: Backend

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn what the database raises inside the block into a StoreError of one line."""
        try:
            yield
        except (SQLAlchemyError, *self._backend.driver_errors) as exc:
            raise StoreError(f"store {self.location}: {self._backend.message(exc)}") from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """Run the block in one transaction: committed when it ends, rolled back on any error."""
        with self._errors(), self._backend.writer() as conn:
            yield conn

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Gather the block's writes into one transaction where the backend allows (SQLite): fewer commits.

        An error inside rolls back every write of the block. On PostgreSQL each write stays its own
        transaction, so concurrent writers hold their row locks briefly.
        """
        with self._errors(), self._backend.batch():
            yield

    @contextmanager
    def ingesting(self) -> Iterator[None]:
        """Commit the block's writes without waiting for the disk (collecting: see `Backend.ingesting`)."""
        with self._errors(), self._backend.ingesting():
            yield

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """Run the block's reads (never a write inside: it would need its own transaction)."""
        with self._errors(), self._backend.reader() as conn:
            yield conn

    def _insert(self, table: Any) -> Any:
        """Return an INSERT of the backend's dialect, with `on_conflict_do_update` and `on_conflict_do_nothing`."""
        return self._backend.insert(table)

    def _run(self, db: Connection, name: str, build: Callable[[], Any], params: dict[str, Any]) -> Any:
        """Run a statement of the store's hottest paths in the transaction `db`; return the driver's cursor.

        `build` makes the statement (SQLAlchemy Core), compiled once per backend; the driver then runs
        the SQL directly, which costs a few microseconds where SQLAlchemy's execution costs a hundred.
        Values pass as they are: these statements bind only text, numbers, bytes and None.
        """
        compiled = self._compiled(db, name, build)
        cursor = db.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(compiled.sql, compiled.parameters(params))
        return cursor

    def _run_many(self, db: Connection, name: str, build: Callable[[], Any], rows: list[dict[str, Any]]) -> None:
        """Run a statement of `_run` once per row of parameters, in one call to the driver.

        PostgreSQL's driver sends them in one pipeline: one round trip to the server, not one per row.
        """
        if not rows:
            return
        compiled = self._compiled(db, name, build)
        cursor = db.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.executemany(compiled.sql, [compiled.parameters(row) for row in rows])

    def _compiled(self, db: Connection, name: str, build: Callable[[], Any]) -> _Compiled:
        """Return the statement `name` as this backend's driver runs it, compiled on first use."""
        key = (self._backend.name, name)
        compiled = _COMPILED.get(key)
        if compiled is None:
            compiled = _COMPILED[key] = _Compiled(build(), db.dialect)
        return compiled


class _Compiled:
    """A statement as the backend's driver runs it: its SQL and how to order its parameters."""

    def __init__(self, statement: Any, dialect: Any) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.order = compiled.positiontup  # None when the driver takes named parameters
        self.fixed = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}

    def parameters(self, params: dict[str, Any]) -> Any:
        values = self.fixed | params if self.fixed else params
        return values if self.order is None else [values[name] for name in self.order]


_COMPILED: dict[tuple[str, str], _Compiled] = {}


class ArticleStore(StoreBase):
    """Articles, their versions, HTTP validators and source health (shared by every edition)."""

    def put(self, document: RawDocument, *, text: str, now: datetime, body_hash: str | None = None,
            derived: tuple[tuple[str, str, bytes], ...] = ()) -> str:
        """Record one collected article; return NEW, UPDATED (new text: a new version) or UNCHANGED.

        `body_hash` is the hash of the delivery (see `delivery_hash`); `derived` holds (stage,
        fingerprint, data) of its analysis, kept with a new version. NUL characters are dropped from
        what is stored (PostgreSQL's text cannot hold them).
        """
        document = _without_nul(document)
        text = text.replace("\x00", "")
        key = document.url or document.origin
        digest = text_hash(document.title, text)
        published = document.published.isoformat() if document.published else None
        published_utc = document.published.timestamp() if document.published else None
        seen = iso(now)
        values = {"p_key": key, "p_source": document.source, "p_seen": seen, "p_published": published,
                  "p_published_utc": published_utc}

        def version_row(version: int) -> dict[str, Any]:
            return {"key": key, "version": version, "seen": seen, "source": document.source, "origin": document.origin,
                    "url": document.url, "title": document.title, "outlet": document.outlet, "published": published,
                    "fmt": document.fmt, "body": document.body, "raw": document.raw or None, "text": text,
                    "text_hash": digest, "body_hash": body_hash}

        def keep(db: Connection, version: int, name: str, build: Callable[[], Any]) -> None:
            self._run_many(db, name, build, [{"key": key, "version": version, "stage": stage,
                                              "fingerprint": fingerprint, "data": data}
                                             for stage, fingerprint, data in derived])

        with self._write() as db:
            latest = self._run(db, "put.latest", _latest, values).fetchone()
            if latest is None:
                # A new article, unless another writer stores it right now: then this one waits for that
                # writer's commit, stores nothing here, and goes on as for a known article.
                if self._run(db, "put.article", self._put_article, values).fetchone() is not None:
                    self._run(db, "put.insert", versions.insert, version_row(1))
                    keep(db, 1, "put.derived", derived_results.insert)
                    return NEW
                latest = self._run(db, "put.latest", _latest, values).fetchone()
            # A known article, its row locked until this transaction ends: a second writer waits for it.
            last_version, last_hash = latest
            if last_hash == digest:
                self._run(db, "put.seen", _seen, values)
                if body_hash is not None:
                    # This delivery cleans to the latest version: it is not cleaned again, and what was
                    # analysed of it is kept if the version has nothing yet (a store from before analyses).
                    self._run(db, "put.body_hash", _body_hash, {"p_key": key, "p_version": last_version,
                                                                "p_body_hash": body_hash})
                    keep(db, last_version, "put.derived_missing", self._derived_missing)
                return UNCHANGED
            version = last_version + 1
            self._run(db, "put.version", _new_version, values | {"p_version": version})
            self._run(db, "put.insert", versions.insert, version_row(version))
            keep(db, version, "put.derived", derived_results.insert)
        return UPDATED

    def _put_article(self) -> Any:
        return (self._insert(articles)
                .values(key=bindparam("p_key"), source=bindparam("p_source"), first_seen=bindparam("p_seen"),
                        last_seen=bindparam("p_seen"), published=bindparam("p_published"),
                        published_utc=bindparam("p_published_utc"), version=1)
                .on_conflict_do_nothing(index_elements=["key"]).returning(articles.c.key))

    def _derived_missing(self) -> Any:
        return self._insert(derived_results).on_conflict_do_nothing(index_elements=["key", "version", "stage"])

    def touch(self, key: str, *, now: datetime) -> None:
        """Mark a known article as seen again."""
        with self._write() as db:
            self._run(db, "put.seen", _seen, {"p_key": key, "p_seen": iso(now)})

    def has(self, key: str) -> bool:
        with self._read() as db:
            return self._run(db, "has", lambda: select(articles.c.key).where(articles.c.key == bindparam("p_key")),
                             {"p_key": key}).fetchone() is not None

    def candidates(self, *, published_from: datetime, published_to: datetime, seen_from: datetime) -> list[RawDocument]:
        """Return the latest version of the articles published in the window, and of undated ones seen since
        `seen_from`."""
        a, v = articles, versions
        query = (
            select(v.c.origin, v.c.source, v.c.title, v.c.url, v.c.published, v.c.body, v.c.fmt, v.c.outlet,
                   a.c.first_seen)
            .select_from(a.join(v, and_(v.c.key == a.c.key, v.c.version == a.c.version)))
            .where(or_(a.c.published_utc.between(published_from.timestamp(), published_to.timestamp()),
                       and_(a.c.published_utc.is_(None), a.c.last_seen >= iso(seen_from))))
            .order_by(a.c.first_seen, a.c.key)
        )
        with self._read() as db:
            return [
                RawDocument(origin=origin, source=source, title=title, url=url, published=moment(published),
                            body=body, fmt=fmt, outlet=outlet, first_seen=moment(first_seen))
                for origin, source, title, url, published, body, fmt, outlet, first_seen in db.execute(query)
            ]

    def texts(self, *, published_from: datetime, published_to: datetime) -> list[str]:
        """Return title and cleaned text of the latest version of the articles published in the window."""
        a, v = articles, versions
        query = (select(v.c.title, v.c.text)
                 .select_from(a.join(v, and_(v.c.key == a.c.key, v.c.version == a.c.version)))
                 .where(a.c.published_utc.between(published_from.timestamp(), published_to.timestamp()))
                 .order_by(a.c.first_seen, a.c.key))
        with self._read() as db:
            return [f"{title}\n{text}" for title, text in db.execute(query)]

    def versions(self, key: str) -> list[tuple[int, str, str]]:
        """Return (version, title, cleaned text) of every version of one article, oldest first."""
        v = versions
        with self._read() as db:
            rows = db.execute(select(v.c.version, v.c.title, v.c.text).where(v.c.key == key).order_by(v.c.version))
            return [tuple(row) for row in rows]  # type: ignore[misc]

    def counts(self) -> dict[str, int]:
        with self._read() as db:
            return {"articles": db.execute(select(func.count()).select_from(articles)).scalar_one(),
                    "versions": db.execute(select(func.count()).select_from(versions)).scalar_one()}

    # --- HTTP validators ------------------------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        c = http_cache.c
        with self._read() as db:
            row = self._run(db, "validators", lambda: select(c.etag, c.last_modified, c.hint).where(
                c.url == bindparam("p_url")), {"p_url": url}).fetchone()
        return Validators(*row) if row else None

    def save_validators(self, url: str, validators: Validators, *, now: datetime) -> None:
        with self._write() as db:
            self._run(db, "save_validators", self._save_validators, {
                "url": url, "etag": validators.etag, "last_modified": validators.last_modified,
                "hint": validators.hint, "checked": iso(now)})

    def _save_validators(self) -> Any:
        insert = self._insert(http_cache)
        return insert.on_conflict_do_update(index_elements=["url"], set_={
            name: insert.excluded[name] for name in ("etag", "last_modified", "hint", "checked")})

    # --- source health --------------------------------------------------------------------------

    def record_run(self, run: SourceRun, *, now: datetime) -> None:
        """Record how one source's collection went; the last error is kept until it is replaced."""
        at = iso(now)
        insert = self._insert(sources).values(
            name=run.name, kind=run.kind, last_run=at, last_success=None if run.error else at, last_error=run.error,
            last_error_at=at if run.error else None, seen=run.seen, new=run.new, updated=run.updated,
            skipped=run.skipped)
        new, c = insert.excluded, sources.c
        with self._write() as db:
            db.execute(insert.on_conflict_do_update(index_elements=["name"], set_={
                "kind": new.kind, "last_run": new.last_run,
                "last_success": func.coalesce(new.last_success, c.last_success),
                "last_error": func.coalesce(new.last_error, c.last_error),
                "last_error_at": func.coalesce(new.last_error_at, c.last_error_at),
                "seen": new.seen, "new": new.new, "updated": new.updated, "skipped": new.skipped}))

    def health(self) -> list[SourceHealth]:
        c = sources.c
        with self._read() as db:
            stored = dict(db.execute(select(articles.c.source, func.count()).group_by(articles.c.source)).all())
            rows = db.execute(select(c.name, c.kind, c.last_run, c.last_success, c.last_error, c.last_error_at,
                                     c.seen, c.new, c.updated, c.skipped).order_by(c.name)).all()
        return [
            SourceHealth(name=name, kind=kind, last_run=moment(run), last_success=moment(success),
                         last_error=error, last_error_at=moment(error_at), seen=seen, new=new, updated=updated,
                         skipped=skipped, stored=stored.get(name, 0))
            for name, kind, run, success, error, error_at, seen, new, updated, skipped in rows
        ]


def _latest() -> Any:
    a, v = articles, versions
    return (select(a.c.version, v.c.text_hash)
            .select_from(a.join(v, and_(v.c.key == a.c.key, v.c.version == a.c.version)))
            .where(a.c.key == bindparam("p_key")).with_for_update(of=a))


def _body_hash() -> Any:
    v = versions.c
    return (update(versions).where(v.key == bindparam("p_key"), v.version == bindparam("p_version"))
            .values(body_hash=bindparam("p_body_hash")))


def _seen() -> Any:
    return update(articles).where(articles.c.key == bindparam("p_key")).values(last_seen=bindparam("p_seen"))


def _new_version() -> Any:
    return (update(articles).where(articles.c.key == bindparam("p_key"))
            .values(last_seen=bindparam("p_seen"), published=bindparam("p_published"),
                    published_utc=bindparam("p_published_utc"), version=bindparam("p_version")))


def _without_nul(document: RawDocument) -> RawDocument:
    fields = ("origin", "source", "title", "url", "body", "outlet")
    if not any("\x00" in (getattr(document, name) or "") for name in fields):
        return document
    return replace(document, **{name: getattr(document, name).replace("\x00", "") for name in fields
                                if isinstance(getattr(document, name), str)})


def open_backend(store: StoreBase, location: StoreLocation | Path | str, edition: str, *,
                 read_only: bool = False) -> None:
    """Connect `store` to its database and migrate the schema to this release's (a read-only store: check it)."""
    store.location = StoreLocation.of(location)
    store.edition = edition or DEFAULT_EDITION
    store._backend = backend_for(store.location, read_only=read_only)
    try:
        _migrate(store)
    except SQLAlchemyError as exc:
        store._backend.dispose()
        raise StoreError(f"store {store.location}: {store._backend.message(exc)}") from None
    except BaseException:
        store._backend.dispose()
        raise


def _migrate(store: StoreBase) -> None:
    backend = store._backend
    with backend.reader() as conn:
        version = backend.schema_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(f"store {store.location}: written by a newer weeklydigest (schema {version}, "
                         f"this one knows up to {SCHEMA_VERSION})")
    if version == SCHEMA_VERSION or backend.read_only:
        return
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    with backend.schema_lock():
        for step in range(version, SCHEMA_VERSION):
            with backend.writer() as conn:
                if backend.schema_version(conn) > step:
                    continue  # another process opening the store at the same time did this step
                MIGRATIONS[step](Operations(MigrationContext.configure(conn)))
                backend.set_schema_version(conn, step + 1)
            logger.info("store %s: schema %d -> %d", store.location, step, step + 1)
