"""A PostgreSQL store as desks use it: several processes and hosts at once, editions, locks, the job store.

Real `weeklydigest` processes against the test server (`WEEKLYDIGEST_TEST_POSTGRES`); skipped,
saying why, without one.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from weeklydigest.config import load_config
from weeklydigest.deliver.send import send_lock
from weeklydigest.lock import IssueLocked, issue_lock
from weeklydigest.store import Store, StoreError, StoreLocation, schema

from .conftest import ROOT, SAMPLE
from .postgres import fresh_database, require_server

EXE = Path(sys.executable).with_name("weeklydigest")
NOW = {"WEEKLYDIGEST_NOW": "2025-11-17T08:00:00+08:00"}
WEEK = "2025-W46"


def write_config(path: Path, *, store: str, output: Path, **extra: object) -> Path:
    data = yaml.safe_load((ROOT / "config" / "digest.yaml").read_text(encoding="utf-8"))
    data |= {"store": store, "output": str(output), "templates": str(ROOT / "templates"),
             "officials": str(ROOT / "config" / "officials.yaml"),
             "sources": [{"name": "样例周", "kind": "folder", "path": str(SAMPLE)}], **extra}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **NOW})


def items(digest_json: Path) -> list[tuple[str, list[tuple[str, tuple[str, ...]]]]]:
    """Return each section's title with its items' cities and source articles, in order."""
    digest = json.loads(digest_json.read_text(encoding="utf-8"))
    return [(s["title"], [(i["city"], tuple(src["id"] for src in i["sources"])) for i in s["items"]])
            for s in digest["sections"]]


def stats(digest_json: Path) -> dict[str, object]:
    return json.loads(digest_json.read_text(encoding="utf-8"))["stats"]


class Desk:
    """One PostgreSQL store that two collectors filled at once, and its build of the sample week."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder, self.url = folder, url
        self.config = write_config(folder / "provincial.yaml", store=url, output=folder / "out")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    url = require_server()
    for database in fresh_database(url):
        desk = Desk(tmp_path_factory.mktemp("desk"), database)
        # Two collectors at once on a store nobody has opened yet: both migrate it, both store the week.
        collectors = [subprocess.Popen([str(EXE), "collect", "--config", str(desk.config)], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True) for _ in range(2)]
        desk.collected = [(c.wait(timeout=300), c.stdout.read(), c.stderr.read()) for c in collectors]  # type: ignore[attr-defined, union-attr]
        desk.build = run("build", "--config", str(desk.config), "--week", WEEK, "--format", "json")  # type: ignore[attr-defined]
        yield desk


def test_two_collectors_at_once_store_every_article_exactly_once(desk):
    for code, out, err in desk.collected:
        assert code == 0, err
        assert out.splitlines()[0].startswith("样例周: 55 seen, ")
    with Store(desk.url) as store:
        assert store.counts() == {"articles": 52, "versions": 52}
    new = [int(out.splitlines()[0].split(", ")[1].split()[0]) for _, out, _ in desk.collected]
    assert sum(new) == 52, "each article is new to exactly one of the two collectors"


def test_the_week_built_from_postgresql_is_the_week_built_from_sqlite(desk, tmp_path):
    assert desk.build.returncode == 0, desk.build.stderr
    reference = write_config(tmp_path / "sqlite.yaml", store=str(tmp_path / "store.sqlite"), output=tmp_path / "out")
    built = run("build", "--config", str(reference), "--week", WEEK, "--format", "json")
    assert built.returncode == 0, built.stderr
    ours, theirs = desk.folder / "out" / WEEK / "digest.json", tmp_path / "out" / WEEK / "digest.json"
    assert items(ours) == items(theirs) and sum(len(entries) for _, entries in items(ours)) >= 20
    for key in ("articles_seen", "in_week", "duplicates", "items", "cities"):
        assert stats(ours)[key] == stats(theirs)[key], key
    assert stats(ours)["duplicates"] > 0


