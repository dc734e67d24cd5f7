"""`weeklydigest store migrate --to URL`: a store copied into another, every edition and table, idempotently.

And stores written by earlier releases (their SQLite schema steps, frozen in legacy_stores.py)
migrate forward keeping all they hold.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from weeklydigest.cli import main
from weeklydigest.model import Delivery, RawDocument, Subscriber
from weeklydigest.store import (
    DEFAULT_EDITION,
    SCHEMA_VERSION,
    UNCHANGED,
    FileRecord,
    SourceRun,
    Store,
    StoreLocation,
    Validators,
    schema,
)
from weeklydigest.store.copy import row_counts

from .content import TZ
from .legacy_stores import legacy_store

T0 = datetime(2025, 11, 13, 4, 0, tzinfo=UTC)
ISSUE = "2025-W46"


def _document(n: int) -> RawDocument:
    return RawDocument(origin=f"http://example.cn/{n}.html", source="南粤时政网", title=f"第{n}篇",
                       url=f"http://example.cn/{n}.html", published=datetime(2025, 11, 12, 19, 0, tzinfo=TZ),
                       body=f"<p>正文{n}。</p>", fmt="html", outlet="南粤时政网", raw=f"<p>正文{n}。</p>".encode())


def fill(store: Store, *, edition_store: Store) -> None:
    """Put something in every table, for two editions."""
    for n in range(3):
        store.put(_document(n), text=f"正文{n}。", now=T0, body_hash=f"delivery-{n}",
                  derived=(("article", "analysis-code", f"{{\"n\": {n}}}".encode()),))
    store.save_file(FileRecord("南粤时政网/a.md", 12, 1_700_000_000_000_000_000, "sha", "reader", ("a",), ()), now=T0)
    store.put(_document(0), text="正文0。更正。", now=T0 + timedelta(hours=1))
    store.save_validators("http://example.cn/feed.xml", Validators(etag='"a"'), now=T0)
    store.record_run(SourceRun("南粤时政网", "feed", seen=3, new=3), now=T0)
    for s in (store, edition_store):
        s.register_edition(title=f"{s.edition}周报", output=f"out-{s.edition}", now=T0)
        s.add_edit(ISSUE, {"op": "drop", "article": f"{s.edition}-a"}, by="王编辑", now=T0)
        s.add_edit(ISSUE, {"op": "drop", "article": f"{s.edition}-b"}, by="王编辑", now=T0)
        s.add_event(ISSUE, "approved", revision=0, by="李主编", now=T0)
        s.save_revision(ISSUE, 1, draft="{}", published="{}", correction="", by="李主编", now=T0)
        s.add_example(article="a", issue=ISSUE, text="甲", section="百千万工程", by="王编辑", now=T0)
        s.add_subscriber(Subscriber("reader@example.cn", sections=(s.edition,)), now=T0)
        s.add_session(f"{s.edition}-login", user="王编辑", now=T0)
        s.record_delivery(Delivery(ISSUE, "reader@example.cn", "accepted", 1, "<m@x>"), now=T0)
        run = s.start_run(kind="build", trigger="manual", issue=ISSUE, started=T0)
        s.finish_run(run, ended=T0, outcome="ok", counts={"items": 3})


def _rows(location, table):  # type: ignore[no-untyped-def]
    """Return a table's rows without their store-made numbers, in a stable order."""
    engine = create_engine(StoreLocation.of(location).url(), poolclass=NullPool)
    content = [c for c in table.columns if c.name != "id"]
    with engine.connect() as db:
        found = sorted(tuple(row) for row in db.execute(select(*content)))
    engine.dispose()
    return found


