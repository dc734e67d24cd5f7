"""The daemon as a user runs it: a real `weeklydigest schedule` process with fast triggers."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from weeklydigest.config import ScheduleConfig, parse_config
from weeklydigest.errors import ConfigError
from weeklydigest.lock import IssueLock, IssueLocked

from .conftest import ROOT, SAMPLE

EXE = Path(sys.executable).with_name("weeklydigest")
# The daemon's clock starts on the Monday after the sample week, so "the week that just ended" is 2025-W46.
MONDAY_AFTER = "2025-11-17T09:00:00+08:00"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def write_config(folder: Path, *, build: dict[str, object], grace: str = "30s") -> Path:
    data = yaml.safe_load((ROOT / "config" / "digest.yaml").read_text(encoding="utf-8"))
    data |= {
        "store": str(folder / "state" / "store.sqlite"),
        "output": str(folder / "out"),
        "templates": str(ROOT / "templates"),
        "sources": [{"name": "样例周", "kind": "folder", "path": str(SAMPLE)}],
        "schedule": {"collect_every": "off", "build": build, "shutdown_grace": grace},
    }
    path = folder / "digest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def start_daemon(config: Path, *, now: str = MONDAY_AFTER) -> subprocess.Popen[str]:
    return subprocess.Popen([str(EXE), "schedule", "--config", str(config)], cwd=config.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "WEEKLYDIGEST_NOW": now})


def runs(folder: Path) -> list[dict[str, str]]:
    db = folder / "state" / "store.sqlite"
    if not db.exists():
        return []
    with sqlite3.connect(db, timeout=10) as connection:
        connection.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in connection.execute("SELECT * FROM runs ORDER BY id")]
        except sqlite3.OperationalError:
            return []


def stored_fire_time(folder: Path) -> float | None:
    """Return the build job's next fire time as the job store holds it, or None before it is stored."""
    db = folder / "state" / "schedule.sqlite"
    if not db.exists():
        return None
    try:
        with sqlite3.connect(db, timeout=10) as connection:
            row = connection.execute("SELECT next_run_time FROM apscheduler_jobs WHERE id = 'build'").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def wait_for(condition, *, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def stop(daemon: subprocess.Popen[str]) -> tuple[int, str, str]:
    daemon.send_signal(signal.SIGTERM)
    out, err = daemon.communicate(timeout=60)
    return daemon.returncode, out, err


def cron_at(moment: datetime) -> dict[str, object]:
    return {"day_of_week": "mon-sun", "hour": moment.hour, "minute": moment.minute, "second": moment.second}


def test_daemon_drafts_the_week_that_just_ended_and_stops_cleanly(tmp_path):
    config = write_config(tmp_path, build={"second": "*/2"})
    daemon = start_daemon(config)
    try:
        wait_for(lambda: any(r["outcome"] == "ok" for r in runs(tmp_path)))
        wait_for(lambda: sum(r["trigger"] == "schedule" for r in runs(tmp_path)) >= 2, timeout=20)
    finally:
        code, out, err = stop(daemon)
    assert code == 0, err
    assert "schedule: stopped" in out
    digest = json.loads((tmp_path / "out" / "2025-W46" / "digest.json").read_text(encoding="utf-8"))
    assert digest["status"] == "draft" and digest["stats"]["items"] > 0
    builds = [r for r in runs(tmp_path) if r["kind"] == "build"]
    assert [r["outcome"] for r in builds if r["outcome"] == "ok"] == ["ok"], "the week is drafted once"
    assert {r["error"] for r in builds if r["outcome"] == "skipped"} == {"already drafted after the week ended"}


def test_missed_build_is_caught_up_exactly_once_after_a_restart(tmp_path):
    # The W46 draft exists, so the first daemon has nothing to catch up; its build fires in 15 s, time
    # enough for a daemon to start and store the job on a loaded machine.
    drafted = tmp_path / "out" / "2025-W46"
    drafted.mkdir(parents=True)
    (drafted / "digest.json").write_text(json.dumps({"status": "draft", "generated": "2025-11-17T08:00:00+08:00"}))
    fire = (datetime.now(SHANGHAI) + timedelta(seconds=15)).replace(microsecond=0)
    config = write_config(tmp_path, build=cron_at(fire))
    first = start_daemon(config)
    wait_for(lambda: stored_fire_time(tmp_path) is not None, timeout=20)
    first.kill()  # a crash or a reboot: no clean shutdown
    assert stored_fire_time(tmp_path) == fire.timestamp(), "the job was stored before its fire time"
    first.wait(timeout=10)
    assert runs(tmp_path) == []
    wait_for(lambda: datetime.now(SHANGHAI) > fire + timedelta(seconds=1), timeout=20)
    # A week later (by the injected clock) the stored job's fire time has passed while nothing ran.
    second = start_daemon(config, now="2025-11-24T09:00:00+08:00")
    try:
        wait_for(lambda: sum(r["outcome"] not in ("running",) for r in runs(tmp_path)) >= 2)
        time.sleep(1.0)
    finally:
        code, _, err = stop(second)
    assert code == 0, err
    w47 = [r for r in runs(tmp_path) if r["issue"] == "2025-W47"]
    assert [r["outcome"] for r in w47].count("ok") == 1, w47
    assert {r["trigger"] for r in w47} == {"schedule", "catch-up"}, "the missed run fired, not dropped"
    assert (tmp_path / "out" / "2025-W47" / "digest.json").exists()


def test_sigterm_during_a_build_leaves_no_partial_files(tmp_path):
    config = write_config(tmp_path, build={"day_of_week": "sun", "hour": 3}, grace="0.5s")
    daemon = start_daemon(config)
    wait_for(lambda: any(r["outcome"] == "running" for r in runs(tmp_path)))
    time.sleep(0.8)
    code, out, err = stop(daemon)
    assert code == 0, err
    assert out.splitlines()[-2:] == ["schedule: stopping; no new jobs", "schedule: stopped"]
    folder = tmp_path / "out" / "2025-W46"
    leftovers = [p.name for p in folder.glob(".*")] if folder.exists() else []
    assert leftovers == []
    for path in folder.glob("digest.*") if folder.exists() else []:
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))  # whole, never half-written
    outcome = runs(tmp_path)[-1]["outcome"]
    assert outcome in ("abandoned", "ok")


