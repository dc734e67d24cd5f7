"""The store's schema, step by step: one list of steps, run alike on SQLite and PostgreSQL.

Each step is written with Alembic's operations (`op.create_table`, `op.add_column`, …), which say
in portable terms what the step does; SQLAlchemy writes each backend's SQL. Step n brings a store
from schema n to n + 1 in one transaction; append a step to change the schema, never edit one.
Stores made by earlier releases (whose steps were SQLite statements) have the same tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Column, Double, Integer, LargeBinary

from .identity import folder_identity
from .location import DEFAULT_EDITION
from .schema import TEXT

if TYPE_CHECKING:
    from alembic.operations import Operations


def _schema_1(op: Operations) -> None:
    """Articles keyed by URL (or file origin), their text versions, HTTP validators, source health."""
    op.create_table(
        "articles",
        Column("key", TEXT, primary_key=True),  # the URL, or source/file (with #line) for articles without one
        Column("source", TEXT, nullable=False),
        Column("first_seen", TEXT, nullable=False),
        Column("last_seen", TEXT, nullable=False),
        Column("published", TEXT),
        Column("published_utc", Double),
        Column("version", Integer, nullable=False),
    )
    op.create_index("articles_published", "articles", ["published_utc"])
    op.create_index("articles_last_seen", "articles", ["last_seen"])
    op.create_table(
        "versions",
        Column("key", TEXT, sa.ForeignKey("articles.key"), nullable=False),
        Column("version", Integer, nullable=False),
        *(Column(name, TEXT, nullable=False) for name in ("seen", "source", "origin", "url", "title", "outlet")),
        Column("published", TEXT),
        Column("fmt", TEXT, nullable=False),
        Column("body", TEXT, nullable=False),
        Column("raw", LargeBinary),
        Column("text", TEXT, nullable=False),
        Column("text_hash", TEXT, nullable=False),
        sa.PrimaryKeyConstraint("key", "version"),
    )
    op.create_table(
        "http_cache",
        Column("url", TEXT, primary_key=True),
        Column("etag", TEXT),
        Column("last_modified", TEXT),
        Column("hint", TEXT),
        Column("checked", TEXT, nullable=False),
    )
    op.create_table(
        "sources",
        Column("name", TEXT, primary_key=True),
        Column("kind", TEXT, nullable=False),
        *(Column(name, TEXT) for name in ("last_run", "last_success", "last_error", "last_error_at")),
        *(Column(name, Integer, nullable=False, server_default="0") for name in ("seen", "new", "updated", "skipped")),
    )


def _schema_2(op: Operations) -> None:
    """Editorial review: edits per issue, the draft → approved → published history, published revisions and
    the section corrections editors made (labelled examples for the classifier)."""
    op.create_table(
        "review_edits",
        Column("id", Integer, primary_key=True),
        Column("issue", TEXT, nullable=False),
        Column("edit", TEXT, nullable=False),
        Column("by", TEXT, nullable=False),
        Column("at", TEXT, nullable=False),
    )
    op.create_index("review_edits_issue", "review_edits", ["issue", "id"])
    op.create_table(
        "review_events",
        Column("id", Integer, primary_key=True),
        Column("issue", TEXT, nullable=False),
        Column("status", TEXT, nullable=False),
        Column("revision", Integer, nullable=False),
        Column("by", TEXT, nullable=False),
        Column("at", TEXT, nullable=False),
    )
    op.create_index("review_events_issue", "review_events", ["issue", "id"])
    op.create_table(
        "review_revisions",
        Column("issue", TEXT, nullable=False),
        Column("revision", Integer, nullable=False),
        *(Column(name, TEXT, nullable=False) for name in ("draft", "published", "correction", "by", "at")),
        sa.PrimaryKeyConstraint("issue", "revision"),
    )
    op.create_table(
        "section_examples",
        *(Column(name, TEXT, nullable=False) for name in ("article", "issue", "text", "section", "by", "at")),
        sa.PrimaryKeyConstraint("article", "issue"),
    )


def _schema_3(op: Operations) -> None:
    """Subscribers, and the delivery log: one row per (issue, subscriber) that makes sending exactly-once."""
    op.create_table(
        "subscribers",
        Column("address", TEXT, primary_key=True),
        *(Column(name, TEXT, nullable=False) for name in ("name", "sections", "status", "added", "changed")),
    )
    op.create_index("subscribers_address_nocase", "subscribers", [sa.text("lower(address)")], unique=True)
    op.create_table(
        "deliveries",
        Column("issue", TEXT, nullable=False),
        Column("address", TEXT, nullable=False),
        Column("status", TEXT, nullable=False),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("message_id", TEXT, nullable=False),
        Column("error", TEXT, nullable=False, server_default=""),
        Column("updated", TEXT, nullable=False),
        sa.PrimaryKeyConstraint("issue", "address"),
    )


def _schema_5(op: Operations) -> None:
    """Review app logins: a row per signed-in browser, so that logging out ends the session on the server."""
    op.create_table(
        "review_sessions",
        Column("id", TEXT, primary_key=True),  # SHA-256 of the session id the cookie carries
        Column("user", TEXT, nullable=False),
        Column("created", TEXT, nullable=False),  # UTC, ISO 8601
    )
    op.create_index("review_sessions_created", "review_sessions", ["created"])


def _schema_6(op: Operations) -> None:
    """Editions sharing one store: the run log joins the schema, and review state, learning examples,
    subscribers, deliveries and runs belong to an edition (rows from before to the default one)."""
    if sa.inspect(op.get_bind()).has_table("runs"):  # made outside the schema by earlier releases
        op.add_column("runs", _edition())
    else:
        op.create_table(
            "runs",
            Column("id", Integer, primary_key=True),
            Column("kind", TEXT, nullable=False),
            Column("trigger", TEXT, nullable=False),
            Column("issue", TEXT),
            Column("started", TEXT, nullable=False),
            *(Column(name, TEXT) for name in ("ended", "outcome", "counts", "error")),
            _edition(),
        )
    op.create_index("runs_edition", "runs", ["edition", "id"])
    op.add_column("review_sessions", _edition())
    for table in ("review_edits", "review_events"):
        op.add_column(table, _edition())
        op.drop_index(f"{table}_issue", table_name=table)
        op.create_index(f"{table}_issue", table, ["edition", "issue", "id"])
    _with_edition(op, "review_revisions", ["issue", "revision"], ["draft", "published", "correction", "by", "at"],
                  integers={"revision"})
    _with_edition(op, "section_examples", ["article", "issue"], ["text", "section", "by", "at"])
    _with_edition(op, "subscribers", ["address"], ["name", "sections", "status", "added", "changed"])
    op.create_index("subscribers_address_nocase", "subscribers", ["edition", sa.text("lower(address)")], unique=True)
    _with_edition(op, "deliveries", ["issue", "address"], ["status", "attempts", "message_id", "error", "updated"],
                  integers={"attempts"}, defaults={"attempts": "0", "error": ""})
    op.create_table(
        "editions",
        Column("name", TEXT, primary_key=True),
        *(Column(name, TEXT, nullable=False) for name in ("title", "output", "first_used", "last_used")),
    )


def _schema_7(op: Operations) -> None:
    """Analyses kept per article version and stage, folder files as last read, the hash of each delivery."""
    op.add_column("versions", Column("body_hash", TEXT))  # of what the source delivered (see delivery_hash)
    op.create_table(
        "derived",
        Column("key", TEXT, nullable=False),
        Column("version", Integer, nullable=False),
        Column("stage", TEXT, nullable=False),
        Column("fingerprint", TEXT, nullable=False),
        Column("data", LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("key", "version", "stage"),
        sa.ForeignKeyConstraint(["key", "version"], ["versions.key", "versions.version"]),
    )
    op.create_table(
        "files",
        Column("path", TEXT, primary_key=True),
        Column("size", sa.BigInteger, nullable=False),
        Column("mtime_ns", sa.BigInteger, nullable=False),
        *(Column(name, TEXT, nullable=False) for name in ("sha1", "reader", "delivered", "checked")),
    )


def _edition() -> Column[str]:
    return Column("edition", TEXT, nullable=False, server_default=DEFAULT_EDITION)


def _with_edition(op: Operations, table: str, key: list[str], rest: list[str], *, integers: frozenset[str] | set[str]
                  = frozenset(), defaults: dict[str, str] | None = None) -> None:
    """Rebuild `table` with an `edition` column leading its primary key; its rows go to the default edition."""
    defaults = defaults or {}
    columns = [*key, *rest]
    new = f"{table}_new"
    op.create_table(
        new,
        Column("edition", TEXT, nullable=False),
        *(Column(name, Integer if name in integers else TEXT, nullable=False, server_default=defaults.get(name))
          for name in columns),
        sa.PrimaryKeyConstraint("edition", *key),
    )
    old = sa.table(table, *(sa.column(name) for name in columns))
    target = sa.table(new, sa.column("edition"), *(sa.column(name) for name in columns))
    op.execute(target.insert().from_select(
        ["edition", *columns], sa.select(sa.literal(DEFAULT_EDITION), *(old.c[name] for name in columns))))
    op.drop_table(table)
    op.rename_table(new, table)


# Step n brings a store from schema n to n + 1; append a step to change the schema, never edit one.
MIGRATIONS: tuple[Callable[[Operations], None], ...] = (_schema_1, _schema_2, _schema_3, folder_identity, _schema_5,
                                                         _schema_6, _schema_7)
SCHEMA_VERSION = len(MIGRATIONS)