def test_the_server_holds_the_store_tables_and_the_build_run(desk):
    engine = create_engine(StoreLocation(desk.url).url(), poolclass=NullPool)
    with engine.connect() as db:
        assert set(schema.metadata.tables) <= set(inspect(db).get_table_names())
        (outcome, issue), = db.execute(text("SELECT outcome, issue FROM runs WHERE kind = 'build'")).all()
    engine.dispose()
    assert (outcome, issue) == ("ok", WEEK)


def test_a_second_edition_on_the_same_store_builds_its_own_issue_from_the_shared_articles(desk):
    city = write_config(desk.folder / "city.yaml", store=desk.url, output=desk.folder / "city-out", edition="百千万版",
                        title="百千万工程周报", first_issue="2025-W40", sources=[],
                        sections=[{"title": "百千万工程", "keywords": ["百千万工程", "典型镇", "典型村"]}])
    provincial = desk.folder / "out" / WEEK / "digest.json"
    before = provincial.read_bytes()
    built = run("build", "--config", str(city), "--week", WEEK, "--format", "json,md")
    assert built.returncode == 0, built.stderr
    own = desk.folder / "city-out" / WEEK / "digest.json"
    ((title, entries),) = items(own)
    assert title == "百千万工程" and len(entries) >= 3
    assert provincial.read_bytes() == before, "the other edition's issue is untouched"
    assert "第7期" in (desk.folder / "city-out" / WEEK / "digest.md").read_text(encoding="utf-8")
    status = run("status", "--config", str(city))
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    (mine,) = [line for line in lines if "百千万版 (this config)" in line]
    assert "百千万工程周报" in mine and str(desk.folder / "city-out") in mine
    (other,) = [line for line in lines if line.strip().startswith("default ")]
    assert "上周，市委书记们关注了哪些内容？" in other
    assert any(WEEK in line and "build" in line and "ok" in line for line in lines), "the edition's own runs"


