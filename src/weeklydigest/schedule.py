"""The daemon: APScheduler 3 wiring only. Jobs run the CLI in a child process and are logged.

The jobs are kept in the store's own database when it is PostgreSQL (a table per edition), else
in `schedule.sqlite` beside the SQLite store.
"""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from . import clock
from .config import Config, load_config
from .errors import EMPTY_WEEK
from .lock import LOCKED_EXIT
from .store import DEFAULT_EDITION, StoreLocation
from .store.runlog import finish_run, start_run
from .week import IssueWeek, last_complete_week

logger = logging.getLogger(__name__)

BUILD_JOB = "weeklydigest.schedule:build_job"
COLLECT_JOB = "weeklydigest.schedule:collect_job"
CATCH_UP = "catch-up"

_children: set[subprocess.Popen[str]] = set()
_children_lock = threading.Lock()


def jobs_database(config: Config) -> Path:
    """Return the job store's SQLite file, next to the article store (for an SQLite store)."""
    return StoreLocation.of(config.store).path.with_name("schedule.sqlite")


def jobs_table(config: Config) -> str:
    """Return the table of the edition's jobs: each edition's daemon keeps its own."""
    if config.edition == DEFAULT_EDITION:
        return "apscheduler_jobs"
    return f"apscheduler_jobs_{hashlib.sha1(config.edition.encode('utf-8')).hexdigest()[:12]}"


