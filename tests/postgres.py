"""A PostgreSQL server for the store tests: the one `WEEKLYDIGEST_TEST_POSTGRES` names, a fresh database per test.

`.ci/run` starts a throw-away server with `scripts/test-postgres.sh` and exports its URL; locally,
`bash scripts/test-postgres.sh start /tmp/pg` prints one to export. Without a server (or when it
cannot be reached) the PostgreSQL half of the tests is skipped, saying why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

VARIABLE = "WEEKLYDIGEST_TEST_POSTGRES"


@cache
def server() -> tuple[str | None, str]:
    """Return (the server's URL, '') when one can be used, else (None, why not)."""
    url = os.environ.get(VARIABLE, "").strip()
    if not url:
        return None, (f"no PostgreSQL server for the tests: set {VARIABLE}=postgresql://postgres@127.0.0.1:PORT/"
                      "postgres (bash scripts/test-postgres.sh start DIR prints one)")
    try:
        engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"), poolclass=NullPool,
                               connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except SQLAlchemyError as exc:
        why = str(exc.orig or exc).splitlines()[0]
        return None, f"the PostgreSQL server {url} ({VARIABLE}) cannot be reached: {why}"
    return url, ""


def require_server() -> str:
    """Return the server's URL, or skip the test saying why there is none."""
    url, why = server()
    if url is None:
        pytest.skip(why)
    return url


def _admin(url: str):  # type: ignore[no-untyped-def]
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"), poolclass=NullPool,
                         isolation_level="AUTOCOMMIT")


def fresh_database(url: str) -> Iterator[str]:
    """Yield the URL of a new, empty database on the server; drop it afterwards."""
    name = f"weeklydigest_test_{uuid.uuid4().hex[:12]}"
    admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh database on the test server (skipped without a server)."""
    yield from fresh_database(require_server())
