"""Folder files as last read: a file whose size, modification time and content are unchanged is not read again.

The ledger answers for each file of a folder source before it is read: if the store's record of it
still matches (size and modification time, or else the content hash), what the file delivered
then (its article keys, or why it could not be used) is replayed instead of reading it. Otherwise
the file is read, and what it delivered is recorded once every document of it is in the store.
One query for the folder's records, then O(1) per file.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..config import LimitSettings
from ..model import Skipped
from ..store import FileRecord, Store
from ..store.derived import file_record
from ..understand.analysis import code_fingerprint, digest_of
from .boundary import Entry, read_bytes
from .events import Event, Unchanged
from .guard import Unusable

# A file modified this recently may change again within the same mtime tick: its content is checked.
RECENT_NS = 2_000_000_000


@dataclass
class Reading:
    """A file being read: what it has delivered so far."""

    record: FileRecord
    keys: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    outstanding: int = 0  # documents of it not in the store yet
    complete: bool = True  # False when a document could not be kept: the file is read again next time
    closed: bool = False  # every document of it has been delivered


class FileLedger:
    """The store's record of one folder source's files."""

    def __init__(self, store: Store, *, source: str, limits: LimitSettings) -> None:
        self.store, self.limits = store, limits
        # What a file delivers depends on the code that reads it and the limits: a change reads every file again.
        self.reader = digest_of(code_fingerprint("collect.folder"), limits)
        self._known = store.file_rows(f"{source}/")  # one query for the source's files, not one per file
        self._current: Reading | None = None
        self._closed: list[Reading] = []
        self.replayed = 0  # files not read again
        self.read = 0  # files read

    def unchanged(self, entry: Entry, origin: str) -> list[Event] | bytes | None:
        """Return what an unchanged file delivered when last read; else its bytes (read for its hash) or
        None: the file is to be read.

        Files are known by their origin (the source and the path below its folder), so a folder
        moved with its files' times kept is not read again.
        """
        self._close()
        name = origin
        try:
            stat = os.stat(entry.path)
        except OSError:
            return None  # the reader says why it cannot be read
        row = self._known.pop(name, None)
        record = file_record(row) if row is not None else None
        if record is not None and record.reader != self.reader:
            record = None
        fresh = time.time_ns() - stat.st_mtime_ns < RECENT_NS
        if record is not None and not fresh and (record.size, record.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return self._replay(record)
        try:
            data = read_bytes(entry.path, limit=self.limits.file_bytes, identity=entry.identity)
        except (OSError, Unusable):
            return None  # the reader says why
        digest = hashlib.sha1(data).hexdigest()
        if record is not None and record.sha1 == digest:
            # Touched, not changed: remember the new times, deliver what it delivered.
            self.store.save_file(FileRecord(name, stat.st_size, stat.st_mtime_ns, digest, self.reader, record.keys,
                                            record.skipped), now=datetime.now(UTC))
            return self._replay(record)
        self._current = Reading(FileRecord(name, stat.st_size, stat.st_mtime_ns, digest, self.reader, (), ()))
        self.read += 1
        return data

    def _replay(self, record: FileRecord) -> list[Event]:
        self.replayed += 1
        return [*(Unchanged(key) for key in record.keys), *(Skipped(where, reason) for where, reason in record.skipped)]

    def _owns(self, origin: str) -> bool:
        return self._current is not None and origin.split("#", 1)[0] == self._current.record.path

    def receive(self, origin: str) -> Reading | None:
        """Note a document of the file being read; return what to report its fate to."""
        if not self._owns(origin) or self._current is None:
            return None
        self._current.outstanding += 1
        return self._current

    def refused(self, where: str, reason: str) -> None:
        """Note that (part of) the file being read could not be used."""
        if self._owns(where) and self._current is not None:
            self._current.skipped.append((where, reason))

    @staticmethod
    def delivered(reading: Reading | None, key: str) -> None:
        """Note that a document is in the store under `key`."""
        if reading is not None:
            reading.keys.append(key)
            reading.outstanding -= 1

    @staticmethod
    def failed(reading: Reading | None) -> None:
        """Note that a document could not be kept: its file is read again next time."""
        if reading is not None:
            reading.complete = False
            reading.outstanding -= 1

    def _close(self) -> None:
        if self._current is not None:
            self._current.closed = True
            self._closed.append(self._current)
            self._current = None

    def settle(self) -> None:
        """Record the files read whose documents are all in the store."""
        done = [r for r in self._closed if r.outstanding <= 0 and r.complete]
        self._closed = [r for r in self._closed if r.outstanding > 0]
        if not done:
            return
        with self.store.batch():
            for reading in done:
                record = reading.record
                self.store.save_file(FileRecord(record.path, record.size, record.mtime_ns, record.sha1, self.reader,
                                                tuple(reading.keys), tuple(reading.skipped)), now=datetime.now(UTC))

    def finish(self) -> None:
        """Record what is left (after the last file)."""
        self._close()
        self.settle()
