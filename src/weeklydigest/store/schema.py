"""The store's tables as they are after the last migration step, for queries and for copying a store.

`migrations.py` creates them step by step; `tests/test_store.py` checks that a migrated
store has exactly these columns, on both backends.
"""

from __future__ import annotations

from sqlalchemy import TEXT as _TEXT
from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from .location import DEFAULT_EDITION

# Text compared byte by byte on both backends: SQLite's default, PostgreSQL's "C" collation. So keys,
# ISO times and addresses sort and compare alike whatever the database's locale.
TEXT = Text().with_variant(_TEXT(collation="C"), "postgresql")

metadata = MetaData()

articles = Table(
    "articles", metadata,
    Column("key", TEXT, primary_key=True),  # the URL, or source/file (with #line) for articles without one
    Column("source", TEXT, nullable=False),  # the source that first delivered it
    Column("first_seen", TEXT, nullable=False),  # UTC, ISO 8601
    Column("last_seen", TEXT, nullable=False),
    Column("published", TEXT),  # of the latest version, ISO 8601 with offset
    Column("published_utc", Double),  # the same as a POSIX timestamp, for week windows
    Column("version", Integer, nullable=False),  # the latest version
)

versions = Table(
    "versions", metadata,
    Column("key", TEXT, nullable=False),
    Column("version", Integer, nullable=False),
    Column("seen", TEXT, nullable=False),
    Column("source", TEXT, nullable=False),
    Column("origin", TEXT, nullable=False),
    Column("url", TEXT, nullable=False),
    Column("title", TEXT, nullable=False),
    Column("outlet", TEXT, nullable=False),
    Column("published", TEXT),
    Column("fmt", TEXT, nullable=False),
    Column("body", TEXT, nullable=False),  # as the source delivered it (decoded)
    Column("raw", LargeBinary),  # the bytes as fetched, for pages fetched over HTTP
    Column("text", TEXT, nullable=False),  # the cleaned text
    Column("text_hash", TEXT, nullable=False),  # of title + cleaned text: a new hash makes a new version
    Column("body_hash", TEXT),  # of what the source delivered (see derived.delivery_hash)
    PrimaryKeyConstraint("key", "version"),
    ForeignKeyConstraint(["key"], ["articles.key"]),
)

http_cache = Table(
    "http_cache", metadata,
    Column("url", TEXT, primary_key=True),
    Column("etag", TEXT),
    Column("last_modified", TEXT),
    Column("hint", TEXT),  # what the feed said about the page when it was fetched
    Column("checked", TEXT, nullable=False),
)

sources = Table(
    "sources", metadata,
    Column("name", TEXT, primary_key=True),
    Column("kind", TEXT, nullable=False),
    Column("last_run", TEXT),
    Column("last_success", TEXT),
    Column("last_error", TEXT),
    Column("last_error_at", TEXT),
    Column("seen", Integer, nullable=False, server_default="0"),  # entries the last run saw
    Column("new", Integer, nullable=False, server_default="0"),  # of which new articles
    Column("updated", Integer, nullable=False, server_default="0"),  # of which new versions of known articles
    Column("skipped", Integer, nullable=False, server_default="0"),
)

review_edits = Table(
    "review_edits", metadata,
    Column("id", Integer, primary_key=True),
    Column("issue", TEXT, nullable=False),
    Column("edit", TEXT, nullable=False),  # JSON, see review/edits.py
    Column("by", TEXT, nullable=False),
    Column("at", TEXT, nullable=False),
    Column("edition", TEXT, nullable=False, server_default=DEFAULT_EDITION),
)

review_events = Table(
    "review_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("issue", TEXT, nullable=False),
    Column("status", TEXT, nullable=False),  # draft, approved, published
    Column("revision", Integer, nullable=False),
    Column("by", TEXT, nullable=False),
    Column("at", TEXT, nullable=False),
    Column("edition", TEXT, nullable=False, server_default=DEFAULT_EDITION),
)

