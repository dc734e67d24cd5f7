"""The run log: every collect and build run, with its outcome, kept in the store database."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .sqlite import damaged_hint

_SCHEMA = """
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


def _connect(db: Path) -> sqlite3.Connection:
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(db, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"store {db}: cannot open: {exc}") from None
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(_SCHEMA)
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise StoreError(f"store {db}: {exc}{damaged_hint(exc)}") from None
    return connection


def start_run(db: Path, *, kind: str, trigger: str, issue: str | None, started: datetime) -> int:
    """Record that a run began; return its id."""
    with closing(_connect(db)) as connection, connection:
        cursor = connection.execute(
            "INSERT INTO runs (kind, trigger, issue, started, outcome) VALUES (?, ?, ?, ?, 'running')",
            (kind, trigger, issue, started.isoformat(timespec="seconds")),
        )
        return int(cursor.lastrowid or 0)


def finish_run(
    db: Path, run_id: int, *, ended: datetime, outcome: str, counts: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    """Record how a run ended."""
    with closing(_connect(db)) as connection, connection:
        connection.execute(
            "UPDATE runs SET ended = ?, outcome = ?, counts = ?, error = ? WHERE id = ?",
            (ended.isoformat(timespec="seconds"), outcome,
             json.dumps(counts, ensure_ascii=False) if counts else None, error, run_id),
        )


def last_runs(db: Path, *, limit: int = 10) -> list[dict[str, Any]]:
    """Return the most recent runs, newest first."""
    if not db.exists():
        return []
    with closing(_connect(db)) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [dict(row) | {"counts": json.loads(row["counts"]) if row["counts"] else {}} for row in rows]
