"""The article store: versions, last-seen, schema, transactions, validators and source health.

Every test that takes `store_location` runs on both backends: an SQLite file and a fresh
PostgreSQL database (skipped, saying why, when no server is given).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from weeklydigest.model import RawDocument
from weeklydigest.store import (
    MIGRATIONS,
    NEW,
    SCHEMA_VERSION,
    UNCHANGED,
    UPDATED,
    SourceRun,
    Store,
    StoreError,
    StoreLocation,
    Validators,
    schema,
)

from .content import EPOCH, FAR, TZ

T0 = datetime(2025, 11, 13, 12, 0, tzinfo=UTC)
DOC = RawDocument(
    origin="http://example.cn/a.html", source="南粤时政网", title="林志远调研城中村改造工作",
    url="http://example.cn/a.html", published=datetime(2025, 11, 10, 19, 30, tzinfo=TZ),
    body="<p>11月10日，广州市委书记林志远到海珠区调研城中村改造工作。</p>", fmt="html", outlet="南粤时政网",
)


TEXT = "11月10日，广州市委书记林志远到海珠区调研城中村改造工作。"


def rows(location, sql):  # type: ignore[no-untyped-def]
    """Return the rows of a query, read behind the store's back."""
    engine = create_engine(StoreLocation.of(location).url(), poolclass=NullPool)
    try:
        with engine.connect() as db:
            return [tuple(row) for row in db.execute(text(sql))]
    finally:
        engine.dispose()


def test_a_new_article_is_stored_with_its_text_metadata_and_times(store_location):
    with Store(store_location) as store:
        assert store.put(DOC, text=TEXT, now=T0) == NEW
    ((key, first, last, published, version, source),) = rows(
        store_location, "SELECT key, first_seen, last_seen, published, version, source FROM articles")
    assert (key, version, source) == (DOC.url, 1, "南粤时政网")
    assert first == last == T0.isoformat(timespec="microseconds")
    assert published == "2025-11-10T19:30:00+08:00"
    ((title, outlet, body, text),) = rows(store_location, "SELECT title, outlet, body, text FROM versions")
    assert (title, outlet, body) == (DOC.title, DOC.outlet, DOC.body)
    assert text == TEXT


def test_collecting_the_same_article_again_changes_only_last_seen(store_location):
    with Store(store_location) as store:
        store.put(DOC, text="正文。", now=T0)
        assert store.put(DOC, text="正文。", now=T0 + timedelta(hours=5)) == UNCHANGED
    ((first, last, version),) = rows(store_location, "SELECT first_seen, last_seen, version FROM articles")
    assert first == T0.isoformat(timespec="microseconds")
    assert last == (T0 + timedelta(hours=5)).isoformat(timespec="microseconds")
    assert version == 1
    assert rows(store_location, "SELECT count(*) FROM versions") == [(1,)]


def test_new_text_at_the_same_url_is_a_new_version_and_the_latest_wins(store_location):
    corrected = replace(DOC, body=DOC.body + "<p>市领导陈晓岚参加调研。</p>")
    with Store(store_location) as store:
        store.put(DOC, text="正文。", now=T0)
        assert store.put(corrected, text="正文。\n市领导陈晓岚参加调研。", now=T0) == UPDATED
        assert [(v, text) for v, _, text in store.versions(DOC.url)] == [
            (1, "正文。"), (2, "正文。\n市领导陈晓岚参加调研。")]
        (latest,) = store.candidates(published_from=EPOCH, published_to=FAR, seen_from=EPOCH)
    assert latest.body == corrected.body


def test_candidates_are_the_week_window_and_undated_articles_seen_since(store_location):
    old = replace(DOC, url="http://example.cn/old.html", published=datetime(2025, 10, 1, tzinfo=TZ))
    undated_recent = replace(DOC, url="", origin="/folder/a.txt", published=None)
    undated_old = replace(DOC, url="", origin="/folder/b.txt", published=None)
    with Store(store_location) as store:
        for document, seen in ((DOC, T0), (old, T0), (undated_recent, T0), (undated_old, T0 - timedelta(days=60))):
            store.put(document, text=document.origin, now=seen)
        found = store.candidates(published_from=datetime(2025, 11, 8, tzinfo=TZ),
                                 published_to=datetime(2025, 12, 31, tzinfo=TZ), seen_from=T0 - timedelta(days=7))
    assert sorted(d.url or d.origin for d in found) == ["/folder/a.txt", DOC.url]
    assert {d.first_seen for d in found} == {T0}, "each candidate says when the store first saw it"


TABLES = {"articles", "versions", "http_cache", "sources", "review_edits", "review_events", "review_revisions",
          "section_examples", "subscribers", "deliveries", "runs", "editions", "review_sessions", "derived", "files"}


def test_a_fresh_store_has_the_latest_schema_and_the_tables_of_the_schema_module(store_location):
    with Store(store_location) as store:
        assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    engine = create_engine(StoreLocation.of(store_location).url(), poolclass=NullPool)
    with engine.connect() as db:
        found = inspect(db)
        assert set(found.get_table_names()) - {"store_schema"} == TABLES == set(schema.metadata.tables)
        for name, table in schema.metadata.tables.items():
            assert {c["name"] for c in found.get_columns(name)} == set(table.c.keys()), name
            assert found.get_pk_constraint(name)["constrained_columns"] == [c.name for c in table.primary_key], name
    engine.dispose()


def test_a_fresh_sqlite_store_is_in_wal_mode(tmp_path):
    Store(tmp_path / "s.sqlite").close()
    assert rows(tmp_path / "s.sqlite", "PRAGMA journal_mode") == [("wal",)]