review_sessions = Table(
    "review_sessions", metadata,
    Column("id", TEXT, primary_key=True),  # SHA-256 of the session id the cookie carries
    Column("user", TEXT, nullable=False),
    Column("created", TEXT, nullable=False),  # UTC, ISO 8601
    Column("edition", TEXT, nullable=False, server_default=DEFAULT_EDITION),
)

review_revisions = Table(
    "review_revisions", metadata,
    Column("edition", TEXT, nullable=False),
    Column("issue", TEXT, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("draft", TEXT, nullable=False),  # the machine's digest.json the revision was edited from
    Column("published", TEXT, nullable=False),  # the published digest.json
    Column("correction", TEXT, nullable=False),
    Column("by", TEXT, nullable=False),
    Column("at", TEXT, nullable=False),
    PrimaryKeyConstraint("edition", "issue", "revision"),
)

section_examples = Table(
    "section_examples", metadata,
    Column("edition", TEXT, nullable=False),
    Column("article", TEXT, nullable=False),
    Column("issue", TEXT, nullable=False),
    Column("text", TEXT, nullable=False),  # title and summary the editor saw
    Column("section", TEXT, nullable=False),  # where the editor put it
    Column("by", TEXT, nullable=False),
    Column("at", TEXT, nullable=False),
    PrimaryKeyConstraint("edition", "article", "issue"),
)

subscribers = Table(
    "subscribers", metadata,
    Column("edition", TEXT, nullable=False),
    Column("address", TEXT, nullable=False),  # normalised: the domain in lower case
    Column("name", TEXT, nullable=False),
    Column("sections", TEXT, nullable=False),  # JSON list of section titles, [] for all
    Column("status", TEXT, nullable=False),  # active | unsubscribed | bouncing
    Column("added", TEXT, nullable=False),  # UTC, ISO 8601
    Column("changed", TEXT, nullable=False),
    PrimaryKeyConstraint("edition", "address"),
)

deliveries = Table(
    "deliveries", metadata,
    Column("edition", TEXT, nullable=False),
    Column("issue", TEXT, nullable=False),
    Column("address", TEXT, nullable=False),
    Column("status", TEXT, nullable=False),  # sending | accepted | bounced | failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("message_id", TEXT, nullable=False),
    Column("error", TEXT, nullable=False, server_default=""),
    Column("updated", TEXT, nullable=False),
    PrimaryKeyConstraint("edition", "issue", "address"),
)

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", TEXT, nullable=False),  # collect | build
    Column("trigger", TEXT, nullable=False),  # schedule | catch-up | manual
    Column("issue", TEXT),
    Column("started", TEXT, nullable=False),
    Column("ended", TEXT),
    Column("outcome", TEXT),  # running | ok | skipped | failed | abandoned
    Column("counts", TEXT),  # JSON
    Column("error", TEXT),
    Column("edition", TEXT, nullable=False, server_default=DEFAULT_EDITION),
)

editions = Table(
    "editions", metadata,
    Column("name", TEXT, primary_key=True),
    Column("title", TEXT, nullable=False),
    Column("output", TEXT, nullable=False),  # the output folder, as the edition's config names it
    Column("first_used", TEXT, nullable=False),  # UTC, ISO 8601
    Column("last_used", TEXT, nullable=False),
)

# What the store remembers so that nothing is done twice (see derived.py).
derived = Table(
    "derived", metadata,
    Column("key", TEXT, nullable=False),
    Column("version", Integer, nullable=False),
    Column("stage", TEXT, nullable=False),  # article | brief | sketch | phrases | meetings | scores | sibling
    Column("fingerprint", TEXT, nullable=False),  # of the code, libraries and config values that decided it
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("key", "version", "stage"),
    ForeignKeyConstraint(["key", "version"], ["versions.key", "versions.version"]),
)

files = Table(
    "files", metadata,
    Column("path", TEXT, primary_key=True),  # a folder source's file as its articles name it: source/path
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("sha1", TEXT, nullable=False),  # of the bytes
    Column("reader", TEXT, nullable=False),  # fingerprint of the code that read it
    Column("delivered", TEXT, nullable=False),  # JSON: {"keys": [...], "skipped": [[where, reason], ...]}
    Column("checked", TEXT, nullable=False),  # UTC, ISO 8601
)
