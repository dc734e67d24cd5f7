"""The errors the CLI reports as one line, and the exit code each one ends the command with.

Every error the user can act on is a DigestError; `weeklydigest.cli.main` catches it once, prints
`error: <message>` on stderr and exits with its `exit_code`. The codes are documented in the README.
"""

from __future__ import annotations

OK = 0
FAILURE = 1  # the command could not do its job (see the message)
USAGE = 2  # a wrong argument or an invalid config file
EMPTY_WEEK = 3  # the week has no article: no issue was written
LOCKED = 75  # EX_TEMPFAIL: another process holds the lock; try again later
BROKEN_PIPE = 141  # the reader of our output went away (`| head`), as a shell reports SIGPIPE
INTERRUPTED = 130  # Ctrl-C or SIGTERM


class DigestError(Exception):
    """A fatal problem the user can act on; the message is one line that says what to do."""

    exit_code = FAILURE


class UsageError(DigestError):
    """A command-line argument cannot be used (a malformed week, an output folder that is a file)."""

    exit_code = USAGE


class ConfigError(DigestError):
    """The configuration is invalid; `problems` lists every problem found."""

    exit_code = USAGE

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class RenderError(DigestError):
    """An output could not be rendered (missing font, template error)."""


class StoreError(DigestError):
    """The store cannot be opened, read or written (a damaged file, a folder that cannot be created)."""


class EmptyWeek(DigestError):
    """The week has no article: nothing is written, numbered or announced."""

    exit_code = EMPTY_WEEK


class Locked(DigestError):
    """Another process holds the lock of what this command would write."""

    exit_code = LOCKED
