"""The `weeklydigest` command: the one entry point; a DigestError becomes one line on stderr."""

from __future__ import annotations

import argparse
import ctypes.util
import json
import logging
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgressBars
from rich.table import Table

from . import __version__, clock
from .collect.folder import SUFFIXES, read_file
from .collect.guard import describe, one_line
from .config import Config, SourceConfig, load_config
from .errors import ConfigError, DigestError
from .evaluate import MEASURES
from .lock import LOCKED_EXIT, IssueLock, IssueLocked
from .model import SUBSCRIBER_STATUSES, DateSpan, Skipped
from .render import FORMATS
from .store import Store, StoreError
from .store.runlog import finish_run, start_run
from .understand.clean import clean
from .understand.extract import extract
from .understand.sections import best_section, score_sections
from .week import IssueWeek, last_complete_week, parse_week, week_of

logger = logging.getLogger("weeklydigest")

DEFAULT_CONFIG = Path("config/digest.yaml")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    # SIGTERM unwinds like Ctrl-C, so that temporary files are removed and locks released.
    signal.signal(signal.SIGTERM, _interrupt)
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
    )
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except IssueLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return LOCKED_EXIT
    except DigestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="weeklydigest", description="Weekly digest (周报) of Guangdong city news."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="collect and build the issue of one week")
    build.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    when = build.add_mutually_exclusive_group()
    when.add_argument("--week", help="issue week like 2025-W46 (default: the last complete week)")
    when.add_argument("--date", type=_date, help="any day of the week to build, YYYY-MM-DD")
    build.add_argument("--source", type=Path, action="append", default=[],
                       help="build from this folder only (repeatable), read directly; the store is not used")
    build.add_argument("--out", type=Path, help="output folder (default: the config's, output/)")
    build.add_argument("--format", default=",".join(FORMATS),
                       help="comma-separated formats among html,pdf,md,json")
    # The daemon logs its own runs of build; its child processes must not log them twice.
    build.add_argument("--no-run-log", action="store_true", help=argparse.SUPPRESS)
    build.set_defaults(handler=cmd_build)

    collect = commands.add_parser("collect", help="collect the sources into the article store, without building")
    collect.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    collect.add_argument("--source", type=Path, action="append", default=[],
                         help="collect this folder (repeatable) instead of the config's sources")
    collect.set_defaults(handler=cmd_collect)

    doctor = commands.add_parser("doctor", help="check fonts, HarfBuzz subsetting, config and store")
    doctor.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    doctor.set_defaults(handler=cmd_doctor)

    inspect = commands.add_parser("inspect", help="show what the program understands of one article")
    inspect.add_argument("path", type=Path)
    inspect.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    inspect.add_argument("--date", type=_date,
                         help="the day the article is read on (places a month and day, never gives a year)")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    inspect.set_defaults(handler=cmd_inspect)

    schedule = commands.add_parser("schedule", help="run the daemon: collect on a cadence, draft every week")
    schedule.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    schedule.set_defaults(handler=cmd_schedule)

    status = commands.add_parser("status", help="show next scheduled runs, the last runs and source health")
    status.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    status.add_argument("--runs", type=int, default=10, help="how many recent runs to show")
    status.set_defaults(handler=cmd_status)
    review = commands.add_parser("review", help="run the review web app for editors")
    review.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    review.add_argument("--host", default="127.0.0.1")
    review.add_argument("--port", type=int, default=8765)
    review.set_defaults(handler=cmd_review)

    approve = commands.add_parser("approve", help="approve the edited draft of an issue")
    approve.add_argument("issue", help="issue id like 2025-W46")
    approve.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    approve.add_argument("--by", default=os.environ.get("USER") or "editor", help="who approves (default: $USER)")
    approve.set_defaults(handler=cmd_approve)

    publish = commands.add_parser("publish", help="publish an approved issue (or a correction of a published one)")
    publish.add_argument("issue", help="issue id like 2025-W46")
    publish.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    publish.add_argument("--by", default=os.environ.get("USER") or "editor", help="who publishes (default: $USER)")
    publish.add_argument("--correction", metavar="TEXT", help="publish a new revision with this 更正 note")
    publish.set_defaults(handler=cmd_publish)

    hash_password = commands.add_parser("hash-password", help="print a password hash for review.users")
    hash_password.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    hash_password.set_defaults(handler=cmd_hash_password)

    subscribers = commands.add_parser("subscribers", help="add, remove, list or import the e-mail subscribers")
    actions = subscribers.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add one subscriber")
    add.add_argument("address")
    add.add_argument("--name", default="")
    add.add_argument("--sections", help="comma-separated section titles they want (default: all)")
    remove = actions.add_parser("remove", help="delete a subscriber (their delivery log stays)")
    remove.add_argument("address")
    listing = actions.add_parser("list", help="list the subscribers")
    listing.add_argument("--status", choices=SUBSCRIBER_STATUSES)
    load = actions.add_parser("import", help="add the subscribers of a CSV file (address,name,sections)")
    load.add_argument("file", type=Path)
    for action in (add, remove, listing, load):
        action.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    subscribers.set_defaults(handler=cmd_subscribers)

    send = commands.add_parser("send", help="e-mail a published issue to the subscribers who do not have it yet")
    send.add_argument("issue", help="issue week like 2025-W46")
    send.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    send.add_argument("--out", type=Path, help="output folder holding <issue>/digest.json (default: the config's)")
    send.set_defaults(handler=cmd_send)

    evaluate = commands.add_parser("eval", help="build a week and score it against a gold file")
    evaluate.add_argument("--gold", type=Path, required=True, help="gold JSON (examples/gold/*.json)")
    evaluate.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    evaluate.add_argument("--week", help="issue week (default: the gold file's 'week')")
    evaluate.add_argument("--source", type=Path, action="append", default=[],
                          help="folder to read (repeatable; default: the gold file's 'source')")
    for measure in MEASURES:
        evaluate.add_argument(f"--min-{measure}", type=_share, metavar="SHARE",
                              help=f"fail when {measure} accuracy is below this share (0..1)")
    evaluate.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    evaluate.set_defaults(handler=cmd_eval)
    return parser