def _hold(code: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"  # type: ignore[union-attr]
    return holder


def test_a_build_of_an_issue_another_host_is_building_stops_with_exit_75(desk, tmp_path):
    holder = _hold(f"""
        import sys; from pathlib import Path; from weeklydigest.lock import issue_lock
        with issue_lock(Path({str(tmp_path)!r}), {WEEK!r}, store={desk.url!r}):
            print("held", flush=True); sys.stdin.readline()
        """)
    try:
        # Another output folder, as on another host: only the database sees the first build.
        elsewhere = write_config(tmp_path / "elsewhere.yaml", store=desk.url, output=tmp_path / "elsewhere")
        loser = run("build", "--config", str(elsewhere), "--week", WEEK, "--format", "json")
    finally:
        holder.communicate("done\n", timeout=30)
    assert loser.returncode == 75
    assert loser.stderr == (f"error: {WEEK} is being built by another process (pid {holder.pid} on "
                            f"{socket.gethostname()}); not building it twice\n")
    assert not (tmp_path / "elsewhere" / WEEK).exists()


def test_an_advisory_lock_dies_with_its_holder(desk, tmp_path):
    holder = _hold(f"""
        import sys; from pathlib import Path; from weeklydigest.lock import issue_lock
        with issue_lock(Path({str(tmp_path)!r}), "2025-W47", store={desk.url!r}, edition="百千万版"):
            print("held", flush=True); sys.stdin.readline()
        """)
    with pytest.raises(IssueLocked, match=rf"\(pid {holder.pid} on "), \
            issue_lock(tmp_path, "2025-W47", store=desk.url, edition="百千万版"):
        pass
    with issue_lock(tmp_path, "2025-W47", store=desk.url):  # another edition's build of the week is free
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    deadline = time.monotonic() + 30
    while True:
        try:
            with issue_lock(tmp_path, "2025-W47", store=desk.url, edition="百千万版"):
                break
        except IssueLocked:
            assert time.monotonic() < deadline, "the server never dropped the dead holder's lock"
            time.sleep(0.2)


def test_two_sends_of_one_issue_on_one_database_exclude_each_other(desk, tmp_path):
    config = load_config(desk.config)
    with send_lock(config, WEEK, out=tmp_path / "a"), pytest.raises(IssueLocked) as caught, \
            send_lock(config, WEEK, out=tmp_path / "b"):
        pass
    assert str(caught.value) == (f"{WEEK} is being sent by another process (pid {os.getpid()} on "
                                 f"{socket.gethostname()}); not sending it twice")
    with send_lock(config, WEEK, out=tmp_path / "b"):
        pass


def test_the_daemon_keeps_its_jobs_in_the_store_database(desk, tmp_path):
    drafted = tmp_path / "out" / "2025-W46"
    drafted.mkdir(parents=True)
    (drafted / "digest.json").write_text(json.dumps({"status": "draft", "generated": "2025-11-17T08:00:00+08:00"}))
    config = write_config(tmp_path / "daemon.yaml", store=desk.url, output=tmp_path / "out", edition="日报版",
                          schedule={"collect_every": "off", "build": {"day_of_week": "mon", "hour": 8}})
    daemon = subprocess.Popen([str(EXE), "schedule", "--config", str(config)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, **NOW})
    try:
        assert daemon.stdout.readline().startswith("schedule: build next at ")  # type: ignore[union-attr]
        status = run("status", "--config", str(config))
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=60)
    assert daemon.returncode == 0, err
    assert status.stdout.splitlines()[1].split()[0] == "build"
    engine = create_engine(StoreLocation(desk.url).url(), poolclass=NullPool)
    with engine.connect() as db:
        tables = [name for name in inspect(db).get_table_names() if name.startswith("apscheduler_jobs")]
        (table,) = tables
        assert db.execute(text(f"SELECT id FROM {table}")).scalars().all() == ["build"]
    engine.dispose()
    assert table != "apscheduler_jobs", "an edition's daemon keeps its own jobs"
    assert not (tmp_path / "schedule.sqlite").exists()


PASSWORD_ROLE = "weeklydigest_password"  # the role scripts/test-postgres.sh makes give a password