def test_store_migrate_copies_every_edition_and_table_into_postgresql_and_only_what_is_new_after(
        tmp_path, postgres_url, capsys):
    old = tmp_path / "store.sqlite"
    with Store(old) as store, Store(old, edition="广州版") as city:
        fill(store, edition_store=city)
    assert main(["store", "migrate", "--from", str(old), "--to", postgres_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "articles: 3 copied" in out and "versions: 4 copied" in out and "review_edits: 4 copied" in out
    total = sum(row_counts(Store(old)).values())
    assert out[-1] == f"store {old} → {postgres_url}: {total} rows copied, 0 already there"
    with Store(old) as a, Store(postgres_url) as b:
        assert row_counts(a) == row_counts(b)
        assert all(count > 0 for count in row_counts(b).values()), row_counts(b)
    for table in schema.metadata.tables.values():
        assert _rows(old, table) == _rows(postgres_url, table), table.name
    with Store(postgres_url, edition="广州版") as city:
        assert [e["article"] for _, e, _, _ in city.edits(ISSUE)] == ["广州版-a", "广州版-b"]
        assert [s.sections for s in city.subscribers()] == [("广州版",)]
        assert city.put(_document(1), text="正文1。", now=T0) == UNCHANGED
        assert city.add_edit(ISSUE, {"op": "drop", "article": "c"}, by="王编辑", now=T0) == 5, "ids go on after"

    # Again: nothing to copy. Then what was collected and edited since is copied, and only that.
    assert main(["store", "migrate", "--from", str(old), "--to", postgres_url]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(": 0 rows copied, 28 already there")
    with Store(old) as store:
        store.put(_document(7), text="正文7。", now=T0)
        store.add_edit(ISSUE, {"op": "drop", "article": "late"}, by="王编辑", now=T0)
    assert main(["store", "migrate", "--from", str(old), "--to", postgres_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert {"articles: 1 copied, 3 already there", "versions: 1 copied", "review_edits: 1 copied, 4 already there"} \
        <= set(out)
    with Store(postgres_url) as store:
        assert [e["article"] for _, e, _, _ in store.edits(ISSUE)] == ["default-a", "default-b", "late"]


def test_rows_an_edition_made_in_the_target_are_kept_beside_the_copied_ones(tmp_path, postgres_url, capsys):
    old = tmp_path / "store.sqlite"
    with Store(old) as store:
        store.add_edit(ISSUE, {"op": "drop", "article": "from-sqlite"}, by="王编辑", now=T0)
    with Store(postgres_url, edition="广州版") as city:
        mine = city.add_edit(ISSUE, {"op": "drop", "article": "made-here"}, by="李编辑", now=T0)
    assert main(["store", "migrate", "--from", str(old), "--to", postgres_url]) == 0
    with Store(postgres_url) as store, Store(postgres_url, edition="广州版") as city:
        ((copied, edit, _, _),) = store.edits(ISSUE)
        assert edit == {"op": "drop", "article": "from-sqlite"} and copied != mine
        assert [e for _, e, _, _ in city.edits(ISSUE)] == [{"op": "drop", "article": "made-here"}]


@pytest.mark.parametrize(("target", "message"), [
    ("postgresql://digest:secret@127.0.0.1:5432/digest",
     "error: store migrate --to: a password does not belong in the store URL: remove it and give it in the "
     "environment variable PGPASSWORD or in ~/.pgpass"),
    ("mysql://digest@127.0.0.1/digest",
     "error: store migrate --to: unsupported database URL 'mysql://digest@127.0.0.1/digest': expected the path of "
     "an SQLite file or postgresql://user@host:port/database"),
    ("postgresql://digest@127.0.0.1:1/digest",
     'error: store postgresql://digest@127.0.0.1:1/digest: connection failed: connection to server at "127.0.0.1", '
     "port 1 failed: Connection refused: is the PostgreSQL server running, and the host and port right?"),
])
def test_store_migrate_says_in_one_line_why_it_cannot_copy(tmp_path, capsys, target, message):
    Store(tmp_path / "store.sqlite").close()
    code = main(["store", "migrate", "--from", str(tmp_path / "store.sqlite"), "--to", target])
    assert code == (1 if "Connection refused" in message else 2), "a bad URL is a usage error"
    assert capsys.readouterr().err.splitlines() == [message]


def test_store_migrate_refuses_a_missing_store_and_the_store_itself(tmp_path, capsys):
    assert main(["store", "migrate", "--from", str(tmp_path / "none.sqlite"), "--to", str(tmp_path / "b")]) == 1
    assert capsys.readouterr().err == f"error: store {tmp_path / 'none.sqlite'} does not exist: nothing to copy\n"
    Store(tmp_path / "a.sqlite").close()
    assert main(["store", "migrate", "--from", str(tmp_path / "a.sqlite"), "--to", str(tmp_path / "a.sqlite")]) == 2
    assert capsys.readouterr().err == (f"error: store migrate: {tmp_path / 'a.sqlite'} is the store being copied; "
                                       "give another --to\n")


def _legacy_rows(db, version) -> None:  # type: ignore[no-untyped-def]
    db.execute("INSERT INTO articles VALUES ('http://e.cn/a', '周', 'x', 'y', NULL, NULL, 1)")
    db.execute("INSERT INTO versions VALUES ('http://e.cn/a', 1, 'x', '周', 'http://e.cn/a', 'http://e.cn/a', '题', "
               "'', NULL, 'html', '<p>文</p>', NULL, '文', 'h')")
    db.execute("INSERT INTO review_edits (issue, edit, by, at) VALUES ('2025-W46', '{\"op\": \"drop\"}', '王', 't')")
    db.execute("INSERT INTO review_events (issue, status, revision, by, at) "
               "VALUES ('2025-W46', 'approved', 0, '李', 't')")
    db.execute("INSERT INTO review_revisions VALUES ('2025-W46', 1, '{}', '{}', '', '李', 't')")
    db.execute("INSERT INTO section_examples VALUES ('a1', '2025-W45', '甲', '百千万工程', '王', 't')")
    db.execute("INSERT INTO subscribers VALUES ('reader@example.cn', '甲', '[]', 'active', 't', 't')")
    db.execute("INSERT INTO deliveries VALUES ('2025-W46', 'reader@example.cn', 'accepted', 1, '<m@x>', '', 't')")
    if version >= 5:
        db.execute("INSERT INTO review_sessions VALUES ('s1', '王编辑', '2025-11-17T00:00:00+00:00')")
    db.execute("INSERT INTO runs (kind, trigger, issue, started, outcome) VALUES ('build', 'manual', '2025-W46', "
               "'2025-11-17T08:00:00+08:00', 'ok')")


@pytest.mark.parametrize("version", [3, 4, 5])
def test_a_store_of_an_earlier_release_migrates_forward_keeping_all_it_holds(tmp_path, version):
    path = tmp_path / "store.sqlite"
    db = legacy_store(path, version=version, runs=True)
    _legacy_rows(db, version)
    db.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.has("http://e.cn/a") and [v for v, _, _ in store.versions("http://e.cn/a")] == [1]
        assert [e for _, e, _, _ in store.edits("2025-W46")] == [{"op": "drop"}]
        assert [s for s, *_ in store.events("2025-W46")] == ["approved"]
        assert [r for r, *_ in store.revisions("2025-W46")] == [1]
        assert store.examples() == [("甲", "百千万工程")]
        assert [s.address for s in store.subscribers()] == ["reader@example.cn"]
        assert not store.add_subscriber(Subscriber("READER@example.cn"), now=T0), "addresses still ignore case"
        assert store.deliveries("2025-W46")["reader@example.cn"].status == "accepted"
        assert [(r["kind"], r["edition"]) for r in store.last_runs()] == [("build", DEFAULT_EDITION)]
        assert store.integrity() == "ok"
        if version >= 5:
            assert store.session_user("s1", since=T0 - timedelta(days=1)) == "王编辑"
    with Store(path, edition="广州版") as city:
        assert city.session_user("s1", since=T0 - timedelta(days=1)) is None, "a login is one edition's"
        assert city.edits("2025-W46") == [] and city.subscribers() == [] and city.last_runs() == []
        assert city.add_subscriber(Subscriber("reader@example.cn"), now=T0)


def test_a_store_of_the_first_release_gains_every_later_table(tmp_path):
    legacy_store(tmp_path / "store.sqlite", version=1).close()
    with Store(tmp_path / "store.sqlite") as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.put(_document(1), text="正文1。", now=T0) == "new"
        assert store.subscribers() == [] and store.last_runs() == [] and store.editions() == []
