"""The store group: `store migrate --to URL`, and the editions part of `status`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from ..config import Config
from ..errors import DigestError, UsageError
from ..store import Store, StoreLocation, check_store, url_problem
from ..store.copy import copy_store, same_store
from .common import add_config_options, load


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `store migrate`."""
    store = commands.add_parser("store", help="copy the article store into another one (e.g. PostgreSQL)")
    actions = store.add_subparsers(dest="action", required=True, metavar="ACTION")
    migrate = actions.add_parser("migrate", help="copy every edition's articles, reviews, subscribers, deliveries "
                                 "and runs into another store; run again to copy what is new")
    migrate.add_argument("--to", required=True, metavar="URL", help="the target: postgresql://user@host:port/db "
                         "(password in PGPASSWORD or ~/.pgpass), or the path of an SQLite file")
    migrate.add_argument("--from", dest="source", metavar="PATH", help="the store to copy (default: the config's)")
    add_config_options(migrate)
    migrate.set_defaults(handler=cmd_store_migrate)


def cmd_store_migrate(args: argparse.Namespace) -> int:
    source = StoreLocation.of(args.source) if args.source else StoreLocation.of(load(args).store)
    target = StoreLocation.of(args.to)
    if target.is_database and (problem := url_problem(target.text)):
        raise UsageError(f"store migrate --to: {problem}")
    if not source.exists():
        raise DigestError(f"store {source} does not exist: nothing to copy")
    if same_store(source, target):
        raise UsageError(f"store migrate: {target} is the store being copied; give another --to")
    with Store(source) as old, Store(target) as new:
        def progress(table: str, copied: int, already: int) -> None:
            print(f"{table}: {copied} copied" + (f", {already} already there" if already else ""))

        report = copy_store(old, new, progress=progress)
    copied, already = sum(report.copied.values()), sum(report.already.values())
    print(f"store {source} → {target}: {copied} rows copied, {already} already there")
    return 0


def editions_json(config: Config) -> list[dict[str, Any]]:
    """Return the editions of the config's store as `status --json` shows them."""
    opened = check_store(config)
    if opened is None:
        return []
    with opened as store:
        if not store.is_current:
            return []  # a store of an earlier release has no editions until it is migrated
        return [asdict(edition) | {"this_config": edition.name == config.edition} for edition in store.editions()]


def print_editions(config: Config) -> None:
    """Print the editions of the config's store: the configs that share it, their issues and subscribers."""
    opened = check_store(config)
    if opened is None:
        return
    with opened as store:
        if not store.is_current:
            print(f"store {config.store} is of an earlier release (schema {store.schema_version}): "
                  "the next collect or build brings it up to date")
            return
        editions = store.editions()
    table = Table("edition", "title", "output", "drafts", "published", "subscribers", "last build",
                  box=box.SIMPLE_HEAD, title=f"editions of store {config.store}")
    for edition in editions:
        mark = " (this config)" if edition.name == config.edition else ""
        table.add_row(edition.name + mark, edition.title, edition.output, str(edition.drafted),
                      str(edition.published), str(edition.subscribers), edition.last_build or "never")
    Console(width=None if sys.stdout.isatty() else 200, highlight=False).print(table)
