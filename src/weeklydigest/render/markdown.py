"""Markdown for a Hugo-style blog, in the inline conventions of the reference column."""

from __future__ import annotations

from ..config import Config
from ..model import Digest
from .html import render_template
from .view import build_view


def render_markdown(digest: Digest, config: Config) -> str:
    """Return digest.md: front matter, then the sections with the column's inline markup."""
    return render_template("digest.md.j2", build_view(digest, config), config, autoescape=False)
