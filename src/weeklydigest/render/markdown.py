"""Markdown for a Hugo-style blog, in the inline conventions of the reference column."""

from __future__ import annotations

from datetime import timedelta

from ..config import Config
from ..model import Digest
from .html import render_template
from .view import build_view


def render_markdown(digest: Digest, config: Config) -> str:
    """Return digest.md: front matter, then the sections with the column's inline markup.

    The front matter's `date` is the issue's: the day after its week, the Monday it reports on, so that
    a blog orders issues by the weeks they cover whenever they were built; `lastmod` is the build time.
    Headings start at `##` (the blog's page title is the `#`).
    """
    view = build_view(digest, config) | {"issue_date": issue_date(digest)}
    return render_template("digest.md.j2", view, config, autoescape=False)


def issue_date(digest: Digest) -> str:
    """Return the date an issue carries: the first day after the week it covers."""
    return (digest.period.end + timedelta(days=1)).isoformat()