def jobs_engine(config: Config) -> Any:
    """Return an engine on the job store: the store's own database for PostgreSQL, else `schedule.sqlite`."""
    from sqlalchemy import create_engine

    location = StoreLocation.of(config.store)
    if location.is_database:
        return create_engine(location.url(), pool_size=2)
    path = jobs_database(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    return create_engine(f"sqlite:///{path.resolve()}")


def draft_status(config: Config, week: IssueWeek) -> dict[str, Any] | None:
    """Return status and generated time of the issue's digest.json, or None if there is none."""
    return saved_status(config.output / week.issue / "digest.json")


def saved_status(path: Path) -> dict[str, Any] | None:
    """Return status, generated time and stats of a saved digest.json, or None if there is none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {"status": data.get("status"), "generated": data.get("generated", ""), "stats": data.get("stats", {})}


def needs_draft(config: Config, week: IssueWeek) -> str | None:
    """Return why the week needs no scheduled draft (already drafted, published), or None if it does."""
    status = draft_status(config, week)
    if status is None:
        return None
    if status["status"] == "published":
        return "published; never overwritten by a scheduled build"
    try:
        generated = datetime.fromisoformat(status["generated"]).date()
    except ValueError:
        return None
    # A draft made after the week ended already covers the whole week.
    return "already drafted after the week ended" if generated > week.end else None


def _run_child(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `weeklydigest ARGS` in its own session so a terminal's Ctrl-C reaches only the daemon."""
    child = subprocess.Popen(
        [sys.executable, "-m", "weeklydigest", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    with _children_lock:
        _children.add(child)
    try:
        stdout, stderr = child.communicate()
    finally:
        with _children_lock:
            _children.discard(child)
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


def _outcome(result: subprocess.CompletedProcess[str]) -> tuple[str, str | None]:
    last = (result.stderr.strip().splitlines() or [""])[-1].removeprefix("error: ")
    if result.returncode == 0:
        return "ok", None
    if result.returncode in (LOCKED_EXIT, EMPTY_WEEK):
        return "skipped", last
    if result.returncode < 0 or result.returncode == 130:  # killed, or unwound by SIGTERM/SIGINT
        return "abandoned", "stopped before it finished"
    return "failed", last or f"exit code {result.returncode}"


def build_job(config_path: str, trigger: str = "schedule") -> None:
    """Draft the issue of the week that just ended, unless it is drafted or published already."""
    config = load_config(Path(config_path))
    started = clock.now(config.tz)
    week = last_complete_week(started, tz=config.tz, week_starts=config.week_starts)
    run = start_run(config.store, kind="build", trigger=trigger, issue=week.issue, started=started,
                    edition=config.edition)
    reason = needs_draft(config, week)
    if reason:
        logger.info("build %s skipped: %s", week.issue, reason)
        finish_run(config.store, run, ended=clock.now(config.tz), outcome="skipped", error=reason,
                   edition=config.edition)
        return
    result = _run_child(["build", "--config", config_path, "--week", week.issue, "--no-run-log"])
    outcome, error = _outcome(result)
    status = draft_status(config, week) if outcome == "ok" else None
    counts = {k: v for k, v in (status or {}).get("stats", {}).items() if isinstance(v, int)}
    finish_run(config.store, run, ended=clock.now(config.tz), outcome=outcome, counts=counts, error=error,
               edition=config.edition)
    logger.info("build %s: %s%s", week.issue, outcome, f" ({error})" if error else "")


def collect_job(config_path: str, trigger: str = "schedule") -> None:
    """Collect every configured source into the store."""
    config = load_config(Path(config_path))
    run = start_run(config.store, kind="collect", trigger=trigger, issue=None, started=clock.now(config.tz),
                    edition=config.edition)
    result = _run_child(["collect", "--config", config_path])
    outcome, error = _outcome(result)
    summary = (result.stdout.strip().splitlines() or [""])[-1]
    finish_run(config.store, run, ended=clock.now(config.tz), outcome=outcome,
               counts={"summary": summary} if summary else None, error=error, edition=config.edition)


def _same_trigger(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if hasattr(a, "interval"):
        return bool(a.interval == b.interval)
    return repr(a) == repr(b)


def sync_jobs(scheduler: Any, config: Config, config_path: str) -> None:
    """Add the configured jobs that are missing and update changed ones; keep pending fire times."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    wanted: dict[str, tuple[str, Any, str]] = {
        "build": (BUILD_JOB, CronTrigger(**dict(config.schedule.build), timezone=config.tz), "builds"),
    }
    if config.schedule.collect_every:
        wanted["collect"] = (COLLECT_JOB, IntervalTrigger(seconds=config.schedule.collect_every,
                                                          timezone=config.tz), "collects")
    for job in scheduler.get_jobs():
        if job.id not in wanted and job.id != CATCH_UP:
            logger.info("removing job %s: no longer configured", job.id)
            job.remove()
    for job_id, (func, trigger, executor) in wanted.items():
        job = scheduler.get_job(job_id)
        if job is None:
            # Only what is missing is added: replacing a stored job would drop its missed run.
            scheduler.add_job(func, trigger, id=job_id, name=job_id, args=[config_path], executor=executor)
            continue
        if not _same_trigger(job.trigger, trigger):
            scheduler.reschedule_job(job_id, trigger=trigger)
        if list(job.args) != [config_path] or job.executor != executor:
            scheduler.modify_job(job_id, args=[config_path], executor=executor)


def next_fire_times(config: Config) -> list[tuple[str, datetime | None]]:
    """Return the stored jobs and their next fire times (None: paused), soonest first."""
    from sqlalchemy import column, inspect, select, table
    from sqlalchemy.exc import SQLAlchemyError

    location = StoreLocation.of(config.store)
    if not location.is_database and not jobs_database(config).exists():
        return []
    engine = jobs_engine(config)
    name = jobs_table(config)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(name):
                return []
            rows = conn.execute(select(column("id"), column("next_run_time")).select_from(table(name))).all()
    except SQLAlchemyError:
        return []
    finally:
        engine.dispose()
    jobs = [(job_id, datetime.fromtimestamp(ts, config.tz) if ts is not None else None) for job_id, ts in rows]
    return sorted(jobs, key=lambda j: (j[1] is None, j[1] or datetime.max.replace(tzinfo=config.tz)))


def sweep_partial_files(config: Config) -> int:
    """Remove temporary files an interrupted render left behind; return how many."""
    removed = 0
    for path in config.output.glob("*/.digest.*.tmp"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def run_daemon(config_path: Path) -> int:
    """Run until SIGTERM/SIGINT: collect on a cadence, draft every week, catch up after downtime."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    config = load_config(config_path)
    path = str(config_path.resolve())
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    sweep_partial_files(config)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=jobs_engine(config), tablename=jobs_table(config))},
        executors={"builds": ThreadPoolExecutor(1), "collects": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": int(config.schedule.misfire_grace_time)},
        timezone=config.tz,
    )
    scheduler.start(paused=True)
    sync_jobs(scheduler, config, path)
    week = last_complete_week(clock.now(config.tz), tz=config.tz, week_starts=config.week_starts)
    if draft_status(config, week) is None:
        logger.warning("%s has no draft yet: building it now", week.issue)
        scheduler.add_job(BUILD_JOB, "date", run_date=datetime.now(config.tz), id=CATCH_UP, name=CATCH_UP,
                          args=[path, CATCH_UP], executor="builds", replace_existing=True)
    scheduler.resume()
    for job_id, when in next_fire_times(config):
        print(f"schedule: {job_id} next at {when.isoformat(timespec='seconds') if when else 'paused'}", flush=True)
    stop.wait()
    print("schedule: stopping; no new jobs", flush=True)
    scheduler.shutdown(wait=False)
    _finish_or_abandon(config.schedule.shutdown_grace)
    sweep_partial_files(config)
    print("schedule: stopped", flush=True)
    return 0


def _finish_or_abandon(grace: float) -> None:
    """Let running jobs finish within `grace` seconds, then stop them (their writes are atomic)."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        with _children_lock:
            if not any(c.poll() is None for c in _children):
                return
        time.sleep(0.1)
    with _children_lock:
        running = [c for c in _children if c.poll() is None]
    for child in running:
        logger.warning("abandoning %s after %.0fs grace", " ".join(child.args[3:5]), grace)
        child.terminate()
    for child in running:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    time.sleep(0.2)  # let the job threads record the abandoned runs
