"""The run log: every collect and build run of an edition, with its outcome, kept in the store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from .core import StoreBase
from .location import DEFAULT_EDITION, StoreLocation
from .schema import runs


class RunLog(StoreBase):
    def start_run(self, *, kind: str, trigger: str, issue: str | None, started: datetime) -> int:
        """Record that a run began; return its id."""
        with self._write() as db:
            row = db.execute(insert(runs).values(edition=self.edition, kind=kind, trigger=trigger, issue=issue,
                                                 started=started.isoformat(timespec="seconds"), outcome="running")
                             .returning(runs.c.id)).one()
            return int(row.id)

    def finish_run(self, run_id: int, *, ended: datetime, outcome: str, counts: dict[str, Any] | None = None,
                   error: str | None = None) -> None:
        """Record how a run ended."""
        with self._write() as db:
            db.execute(update(runs).where(runs.c.id == run_id).values(
                ended=ended.isoformat(timespec="seconds"), outcome=outcome,
                counts=json.dumps(counts, ensure_ascii=False) if counts else None, error=error))

    def last_runs(self, *, limit: int = 10) -> list[dict[str, Any]]:
        """Return the edition's most recent runs, newest first."""
        with self._read() as db:
            rows = db.execute(select(runs).where(runs.c.edition == self.edition).order_by(runs.c.id.desc())
                              .limit(limit)).mappings().all()
        return [dict(row) | {"counts": json.loads(row["counts"]) if row["counts"] else {}} for row in rows]


def _open(store: StoreLocation | Path | str, edition: str) -> Any:
    from . import Store

    return Store(store, edition=edition)


def start_run(store: StoreLocation | Path | str, *, kind: str, trigger: str, issue: str | None, started: datetime,
              edition: str = DEFAULT_EDITION) -> int:
    """Record in the store that a run began; return its id."""
    with _open(store, edition) as opened:
        return int(opened.start_run(kind=kind, trigger=trigger, issue=issue, started=started))


def finish_run(
    store: StoreLocation | Path | str, run_id: int, *, ended: datetime, outcome: str,
    counts: dict[str, Any] | None = None, error: str | None = None, edition: str = DEFAULT_EDITION,
) -> None:
    """Record in the store how a run ended."""
    with _open(store, edition) as opened:
        opened.finish_run(run_id, ended=ended, outcome=outcome, counts=counts, error=error)


def last_runs(store: StoreLocation | Path | str, *, limit: int = 10,
              edition: str = DEFAULT_EDITION) -> list[dict[str, Any]]:
    """Return the edition's most recent runs, newest first (none when the store does not exist yet).

    The store is only read: it is opened read-only, and one of an earlier release has no runs to show.
    """
    if not StoreLocation.of(store).exists():
        return []
    from . import Store

    with Store(store, edition=edition, read_only=True) as opened:
        if not opened.is_current:
            return []
        return list(opened.last_runs(limit=limit))
