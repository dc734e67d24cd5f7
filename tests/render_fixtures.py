"""Shared helpers of the rendering tests: a fixed sample digest, golden-file comparison, PDF read-back."""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import html as lxml_html

from weeklydigest.config import Config
from weeklydigest.model import Digest, digest_from_json

from .conftest import ROOT

DATA = ROOT / "tests" / "data"
GOLDEN = ROOT / "tests" / "golden"


def saved_digest(**changes: object) -> Digest:
    """Return the sample week's digest as saved in tests/data (independent of the pipeline's later changes)."""
    digest = digest_from_json(json.loads((DATA / "sample-digest.json").read_text(encoding="utf-8")))
    return replace(digest, **changes) if changes else digest


def with_config(config: Config, **changes: object) -> Config:
    return replace(config, **changes)


def parse_html(text: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(text.encode("utf-8"))


def assert_golden(actual: str, name: str, *, masks: tuple[tuple[str, str], ...] = ()) -> None:
    """Compare `actual` with tests/golden/<name> after masking volatile fields; UPDATE_GOLDEN=1 rewrites it."""
    for pattern, replacement in masks:
        actual = re.sub(pattern, replacement, actual, flags=re.M)
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"golden file {path} missing: run with UPDATE_GOLDEN=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            fromfile=f"golden/{name}", tofile="rendered"))
        pytest.fail(f"rendered output differs from golden/{name} (UPDATE_GOLDEN=1 to accept):\n{diff}")


def poppler(*args: str) -> str:
    """Run a poppler tool and return its standard output."""
    return subprocess.run(list(args), capture_output=True, text=True, check=True, timeout=60).stdout


def pdf_pages_text(path: Path, *, mode: str = "-layout") -> list[str]:
    """Return the text of each page, as a reader copying it would get it (`-layout` or `-raw` order)."""
    return poppler("pdftotext", mode, "-enc", "UTF-8", str(path), "-").split("\f")[:-1]
