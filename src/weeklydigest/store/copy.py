"""Copy one store into another (`weeklydigest store migrate --to postgresql://…`), as often as needed.

Every edition's rows are copied. A row the target already has is left as it is there, so copying
again (after an interruption, or after more was collected into the old store) copies only what is
missing. Articles go with all their versions, a batch of articles per transaction; an article the
target already has keeps the target's versions (and the analyses kept with them: `derived` rows
go with the versions they were made from). Rows numbered by the store (edits, review events,
runs) are matched by their content and get the target's next numbers, so they never collide with
rows an edition made in the target itself. Linear in the number of rows; memory is one batch plus
the numbered rows' contents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, func, select, tuple_

from . import schema
from .location import StoreLocation

BATCH = 500


@dataclass
class CopyReport:
    """What a copy did, per table: rows copied, and rows the target already had."""

    copied: dict[str, int] = field(default_factory=dict)
    already: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, *, copied: int = 0, already: int = 0) -> None:
        self.copied[table] = self.copied.get(table, 0) + copied
        self.already[table] = self.already.get(table, 0) + already


# Tables keyed by what they hold, in an order that respects foreign keys (articles before versions).
_KEYED = (schema.files, schema.http_cache, schema.sources, schema.editions, schema.review_sessions,
          schema.review_revisions, schema.section_examples, schema.subscribers, schema.deliveries)
# Tables whose rows the store numbers.
_NUMBERED = (schema.review_edits, schema.review_events, schema.runs)


def copy_store(source: Any, target: Any, *, progress: Callable[[str, int, int], None] | None = None) -> CopyReport:
    """Copy every row of the open store `source` that the open store `target` lacks; return what was done.

    `progress(table, copied, already)` is called once per table when it is done.
    """
    report = CopyReport()
    with source._read() as src:
        _copy_articles(src, target, report)
        if progress:
            progress("articles", report.copied["articles"], report.already["articles"])
            progress("versions", report.copied["versions"], report.already["versions"])
            progress("derived", report.copied["derived"], report.already["derived"])
        for table in _KEYED:
            _copy_keyed(src, target, table, report)
            if progress:
                progress(table.name, report.copied[table.name], report.already[table.name])
        for table in _NUMBERED:
            _copy_numbered(src, target, table, report)
            if progress:
                progress(table.name, report.copied[table.name], report.already[table.name])
    return report


def _batches(conn: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    """Yield the rows of a table in batches, in the order of its primary key."""
    key = list(table.primary_key.columns)
    result = conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*key)).mappings()
    for rows in result.partitions(BATCH):
        yield [dict(row) for row in rows]


def _existing(target: Any, table: Table, rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """Return the primary keys of `rows` that the target's table already holds."""
    key = list(table.primary_key.columns)
    wanted = [tuple(row[column.name] for column in key) for row in rows]
    with target._read() as db:
        return {tuple(found) for found in db.execute(select(*key).where(tuple_(*key).in_(wanted)))}


def _copy_articles(src: Connection, target: Any, report: CopyReport) -> None:
    articles, versions, derived = schema.articles, schema.versions, schema.derived
    report.count("articles")
    report.count("versions")
    report.count("derived")
    for rows in _batches(src, articles):
        have = _existing(target, articles, rows)
        new = [row for row in rows if (row["key"],) not in have]
        report.count("articles", copied=len(new), already=len(rows) - len(new))
        if not new:
            continue
        keys = [row["key"] for row in new]
        kept = [dict(row) for row in src.execute(select(versions).where(versions.c.key.in_(keys))
                                                 .order_by(versions.c.key, versions.c.version)).mappings()]
        analyses = [dict(row) for row in src.execute(select(derived).where(derived.c.key.in_(keys))).mappings()]
        with target._write() as db:
            db.execute(articles.insert(), new)
            db.execute(versions.insert(), kept)
            if analyses:
                db.execute(derived.insert(), analyses)
        report.count("versions", copied=len(kept))
        report.count("derived", copied=len(analyses))


def _copy_keyed(src: Connection, target: Any, table: Table, report: CopyReport) -> None:
    key = [column.name for column in table.primary_key.columns]
    report.count(table.name)
    for rows in _batches(src, table):
        have = _existing(target, table, rows)
        new = [row for row in rows if tuple(row[name] for name in key) not in have]
        report.count(table.name, copied=len(new), already=len(rows) - len(new))
        if new:
            with target._write() as db:
                db.execute(target._insert(table).on_conflict_do_nothing(index_elements=key), new)


def _copy_numbered(src: Connection, target: Any, table: Table, report: CopyReport) -> None:
    content = [column for column in table.columns if column.name != "id"]
    with target._read() as db:
        there = Counter(tuple(row) for row in db.execute(select(*content)))
    report.count(table.name)
    for rows in _batches(src, table):
        new = []
        for row in rows:
            values = tuple(row[column.name] for column in content)
            if there[values] > 0:
                there[values] -= 1
                continue
            new.append({column.name: row[column.name] for column in content})
        report.count(table.name, copied=len(new), already=len(rows) - len(new))
        if new:
            with target._write() as db:
                db.execute(table.insert(), new)


def same_store(a: StoreLocation, b: StoreLocation) -> bool:
    """Whether two locations name the same store (the same file, or the same URL)."""
    if a.is_database or b.is_database:
        return a.text == b.text
    return a.path.resolve() == b.path.resolve()


def row_counts(store: Any) -> dict[str, int]:
    """Return the number of rows of every table of the store."""
    with store._read() as db:
        return {name: db.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in schema.metadata.tables.items()}
