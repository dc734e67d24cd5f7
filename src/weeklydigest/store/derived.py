"""What the store remembers so that nothing is done twice: analyses per article version, files as last read.

- `derived`: per article version and stage (the analysed article, its sketch, its terms, its
  section scores), the result and the fingerprint of what decided it (code, library versions,
  the config values read). A result is used only while its fingerprint is the current one.
- `files`: per folder file, its size, modification time and content hash when it was last read,
  and what it delivered (article keys, or why it could not be used), so an unchanged file is not
  read again.
- `versions.body_hash`: the hash of what the source delivered, so a delivery seen before is not
  cleaned again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..model import RawDocument

CHUNK = 400  # keys per query: well under SQLite's and PostgreSQL's limits on parameters
Ref = tuple[str, int]  # (article key, version)


_SCHEMA_6 = """
        ALTER TABLE versions ADD COLUMN body_hash TEXT;   -- of what the source delivered (see delivery_hash)
        CREATE TABLE derived (
            key         TEXT NOT NULL,
            version     INTEGER NOT NULL,
            stage       TEXT NOT NULL,         -- article | sketch | terms | scores
            fingerprint TEXT NOT NULL,         -- of the code, libraries and config values that decided it
            data        BLOB NOT NULL,
            PRIMARY KEY (key, version, stage),
            FOREIGN KEY (key, version) REFERENCES versions (key, version)
        );
        CREATE TABLE files (
            path      TEXT PRIMARY KEY,        -- a folder source's file as its articles name it: source/path
            size      BIGINT NOT NULL,
            mtime_ns  BIGINT NOT NULL,
            sha1      TEXT NOT NULL,           -- of the bytes
            reader    TEXT NOT NULL,           -- fingerprint of the code that read it
            delivered TEXT NOT NULL,           -- JSON: {"keys": [...], "skipped": [[where, reason], ...]}
            checked   TEXT NOT NULL
        )