def cmd_subscribers(args: argparse.Namespace) -> int:
    from .deliver.subscribers import BadSubscriber, make_subscriber, normalise_address, read_csv

    config = load_config(args.config)
    now = clock.now(config.tz)
    with Store(config.store) as store:
        if args.action == "add":
            subscriber = make_subscriber(args.address, name=args.name, sections=args.sections, config=config)
            if not store.add_subscriber(subscriber, now=now):
                raise DigestError(f"{subscriber.address} is already a subscriber")
            print(f"added {subscriber.address} ({'、'.join(subscriber.sections) or 'all sections'})")
        elif args.action == "remove":
            try:
                address = normalise_address(args.address)
            except BadSubscriber:
                address = args.address.strip()
            if not store.remove_subscriber(address):
                raise DigestError(f"{address} is not a subscriber")
            print(f"removed {address}")
        elif args.action == "list":
            for s in store.subscribers(status=args.status):
                print(f"{s.address}\t{s.name}\t{s.status}\t{'、'.join(s.sections) or 'all'}")
        else:
            subscribers, problems = read_csv(args.file, config)
            added = 0
            for subscriber in subscribers:
                if store.add_subscriber(subscriber, now=now):
                    added += 1
                else:
                    problems.append(f"{args.file}: {subscriber.address} is already a subscriber")
            for problem in problems:
                print(f"skipped: {problem}", file=sys.stderr)
            print(f"imported {added} subscribers from {args.file}, {len(problems)} skipped")
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from .deliver import send_issue

    config = load_config(args.config)
    parse_week(args.issue, week_starts=config.week_starts)  # one line for a malformed issue id
    report = send_issue(config, args.issue, out=args.out)
    for line in report.bounced:
        print(f"bounced: {line}", file=sys.stderr)
    for line in report.failed:
        print(f"failed: {line}", file=sys.stderr)
    print(f"{report.issue}: {report.accepted} sent, {report.already} already sent before, "
          f"{len(report.bounced)} bounced, {len(report.failed)} to retry, of {report.subscribers} active "
          f"subscribers; {report.renders} PDFs rendered for section choices")
    if report.error:
        print(f"error: {report.error}", file=sys.stderr)
    return 0 if report.complete else 1


