"""Sources: each turns a configured source into RawDocuments and Skipped entries."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from ..config import SourceConfig
from ..model import RawDocument, Skipped
from .folder import collect_folder

logger = logging.getLogger(__name__)


def collect(sources: tuple[SourceConfig, ...], *, tz: ZoneInfo) -> tuple[list[RawDocument], list[Skipped]]:
    """Collect every source; a failing source is reported in `skipped` and never stops the rest."""
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    for source in sources:
        if source.kind == "folder" and source.path is not None:
            docs, bad = collect_folder(source.path, source=source.name, tz=tz)
        else:
            where = source.url or ", ".join(source.urls) or source.name
            docs, bad = [], [Skipped(where, f"source kind '{source.kind}' is not collected by this version")]
        logger.info("source %s: %d articles, %d skipped", source.name, len(docs), len(bad))
        documents += docs
        skipped += bad
    return documents, skipped
