"""The store's subscribers and delivery log, per edition: one delivery row per (issue, subscriber) makes
sending exactly-once."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, func, select, update

from ..model import Delivery, Subscriber
from .core import StoreBase, iso
from .schema import deliveries, subscribers


class PeopleStore(StoreBase):
    def _address_is(self, address: str):  # type: ignore[no-untyped-def]
        # Addresses compare without regard to ASCII case, as the unique index on lower(address) does.
        c = subscribers.c
        return (c.edition == self.edition) & (func.lower(c.address) == func.lower(address))

    def add_subscriber(self, subscriber: Subscriber, *, now: datetime) -> bool:
        """Add a subscriber; return False (and change nothing) if the address is already there."""
        at = iso(now)
        with self._write() as db:
            cursor = db.execute(self._insert(subscribers).values(
                edition=self.edition, address=subscriber.address, name=subscriber.name,
                sections=json.dumps(list(subscriber.sections), ensure_ascii=False), status=subscriber.status,
                added=at, changed=at).on_conflict_do_nothing().returning(subscribers.c.address))
            return cursor.first() is not None

    def remove_subscriber(self, address: str) -> bool:
        """Delete a subscriber (their delivery log stays); return False if there was none."""
        with self._write() as db:
            return db.execute(delete(subscribers).where(self._address_is(address))).rowcount == 1

    def subscriber(self, address: str) -> Subscriber | None:
        c = subscribers.c
        with self._read() as db:
            row = db.execute(select(c.address, c.name, c.sections, c.status).where(self._address_is(address))).first()
        return _subscriber(tuple(row)) if row else None

    def subscribers(self, *, status: str | None = None) -> list[Subscriber]:
        """Return the subscribers (of one status, if given) by address."""
        c = subscribers.c
        query = select(c.address, c.name, c.sections, c.status).where(c.edition == self.edition).order_by(c.address)
        if status:
            query = query.where(c.status == status)
        with self._read() as db:
            return [_subscriber(tuple(row)) for row in db.execute(query)]

    def set_subscriber_status(self, address: str, status: str, *, now: datetime) -> bool:
        """Change a subscriber's status; return False if there is no such subscriber."""
        with self._write() as db:
            return db.execute(update(subscribers).where(self._address_is(address))
                              .values(status=status, changed=iso(now))).rowcount == 1

    # --- deliveries -----------------------------------------------------------------------------

    def deliveries(self, issue: str) -> dict[str, Delivery]:
        """Return the delivery log of one issue by address."""
        c = deliveries.c
        with self._read() as db:
            rows = db.execute(select(c.issue, c.address, c.status, c.attempts, c.message_id, c.error, c.updated)
                              .where(c.edition == self.edition, c.issue == issue)).all()
        return {row[1]: Delivery(*row) for row in rows}

    def record_delivery(self, delivery: Delivery, *, now: datetime) -> None:
        """Write where one message stands; committed (and durable) when this returns."""
        values = {"status": delivery.status, "attempts": delivery.attempts, "message_id": delivery.message_id,
                  "error": delivery.error, "updated": iso(now)}
        with self._write() as db:
            db.execute(self._insert(deliveries).values(edition=self.edition, issue=delivery.issue,
                                                       address=delivery.address, **values)
                       .on_conflict_do_update(index_elements=["edition", "issue", "address"], set_=values))


def _subscriber(row: tuple[str, str, str, str]) -> Subscriber:
    address, name, sections, status = row
    return Subscriber(address=address, name=name, sections=tuple(json.loads(sections)), status=status)
