"""The folder boundary: which entries below a folder may be read, and reading them without leaving it.

Every path is resolved before it is used. A link that leads outside the folder (to a file, a
folder, `/dev`, `/proc`), a link loop, a folder reached twice, a second name of a file already
read and a special file (FIFO, socket, device) are refused with their reason and never opened.
The walk is one pass over the tree: linear in the number of entries.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .guard import Unusable

_SPECIAL = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
            (stat.S_ISBLK, "block device"))


@dataclass(frozen=True)
class Entry:
    """A regular file inside the folder, checked, ready to be opened."""

    path: str  # resolved: no link left in it
    rel: str  # the path below the folder as walked, printable, with "/" between its parts
    identity: tuple[int, int] | None  # device and inode when checked: the file opened must be this one


@dataclass(frozen=True)
class Refused:
    """An entry that is not read, and why."""

    rel: str
    reason: str


class FolderError(Exception):
    """The folder itself cannot be read; the message is the one-line reason."""


def printable(name: str) -> str:
    """Return a file name as one printable line: undecodable bytes and control characters escaped."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
                   for c in text)


def walk(folder: Path, *, suffixes: frozenset[str]) -> Iterator[Entry | Refused]:
    """Yield the files below `folder` whose suffix is in `suffixes`, and every refused entry.

    The tree is walked in path order, then the links found in it. Names starting with "." are left
    out, as are files of other types. An entry is refused (rather than passed over) only when it
    could be an article: its name has an article suffix, or it is a folder.
    """
    try:
        root = os.path.realpath(folder, strict=True)
        top = os.stat(root)
    except OSError as exc:
        raise FolderError("folder not found" if isinstance(exc, FileNotFoundError)
                          else f"cannot read folder: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(top.st_mode):
        raise FolderError("not a folder")
    folders = {(top.st_dev, top.st_ino)}
    files: dict[tuple[int, int], str] = {}
    try:
        first = _listing(root)
    except OSError as exc:
        raise FolderError(f"cannot read folder: {exc.strerror or exc}") from None
    stack: list[tuple[str, Iterator[os.DirEntry[str]]]] = [("", iter(first))]
    # Links come after the whole tree: a file or folder is named by its real path, whatever links to it.
    links: list[tuple[str, os.DirEntry[str]]] = []
    while stack or links:
        if stack:
            prefix, entries = stack[-1]
            entry = next(entries, None)
            if entry is None:
                stack.pop()
                continue
            if entry.name.startswith("."):
                continue
            rel = prefix + printable(entry.name)
            if entry.is_symlink():
                links.append((rel, entry))
                continue
        else:
            rel, entry = links.pop(0)
        wanted = os.path.splitext(entry.name)[1].lower() in suffixes
        found = _check(entry, root=root, rel=rel)
        if isinstance(found, Refused):
            if wanted or (found.reason.startswith("symbolic link leads outside") and _is_dir(entry.path)):
                yield found
            continue
        real, info = found
        identity = (info.st_dev, info.st_ino)
        if stat.S_ISDIR(info.st_mode):
            if identity in folders:
                yield Refused(rel, "link loop: this folder is already being read")
                continue
            folders.add(identity)
            try:
                listing = _listing(real)
            except OSError as exc:
                yield Refused(rel, f"cannot read folder: {exc.strerror or exc}")
                continue
            stack.append((rel + "/", iter(listing)))
        elif not wanted:
            continue
        elif not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _SPECIAL if test(info.st_mode)), "special file")
            yield Refused(rel, f"not a regular file ({kind})")
        elif identity in files:
            yield Refused(rel, f"same file as {files[identity]}")
        else:
            files[identity] = rel
            yield Entry(path=real, rel=rel, identity=identity)


def _listing(path: str) -> list[os.DirEntry[str]]:
    with os.scandir(path) as entries:
        return sorted(entries, key=lambda e: e.name)


def _check(entry: os.DirEntry[str], *, root: str, rel: str) -> tuple[str, os.stat_result] | Refused:
    """Return the resolved path and status of an entry, or why it is refused."""
    try:
        if not entry.is_symlink():
            return entry.path, entry.stat(follow_symlinks=False)
        real = os.path.realpath(entry.path, strict=True)
    except FileNotFoundError:
        return Refused(rel, "broken symbolic link")
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return Refused(rel, "symbolic link loop")
        return Refused(rel, f"cannot read: {exc.strerror or exc}")
    if os.path.commonpath([root, real]) != root:
        return Refused(rel, "symbolic link leads outside the folder")
    try:
        return real, os.stat(real)
    except OSError as exc:
        return Refused(rel, f"cannot read: {exc.strerror or exc}")


def _is_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def read_bytes(path: str, *, limit: int, identity: tuple[int, int] | None = None) -> bytes:
    """Return the bytes of a regular file of at most `limit` bytes; raise Unusable otherwise."""
    with _open_checked(path, identity=identity) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise Unusable(f"file too large ({size:,} bytes, the limit is {limit:,}; limits.file_bytes)")
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise Unusable(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise Unusable(f"file too large (more than {limit:,} bytes; limits.file_bytes)")
    return data


def read_lines(path: str, *, limit: int, identity: tuple[int, int] | None = None) -> Iterator[tuple[int, bytes | None]]:
    """Yield (number, bytes) for each line of a regular file; a line of more than `limit` bytes as (number, None).

    The file is read as it is consumed, a line at a time: a long line is passed over, never held.
    """
    with _open_checked(path, identity=identity) as handle:
        number = 0
        while True:
            try:
                line = handle.readline(limit + 1)
            except OSError as exc:
                raise Unusable(f"cannot read file: {exc.strerror or exc}") from None
            if not line:
                return
            number += 1
            if len(line) <= limit or (line.endswith(b"\n") and len(line) == limit + 1):
                yield number, line
                continue
            while line and not line.endswith(b"\n"):  # the rest of the long line
                line = handle.readline(1 << 20)
            yield number, None


def _open_checked(path: str, *, identity: tuple[int, int] | None) -> BinaryIO:
    """Open a regular file for reading without following a link; it must still be the file that was checked."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise Unusable(f"cannot read file: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or (identity is not None and (info.st_dev, info.st_ino) != identity):
        os.close(fd)
        raise Unusable("file changed while it was being read")
    return os.fdopen(fd, "rb")
