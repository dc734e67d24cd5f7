"""Stores as earlier releases wrote them: the SQLite statements of their schema steps, frozen here.

A store made by `legacy_store(path, version=n)` is what a user of that release has on disk; opening
it with today's `Store` must migrate it forward and keep everything in it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# The SQLite statements of schema steps 1 to 3, as the releases before PostgreSQL support ran them.
LEGACY_STEPS = (
    """
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
    """,
    """
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
    """,
    """
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
    """,
)

# Step 5 (review app logins); step 4 (folder identity) changed rows only.
LEGACY_SESSIONS = """
CREATE TABLE review_sessions (
    id      TEXT PRIMARY KEY,         -- SHA-256 of the session id the cookie carries
    user    TEXT NOT NULL,
    created TEXT NOT NULL             -- UTC, ISO 8601
);
CREATE INDEX review_sessions_created ON review_sessions (created)
"""

# The run log's table, which those releases created outside the schema steps on a store's first run.
LEGACY_RUNS = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,        -- collect | build
    trigger TEXT NOT NULL,     -- schedule | catch-up | manual
    issue TEXT,
    started TEXT NOT NULL,
    ended TEXT,
    outcome TEXT,              -- running | ok | skipped | failed | abandoned
    counts TEXT,               -- JSON
    error TEXT
)
"""


def legacy_store(path: Path, *, version: int, runs: bool = False) -> sqlite3.Connection:
    """Create an SQLite store at schema `version` as an earlier release did; return an open connection to fill."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    for script in [*LEGACY_STEPS[:version], *([LEGACY_SESSIONS] if version >= 5 else [])]:
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)
    if runs:
        db.execute(LEGACY_RUNS)
    db.execute(f"PRAGMA user_version = {version}")
    return db