@pytest.fixture
def password_store() -> Iterator[str]:
    """The URL (without password) of a new database owned by a role that must log in with 'secret-pw'."""
    server = require_server()
    admin = create_engine(StoreLocation(server).url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        if db.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": PASSWORD_ROLE}).first() is None:
            db.execute(text(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'secret-pw'"))
    admin.dispose()
    for database in fresh_database(server):
        admin = create_engine(StoreLocation(database).url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with admin.connect() as db:
            db.execute(text(f"GRANT ALL ON SCHEMA public TO {PASSWORD_ROLE}"))
        admin.dispose()
        url = StoreLocation(database).url().set(username=PASSWORD_ROLE).render_as_string(hide_password=False)
        yield url.replace("postgresql+psycopg://", "postgresql://")


def test_the_password_comes_from_pgpassword_or_a_pgpass_file(password_store, tmp_path, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    try:
        Store(password_store).close()
    except StoreError as exc:
        refusal = str(exc)
    else:
        pytest.skip(f"the test server lets {PASSWORD_ROLE} in without a password (see scripts/test-postgres.sh)")
    assert refusal.startswith(f"store {password_store}: connection failed: ")
    assert refusal.endswith("no password supplied: give the password in the environment variable PGPASSWORD "
                            "or in ~/.pgpass")
    monkeypatch.setenv("PGPASSWORD", "secret-pw")
    with Store(password_store) as store:
        assert store.counts() == {"articles": 0, "versions": 0}
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:*:*:{PASSWORD_ROLE}:secret-pw\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with Store(password_store) as store:
        assert store.schema_version > 0


WRITER = """
import sys
from datetime import UTC, datetime
from weeklydigest.model import RawDocument
from weeklydigest.store import Store
url, word, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.stdin.readline()  # both writers start together
with Store(url) as store:
    for n in range(count):
        document = RawDocument(origin=f"http://e.cn/{n}", source=word, title=f"第{n}篇", url=f"http://e.cn/{n}",
                               published=None, body=word, fmt="text")
        store.put(document, text=f"{word}{n}", now=datetime.now(UTC))
"""


def test_two_writers_of_different_versions_of_the_same_articles_keep_both_and_store_each_once(postgres_url):
    Store(postgres_url).close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, postgres_url, word, "200"], stdin=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for word in ("甲", "乙")]
    for writer in writers:
        writer.stdin.write("go\n")  # type: ignore[union-attr]
        writer.stdin.flush()  # type: ignore[union-attr]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    with Store(postgres_url) as store:
        assert store.counts() == {"articles": 200, "versions": 400}
        for n in (0, 99, 199):
            assert sorted(text for _, _, text in store.versions(f"http://e.cn/{n}")) == [f"乙{n}", f"甲{n}"]
            assert [version for version, _, _ in store.versions(f"http://e.cn/{n}")] == [1, 2]


def test_doctor_and_status_leave_a_store_of_an_earlier_release_as_it_is(store_location, tmp_path):
    from .test_store import _set_version, _snapshot

    config = write_config(tmp_path / "digest.yaml", store=store_location, output=tmp_path / "out")
    assert run("collect", "--config", str(config)).returncode == 0
    _set_version(store_location, 5)  # as the release before editions left it
    before = _snapshot(store_location)
    doctor = run("doctor", "--config", str(config))
    assert f"store {store_location}: " in doctor.stdout and "integrity ok" in doctor.stdout, doctor.stdout
    status = run("status", "--config", str(config))
    assert status.returncode == 0, status.stderr
    assert "earlier release (schema 5)" in status.stdout
    assert json.loads(run("status", "--config", str(config), "--json").stdout)["store"]["articles"] > 0
    assert _snapshot(store_location) == before


def _synchronous_commit(store: Store) -> str:
    """Return the store's own session's `synchronous_commit` (the session its writes are made in)."""
    with store._read() as db:
        return str(db.execute(text("SHOW synchronous_commit")).scalar_one())


def test_a_collection_commits_without_waiting_for_the_disk_and_the_session_is_set_back_after(postgres_url):
    from weeklydigest.collect import collect_into
    from weeklydigest.config import HttpSettings, SourceConfig
    from weeklydigest.model import RawDocument

    from .content import TZ

    seen: list[str] = []

    class Watching:  # a progress display that looks at the store's session while the collection writes
        def begin(self, source: str) -> None: ...
        def expect(self, source: str, total: int) -> None: ...
        def end(self, source: str) -> None: ...

        def advance(self, source: str) -> None:
            seen.append(_synchronous_commit(store))

    with Store(postgres_url) as store:
        assert _synchronous_commit(store) == "on"
        collection = collect_into(store, (SourceConfig(name="样例周", kind="folder", path=SAMPLE),), tz=TZ,
                                  http=HttpSettings(), progress=Watching())
        assert collection.runs[0].new == 52 and store.counts()["articles"] == 52
        assert seen and set(seen) == {"off"}
        assert _synchronous_commit(store) == "on"
        # Set back when the block fails too, and what was written before the failure is kept.
        document = RawDocument(origin="x", source="s", title="标题", url="http://e.cn/x", published=None,
                               body="正文。", fmt="text")
        with pytest.raises(RuntimeError), store.ingesting():
            store.put(document, text="正文。", now=datetime.now(UTC))
            assert _synchronous_commit(store) == "off"
            raise RuntimeError("the collection stops")
        assert _synchronous_commit(store) == "on" and store.has("http://e.cn/x")