def _share(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share like 0.95, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None


def resolve_week(config: Config, *, week: str | None, day: date | None) -> IssueWeek:
    """Return the week asked for, or the last complete week in the config's time zone."""
    if week:
        return parse_week(week, week_starts=config.week_starts)
    if day:
        return week_of(day, week_starts=config.week_starts)
    return last_complete_week(clock.now(config.tz), tz=config.tz, week_starts=config.week_starts)


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_issue, write_outputs

    config = load_config(args.config)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise DigestError(f"unknown format {', '.join(unknown) or '(none)'}: expected some of {','.join(FORMATS)}")
    week = resolve_week(config, week=args.week, day=args.date)
    out = args.out or config.output
    with IssueLock(out, week.issue):
        _refuse_published(out / week.issue / "digest.json", week.issue)
        log = not args.no_run_log
        if log:
            run = start_run(config.store, kind="build", trigger="manual", issue=week.issue,
                            started=clock.now(config.tz))
        try:
            with _progress_display() as progress:
                digest = build_issue(config, week=week, sources=_folder_sources(args.source), progress=progress)
            written = write_outputs(digest, config, out=out, formats=formats)
        except BaseException as exc:
            if log:
                outcome = "abandoned" if isinstance(exc, KeyboardInterrupt) else "failed"
                finish_run(config.store, run, ended=clock.now(config.tz), outcome=outcome, error=str(exc) or outcome)
            raise
        if log:
            counts = {k: v for k, v in digest.stats.items() if isinstance(v, int)}
            finish_run(config.store, run, ended=clock.now(config.tz), outcome="ok", counts=counts)
    _print_skipped(digest.skipped)
    stats = digest.stats
    print(f"{digest.issue} ({digest.period.start} – {digest.period.end}): "
          f"{stats['items']} items in {len(digest.sections)} sections from {stats['in_week']} "
          f"articles of the week ({stats['articles_seen']} collected, {stats['duplicates']} duplicates, "
          f"{len(digest.unassigned)} unassigned, {stats['skipped']} skipped)")
    for fmt, path in written.items():
        print(f"{fmt}: {path}")
    failed = stats.get("sources_failed") or []
    if failed:
        print(f"error: {_failed_sources(failed, len(_folder_sources(args.source) or config.sources))}; the issue "
              "was written from the other sources and earlier collections", file=sys.stderr)
        return 1
    return 0


def _print_skipped(skipped: tuple[Skipped, ...] | list[Skipped]) -> None:
    """Print one line per skipped input on stderr."""
    for entry in skipped:
        print(f"skipped: {one_line(entry.path_or_url, limit=300)}: {one_line(entry.reason, limit=300)}",
              file=sys.stderr)


def _failed_sources(names: list[str], total: int) -> str:
    return f"{len(names)} of {total} source{'s' if total != 1 else ''} failed ({', '.join(names)})"


def _refuse_published(path: Path, issue: str) -> None:
    from .schedule import saved_status

    if (saved_status(path) or {}).get("status") == "published":
        raise DigestError(f"{issue} is published; its outputs are never overwritten (publish a correction instead)")


def cmd_review(args: argparse.Namespace) -> int:
    from .review.app import serve

    serve(load_config(args.config), host=args.host, port=args.port)
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from .review.workflow import Review, check_issue

    issue = check_issue(args.issue)
    review = Review(load_config(args.config))
    review.approve(issue, by=args.by)
    state = review.state(issue)
    print(f"{issue}: approved by {args.by} ({len(state.edits)} edits, {len(state.orphaned)} orphaned)")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from .review.workflow import Review, check_issue

    issue = check_issue(args.issue)
    review = Review(load_config(args.config))
    written = review.publish(issue, by=args.by, correction=args.correction)
    revision = review.state(issue).revision
    print(f"{issue}: published revision {revision} by {args.by}")
    for fmt, path in written.items():
        print(f"{fmt}: {path}")
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from .review.auth import hash_password

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise DigestError("the passwords differ")
    if len(password) < 8:
        raise DigestError("a password needs at least 8 characters")
    print(hash_password(password))
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from .schedule import run_daemon

    logging.getLogger("weeklydigest").setLevel(logging.INFO)
    return run_daemon(args.config)


def cmd_status(args: argparse.Namespace) -> int:
    from .schedule import next_fire_times
    from .store.runlog import last_runs

    config = load_config(args.config)
    print("next runs:")
    jobs = next_fire_times(config)
    for job_id, when in jobs:
        print(f"  {job_id:<10} {when.isoformat(timespec='seconds') if when else 'paused'}")
    if not jobs:
        print("  (no daemon has run with this config: weeklydigest schedule)")
    print("last runs:")
    runs = last_runs(config.store, limit=args.runs)
    for run in runs:
        counts = run["counts"]
        detail = run["error"] or counts.get("summary") or ", ".join(
            f"{k} {v}" for k, v in counts.items() if k in ("articles_seen", "in_week", "items", "duplicates"))
        print(f"  {run['started']}  {run['kind']:<8} {run['trigger']:<9} {run['issue'] or '':<9} "
              f"{run['outcome']:<9} {detail}")
    if not runs:
        print("  (none yet)")
    print_source_health(config)
    return 0


def _folder_sources(paths: list[Path]) -> tuple[SourceConfig, ...] | None:
    """Return the `--source` folders as sources, or None when none were given.

    A folder's source is named by the folder (its articles by that name and their path below it);
    two folders of the same name are told apart by a number.
    """
    sources: list[SourceConfig] = []
    names: set[str] = set()
    for path in paths:
        base = path.name or str(path)
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base} ({n})"
        names.add(name)
        sources.append(SourceConfig(name=name, kind="folder", path=path))
    return tuple(sources) or None


