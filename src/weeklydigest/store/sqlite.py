"""The article store: every collected article with its versions, HTTP validators and source health.

One SQLite file in WAL mode. Every write is one transaction, so a crash (even SIGKILL) leaves the
articles stored before it intact and the one in flight either wholly there or not at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..model import Delivery, RawDocument, Subscriber

logger = logging.getLogger(__name__)

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"


def damaged_hint(exc: BaseException) -> str:
    """Return what to do about a store file SQLite cannot read, for the end of the error line."""
    if "not a database" in str(exc) or "malformed" in str(exc):
        return ": the file is damaged or not a store; move it aside and run 'weeklydigest collect' to start a new one"
    return ""


def _schema_1(db: sqlite3.Connection) -> None:
    """Articles keyed by URL (or file origin), their text versions, HTTP validators, source health."""
    _run_script(db, """
        CREATE TABLE articles (
            key           TEXT PRIMARY KEY,   -- the URL, or source/file (with #line) for articles without one
            source        TEXT NOT NULL,      -- the source that first delivered it
            first_seen    TEXT NOT NULL,      -- UTC, ISO 8601
            last_seen     TEXT NOT NULL,
            published     TEXT,               -- of the latest version, ISO 8601 with offset
            published_utc REAL,               -- the same as a POSIX timestamp, for week windows
            version       INTEGER NOT NULL    -- the latest version
        );
        CREATE INDEX articles_published ON articles (published_utc);
        CREATE INDEX articles_last_seen ON articles (last_seen);
        CREATE TABLE versions (
            key       TEXT NOT NULL REFERENCES articles (key),
            version   INTEGER NOT NULL,
            seen      TEXT NOT NULL,
            source    TEXT NOT NULL,
            origin    TEXT NOT NULL,
            url       TEXT NOT NULL,
            title     TEXT NOT NULL,
            outlet    TEXT NOT NULL,
            published TEXT,
            fmt       TEXT NOT NULL,
            body      TEXT NOT NULL,          -- as the source delivered it (decoded)
            raw       BLOB,                   -- the bytes as fetched, for pages fetched over HTTP
            text      TEXT NOT NULL,          -- the cleaned text
            text_hash TEXT NOT NULL,          -- of title + cleaned text: a new hash makes a new version
            PRIMARY KEY (key, version)
        );
        CREATE TABLE http_cache (
            url           TEXT PRIMARY KEY,
            etag          TEXT,
            last_modified TEXT,
            hint          TEXT,               -- what the feed said about the page when it was fetched
            checked       TEXT NOT NULL
        );
        CREATE TABLE sources (
            name          TEXT PRIMARY KEY,
            kind          TEXT NOT NULL,
            last_run      TEXT,
            last_success  TEXT,
            last_error    TEXT,
            last_error_at TEXT,
            seen          INTEGER NOT NULL DEFAULT 0,   -- entries the last run saw
            new           INTEGER NOT NULL DEFAULT 0,   -- of which new articles
            updated       INTEGER NOT NULL DEFAULT 0,   -- of which new versions of known articles
            skipped       INTEGER NOT NULL DEFAULT 0
        );
    """)


def _schema_2(db: sqlite3.Connection) -> None:
    """Editorial review: edits per issue, the draft → approved → published history, published revisions and
    the section corrections editors made (labelled examples for the classifier)."""
    _run_script(db, """
        CREATE TABLE review_edits (
            id      INTEGER PRIMARY KEY,
            issue   TEXT NOT NULL,
            edit    TEXT NOT NULL,            -- JSON, see review/edits.py
            by      TEXT NOT NULL,
            at      TEXT NOT NULL
        );
        CREATE INDEX review_edits_issue ON review_edits (issue, id);
        CREATE TABLE review_events (
            id       INTEGER PRIMARY KEY,
            issue    TEXT NOT NULL,
            status   TEXT NOT NULL,           -- draft, approved, published
            revision INTEGER NOT NULL,
            by       TEXT NOT NULL,
            at       TEXT NOT NULL
        );
        CREATE INDEX review_events_issue ON review_events (issue, id);
        CREATE TABLE review_revisions (
            issue      TEXT NOT NULL,
            revision   INTEGER NOT NULL,
            draft      TEXT NOT NULL,         -- the machine's digest.json the revision was edited from
            published  TEXT NOT NULL,         -- the published digest.json
            correction TEXT NOT NULL,
            by         TEXT NOT NULL,
            at         TEXT NOT NULL,
            PRIMARY KEY (issue, revision)
        );
        CREATE TABLE section_examples (
            article TEXT NOT NULL,
            issue   TEXT NOT NULL,
            text    TEXT NOT NULL,            -- title and summary the editor saw
            section TEXT NOT NULL,            -- where the editor put it
            by      TEXT NOT NULL,
            at      TEXT NOT NULL,
            PRIMARY KEY (article, issue)
        )
    """)


def _schema_3(db: sqlite3.Connection) -> None:
    """Subscribers, and the delivery log: one row per (issue, subscriber) that makes sending exactly-once."""
    _run_script(db, """
        CREATE TABLE subscribers (
            address   TEXT PRIMARY KEY,       -- normalised: the domain in lower case
            name      TEXT NOT NULL,
            sections  TEXT NOT NULL,          -- JSON list of section titles, [] for all
            status    TEXT NOT NULL,          -- active | unsubscribed | bouncing
            added     TEXT NOT NULL,          -- UTC, ISO 8601
            changed   TEXT NOT NULL
        );
        CREATE UNIQUE INDEX subscribers_address_nocase ON subscribers (address COLLATE NOCASE);
        CREATE TABLE deliveries (
            issue      TEXT NOT NULL,
            address    TEXT NOT NULL,
            status     TEXT NOT NULL,         -- sending | accepted | bounced | failed
            attempts   INTEGER NOT NULL DEFAULT 0,
            message_id TEXT NOT NULL,
            error      TEXT NOT NULL DEFAULT '',
            updated    TEXT NOT NULL,
            PRIMARY KEY (issue, address)
        );
    """)


def _schema_4(db: sqlite3.Connection) -> None:
    """Folder articles named by their source and their path below its folder, not by absolute path.

    Stores written before keyed a file without a URL by its absolute path, so a moved or copied
    folder gave new articles. A source's folder is taken as the deepest folder holding all the
    files it delivered from one place (`_folder_roots`). Copies of one file collected from two
    places become one article with their versions in the order they were seen; review edits and
    section examples follow the new ids.
    """
    from ..collect.boundary import printable

    rows = db.execute("SELECT source, origin, text_hash FROM versions WHERE origin LIKE '/%' ORDER BY seen").fetchall()
    files: dict[str, dict[str, str]] = {}
    for source, origin, digest in rows:
        files.setdefault(source, {})[_file_of(origin)[0]] = digest
    roots = {source: _folder_roots(sorted(paths), paths) for source, paths in files.items()}

    def moved(source: str, origin: str) -> str:
        path, line = _file_of(origin)
        root = roots.get(source, {}).get(path)
        if not origin.startswith("/") or root is None:
            return origin
        return f"{source}/{printable(os.path.relpath(path, root).replace(os.sep, '/'))}{line}"

    for source, origin in {(source, origin) for source, origin, _ in rows}:
        db.execute("UPDATE versions SET origin = ? WHERE source = ? AND origin = ?",
                   (moved(source, origin), source, origin))
    groups: dict[str, list[str]] = {}
    for key, source in db.execute("SELECT key, source FROM articles WHERE key LIKE '/%'").fetchall():
        groups.setdefault(moved(source, key), []).append(key)
    ids: dict[str, str] = {}
    for new, old in groups.items():
        _merge_articles(db, new, old)
        ids |= {_article_id(key): _article_id(new) for key in old}
    _follow_ids(db, ids)


def _folder_roots(paths: list[str], digests: dict[str, str]) -> dict[str, str]:
    """Return the folder each file was read from: the deepest folder holding them all, unless they are copies.

    When the files split, below their common folder, into groups that hold the same files (same
    path below each group's own common folder, same text) — a checkout collected before and after
    a move — each group is a folder of its own.
    """
    common = os.path.commonpath([os.path.dirname(p) for p in paths])
    groups: dict[str, list[str]] = {}
    for path in paths:
        parts = os.path.relpath(path, common).split(os.sep)
        groups.setdefault(parts[0] if len(parts) > 1 else "", []).append(path)
    if len(groups) > 1 and "" not in groups:
        contents = [{(os.path.relpath(p, os.path.commonpath([os.path.dirname(m) for m in members])), digests[p])
                     for p in members} for members in groups.values()]
        if any(len(a & b) * 2 >= min(len(a), len(b)) for n, a in enumerate(contents) for b in contents[n + 1:]):
            return {path: root for members in groups.values() for path, root in _folder_roots(members, digests).items()}
    return {path: common for path in paths}


def _file_of(origin: str) -> tuple[str, str]:
    """Split a file origin into its path and its '#line' (empty for a whole file)."""
    path, mark, line = origin.rpartition("#")
    return (path, mark + line) if mark and line.isdigit() else (origin, "")


def _article_id(key: str) -> str:
    """The id articles had and have: a hash of their key (`understand.clean.article_id`)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _merge_articles(db: sqlite3.Connection, new: str, old: list[str]) -> None:
    """Move the articles keyed `old` to the key `new`, as one article: versions by time, repeats left out."""
    marks = ", ".join("?" * len(old))
    columns = "seen, source, origin, url, title, outlet, published, fmt, body, raw, text, text_hash"
    versions = db.execute(f"SELECT {columns} FROM versions WHERE key IN ({marks}) ORDER BY seen, version",
                          old).fetchall()
    kept = [v for n, v in enumerate(versions) if n == 0 or v[-1] != versions[n - 1][-1]]
    first = db.execute(f"SELECT source, first_seen FROM articles WHERE key IN ({marks}) ORDER BY first_seen LIMIT 1",
                       old).fetchone()
    last_seen = db.execute(f"SELECT max(last_seen) FROM articles WHERE key IN ({marks})", old).fetchone()[0]
    published = kept[-1][6] if kept else None
    published_utc = datetime.fromisoformat(published).timestamp() if published else None
    db.execute("INSERT INTO articles (key, source, first_seen, last_seen, published, published_utc, version) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)", (new, first[0], first[1], last_seen, published, published_utc,
                                                len(kept)))
    for number, version in enumerate(kept, start=1):
        db.execute(f"INSERT INTO versions (key, version, {columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (new, number, *version))
    db.execute(f"DELETE FROM versions WHERE key IN ({marks})", old)
    db.execute(f"DELETE FROM articles WHERE key IN ({marks})", old)


def _follow_ids(db: sqlite3.Connection, ids: dict[str, str]) -> None:
    """Point review edits and section examples at the new ids of the articles they named."""
    if not ids:
        return
    for row_id, edit in db.execute("SELECT id, edit FROM review_edits").fetchall():
        changed = re.sub(r"\b[0-9a-f]{16}\b", lambda m: ids.get(m.group(0), m.group(0)), edit)
        if changed != edit:
            db.execute("UPDATE review_edits SET edit = ? WHERE id = ?", (changed, row_id))
    for old, new in ids.items():
        db.execute("UPDATE OR IGNORE section_examples SET article = ? WHERE article = ?", (new, old))
        db.execute("DELETE FROM section_examples WHERE article = ?", (old,))


def _schema_5(db: sqlite3.Connection) -> None:
    """Review app logins: a row per signed-in browser, so that logging out ends the session on the server."""
    _run_script(db, """
        CREATE TABLE review_sessions (
            id      TEXT PRIMARY KEY,         -- SHA-256 of the session id the cookie carries
            user    TEXT NOT NULL,
            created TEXT NOT NULL             -- UTC, ISO 8601
        );
        CREATE INDEX review_sessions_created ON review_sessions (created);
    """)


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run SQL statements inside the caller's transaction (`executescript` would commit it first)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


# Step n brings a store from schema n to n + 1; append a step to change the schema, never edit one.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_schema_1, _schema_2, _schema_3, _schema_4, _schema_5)
SCHEMA_VERSION = len(MIGRATIONS)


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


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Store:
    """The article store at `path`; use as a context manager."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """Open the store at `path`, creating and migrating it; `read_only` opens an existing one as it is."""
        self.path = path
        try:
            if read_only:
                # Checks (doctor, status) never write: no migration, no journal change.
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                           timeout=30)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Autocommit mode: transactions are opened explicitly by `_transaction`.
                self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"store {path}: cannot open: {exc}") from None
        try:
            if not read_only:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable across process crashes
                self._db.execute("PRAGMA foreign_keys = ON")
                self._migrate()
            elif self.schema_version > SCHEMA_VERSION:
                raise StoreError(f"store {path}: written by a newer weeklydigest (schema {self.schema_version}, "
                                 f"this one knows up to {SCHEMA_VERSION})")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"store {path}: {exc}{damaged_hint(exc)}") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.path}: {exc}") from None
        try:
            yield self._db
        except sqlite3.Error as exc:
            self._db.execute("ROLLBACK")
            raise StoreError(f"store {self.path}: {exc}") from None
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.path}: {exc}") from None

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(f"store {self.path}: written by a newer weeklydigest (schema {version}, "
                             f"this one knows up to {SCHEMA_VERSION})")
        for step in range(version, SCHEMA_VERSION):
            with self._transaction() as db:
                if self.schema_version > step:
                    continue  # another process or thread opening the store at the same time did this step
                MIGRATIONS[step](db)
                db.execute(f"PRAGMA user_version = {step + 1}")
            logger.info("store %s: schema %d -> %d", self.path, step, step + 1)

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # --- articles -------------------------------------------------------------------------------

    def put(self, document: RawDocument, *, text: str, now: datetime) -> str:
        """Record one collected article; return NEW, UPDATED (new text: a new version) or UNCHANGED."""
        key = document.url or document.origin
        digest = text_hash(document.title, text)
        published = document.published.isoformat() if document.published else None
        published_utc = document.published.timestamp() if document.published else None
        seen = _iso(now)
        with self._transaction() as db:
            row = db.execute(
                "SELECT a.version, v.text_hash FROM articles a JOIN versions v ON v.key = a.key AND "
                "v.version = a.version WHERE a.key = ?", (key,),
            ).fetchone()
            if row is not None and row[1] == digest:
                db.execute("UPDATE articles SET last_seen = ? WHERE key = ?", (seen, key))
                return UNCHANGED
            version = 1 if row is None else row[0] + 1
            if row is None:
                db.execute(
                    "INSERT INTO articles (key, source, first_seen, last_seen, published, published_utc, version) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (key, document.source, seen, seen, published, published_utc, version),
                )
            else:
                db.execute(
                    "UPDATE articles SET last_seen = ?, published = ?, published_utc = ?, version = ? WHERE key = ?",
                    (seen, published, published_utc, version, key),
                )
            db.execute(
                "INSERT INTO versions (key, version, seen, source, origin, url, title, outlet, published, fmt, "
                "body, raw, text, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, version, seen, document.source, document.origin, document.url, document.title,
                 document.outlet, published, document.fmt, document.body, document.raw or None, text, digest),
            )
        return NEW if version == 1 else UPDATED

    def touch(self, key: str, *, now: datetime) -> None:
        """Mark a known article as seen again."""
        with self._transaction() as db:
            db.execute("UPDATE articles SET last_seen = ? WHERE key = ?", (_iso(now), key))

    def has(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM articles WHERE key = ?", (key,)).fetchone() is not None

    def candidates(self, *, published_from: datetime, published_to: datetime, seen_from: datetime) -> list[RawDocument]:
        """Return the latest version of the articles published in the window, and of undated ones seen since
        `seen_from`."""
        rows = self._db.execute(
            "SELECT v.origin, v.source, v.title, v.url, v.published, v.body, v.fmt, v.outlet, a.first_seen "
            "FROM articles a JOIN versions v ON v.key = a.key AND v.version = a.version "
            "WHERE a.published_utc BETWEEN ? AND ? OR (a.published_utc IS NULL AND a.last_seen >= ?) "
            "ORDER BY a.first_seen, a.key",
            (published_from.timestamp(), published_to.timestamp(), _iso(seen_from)),
        )
        return [
            RawDocument(origin=origin, source=source, title=title, url=url, published=_moment(published),
                        body=body, fmt=fmt, outlet=outlet, first_seen=_moment(first_seen))
            for origin, source, title, url, published, body, fmt, outlet, first_seen in rows
        ]

    def texts(self, *, published_from: datetime, published_to: datetime) -> list[str]:
        """Return title and cleaned text of the latest version of the articles published in the window."""
        rows = self._db.execute(
            "SELECT v.title, v.text FROM articles a JOIN versions v ON v.key = a.key AND v.version = a.version "
            "WHERE a.published_utc BETWEEN ? AND ?",
            (published_from.timestamp(), published_to.timestamp()),
        )
        return [f"{title}\n{text}" for title, text in rows]

    def versions(self, key: str) -> list[tuple[int, str, str]]:
        """Return (version, title, cleaned text) of every version of one article, oldest first."""
        return self._db.execute(
            "SELECT version, title, text FROM versions WHERE key = ? ORDER BY version", (key,)
        ).fetchall()

    def counts(self) -> dict[str, int]:
        articles = self._db.execute("SELECT count(*) FROM articles").fetchone()[0]
        versions = self._db.execute("SELECT count(*) FROM versions").fetchone()[0]
        return {"articles": articles, "versions": versions}

    def integrity(self) -> str:
        """Return SQLite's integrity check: 'ok' or the problems found."""
        return "; ".join(row[0] for row in self._db.execute("PRAGMA integrity_check"))

    # --- editorial review -----------------------------------------------------------------------

    def add_edit(self, issue: str, edit: dict[str, Any], *, by: str, now: datetime) -> int:
        """Record one edit of an issue; return its id."""
        with self._transaction() as db:
            cursor = db.execute("INSERT INTO review_edits (issue, edit, by, at) VALUES (?, ?, ?, ?)",
                                (issue, json.dumps(edit, ensure_ascii=False), by, _iso(now)))
            return int(cursor.lastrowid or 0)

    def remove_edit(self, issue: str, edit_id: int) -> bool:
        """Forget one edit of an issue; return whether there was one."""
        with self._transaction() as db:
            return db.execute("DELETE FROM review_edits WHERE issue = ? AND id = ?", (issue, edit_id)).rowcount > 0

    def edits(self, issue: str) -> list[tuple[int, dict[str, Any], str, str]]:
        """Return (id, edit, by, at) of the issue's edits in the order they were made."""
        rows = self._db.execute("SELECT id, edit, by, at FROM review_edits WHERE issue = ? ORDER BY id", (issue,))
        return [(i, json.loads(edit), by, at) for i, edit, by, at in rows]

    def add_event(self, issue: str, status: str, *, revision: int, by: str, now: datetime) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO review_events (issue, status, revision, by, at) VALUES (?, ?, ?, ?, ?)",
                       (issue, status, revision, by, _iso(now)))

    def events(self, issue: str) -> list[tuple[str, int, str, str]]:
        """Return (status, revision, by, at) of the issue's review history, oldest first."""
        return self._db.execute("SELECT status, revision, by, at FROM review_events WHERE issue = ? ORDER BY id",
                                (issue,)).fetchall()

    def save_revision(self, issue: str, revision: int, *, draft: str, published: str, correction: str, by: str,
                      now: datetime) -> None:
        """Keep a published revision and the draft it was made from; a revision is never replaced."""
        with self._transaction() as db:
            db.execute("INSERT INTO review_revisions (issue, revision, draft, published, correction, by, at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (issue, revision, draft, published, correction, by, _iso(now)))
            db.execute("INSERT INTO review_events (issue, status, revision, by, at) VALUES (?, ?, ?, ?, ?)",
                       (issue, "published", revision, by, _iso(now)))

    def revisions(self, issue: str) -> list[tuple[int, str, str, str]]:
        """Return (revision, draft json, correction, at) of the issue's published revisions, oldest first."""
        return self._db.execute("SELECT revision, draft, correction, at FROM review_revisions WHERE issue = ? "
                                "ORDER BY revision", (issue,)).fetchall()

    def add_example(self, *, article: str, issue: str, text: str, section: str, by: str, now: datetime) -> None:
        """Record that an editor put this article under `section` (the latest word per article and issue)."""
        with self._transaction() as db:
            db.execute("INSERT INTO section_examples (article, issue, text, section, by, at) VALUES (?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (article, issue) DO UPDATE SET text = excluded.text, section = excluded.section, "
                       "by = excluded.by, at = excluded.at", (article, issue, text, section, by, _iso(now)))

    def examples(self, *, before: str | None = None) -> list[tuple[str, str]]:
        """Return (text, section) of the editors' section corrections, of issues before `before` if given."""
        if before is None:
            return self._db.execute("SELECT text, section FROM section_examples ORDER BY at").fetchall()
        return self._db.execute("SELECT text, section FROM section_examples WHERE issue < ? ORDER BY at",
                                (before,)).fetchall()

    # --- review app sessions --------------------------------------------------------------------

    def add_session(self, key: str, *, user: str, now: datetime) -> None:
        """Record a login under the hash of its session id."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO review_sessions (id, user, created) VALUES (?, ?, ?)",
                       (key, user, _iso(now)))

    def session_user(self, key: str, *, since: datetime) -> str | None:
        """Return the user of a login made at or after `since`, or None if it ended or never was."""
        row = self._db.execute("SELECT user FROM review_sessions WHERE id = ? AND created >= ?",
                               (key, _iso(since))).fetchone()
        return row[0] if row else None

    def end_session(self, key: str, *, expired_before: datetime) -> None:
        """Forget one login, and every login older than `expired_before`."""
        with self._transaction() as db:
            db.execute("DELETE FROM review_sessions WHERE id = ? OR created < ?", (key, _iso(expired_before)))

    # --- HTTP validators ------------------------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        row = self._db.execute("SELECT etag, last_modified, hint FROM http_cache WHERE url = ?", (url,)).fetchone()
        return Validators(*row) if row else None

    def save_validators(self, url: str, validators: Validators, *, now: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO http_cache (url, etag, last_modified, hint, checked) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
                "hint = excluded.hint, checked = excluded.checked",
                (url, validators.etag, validators.last_modified, validators.hint, _iso(now)),
            )

    # --- source health --------------------------------------------------------------------------

    def record_run(self, run: SourceRun, *, now: datetime) -> None:
        """Record how one source's collection went; the last error is kept until it is replaced."""
        at = _iso(now)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO sources (name, kind, last_run, last_success, last_error, last_error_at, seen, new, "
                "updated, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, last_run = excluded.last_run, "
                "last_success = coalesce(excluded.last_success, last_success), "
                "last_error = coalesce(excluded.last_error, last_error), "
                "last_error_at = coalesce(excluded.last_error_at, last_error_at), seen = excluded.seen, "
                "new = excluded.new, updated = excluded.updated, skipped = excluded.skipped",
                (run.name, run.kind, at, None if run.error else at, run.error, at if run.error else None,
                 run.seen, run.new, run.updated, run.skipped),
            )

    def health(self) -> list[SourceHealth]:
        stored = dict(self._db.execute("SELECT source, count(*) FROM articles GROUP BY source").fetchall())
        rows = self._db.execute(
            "SELECT name, kind, last_run, last_success, last_error, last_error_at, seen, new, updated, skipped "
            "FROM sources ORDER BY name"
        ).fetchall()
        return [
            SourceHealth(name=name, kind=kind, last_run=_moment(run), last_success=_moment(success),
                         last_error=error, last_error_at=_moment(error_at), seen=seen, new=new, updated=updated,
                         skipped=skipped, stored=stored.get(name, 0))
            for name, kind, run, success, error, error_at, seen, new, updated, skipped in rows
        ]


    # --- subscribers ----------------------------------------------------------------------------

    def add_subscriber(self, subscriber: Subscriber, *, now: datetime) -> bool:
        """Add a subscriber; return False (and change nothing) if the address is already there."""
        at = _iso(now)
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO subscribers (address, name, sections, status, added, changed) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (subscriber.address, subscriber.name, json.dumps(list(subscriber.sections), ensure_ascii=False),
                 subscriber.status, at, at),
            )
            return cursor.rowcount == 1

    def remove_subscriber(self, address: str) -> bool:
        """Delete a subscriber (their delivery log stays); return False if there was none."""
        with self._transaction() as db:
            return db.execute("DELETE FROM subscribers WHERE address = ? COLLATE NOCASE", (address,)).rowcount == 1

    def subscriber(self, address: str) -> Subscriber | None:
        row = self._db.execute("SELECT address, name, sections, status FROM subscribers WHERE address = ? "
                               "COLLATE NOCASE", (address,)).fetchone()
        return _subscriber(row) if row else None

    def subscribers(self, *, status: str | None = None) -> list[Subscriber]:
        """Return the subscribers (of one status, if given) by address."""
        query = "SELECT address, name, sections, status FROM subscribers"
        rows = self._db.execute(query + (" WHERE status = ?" if status else "") + " ORDER BY address",
                                (status,) if status else ())
        return [_subscriber(row) for row in rows]

    def set_subscriber_status(self, address: str, status: str, *, now: datetime) -> bool:
        """Change a subscriber's status; return False if there is no such subscriber."""
        with self._transaction() as db:
            return db.execute("UPDATE subscribers SET status = ?, changed = ? WHERE address = ? COLLATE NOCASE",
                              (status, _iso(now), address)).rowcount == 1

    # --- deliveries -----------------------------------------------------------------------------

    def deliveries(self, issue: str) -> dict[str, Delivery]:
        """Return the delivery log of one issue by address."""
        rows = self._db.execute("SELECT issue, address, status, attempts, message_id, error, updated FROM deliveries "
                                "WHERE issue = ?", (issue,))
        return {row[1]: Delivery(*row) for row in rows}

    def record_delivery(self, delivery: Delivery, *, now: datetime) -> None:
        """Write where one message stands; committed (and durable) when this returns."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO deliveries (issue, address, status, attempts, message_id, error, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issue, address) DO UPDATE SET status = excluded.status, "
                "attempts = excluded.attempts, message_id = excluded.message_id, error = excluded.error, "
                "updated = excluded.updated",
                (delivery.issue, delivery.address, delivery.status, delivery.attempts, delivery.message_id,
                 delivery.error, _iso(now)),
            )


def _subscriber(row: tuple[str, str, str, str]) -> Subscriber:
    address, name, sections, status = row
    return Subscriber(address=address, name=name, sections=tuple(json.loads(sections)), status=status)