"""


def schema_6(db: sqlite3.Connection) -> None:
    """Analyses kept per article version and stage, folder files as last read, the hash of each delivery."""
    for statement in _SCHEMA_6.split(";"):
        if statement.strip():
            db.execute(statement)


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


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


class DerivedTables:
    """The store's memory of analyses and files; mixed into `Store`, which provides the connection."""

    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    # --- versions in a window -------------------------------------------------------------------

    def window_refs(self, window: Window) -> list[Ref]:
        """Return (key, version) of the latest version of each article in the window, first seen first."""
        query = ("SELECT a.key, a.version FROM articles a WHERE a.published_utc BETWEEN ? AND ?")
        params: list[Any] = [window.published_from.timestamp(), window.published_to.timestamp()]
        if window.seen_from is not None:
            query += " OR (a.published_utc IS NULL AND a.last_seen >= ?)"
            params.append(_iso(window.seen_from))
        return [(key, version) for key, version in self._db.execute(query + " ORDER BY a.first_seen, a.key", params)]

    def first_seen(self, keys: Iterable[str]) -> dict[str, datetime]:
        """Return when the store first saw each of these articles."""
        found: dict[str, datetime] = {}
        for chunk in _chunks(sorted(set(keys))):
            rows = self._db.execute(f"SELECT key, first_seen FROM articles WHERE key IN ({','.join('?' * len(chunk))})",
                                    list(chunk))
            found.update((key, datetime.fromisoformat(seen)) for key, seen in rows)
        return found

    def documents(self, refs: Iterable[Ref]) -> dict[Ref, RawDocument]:
        """Return the versions as the source delivered them."""
        wanted = set(refs)
        found: dict[Ref, RawDocument] = {}
        for chunk in _chunks(sorted({key for key, _ in wanted})):
            rows = self._db.execute(
                "SELECT key, version, origin, source, title, url, published, body, fmt, outlet FROM versions "
                f"WHERE key IN ({','.join('?' * len(chunk))})", list(chunk))
            for key, version, origin, source, title, url, published, body, fmt, outlet in rows:
                if (key, version) in wanted:
                    found[key, version] = RawDocument(
                        origin=origin, source=source, title=title, url=url,
                        published=datetime.fromisoformat(published) if published else None,
                        body=body, fmt=fmt, outlet=outlet)
        return found

    def version_texts(self, refs: Iterable[Ref]) -> dict[Ref, tuple[str, str]]:
        """Return (title, cleaned text) of the versions as collection stored them."""
        wanted = set(refs)
        found: dict[Ref, tuple[str, str]] = {}
        for chunk in _chunks(sorted({key for key, _ in wanted})):
            rows = self._db.execute(f"SELECT key, version, title, text FROM versions WHERE key IN "
                                    f"({','.join('?' * len(chunk))})", list(chunk))
            for key, version, title, text in rows:
                if (key, version) in wanted:
                    found[key, version] = (title, text)
        return found

    def latest_delivery(self, key: str) -> tuple[int, str | None, str] | None:
        """Return (version, body hash, text hash) of an article's latest version, or None if unknown."""
        return self._db.execute(
            "SELECT a.version, v.body_hash, v.text_hash FROM articles a JOIN versions v ON v.key = a.key "
            "AND v.version = a.version WHERE a.key = ?", (key,)).fetchone()

    def find_delivery(self, document: RawDocument) -> int | None:
        """Return the newest version of the document's article that this same delivery made, or None."""
        from .sqlite import delivery_hash

        wanted = delivery_hash(document)
        rows = self._db.execute("SELECT version, body_hash, origin, source, title, url, published, body, fmt, outlet "
                                "FROM versions WHERE key = ? ORDER BY version DESC", (document.url or document.origin,))
        for version, body_hash, origin, source, title, url, published, body, fmt, outlet in rows:
            if body_hash == wanted:
                return int(version)
            if body_hash is None:  # kept before deliveries were hashed: compare what was delivered
                stored = RawDocument(origin=origin, source=source, title=title, url=url, body=body, fmt=fmt,
                                     published=datetime.fromisoformat(published) if published else None,
                                     outlet=outlet)
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
        data_of = list(stages if with_data is None else with_data) or [""]
        for chunk in _chunks(sorted({key for key, _ in wanted})):
            rows = self._db.execute(
                f"SELECT key, version, stage, fingerprint, CASE WHEN stage IN ({','.join('?' * len(data_of))}) "
                f"THEN data END FROM derived WHERE key IN ({','.join('?' * len(chunk))}) "
                f"AND stage IN ({','.join('?' * len(stages))})", [*data_of, *chunk, *stages])
            for key, version, stage, fingerprint, data in rows:
                if (key, version) in wanted:
                    found.setdefault((key, version), {})[stage] = (fingerprint, bytes(data or b""))
        return found

    def save_derived(self, rows: Iterable[tuple[str, int, str, str, bytes]]) -> None:
        """Keep results (key, version, stage, fingerprint, data), replacing older ones of the same stage."""
        rows = list(rows)
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO derived (key, version, stage, fingerprint, data) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (key, version, stage) DO UPDATE SET fingerprint = excluded.fingerprint, "
                "data = excluded.data", rows)

    # --- files ----------------------------------------------------------------------------------

    def file_record(self, path: str) -> FileRecord | None:
        row = self._db.execute("SELECT path, size, mtime_ns, sha1, reader, delivered FROM files WHERE path = ?",
                               (path,)).fetchone()
        return None if row is None else file_record(row)

    def file_rows(self, prefix: str) -> dict[str, tuple[Any, ...]]:
        """Return the rows of the files whose name starts with `prefix` (`source/`), by name; see `file_record`."""
        rows = self._db.execute("SELECT path, size, mtime_ns, sha1, reader, delivered FROM files "
                                "WHERE path >= ? AND path < ?", (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)))
        return {row[0]: tuple(row) for row in rows}

    def save_file(self, record: FileRecord, *, now: datetime) -> None:
        delivered = json.dumps({"keys": list(record.keys), "skipped": [list(s) for s in record.skipped]},
                               ensure_ascii=False)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO files (path, size, mtime_ns, sha1, reader, delivered, checked) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
                "sha1 = excluded.sha1, reader = excluded.reader, delivered = excluded.delivered, "
                "checked = excluded.checked",
                (record.path, record.size, record.mtime_ns, record.sha1, record.reader, delivered, _iso(now)))

    def touch_many(self, keys: Iterable[str], *, now: datetime) -> None:
        """Mark known articles as seen again, in one transaction."""
        seen = _iso(now)
        with self._transaction() as db:
            db.executemany("UPDATE articles SET last_seen = ? WHERE key = ?", [(seen, key) for key in keys])
