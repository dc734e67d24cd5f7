"""What the commands share: the default config path, argument types, the week asked for, progress bars."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgressBars

from .. import clock
from ..collect.guard import one_line
from ..config import Config, SourceConfig, load_config
from ..model import Skipped
from ..week import IssueWeek, last_complete_week, parse_week, week_of

DEFAULT_CONFIG = Path("config/digest.yaml")
QUIET = False  # --quiet: errors only


@contextmanager
def quiet_stdout(quiet: bool) -> Iterator[None]:
    """Send what a command prints to nowhere with --quiet; errors still reach stderr."""
    if not quiet:
        yield
        return
    with open(os.devnull, "w", encoding="utf-8") as devnull, redirect_stdout(devnull):
        yield


def notice(text: str) -> None:
    """Print a line on stderr that is worth reading but needs nobody (a skipped file), unless --quiet."""
    if not QUIET:
        print(text, file=sys.stderr)


def add_config_options(parser: argparse.ArgumentParser) -> None:
    """Add --config FILE and --strict (unknown keys are errors) to a command."""
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="the config file (default: %(default)s)")
    parser.add_argument("--strict", action="store_true", help="refuse unknown config keys instead of warning")


def load(args: argparse.Namespace) -> Config:
    """Load the config the command line names."""
    return load_config(args.config, strict=args.strict)


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


def print_skipped(skipped: tuple[Skipped, ...] | list[Skipped]) -> None:
    """Print one line per skipped input on stderr (not with --quiet)."""
    for entry in skipped:
        notice(f"skipped: {one_line(entry.path_or_url, limit=300)}: {one_line(entry.reason, limit=300)}")


def failed_sources(names: list[str], total: int) -> str:
    return f"{len(names)} of {total} source{'s' if total != 1 else ''} failed ({', '.join(names)})"


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
