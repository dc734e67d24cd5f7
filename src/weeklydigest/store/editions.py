"""The editions of a store: every config that uses the store names its edition, and the store lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from .core import StoreBase, iso
from .schema import editions, review_events, runs, subscribers


@dataclass(frozen=True)
class Edition:
    """One edition of a store, as the store knows it."""

    name: str
    title: str
    output: str
    first_used: str
    last_used: str
    drafted: int  # issues with a review history or a build run
    published: int  # issues published at least once
    subscribers: int  # active subscribers
    last_build: str | None  # when its last build run started


class EditionRegistry(StoreBase):
    def register_edition(self, *, title: str, output: str, now: datetime) -> None:
        """Record that the store's edition is used with this title and output folder (written only on change)."""
        c = editions.c
        with self._read() as db:
            row = db.execute(select(c.title, c.output, c.last_used).where(c.name == self.edition)).first()
        today = iso(now)[:10]
        if row is not None and (row.title, row.output) == (title, output) and row.last_used[:10] == today:
            return
        values = {"title": title, "output": output, "last_used": iso(now)}
        with self._write() as db:
            db.execute(self._insert(editions).values(name=self.edition, first_used=iso(now), **values)
                       .on_conflict_do_update(index_elements=["name"], set_=values))

    def editions(self) -> list[Edition]:
        """Return every edition of the store that has been used or holds state, by name."""
        with self._read() as db:
            known = {row.name: row for row in db.execute(select(editions))}
            published = dict(db.execute(select(review_events.c.edition, func.count(review_events.c.issue.distinct()))
                                        .where(review_events.c.status == "published")
                                        .group_by(review_events.c.edition)).all())
            drafted = dict(db.execute(select(runs.c.edition, func.count(runs.c.issue.distinct()))
                                      .where(runs.c.kind == "build", runs.c.outcome == "ok")
                                      .group_by(runs.c.edition)).all())
            last_build = dict(db.execute(select(runs.c.edition, func.max(runs.c.started))
                                         .where(runs.c.kind == "build").group_by(runs.c.edition)).all())
            active = dict(db.execute(select(subscribers.c.edition, func.count())
                                     .where(subscribers.c.status == "active")
                                     .group_by(subscribers.c.edition)).all())
        names = sorted(set(known) | set(published) | set(drafted) | set(active))
        return [
            Edition(name=name, title=known[name].title if name in known else "",
                    output=known[name].output if name in known else "",
                    first_used=known[name].first_used if name in known else "",
                    last_used=known[name].last_used if name in known else "",
                    drafted=drafted.get(name, 0), published=published.get(name, 0),
                    subscribers=active.get(name, 0), last_build=last_build.get(name))
            for name in names
        ]
