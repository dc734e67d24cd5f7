"""The store's editorial part, per edition: edits of issues, their review history, published revisions and
the section corrections editors made (labelled examples for the classifier)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select

from .core import StoreBase, iso
from .schema import review_edits, review_events, review_revisions, review_sessions, section_examples


class EditorialStore(StoreBase):
    def add_edit(self, issue: str, edit: dict[str, Any], *, by: str, now: datetime) -> int:
        """Record one edit of an issue; return its id."""
        with self._write() as db:
            row = db.execute(insert(review_edits).values(
                edition=self.edition, issue=issue, edit=json.dumps(edit, ensure_ascii=False), by=by, at=iso(now))
                .returning(review_edits.c.id)).one()
            return int(row.id)

    def remove_edit(self, issue: str, edit_id: int) -> bool:
        """Forget one edit of an issue; return whether there was one."""
        c = review_edits.c
        with self._write() as db:
            return db.execute(delete(review_edits).where(c.edition == self.edition, c.issue == issue,
                                                         c.id == edit_id)).rowcount > 0

    def edits(self, issue: str) -> list[tuple[int, dict[str, Any], str, str]]:
        """Return (id, edit, by, at) of the issue's edits in the order they were made."""
        c = review_edits.c
        with self._read() as db:
            rows = db.execute(select(c.id, c.edit, c.by, c.at).where(c.edition == self.edition, c.issue == issue)
                              .order_by(c.id)).all()
        return [(i, json.loads(edit), by, at) for i, edit, by, at in rows]

    def add_event(self, issue: str, status: str, *, revision: int, by: str, now: datetime) -> None:
        with self._write() as db:
            db.execute(insert(review_events).values(edition=self.edition, issue=issue, status=status,
                                                    revision=revision, by=by, at=iso(now)))

    def events(self, issue: str) -> list[tuple[str, int, str, str]]:
        """Return (status, revision, by, at) of the issue's review history, oldest first."""
        c = review_events.c
        with self._read() as db:
            rows = db.execute(select(c.status, c.revision, c.by, c.at)
                              .where(c.edition == self.edition, c.issue == issue).order_by(c.id))
            return [tuple(row) for row in rows]  # type: ignore[misc]

    def save_revision(self, issue: str, revision: int, *, draft: str, published: str, correction: str, by: str,
                      now: datetime) -> None:
        """Keep a published revision and the draft it was made from; a revision is never replaced."""
        at = iso(now)
        with self._write() as db:
            db.execute(insert(review_revisions).values(edition=self.edition, issue=issue, revision=revision,
                                                       draft=draft, published=published, correction=correction,
                                                       by=by, at=at))
            db.execute(insert(review_events).values(edition=self.edition, issue=issue, status="published",
                                                    revision=revision, by=by, at=at))

    def revisions(self, issue: str) -> list[tuple[int, str, str, str]]:
        """Return (revision, draft json, correction, at) of the issue's published revisions, oldest first."""
        c = review_revisions.c
        with self._read() as db:
            rows = db.execute(select(c.revision, c.draft, c.correction, c.at)
                              .where(c.edition == self.edition, c.issue == issue).order_by(c.revision))
            return [tuple(row) for row in rows]  # type: ignore[misc]

    def add_example(self, *, article: str, issue: str, text: str, section: str, by: str, now: datetime) -> None:
        """Record that an editor put this article under `section` (the latest word per article and issue)."""
        values = {"text": text, "section": section, "by": by, "at": iso(now)}
        with self._write() as db:
            db.execute(self._insert(section_examples).values(edition=self.edition, article=article, issue=issue,
                                                             **values)
                       .on_conflict_do_update(index_elements=["edition", "article", "issue"], set_=values))

    def examples(self, *, before: str | None = None) -> list[tuple[str, str]]:
        """Return (text, section) of the editors' section corrections, of issues before `before` if given."""
        c = section_examples.c
        query = select(c.text, c.section).where(c.edition == self.edition).order_by(c.at, c.article, c.issue)
        if before is not None:
            query = query.where(c.issue < before)
        with self._read() as db:
            return [tuple(row) for row in db.execute(query)]  # type: ignore[misc]

    # --- review app sessions --------------------------------------------------------------------

    def add_session(self, key: str, *, user: str, now: datetime) -> None:
        """Record a login under the hash of its session id."""
        values = {"user": user, "created": iso(now), "edition": self.edition}
        with self._write() as db:
            db.execute(self._insert(review_sessions).values(id=key, **values)
                       .on_conflict_do_update(index_elements=["id"], set_=values))

    def session_user(self, key: str, *, since: datetime) -> str | None:
        """Return the user of a login to this edition made at or after `since`, or None if it ended or never was."""
        c = review_sessions.c
        with self._read() as db:
            row = db.execute(select(c.user).where(c.id == key, c.edition == self.edition,
                                                  c.created >= iso(since))).first()
        return row[0] if row else None

    def end_session(self, key: str, *, expired_before: datetime) -> None:
        """Forget one login, and every login to this edition older than `expired_before`."""
        c = review_sessions.c
        with self._write() as db:
            db.execute(delete(review_sessions).where(c.edition == self.edition,
                                                     or_(c.id == key, c.created < iso(expired_before))))
