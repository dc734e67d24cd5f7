"""The subscribers & send group: `subscribers add|remove|list|import`, `send`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import clock
from ..errors import DigestError
from ..model import SUBSCRIBER_STATUSES
from ..store import open_store
from ..week import parse_week
from .common import add_config_options, load


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the subscribers, send commands."""
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
        add_config_options(action)
    subscribers.set_defaults(handler=cmd_subscribers)

    send = commands.add_parser("send", help="e-mail a published issue to the subscribers who do not have it yet")
    send.add_argument("issue", help="issue week like 2025-W46")
    add_config_options(send)
    send.add_argument("--out", type=Path, help="output folder holding <issue>/digest.json (default: the config's)")
    send.set_defaults(handler=cmd_send)


def cmd_subscribers(args: argparse.Namespace) -> int:
    from ..deliver.subscribers import BadSubscriber, make_subscriber, normalise_address, read_csv

    config = load(args)
    now = clock.now(config.tz)
    with open_store(config) as store:
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
    from ..deliver import send_issue

    config = load(args)
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
