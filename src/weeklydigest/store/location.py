"""Where a store lives: a file path (SQLite) or a `postgresql://user@host:port/db` URL (PostgreSQL).

The password of a PostgreSQL store is never in the config: libpq reads it from the environment
(`PGPASSWORD`) or from `~/.pgpass` (`PGPASSFILE`), so a URL that carries one is refused.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_EDITION = "default"

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_POSTGRES_SCHEMES = ("postgresql", "postgres")
_EDITION = re.compile(r"^[^\x00-\x1f\x7f/\\]{1,64}$")


def url_problem(text: str) -> str | None:
    """Return why a database URL cannot be a store, or None when it can."""
    scheme = text.split("://", 1)[0].lower()
    if scheme not in _POSTGRES_SCHEMES:
        return (f"unsupported database URL {_masked(text)!r}: expected the path of an SQLite file or "
                "postgresql://user@host:port/database")
    try:
        url = make_url(text)
    except ArgumentError:
        return f"cannot read the database URL {_masked(text)!r}: expected postgresql://user@host:port/database"
    except ValueError:
        return f"the port of the store URL {_masked(text)!r} is not a number"
    if url.password is not None or "password" in url.query:
        return ("a password does not belong in the store URL: remove it and give it in the environment "
                "variable PGPASSWORD or in ~/.pgpass")
    if not url.database:
        return f"the store URL {text!r} names no database: expected postgresql://user@host:port/database"
    return None


def edition_problem(name: str) -> str | None:
    """Return why `name` cannot name an edition, or None when it can."""
    if not _EDITION.match(name) or not name.strip():
        return f"expected an edition name of 1 to 64 characters without '/' or control characters, got {name!r}"
    return None


def _masked(text: str) -> str:
    """Return a URL with any password replaced by '***', for messages."""
    return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", text)


@dataclass(frozen=True)
class StoreLocation:
    """A store's place as configured: `text` is the path or the URL (never with a password)."""

    text: str

    @classmethod
    def of(cls, value: StoreLocation | Path | str) -> StoreLocation:
        """Return the location of a configured value (a location, a path, or the text of either)."""
        if isinstance(value, StoreLocation):
            return value
        return cls(os.fspath(value) if isinstance(value, Path) else str(value))

    @property
    def is_database(self) -> bool:
        """Whether the store is a database server's (a URL) rather than a file."""
        return bool(_SCHEME.match(self.text))

    @property
    def path(self) -> Path:
        """The SQLite file; a PostgreSQL store has none."""
        if self.is_database:
            raise TypeError(f"store {self.text} is a database, not a file")
        return Path(self.text)

    def url(self) -> URL:
        """Return the SQLAlchemy URL of the store (psycopg 3 for PostgreSQL)."""
        if not self.is_database:
            return URL.create("sqlite", database=str(self.path))
        return make_url(self.text).set(drivername="postgresql+psycopg")

    def exists(self) -> bool:
        """Whether there may be a store to read: the file exists, or (for a database) always."""
        return self.is_database or self.path.exists()

    def __fspath__(self) -> str:
        return os.fspath(self.path)

    def __str__(self) -> str:
        return _masked(self.text)
