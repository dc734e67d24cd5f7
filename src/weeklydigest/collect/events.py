"""What a source yields while it is collected, besides RawDocument and Skipped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..model import RawDocument, Skipped
from ..store import Validators


class SourceError(Exception):
    """The whole source failed (feed unreachable, folder missing); the message is the one-line reason."""

    def __init__(self, reason: str, *, where: str) -> None:
        super().__init__(reason)
        self.where = where  # the path or URL that failed


@dataclass(frozen=True)
class Expect:
    """How many entries the source is about to deliver (for progress)."""

    count: int


@dataclass(frozen=True)
class Unchanged:
    """A known article the source still offers and that was not fetched again (304, or already stored)."""

    key: str


@dataclass(frozen=True)
class Validated:
    """The validators of a URL whose content has been delivered, for a conditional GET next time."""

    url: str
    validators: Validators


Event = RawDocument | Skipped | Expect | Unchanged | Validated


class Memory(Protocol):
    """What the feed and web sources ask the store."""

    def has(self, key: str) -> bool: ...

    def validators(self, url: str) -> Validators | None: ...
