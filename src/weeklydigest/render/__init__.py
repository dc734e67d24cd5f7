"""Render a Digest as HTML, PDF, Markdown and JSON; every file is written atomically."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from ..config import Config
from ..model import Digest

logger = logging.getLogger(__name__)

FORMATS = ("html", "pdf", "md", "json")


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private; outputs are published, so give them the usual permissions.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def render_json(digest: Digest) -> str:
    """Return digest.json: the model per the contract, UTF-8, not ASCII-escaped.

    Indented down to the records (a sentence, a source, an unassigned article), each of which is
    one line: readable, and written by the C encoder (indenting every value takes the slow one).
    """
    return _indented(digest.to_json(), 0) + "\n"


def _indented(value: object, depth: int) -> str:
    if _one_line(value):
        return json.dumps(value, ensure_ascii=False)
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict):
        lines = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_indented(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(lines) + f"\n{pad}}}"
    assert isinstance(value, list)
    return "[\n" + ",\n".join(f"{inner}{_indented(v, depth + 1)}" for v in value) + f"\n{pad}]"


def _one_line(value: object) -> bool:
    """Return whether a value is a record: scalars, and lists of scalars, only."""
    def flat(v: object) -> bool:
        return not isinstance(v, dict) and not (isinstance(v, list) and any(isinstance(x, dict | list) for x in v))

    if isinstance(value, dict):
        return all(flat(v) for v in value.values())
    return flat(value)


def render_all(digest: Digest, config: Config, *, folder: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    """Render each requested format into `folder`; return the paths written."""
    from .html import render_html
    from .markdown import render_markdown

    rendered: dict[str, bytes] = {}
    # Render everything first, then write: a failure leaves the previous outputs untouched.
    if "json" in formats:
        rendered["json"] = render_json(digest).encode("utf-8")
    if "md" in formats:
        rendered["md"] = render_markdown(digest, config).encode("utf-8")
    if "html" in formats:
        rendered["html"] = render_html(digest, config).encode("utf-8")
    if "pdf" in formats:
        from .pdf import render_pdf

        rendered["pdf"] = render_pdf(digest, config)
    written = {}
    for fmt in FORMATS:
        if fmt in rendered:
            path = folder / f"digest.{fmt}"
            atomic_write(path, rendered[fmt])
            written[fmt] = path
    return written
