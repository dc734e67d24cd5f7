"""The `weeklydigest` command: the one entry point; a DigestError becomes one line on stderr."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from .. import __version__
from ..errors import ConfigError, DigestError
from ..lock import LOCKED_EXIT, IssueLocked
from . import build, collect, deliver, doctor, review

logger = logging.getLogger("weeklydigest")


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
    for group in (build, collect, doctor, review, deliver):
        group.add_commands(commands)
    return parser
