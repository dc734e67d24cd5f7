"""What the store remembers so that nothing is done twice: analyses per article version, files as last read.

- `derived`: per article version and stage (the analysed article, its sketch, its terms, its
  section scores), the result and the fingerprint of what decided it (code, library versions,
  the config values read). A result is used only while its fingerprint is the current one.
- `files`: per folder file, its size, modification time and content hash when it was last read,
  and what it delivered (article keys, or why it could not be used), so an unchanged file is not
  read again.
- `versions.body_hash`: the hash of what the source delivered, so a delivery seen before is not
  cleaned again.

The same SQLAlchemy Core queries on both backends. Every read of many versions is one query per
CHUNK keys: linear in the keys asked for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, or_, select, update

from ..model import RawDocument
from .core import StoreBase, iso, moment
from .schema import articles, derived, files, versions

CHUNK = 400  # keys per query: well under SQLite's and PostgreSQL's limits on parameters
Ref = tuple[str, int]  # (article key, version)
DerivedRow = tuple[str, int, str, str, bytes]  # key, version, stage, fingerprint, data


def delivery_hash(document: RawDocument) -> str:
    """Return the hash of what a source delivered: the same delivery again is not cleaned again."""
    published = document.published.isoformat() if document.published else ""
    parts = (document.title, document.url, published, document.outlet, document.fmt, document.body)
    return hashlib.sha1("\x00".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Window:
    """Which latest versions a pass reads: published in a range, and (optionally) undated ones seen since."""

    published_from: datetime
    published_to: datetime
    seen_from: datetime | None = None


@dataclass(frozen=True)
class FileRecord:
    """A folder file as it was when last read, and what it delivered."""

    path: str
    size: int
    mtime_ns: int
    sha1: str
    reader: str  # fingerprint of the code that read it
    keys: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


def file_record(row: tuple[Any, ...]) -> FileRecord:
    """Return the record of a `files` row (path, size, mtime_ns, sha1, reader, delivered)."""
    delivered = json.loads(row[5])
    return FileRecord(path=row[0], size=row[1], mtime_ns=row[2], sha1=row[3], reader=row[4],
                      keys=tuple(delivered.get("keys", ())),
                      skipped=tuple((where, reason) for where, reason in delivered.get("skipped", ())))


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


_FILE_COLUMNS = (files.c.path, files.c.size, files.c.mtime_ns, files.c.sha1, files.c.reader, files.c.delivered)


class DerivedTables(StoreBase):
    """The store's memory of analyses and files (shared by every edition); mixed into `Store`."""

    # --- versions in a window -------------------------------------------------------------------

    def window_refs(self, window: Window) -> list[Ref]:
        """Return (key, version) of the latest version of each article in the window, first seen first."""
        a = articles.c
        where = a.published_utc.between(window.published_from.timestamp(), window.published_to.timestamp())
        if window.seen_from is not None:
            where = or_(where, and_(a.published_utc.is_(None), a.last_seen >= iso(window.seen_from)))
        with self._read() as db:
            return [(key, version) for key, version in
                    db.execute(select(a.key, a.version).where(where).order_by(a.first_seen, a.key))]

    def first_seen(self, keys: Iterable[str]) -> dict[str, datetime]:
        """Return when the store first saw each of these articles."""
        found: dict[str, datetime] = {}
        with self._read() as db:
            for chunk in _chunks(sorted(set(keys))):
                rows = db.execute(select(articles.c.key, articles.c.first_seen).where(articles.c.key.in_(chunk)))
                found.update((key, datetime.fromisoformat(seen)) for key, seen in rows)
        return found

    def documents(self, refs: Iterable[Ref]) -> dict[Ref, RawDocument]:
        """Return the versions as the source delivered them."""
        wanted = set(refs)
        found: dict[Ref, RawDocument] = {}
        v = versions.c
        with self._read() as db:
            for chunk in _chunks(sorted({key for key, _ in wanted})):
                rows = db.execute(select(v.key, v.version, v.origin, v.source, v.title, v.url, v.published, v.body,
                                         v.fmt, v.outlet).where(v.key.in_(chunk)))
                for key, version, origin, source, title, url, published, body, fmt, outlet in rows:
                    if (key, version) in wanted:
                        found[key, version] = RawDocument(origin=origin, source=source, title=title, url=url,
                                                          published=moment(published), body=body, fmt=fmt,
                                                          outlet=outlet)
        return found

    def version_texts(self, refs: Iterable[Ref]) -> dict[Ref, tuple[str, str]]:
        """Return (title, cleaned text) of the versions as collection stored them."""
        wanted = set(refs)
        found: dict[Ref, tuple[str, str]] = {}
        v = versions.c
        with self._read() as db:
            for chunk in _chunks(sorted({key for key, _ in wanted})):
                for key, version, title, text in db.execute(
                        select(v.key, v.version, v.title, v.text).where(v.key.in_(chunk))):
                    if (key, version) in wanted:
                        found[key, version] = (title, text)
        return found

    def latest_delivery(self, key: str) -> tuple[int, str | None, str] | None:
        """Return (version, body hash, text hash) of an article's latest version, or None if unknown."""
        with self._read() as db:
            row = self._run(db, "latest_delivery", _latest_delivery, {"p_key": key}).fetchone()
        return None if row is None else (int(row[0]), row[1], row[2])

    def find_delivery(self, document: RawDocument) -> int | None:
        """Return the newest version of the document's article that this same delivery made, or None."""
        wanted = delivery_hash(document)
        v = versions.c
        with self._read() as db:
            rows = db.execute(select(v.version, v.body_hash, v.origin, v.source, v.title, v.url, v.published, v.body,
                                     v.fmt, v.outlet).where(v.key == (document.url or document.origin))
                              .order_by(v.version.desc())).all()
        for version, body_hash, origin, source, title, url, published, body, fmt, outlet in rows:
            if body_hash == wanted:
                return int(version)
            if body_hash is None:  # kept before deliveries were hashed: compare what was delivered
                stored = RawDocument(origin=origin, source=source, title=title, url=url, body=body, fmt=fmt,
                                     published=moment(published), outlet=outlet)
                if delivery_hash(stored) == wanted:
                    return int(version)
        return None

    # --- derived results ------------------------------------------------------------------------

    def derived(self, refs: Iterable[Ref], stages: Sequence[str], *,
                with_data: Sequence[str] | None = None) -> dict[Ref, dict[str, tuple[str, bytes]]]:
        """Return, per version, {stage: (fingerprint, data)} of the stages kept for it.

        The data of stages not in `with_data` (default: all) is not read and comes back empty.
        """
        wanted = set(refs)
        found: dict[Ref, dict[str, tuple[str, bytes]]] = {}
        d = derived.c
        data = d.data if with_data is None else case((d.stage.in_(list(with_data) or [""]), d.data), else_=None)
        with self._read() as db:
            for chunk in _chunks(sorted({key for key, _ in wanted})):
                rows = db.execute(select(d.key, d.version, d.stage, d.fingerprint, data)
                                  .where(d.key.in_(chunk), d.stage.in_(list(stages)))).all()
                for key, version, stage, fingerprint, value in rows:
                    if (key, version) in wanted:
                        found.setdefault((key, version), {})[stage] = (fingerprint, bytes(value or b""))
        return found

    def save_derived(self, rows: Iterable[DerivedRow]) -> None:
        """Keep results (key, version, stage, fingerprint, data), replacing older ones of the same stage."""
        values = [{"key": key, "version": version, "stage": stage, "fingerprint": fingerprint, "data": data}
                  for key, version, stage, fingerprint, data in rows]
        if not values:
            return
        insert = self._insert(derived)
        statement = insert.on_conflict_do_update(index_elements=["key", "version", "stage"], set_={
            "fingerprint": insert.excluded.fingerprint, "data": insert.excluded.data})
        with self._write() as db:
            for chunk in _chunks(values):
                db.execute(statement, list(chunk))

    # --- files ----------------------------------------------------------------------------------

    def file_record(self, path: str) -> FileRecord | None:
        with self._read() as db:
            row = db.execute(select(*_FILE_COLUMNS).where(files.c.path == path)).first()
        return None if row is None else file_record(tuple(row))

    def file_rows(self, prefix: str) -> dict[str, tuple[Any, ...]]:
        """Return the rows of the files whose name starts with `prefix` (`source/`), by name; see `file_record`."""
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        with self._read() as db:
            rows = db.execute(select(*_FILE_COLUMNS).where(files.c.path >= prefix, files.c.path < after))
            return {row[0]: tuple(row) for row in rows}

    def save_file(self, record: FileRecord, *, now: datetime) -> None:
        delivered = json.dumps({"keys": list(record.keys), "skipped": [list(s) for s in record.skipped]},
                               ensure_ascii=False)
        with self._write() as db:
            self._run(db, "save_file", self._save_file, {
                "path": record.path, "size": record.size, "mtime_ns": record.mtime_ns, "sha1": record.sha1,
                "reader": record.reader, "delivered": delivered, "checked": iso(now)})

    def _save_file(self) -> Any:
        insert = self._insert(files)
        return insert.on_conflict_do_update(index_elements=["path"], set_={
            name: insert.excluded[name] for name in ("size", "mtime_ns", "sha1", "reader", "delivered", "checked")})

    def touch_many(self, keys: Iterable[str], *, now: datetime) -> None:
        """Mark known articles as seen again, in one transaction."""
        seen = iso(now)
        params = [{"p_key": key, "p_seen": seen} for key in keys]
        if not params:
            return
        with self._write() as db:
            db.execute(update(articles).where(articles.c.key == bindparam("p_key"))
                       .values(last_seen=bindparam("p_seen")), params)


def _latest_delivery() -> Any:
    a, v = articles, versions
    return (select(a.c.version, v.c.body_hash, v.c.text_hash)
            .select_from(a.join(v, and_(v.c.key == a.c.key, v.c.version == a.c.version)))
            .where(a.c.key == bindparam("p_key")))
