"""Preview files of the edited issue, rendered once per digest state and served from disk until it changes.

A preview is named by a hash of what decides it: the edited digest as JSON (the machine's draft, every
edit, the status and revision) and the files of the template folder. An edit or a rebuild changes the
hash, so the next request renders anew; the file of the previous state is removed then. After an edit
the app asks for the new PDF in the background, so that it is usually ready when an editor opens it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..config import Config
from ..errors import DigestError
from ..model import Digest
from ..render import atomic_write, render_json
from ..render.view import template_folder

logger = logging.getLogger(__name__)

FORMATS = ("html", "pdf")


class Previews:
    """The preview cache of a config's issues, in `<output>/.previews/<issue>/`."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.folder = config.output / ".previews"
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._worker: ThreadPoolExecutor | None = None
        self._queued: set[str] = set()
        self._config_hash = hashlib.sha256(repr(config).encode("utf-8")).digest()  # title, author, terms …

    def key(self, digest: Digest) -> str:
        """Return the name of the digest's previews: a hash of the digest and the templates."""
        hasher = hashlib.sha256(self._config_hash)
        hasher.update(render_json(digest).encode("utf-8"))
        folder = template_folder(self.config)
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            if path.is_file():
                stat = path.stat()
                hasher.update(f"\n{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return hasher.hexdigest()[:24]

    def path(self, digest: Digest, fmt: str) -> Path:
        return self.folder / digest.issue / f"{self.key(digest)}.{fmt}"

    def cached(self, digest: Digest, fmt: str) -> Path | None:
        """Return the preview file of this state if it is rendered already."""
        path = self.path(digest, fmt)
        return path if path.is_file() else None

    def get(self, digest: Digest, fmt: str) -> Path:
        """Return the preview file of this state, rendering it first if needed (once, however many ask)."""
        if fmt not in FORMATS:
            raise ValueError(fmt)
        path = self.path(digest, fmt)
        if path.is_file():
            return path
        with self._lock(digest.issue, fmt):
            if path.is_file():
                return path
            atomic_write(path, _render(digest, self.config, fmt))
            for old in path.parent.glob(f"*.{fmt}"):
                if old != path:
                    old.unlink(missing_ok=True)
            logger.info("%s: rendered the %s preview %s", digest.issue, fmt, path.stem)
        return path

    def read(self, digest: Digest, fmt: str) -> bytes:
        """Return the preview of this state (a file replaced by a newer state meanwhile is rendered again)."""
        for _ in range(3):
            try:
                return self.get(digest, fmt).read_bytes()
            except FileNotFoundError:
                continue
        raise DigestError(f"{digest.issue}: the {fmt} preview keeps changing; try again")

    def warm(self, issue: str, current: Callable[[], Digest]) -> None:
        """Render the PDF of the issue's state in the background, unless a render of it is queued already."""
        with self._locks_lock:
            if issue in self._queued:
                return
            self._queued.add(issue)
            if self._worker is None:
                # One worker: previews never take more than one core from the editors' requests.
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="previews")
        self._worker.submit(self._warm, issue, current)

    def _warm(self, issue: str, current: Callable[[], Digest]) -> None:
        with self._locks_lock:
            self._queued.discard(issue)
        try:
            self.get(current(), "pdf")  # the state when the render starts, not when it was asked for
        except DigestError as exc:
            logger.warning("%s: preview not rendered: %s", issue, exc)
        except Exception:
            logger.exception("%s: preview not rendered", issue)

    def close(self) -> None:
        """Wait for a background render to finish."""
        if self._worker is not None:
            self._worker.shutdown(wait=True)

    def _lock(self, issue: str, fmt: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault((issue, fmt), threading.Lock())


def _render(digest: Digest, config: Config, fmt: str) -> bytes:
    if fmt == "pdf":
        from ..render.pdf import render_pdf

        return render_pdf(digest, config)
    from ..render.html import render_html

    return render_html(digest, config).encode("utf-8")
