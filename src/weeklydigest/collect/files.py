"""Folder files as last read: a file whose size, modification time and content are unchanged is not read again.

The ledger answers for each file of a folder source before it is read: if the store's record of it
still matches (size and modification time, or else the content hash), what the file delivered
then (its article keys, or why it could not be used) is replayed instead of reading it. Otherwise
the file is read, and what it delivers is recorded once the next file is asked about. O(1) store
queries per file.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from ..model import Skipped
from ..store import FileRecord, Store
from ..store.derived import file_record
from ..understand.analysis import code_fingerprint
from .events import Event, Unchanged

# A file modified this recently may change again within the same mtime tick: its content is checked.
RECENT_NS = 2_000_000_000


class FileLedger:
    """The store's record of one folder source's files."""

    def __init__(self, store: Store, folder: Path) -> None:
        self.store = store
        self._known = store.file_rows(os.path.abspath(folder))  # one query for the folder, not one per file
        # What a file delivers depends on the code that reads it: a new reader reads every file again.
        self.reader = code_fingerprint("collect.folder")
        self._pending: FileRecord | None = None
        self._complete = True
        self._keys: list[str] = []
        self._skipped: list[tuple[str, str]] = []
        self.replayed = 0  # files not read again
        self.read = 0  # files read

    def unchanged(self, path: Path) -> list[Event] | None:
        """Return what an unchanged file delivered when last read, or None: the file is to be read."""
        self.finish()
        name = os.path.abspath(path)
        try:
            stat = os.stat(name)
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
            digest = hashlib.sha1(Path(name).read_bytes()).hexdigest()
        except OSError:
            return None
        if record is not None and record.sha1 == digest:
            # Touched, not changed: remember the new times, deliver what it delivered.
            self.store.save_file(FileRecord(name, stat.st_size, stat.st_mtime_ns, digest, self.reader, record.keys,
                                            record.skipped), now=datetime.now(UTC))
            return self._replay(record)
        self._pending = FileRecord(name, stat.st_size, stat.st_mtime_ns, digest, self.reader, (), ())
        self.read += 1
        return None

    def _replay(self, record: FileRecord) -> list[Event]:
        self.replayed += 1
        return [*(Unchanged(key) for key in record.keys), *(Skipped(where, reason) for where, reason in record.skipped)]

    def delivered(self, origin: str, key: str) -> None:
        """Note that the file being read delivered the article stored under `key`."""
        if self._owns(origin):
            self._keys.append(key)

    def refused(self, where: str, reason: str) -> None:
        """Note that (part of) the file being read could not be used."""
        if self._owns(where):
            self._skipped.append((where, reason))

    def failed(self, origin: str) -> None:
        """Note that a document of the file being read could not be kept: the file is read again next time."""
        if self._owns(origin):
            self._complete = False

    def _owns(self, origin: str) -> bool:
        return self._pending is not None and origin.split("#", 1)[0] == self._pending.path

    def finish(self) -> None:
        """Record what the file last read delivered (called before the next file and at the end)."""
        if self._pending is None:
            return
        record = self._pending
        if self._complete:
            self.store.save_file(FileRecord(record.path, record.size, record.mtime_ns, record.sha1, self.reader,
                                            tuple(self._keys), tuple(self._skipped)), now=datetime.now(UTC))
        self._pending, self._keys, self._skipped, self._complete = None, [], [], True
