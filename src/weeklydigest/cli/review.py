"""The review & publish group: `review`, `approve`, `publish`, `hash-password`."""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import DigestError
from .common import add_config_options, load


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the review, approve, publish, hash-password commands."""
    review = commands.add_parser("review", help="run the review web app for editors")
    add_config_options(review)
    review.add_argument("--host", default="127.0.0.1")
    review.add_argument("--port", type=int, default=8765)
    review.set_defaults(handler=cmd_review)

    approve = commands.add_parser("approve", help="approve the edited draft of an issue")
    approve.add_argument("issue", help="issue id like 2025-W46")
    add_config_options(approve)
    approve.add_argument("--by", default=os.environ.get("USER") or "editor", help="who approves (default: $USER)")
    approve.set_defaults(handler=cmd_approve)

    publish = commands.add_parser("publish", help="publish an approved issue (or a correction of a published one)")
    publish.add_argument("issue", help="issue id like 2025-W46")
    add_config_options(publish)
    publish.add_argument("--by", default=os.environ.get("USER") or "editor", help="who publishes (default: $USER)")
    publish.add_argument("--correction", metavar="TEXT", help="publish a new revision with this 更正 note")
    publish.set_defaults(handler=cmd_publish)

    hash_password = commands.add_parser("hash-password", help="print a password hash for review.users")
    hash_password.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    hash_password.set_defaults(handler=cmd_hash_password)


def cmd_review(args: argparse.Namespace) -> int:
    from ..review.server import serve

    serve(load(args), host=args.host, port=args.port)
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from ..review.workflow import Review, check_issue

    issue = check_issue(args.issue)
    review = Review(load(args))
    review.approve(issue, by=args.by)
    state = review.state(issue)
    print(f"{issue}: approved by {args.by} ({len(state.edits)} edits, {len(state.orphaned)} orphaned)")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from ..review.workflow import Review, check_issue

    issue = check_issue(args.issue)
    review = Review(load(args))
    written = review.publish(issue, by=args.by, correction=args.correction)
    revision = review.state(issue).revision
    print(f"{issue}: published revision {revision} by {args.by}")
    for fmt, path in written.items():
        print(f"{fmt}: {path}")
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from ..review.auth import hash_password

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
