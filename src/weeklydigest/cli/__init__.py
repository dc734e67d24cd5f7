"""The `weeklydigest` command: the one entry point; a DigestError becomes one line on stderr."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import traceback

from .. import __version__
from ..errors import BROKEN_PIPE, FAILURE, INTERRUPTED, ConfigError, DigestError
from . import build, collect, common, deliver, doctor, review, store

logger = logging.getLogger("weeklydigest")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# The cyclic garbage collector's thresholds for a process of the command line's own. A build holds a
# record per article of the week until it ends and makes few reference cycles; at the default
# thresholds the collector walks that growing heap again and again (a third of a first build of
# 30,000 articles, more at 100,000). Cycles are still collected, less often.
GC_THRESHOLDS = (50_000, 20, 100)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (see errors.py and the README).

    Without `argv` (the program itself, reading sys.argv) the garbage collector is tuned for it.
    """
    if argv is None:
        gc.freeze()  # what importing made lives as long as the process: never walked again
        gc.set_threshold(*GC_THRESHOLDS)
    # SIGTERM unwinds like Ctrl-C, so that temporary files are removed and locks released.
    signal.signal(signal.SIGTERM, _interrupt)
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.WARNING,
        format="%(levelname)s: %(message)s",
    )
    common.QUIET = args.quiet
    try:
        with common.quiet_stdout(args.quiet):
            code = int(args.handler(args) or 0)
            sys.stdout.flush()  # a closed pipe shows here, inside the handler's care
        return code
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return exc.exit_code
    except DigestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`weeklydigest status | head -n 1`): stop quietly, as a shell tool does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE
    except Exception as exc:  # a bug: still one line, the traceback with -v
        if args.verbose:
            traceback.print_exc()
        print(f"error: unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
              "(this is a bug; run again with -v for the details)", file=sys.stderr)
        return FAILURE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="weeklydigest", description="Weekly digest (周报) of Guangdong city news."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    noise.add_argument("-q", "--quiet", action="store_true",
                       help="print errors only (for cron: mail comes only when something needs a person)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (build, collect, doctor, review, deliver, store):
        group.add_commands(commands)
    return parser