def _set_version(location, version):  # type: ignore[no-untyped-def]
    engine = create_engine(StoreLocation.of(location).url(), poolclass=NullPool)
    with engine.begin() as db:
        if StoreLocation.of(location).is_database:
            db.execute(text("UPDATE store_schema SET version = :v"), {"v": version})
        else:
            db.exec_driver_sql(f"PRAGMA user_version = {version}")
    engine.dispose()


def test_a_store_from_a_newer_version_is_refused_with_a_reason(store_location):
    Store(store_location).close()
    _set_version(store_location, 99)
    with pytest.raises(StoreError) as caught:
        Store(store_location)
    assert str(caught.value) == (f"store {store_location}: written by a newer weeklydigest "
                                 f"(schema 99, this one knows up to {SCHEMA_VERSION})")


def test_a_file_that_is_not_a_store_is_reported_not_a_traceback(tmp_path):
    (tmp_path / "s.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "s.sqlite")
    assert str(caught.value) == (f"store {tmp_path / 's.sqlite'}: file is not a database: the file is damaged or "
                                 "not a store; move it aside and run 'weeklydigest collect' to start a new one")


def test_a_failed_write_leaves_nothing_half_written(store_location):
    broken = replace(DOC, title=None)  # type: ignore[arg-type]  # a version needs a title: fails after the article row
    with Store(store_location) as store:
        with pytest.raises(StoreError):
            store.put(broken, text="正文。", now=T0)
        assert store.counts() == {"articles": 0, "versions": 0}
        assert store.put(DOC, text="正文。", now=T0) == NEW


def test_nul_characters_are_dropped_from_what_is_stored_on_either_backend(store_location):
    with Store(store_location) as store:
        store.put(replace(DOC, title="标\x00题", body="<p>正\x00文</p>"), text="正\x00文。", now=T0)
        ((title, body, text),) = rows(store_location, "SELECT title, body, text FROM versions")
    assert (title, body, text) == ("标题", "<p>正文</p>", "正文。")


def test_validators_are_remembered_per_url(store_location):
    with Store(store_location) as store:
        assert store.validators("http://example.cn/feed.xml") is None
        store.save_validators("http://example.cn/feed.xml", Validators(etag='"x"', last_modified="Sun"), now=T0)
        store.save_validators("http://example.cn/feed.xml", Validators(etag='"y"'), now=T0)
        assert store.validators("http://example.cn/feed.xml") == Validators(etag='"y"')


def test_source_health_keeps_the_last_error_after_a_later_success(store_location):
    with Store(store_location) as store:
        store.put(DOC, text="正文。", now=T0)
        store.record_run(SourceRun("南粤时政网", "web", seen=3, new=1, skipped=2, error="HTTP 500"), now=T0)
        store.record_run(SourceRun("南粤时政网", "web", seen=4, new=0), now=T0 + timedelta(hours=1))
        (health,) = store.health()
    assert (health.last_error, health.last_error_at) == ("HTTP 500", T0)
    assert health.last_success == T0 + timedelta(hours=1)
    assert (health.seen, health.new, health.skipped, health.stored) == (4, 0, 0, 1)


def test_integrity_check_of_a_sound_store_is_ok(store_location):
    with Store(store_location) as store:
        store.put(DOC, text="正文。", now=T0)
        assert store.integrity() == "ok"


def test_threads_opening_a_new_store_at_once_all_get_it(store_location):
    import threading

    path = store_location
    errors: list[Exception] = []
    start = threading.Barrier(6)

    def open_it() -> None:
        start.wait()
        try:
            Store(path).close()
        except Exception as exc:  # the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION


def test_a_new_sqlite_store_another_connection_is_writing_is_opened_once_it_is_done(tmp_path):
    """Changing a new database to WAL is refused at once while another connection writes: it is retried."""
    import sqlite3
    import threading
    import time

    path = tmp_path / "store.sqlite"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # as another process opening the same new store at the same time
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    start = time.monotonic()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    assert time.monotonic() - start >= 0.4  # it waited for the other connection
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def _snapshot(location):  # type: ignore[no-untyped-def]
    """Return what a write would change: the SQLite file's bytes, or a PostgreSQL database's tables and rows."""
    where = StoreLocation.of(location)
    if not where.is_database:
        return where.path.read_bytes()
    tables = [name for (name,) in rows(location, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                                 "ORDER BY tablename")]
    return tables, {name: rows(location, f'SELECT * FROM "{name}"') for name in tables}


def test_a_read_only_store_is_neither_migrated_nor_written(store_location):
    with Store(store_location) as store:
        latest = store.schema_version
        store.put(DOC, text=TEXT, now=T0)
    _set_version(store_location, 1)  # as an older weeklydigest left it
    before = _snapshot(store_location)
    with Store(store_location, read_only=True) as store:
        assert store.schema_version == 1
        assert not store.is_current
        assert store.counts() == {"articles": 1, "versions": 1}
        with pytest.raises(StoreError, match=r"read-?only"):
            store.touch(DOC.url, now=T0 + timedelta(days=1))
        assert store.counts() == {"articles": 1, "versions": 1}
    assert _snapshot(store_location) == before
    assert latest > 1


def test_a_read_only_store_that_does_not_exist_is_not_created(tmp_path):
    with pytest.raises(StoreError, match="unable to open"):
        Store(tmp_path / "none" / "store.sqlite", read_only=True)
    assert not (tmp_path / "none").exists()
