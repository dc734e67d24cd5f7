"""Schema step 4: folder articles named by their source and their path below its folder, not by absolute path.

Stores written before keyed a file without a URL by its absolute path, so a moved or copied
folder gave new articles. A source's folder is taken as the deepest folder holding all the
files it delivered from one place (`_folder_roots`). Copies of one file collected from two
places become one article with their versions in the order they were seen; review edits and
section examples follow the new ids. Portable SQL through SQLAlchemy, so it runs on both backends.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Connection, text

if TYPE_CHECKING:
    from alembic.operations import Operations

_VERSION_COLUMNS = ("seen", "source", "origin", "url", "title", "outlet", "published", "fmt", "body", "raw", "text",
                    "text_hash")
_articles = sa.table("articles", *(sa.column(name) for name in ("key", "source", "first_seen", "last_seen",
                                                                "published", "published_utc", "version")))
_versions = sa.table("versions", sa.column("key"), sa.column("version"),
                     *(sa.column(name) for name in _VERSION_COLUMNS))


def folder_identity(op: Operations) -> None:
    """Folder articles named by their source and their path below its folder, not by absolute path."""
    from ..collect.boundary import printable

    db = op.get_bind()
    rows = db.execute(text("SELECT source, origin, text_hash FROM versions WHERE origin LIKE '/%' ORDER BY seen")).all()
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
        db.execute(text("UPDATE versions SET origin = :new WHERE source = :source AND origin = :origin"),
                   {"new": moved(source, origin), "source": source, "origin": origin})
    groups: dict[str, list[str]] = {}
    for key, source in db.execute(text("SELECT key, source FROM articles WHERE key LIKE '/%'")).all():
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


def _merge_articles(db: Connection, new: str, old: list[str]) -> None:
    """Move the articles keyed `old` to the key `new`, as one article: versions by time, repeats left out."""
    a, v = _articles, _versions
    versions = db.execute(sa.select(*(v.c[name] for name in _VERSION_COLUMNS)).where(v.c.key.in_(old))
                          .order_by(v.c.seen, v.c.version)).all()
    kept = [row for n, row in enumerate(versions) if n == 0 or row.text_hash != versions[n - 1].text_hash]
    first = db.execute(sa.select(a.c.source, a.c.first_seen).where(a.c.key.in_(old)).order_by(a.c.first_seen)
                       .limit(1)).one()
    last_seen = db.execute(sa.select(sa.func.max(a.c.last_seen)).where(a.c.key.in_(old))).scalar_one()
    published = kept[-1].published if kept else None
    published_utc = datetime.fromisoformat(published).timestamp() if published else None
    db.execute(a.insert().values(key=new, source=first.source, first_seen=first.first_seen, last_seen=last_seen,
                                 published=published, published_utc=published_utc, version=len(kept)))
    if kept:
        db.execute(v.insert(), [{"key": new, "version": number, **row._asdict()}
                                for number, row in enumerate(kept, start=1)])
    db.execute(v.delete().where(v.c.key.in_(old)))
    db.execute(a.delete().where(a.c.key.in_(old)))


def _follow_ids(db: Connection, ids: dict[str, str]) -> None:
    """Point review edits and section examples at the new ids of the articles they named."""
    if not ids:
        return
    for row_id, edit in db.execute(text("SELECT id, edit FROM review_edits")).all():
        changed = re.sub(r"\b[0-9a-f]{16}\b", lambda m: ids.get(m.group(0), m.group(0)), edit)
        if changed != edit:
            db.execute(text("UPDATE review_edits SET edit = :edit WHERE id = :id"), {"edit": changed, "id": row_id})
    taken = text("DELETE FROM section_examples WHERE article = :old AND issue IN "
                 "(SELECT issue FROM section_examples WHERE article = :new)")
    for old, new in ids.items():
        # An example the new id already has for the issue wins; the old id's is dropped.
        db.execute(taken, {"old": old, "new": new})
        db.execute(text("UPDATE section_examples SET article = :new WHERE article = :old"), {"old": old, "new": new})
