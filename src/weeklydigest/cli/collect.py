"""The collect & status group: `collect`, `status`, `schedule`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from ..collect.guard import one_line
from ..config import Config
from ..errors import DigestError
from ..store import check_store, open_store
from .common import _folder_sources, _progress_display, add_config_options, failed_sources, load, print_skipped
from .store import editions_json, print_editions


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the collect, schedule, status commands."""
    collect = commands.add_parser("collect", help="collect the sources into the article store, without building")
    add_config_options(collect)
    collect.add_argument("--source", type=Path, action="append", default=[],
                         help="collect this folder (repeatable) instead of the config's sources")
    collect.set_defaults(handler=cmd_collect)

    schedule = commands.add_parser("schedule", help="run the daemon: collect on a cadence, draft every week")
    add_config_options(schedule)
    schedule.set_defaults(handler=cmd_schedule)

    status = commands.add_parser("status", help="show next scheduled runs, the last runs, source health and the "
                                   "store's editions")
    add_config_options(status)
    status.add_argument("--runs", type=int, default=10, help="how many recent runs to show")
    status.add_argument("--json", action="store_true", help="print one JSON object (next_runs, runs, store, editions)")
    status.set_defaults(handler=cmd_status)


def cmd_collect(args: argparse.Namespace) -> int:
    from ..collect import collect_into
    from ..understand.analysis import Analyser

    config = load(args)
    sources = _folder_sources(args.source) or config.sources
    if not sources:
        raise DigestError(f"nothing to collect: {args.config} has no sources and no --source was given")
    with open_store(config) as store, _progress_display() as progress:
        collection = collect_into(store, sources, tz=config.tz, http=config.http, progress=progress,
                                  limits=config.limits, analyser=Analyser(config))
        counts = store.counts()
    print_skipped(collection.skipped)
    for run in collection.runs:
        print(f"{run.name}: {run.seen} seen, {run.new} new, {run.updated} updated, {run.skipped} skipped"
              + (f"; failed: {one_line(run.error)}" if run.error else ""))
    print(f"store {config.store}: {counts['articles']} articles, {counts['versions']} versions")
    if all(run.error for run in collection.runs):
        raise DigestError("every source failed; see above")
    if collection.failed:
        raise DigestError(f"{failed_sources([r.name for r in collection.failed], len(collection.runs))}; "
                          "the others were collected")
    return 0


def print_source_health(config: Config) -> None:
    """Print a table of each source's health, under the store's size."""
    opened = check_store(config)
    if opened is None:
        print(f"store {config.store} does not exist yet: run 'weeklydigest collect' first")
        return
    with opened as store:
        health = {h.name: h for h in store.health()}
        counts = store.counts()
    table = Table("source", "kind", "last success", "last error", "seen", "new", "updated", "skipped", "stored",
                  box=box.SIMPLE_HEAD, title=f"store {config.store}: {counts['articles']} articles, "
                  f"{counts['versions']} versions")
    configured = [s.name for s in config.sources]
    for name in configured + sorted(set(health) - set(configured)):
        source = next((s for s in config.sources if s.name == name), None)
        h = health.get(name)
        label = name if source else f"{name} (not in config)"
        if h is None:
            table.add_row(label, source.kind if source else "", "never run", "", "", "", "", "", "")
            continue
        error = f"{_when(h.last_error_at, config)} {h.last_error}" if h.last_error else ""
        table.add_row(label, h.kind, _when(h.last_success, config) or "never", error, str(h.seen), str(h.new),
                      str(h.updated), str(h.skipped), str(h.stored))
    console = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
    console.print(table)


def _when(moment: datetime | None, config: Config) -> str:
    return moment.astimezone(config.tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def cmd_schedule(args: argparse.Namespace) -> int:
    from ..schedule import run_daemon

    load(args)  # refuse a broken config (and with --strict, unknown keys) before starting
    logging.getLogger("weeklydigest").setLevel(logging.INFO)
    return run_daemon(args.config)


def cmd_status(args: argparse.Namespace) -> int:
    from ..schedule import next_fire_times
    from ..store.runlog import last_runs

    config = load(args)
    jobs = next_fire_times(config)
    runs = last_runs(config.store, limit=args.runs, edition=config.edition)
    if args.json:
        print(json.dumps(_status_json(config, jobs, runs), ensure_ascii=False, indent=2))
        return 0
    print("next runs:")
    for job_id, when in jobs:
        print(f"  {job_id:<10} {when.isoformat(timespec='seconds') if when else 'paused'}")
    if not jobs:
        print("  (no daemon has run with this config: weeklydigest schedule)")
    print("last runs:")
    for run in runs:
        counts = run["counts"]
        detail = run["error"] or counts.get("summary") or ", ".join(
            f"{k} {v}" for k, v in counts.items() if k in ("articles_seen", "in_week", "items", "duplicates"))
        print(f"  {run['started']}  {run['kind']:<8} {run['trigger']:<9} {run['issue'] or '':<9} "
              f"{run['outcome']:<9} {detail}")
    if not runs:
        print("  (none yet)")
    print_source_health(config)
    print_editions(config)
    return 0


def _status_json(config: Config, jobs: list[tuple[str, datetime | None]], runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Return what `status` shows as one JSON object: next runs, last runs, the store and its sources' health."""
    checked = check_store(config)
    store: dict[str, Any] = {"path": str(config.store), "exists": checked is not None, "sources": []}
    if checked is not None:
        with checked as opened:
            health = {h.name: h for h in opened.health()}
            store |= opened.counts()
        configured = [s.name for s in config.sources]
        for name in configured + sorted(set(health) - set(configured)):
            h = health.get(name)
            entry: dict[str, Any] = {"name": name, "configured": name in configured}
            if h is not None:
                entry |= {k: (v.isoformat(timespec="seconds") if isinstance(v, datetime) else v)
                          for k, v in asdict(h).items() if k != "name"}
            store["sources"].append(entry)
    return {
        "next_runs": [{"job": job_id, "at": when.isoformat(timespec="seconds") if when else None}
                      for job_id, when in jobs],
        "runs": runs,
        "store": store,
        "editions": editions_json(config),
    }