class _RichProgress:
    """Collection progress as rich progress bars, one per source."""

    def __init__(self, bars: RichProgressBars) -> None:
        self._bars = bars
        self._tasks: dict[str, TaskID] = {}

    def begin(self, source: str) -> None:
        self._tasks[source] = self._bars.add_task(source, total=None)

    def expect(self, source: str, total: int) -> None:
        self._bars.update(self._tasks[source], total=total)

    def advance(self, source: str) -> None:
        self._bars.advance(self._tasks[source])

    def end(self, source: str) -> None:
        task = self._tasks[source]
        done = next(t.completed for t in self._bars.tasks if t.id == task)
        self._bars.update(task, total=done, completed=done)


@contextmanager
def _progress_display() -> Iterator[_RichProgress | None]:
    """Show collection progress on stderr when it is a terminal; stay quiet otherwise (CI, cron)."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with RichProgressBars(*columns, console=Console(stderr=True)) as bars:
        yield _RichProgress(bars)


def cmd_collect(args: argparse.Namespace) -> int:
    from .collect import collect_into

    config = load_config(args.config)
    sources = _folder_sources(args.source) or config.sources
    if not sources:
        raise DigestError(f"nothing to collect: {args.config} has no sources and no --source was given")
    with Store(config.store) as store, _progress_display() as progress:
        collection = collect_into(store, sources, tz=config.tz, http=config.http, progress=progress,
                                  limits=config.limits)
        counts = store.counts()
    _print_skipped(collection.skipped)
    for run in collection.runs:
        print(f"{run.name}: {run.seen} seen, {run.new} new, {run.updated} updated, {run.skipped} skipped"
              + (f"; failed: {one_line(run.error)}" if run.error else ""))
    print(f"store {config.store}: {counts['articles']} articles, {counts['versions']} versions")
    if all(run.error for run in collection.runs):
        raise DigestError("every source failed; see above")
    if collection.failed:
        raise DigestError(f"{_failed_sources([r.name for r in collection.failed], len(collection.runs))}; "
                          "the others were collected")
    return 0


def print_source_health(config: Config) -> None:
    """Print a table of each source's health, under the store's size."""
    if not config.store.exists():
        print(f"store {config.store} does not exist yet: run 'weeklydigest collect' first")
        return
    with Store(config.store) as store:
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


def cmd_doctor(args: argparse.Namespace) -> int:
    from .render.pdf import missing_cjk_fonts

    problems = 0

    def report(ok: bool, what: str, fix: str = "") -> None:
        nonlocal problems
        problems += not ok
        print(f"[{'ok' if ok else 'MISSING'}] {what}" + ("" if ok else f" — {fix}"))

    missing = missing_cjk_fonts()
    report(not missing, "CJK fonts: Noto Serif CJK SC, Noto Sans CJK SC",
           f"not found: {', '.join(missing)}; apt-get install fonts-noto-cjk")
    report(bool(ctypes.util.find_library("harfbuzz-subset")), "HarfBuzz subsetting (libharfbuzz-subset0)",
           "apt-get install libharfbuzz-subset0 (without it PDF font subsetting is ~50x slower)")
    report(bool(ctypes.util.find_library("pango-1.0")), "Pango (libpango-1.0-0) for WeasyPrint",
           "apt-get install libpango-1.0-0 libpangoft2-1.0-0")
    try:
        import weasyprint

        report(True, f"WeasyPrint {weasyprint.__version__}")
    except (ImportError, OSError) as exc:
        report(False, "WeasyPrint", f"cannot load: {exc}")
    report(bool(shutil.which("pdftotext")), "poppler-utils (pdftotext, pdffonts) for checks",
           "apt-get install poppler-utils")
    try:
        config = load_config(args.config)
        report(True, f"config {args.config}: {len(config.sections)} sections, {len(config.sources)} sources")
        for source in config.sources:
            if source.kind == "folder" and source.path is not None:
                report(source.path.is_dir(), f"source {source.name}: folder {source.path}",
                       "folder not found")
        store_dir = config.store.parent if str(config.store.parent) else Path(".")
        writable = os.access(store_dir if store_dir.exists() else store_dir.parent or Path("."), os.W_OK)
        report(writable, f"store {config.store} (folder writable)", f"cannot write to {store_dir}")
        if config.store.exists():
            try:
                with Store(config.store) as store:
                    check, counts = store.integrity(), store.counts()
                report(check == "ok", f"store {config.store}: {counts['articles']} articles, integrity {check}",
                       "the store is damaged; move it aside and collect again")
            except StoreError as exc:
                report(False, f"store {config.store}", str(exc))
    except ConfigError as exc:
        for problem in exc.problems:
            report(False, "config", problem)
    print("all good" if problems == 0 else f"{problems} problem(s) found")
    return 0 if problems == 0 else 1


def cmd_inspect(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    path: Path = args.path
    if not path.is_file():
        raise DigestError(f"{path}: no such file")
    if path.suffix.lower() not in SUFFIXES:
        raise DigestError(f"{path}: not an article file (expected {', '.join(sorted(SUFFIXES))})")
    documents, skipped = read_file(path, source="inspect", tz=config.tz, limits=config.limits)
    if not documents:
        raise DigestError(f"{path}: {skipped[0].reason if skipped else 'no article found'}")
    from .build import reading_aids

    fallback = args.date or date.today()
    rules, roster = reading_aids(config)
    reports = []
    for document in documents:
        try:
            article = extract(clean(document, spam=rules), fallback=fallback, roster=roster)
            scores = score_sections(article, config.sections, set_phrases=config.set_phrases,
                                    set_patterns=config.set_patterns, weights=config.section_weights)
        except Exception as exc:  # e.g. a date no calendar holds: one line, as for a file that cannot be read
            raise DigestError(f"{one_line(document.origin)}: cannot be understood: {describe(exc)}") from None
        best = best_section(scores, min_score=config.min_score)
        reports.append({
            "origin": document.origin,
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "text": article.text,
            "removed": [{"text": r.text, "reason": r.reason, "detail": r.detail} for r in article.removed],
            "dates": [{"text": d.text, "start": d.start.isoformat(), "end": d.end.isoformat(), "offset": d.offset,
                       "year_known": d.year_known} | ({"kind": d.kind} if d.kind else {}) for d in article.dates],
            "event_date": article.event_date.isoformat() if article.event_date else None,
            "event_end": article.event_end.isoformat() if article.event_end else None,
            "cities": list(article.cities),
            "city": article.city,
            "officials": [{"name": o.name, "title": o.title, "city": o.city, "note": o.note, "role": o.role}
                          for o in article.officials],
            "mentioned": [{"name": o.name, "title": o.title, "city": o.city, "role": o.role}
                          for o in article.mentioned],
            "publication": article.publication.isoformat() if article.publication else None,
            "undated_guess": _undated_guess(article.undated),
            "sections": [{"title": s.title, "score": s.score, "why": list(s.why)} for s in scores],
            "section": best.title if best else None,
            "warnings": list(article.warnings),
            "flagged": [{"start": start, "end": end, "text": article.text[start:end]}
                        for start, end in article.flagged],
        })
    if args.json:
        payload = reports[0] if len(reports) == 1 else {"articles": reports}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for report in reports:
        _print_inspection(report)
    return 0


def _undated_guess(span: DateSpan | None) -> dict[str, str] | None:
    """Return the month and day of an event whose year is unknown (ISO `--MM-DD`), for editors."""
    if span is None:
        return None
    return {"text": span.text, "start": f"--{span.start:%m-%d}", "end": f"--{span.end:%m-%d}"}


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_build, load_gold

    config = load_config(args.config)
    gold = load_gold(args.gold)
    week_id = args.week or gold.get("week")
    if not week_id:
        raise DigestError(f"gold file {args.gold}: no 'week'; give --week")
    week = parse_week(week_id, week_starts=config.week_starts)
    folders = args.source or ([_gold_source(args.gold, gold["source"])] if gold.get("source") else [])
    if not folders:
        raise DigestError(f"gold file {args.gold}: no 'source' folder; give --source")
    sources = tuple(SourceConfig(name=p.name, kind="folder", path=p) for p in folders)
    learned = None
    if config.store.exists():
        from .understand.learn import learn

        # The editors' section corrections of earlier weeks, as a build of this week would use them.
        with Store(config.store) as store:
            learned = learn(store.examples(before=week.issue))
    evaluation = evaluate_build(config, gold, week=week, sources=sources, learned=learned)
    without = evaluate_build(config, gold, week=week, sources=sources) if learned else None
    thresholds = {m: getattr(args, f"min_{m}") for m in MEASURES if getattr(args, f"min_{m}") is not None}
    failed = evaluation.below(thresholds)
    effect = ""
    if learned and without:
        n = learned.total
        effect = (f"learned from {n} editor correction{'s' if n != 1 else ''}: section "
                  f"{evaluation.scores['section'].accuracy:.1%} ({without.scores['section'].accuracy:.1%} without)")
    if args.json:
        payload = evaluation.to_json(thresholds)
        if learned and without:
            payload["learned"] = {"corrections": learned.total, "section": evaluation.scores["section"].accuracy,
                                  "section_without": without.scores["section"].accuracy}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(f"{week.issue} ({week.start} – {week.end}) against {args.gold}")
        print(evaluation.table(thresholds))
        if effect:
            print(effect)
        for line in evaluation.miss_lines():
            print(f"  miss: {line}")
    for measure in failed:
        score = evaluation.scores[measure]
        print(f"error: {measure} {score.accuracy:.1%} is below {thresholds[measure]:.1%}", file=sys.stderr)
    return 1 if failed else 0


def _gold_source(gold_path: Path, source: str) -> Path:
    """Return the gold file's source folder: as given when it exists, else relative to the project."""
    path = Path(source)
    if path.is_absolute() or path.exists():
        return path
    root = gold_path.resolve().parents[2] if len(gold_path.resolve().parents) > 2 else Path.cwd()
    return root / path