def test_two_builds_of_one_week_one_wins_one_reports_the_lock(tmp_path):
    config = write_config(tmp_path, build={"day_of_week": "mon"})
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys; from pathlib import Path; from weeklydigest.lock import IssueLock\n"
        f"with IssueLock(Path({str(tmp_path / 'out')!r}), '2025-W46'):\n"
        "    print('held', flush=True); sys.stdin.readline()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    # The holder keeps the lock until the losing build has ended, however slow the machine is.
    loser = subprocess.run([str(EXE), "build", "--config", str(config), "--week", "2025-W46", "--format", "json"],
                           capture_output=True, text=True, timeout=120)
    holder.communicate("done\n", timeout=10)
    assert loser.returncode == 75
    assert loser.stderr.startswith("error: 2025-W46 is being built by another process (pid ")
    assert loser.stderr.count("\n") == 1
    winner = subprocess.run([str(EXE), "build", "--config", str(config), "--week", "2025-W46", "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert winner.returncode == 0, winner.stderr


def test_published_issue_is_never_overwritten(tmp_path):
    config = write_config(tmp_path, build={"day_of_week": "mon"})
    folder = tmp_path / "out" / "2025-W46"
    folder.mkdir(parents=True)
    published = json.dumps({"status": "published", "generated": "2025-11-17T08:00:00+08:00"})
    (folder / "digest.json").write_text(published)
    result = subprocess.run([str(EXE), "build", "--config", str(config), "--week", "2025-W46"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "2025-W46 is published" in result.stderr
    assert (folder / "digest.json").read_text() == published


def test_lock_is_exclusive_between_holders(tmp_path):
    with IssueLock(tmp_path, "2025-W46"), pytest.raises(IssueLocked, match="2025-W46 is being built"), \
            IssueLock(tmp_path, "2025-W46"):
        pass
    with IssueLock(tmp_path, "2025-W46"):
        pass  # released on exit: taken again


def test_schedule_config_refuses_numeric_weekdays(tmp_path):
    data = {"sections": [{"title": "a", "keywords": ["a"]}],
            "schedule": {"collect_every": "2x", "build": {"day_of_week": "0", "hour": 8}}}
    with pytest.raises(ConfigError) as caught:
        parse_config(data, path=tmp_path / "c.yaml")
    assert caught.value.problems == [
        "Config value 'schedule.collect_every': expected a duration like '90s', '30m', '2h' or '1d', got str '2x'",
        "Config value 'schedule.build.day_of_week': expected weekday names like 'mon' or 'mon-fri', got str '0'",
    ]


def test_schedule_defaults_draft_monday_at_eight():
    config = parse_config({"sections": [{"title": "a", "keywords": ["a"]}]}, path=Path("c.yaml"))
    assert config.schedule == ScheduleConfig()
    assert dict(config.schedule.build) == {"day_of_week": "mon", "hour": "8", "minute": "0"}
    assert config.schedule.misfire_grace_time == 6 * 3600
