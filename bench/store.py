"""Time the article store on each backend: storing new articles, seeing them again, reading a week back.

Run: .venv/bin/python bench/store.py [--articles 10000] [--postgres postgresql://user@host:port/db]

For SQLite a store in a temporary folder; for PostgreSQL (when `--postgres` or the environment's
`WEEKLYDIGEST_TEST_POSTGRES` names a server) a new database on it, dropped afterwards. Each part
is timed with the real `Store`: `put` of N new articles (one transaction each), `put` of the same
N again (unchanged), `candidates` of the week, and, on PostgreSQL, two processes putting the same
N new articles at once into a fresh database (every article must be stored exactly once). Prints
articles per second; nothing is asserted but the exactly-once count.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from weeklydigest.model import RawDocument
from weeklydigest.store import Store

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 11, 13, 4, 0, tzinfo=UTC)


def document(n: int) -> RawDocument:
    day = datetime(2025, 11, 10, 19, 0, tzinfo=TZ) + timedelta(days=n % 7)
    body = f"<p>11月{10 + n % 7}日，第{n}号报道：市委书记到第{n % 97}镇调研百千万工程，强调要抓实抓细。</p>" * 8
    return RawDocument(origin=f"http://bench.example.cn/{n}.html", source=f"源{n % 5}", title=f"第{n}号报道",
                       url=f"http://bench.example.cn/{n}.html", published=day, body=body, fmt="html",
                       outlet="样例报")


def timed(label: str, count: int, work: Callable[[], object]) -> None:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:7.2f} s  {count / seconds:9.0f} articles/s")


def put_all(location: str, numbers: range) -> None:
    with Store(location) as store:
        for n in numbers:
            store.put(document(n), text=f"正文{n}", now=T0)


def bench(location: str, articles: int) -> None:
    Store(location).close()
    numbers = range(articles)
    timed(f"put {articles} new", articles, lambda: put_all(location, numbers))
    timed(f"put {articles} again (unchanged)", articles, lambda: put_all(location, numbers))
    with Store(location) as store:
        week = (datetime(2025, 11, 8, tzinfo=TZ), datetime(2026, 1, 15, tzinfo=TZ))
        timed("candidates of the week", articles, lambda: store.candidates(
            published_from=week[0], published_to=week[1], seen_from=T0 - timedelta(days=9)))


def database(server: str) -> tuple[str, Callable[[], None]]:
    """Create a new database on the server; return its URL and how to drop it."""
    name = f"weeklydigest_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def two_writers(server: str, articles: int) -> None:
    url, drop = database(server)
    try:
        Store(url).close()
        start = time.perf_counter()
        workers = [multiprocessing.Process(target=put_all, args=(url, range(articles))) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        seconds = time.perf_counter() - start
        with Store(url) as store:
            counts = store.counts()
        print(f"  {'two writers, same ' + str(articles) + ' new':<34} {seconds:7.2f} s  "
              f"{articles / seconds:9.0f} articles/s  (stored: {counts['articles']} articles, "
              f"{counts['versions']} versions)")
        if counts != {"articles": articles, "versions": articles}:
            raise SystemExit(f"two writers stored {counts}, expected {articles} of each")
    finally:
        drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--postgres", default=os.environ.get("WEEKLYDIGEST_TEST_POSTGRES"),
                        help="a PostgreSQL server's URL (default: $WEEKLYDIGEST_TEST_POSTGRES)")
    args = parser.parse_args()
    print("SQLite:")
    with tempfile.TemporaryDirectory() as folder:
        bench(str(Path(folder) / "store.sqlite"), args.articles)
    if not args.postgres:
        print("PostgreSQL: no server given (--postgres URL or WEEKLYDIGEST_TEST_POSTGRES)")
        return 0
    print("PostgreSQL:")
    url, drop = database(args.postgres)
    try:
        bench(url, args.articles)
    finally:
        drop()
    two_writers(args.postgres, args.articles)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