def _date_line(found: dict) -> str:  # type: ignore[type-arg]
    """Return one found date as `text → start..end`; a day without a known year as `--MM-DD`, with its kind."""
    start, end = found["start"], found["end"]
    if not found.get("year_known", True):
        start, end = f"--{start[5:]}", f"--{end[5:]}"
    kind = f" ({found['kind']})" if found.get("kind") else ""
    return f"{found['text']} → {start}" + ("" if end == start else f"..{end}") + kind


def _print_inspection(report: dict) -> None:  # type: ignore[type-arg]
    print(f"title:     {report['title']}")
    print(f"published: {report['published'] or '-'}")
    guess = report["undated_guess"]
    event = report["event_date"] or (f"- (year not on the page: {guess['text']}, {guess['start']})" if guess else "-")
    print(f"event:     {event}   city: {report['city'] or '-'}")
    print("dates:     " + ("; ".join(_date_line(d) for d in report["dates"]) or "-"))
    print("cities:    " + ("、".join(report["cities"]) or "-"))
    officials = [f"{o['title']} {o['name']} ({o['city'] or '?'}{', ' + o['note'] if o['note'] else ''})"
                 for o in report["officials"]]
    print("officials: " + ("；".join(officials) or "-"))
    if report["mentioned"]:
        print("mentioned: " + "；".join(f"{o['title']} {o['name']} ({o['role']})" for o in report["mentioned"]))
    for warning in report["warnings"]:
        print(f"warning:   {warning}")
    for flagged in report["flagged"]:
        print(f"flagged:   {flagged['text'][:80]} (text lost in a garble; check against the source)")
    print("sections:")
    for s in report["sections"]:
        mark = "→" if s["title"] == report["section"] else " "
        print(f"  {mark} {s['title']}: {s['score']:g} ({'; '.join(s['why'])})")
    print(f"removed ({len(report['removed'])}):")
    for r in report["removed"]:
        detail = f" ({r['detail']})" if r["detail"] else ""
        print(f"  [{r['reason']}]{detail} {r['text'][:80]}")
    print("text:")
    for paragraph in report["text"].split("\n"):
        print(f"  {paragraph}")
