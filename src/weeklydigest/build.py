"""The pipeline, top to bottom: collect → clean → extract → select → dedupe → classify → summarise."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from .classify import best_section, score_sections
from .clean import SPAM, clean
from .collect import collect
from .config import Config, SourceConfig
from .dedupe import dedupe
from .extract import extract
from .model import (
    CITY_ORDER,
    PROVINCE,
    Article,
    Digest,
    Item,
    Period,
    RawDocument,
    Section,
    SectionScore,
    Skipped,
    Unassigned,
)
from .render import render_all
from .render.archive import write_archive
from .summarise import summarise
from .week import IssueWeek

logger = logging.getLogger(__name__)


def understand(documents: list[RawDocument], *, week: IssueWeek) -> tuple[list[Article], list[Skipped]]:
    """Clean each document and read its facts; documents left without text are skipped."""
    articles, skipped = [], []
    for document in documents:
        article = clean(document)
        if not article.text:
            skipped.append(Skipped(document.origin, "no article text left after cleaning"))
            continue
        articles.append(extract(article, fallback=week.end))
    return articles, skipped


def build_issue(
    config: Config, *, week: IssueWeek, sources: tuple[SourceConfig, ...] | None = None,
    now: datetime | None = None,
) -> Digest:
    """Collect the sources and return the digest of `week`."""
    # Collect: raw documents from every source; unreadable inputs become `skipped`.
    documents, skipped = collect(sources if sources is not None else config.sources, tz=config.tz)
    # Clean and extract: paragraphs, removals, dates, cities, officials.
    articles, empty = understand(documents, week=week)
    skipped += empty
    return digest_articles(config, articles, week=week, skipped=skipped, seen=len(documents), now=now)


def digest_articles(
    config: Config, articles: list[Article], *, week: IssueWeek, skipped: list[Skipped],
    seen: int, now: datetime | None = None,
) -> Digest:
    """Select the week's articles, merge duplicates, assign sections and summarise by city."""
    unassigned: list[Unassigned] = []
    # Select: the event date decides the week, not the publication time.
    in_week = []
    for article in articles:
        if article.event_date is None:
            unassigned.append(Unassigned(article.id, article.title, "no date found"))
        elif week.contains(article.event_date):
            in_week.append(article)
    # Dedupe: one article per event; the others stay as extra sources.
    kept, duplicates = dedupe(in_week)
    # Classify: each article goes to its single best section, or to `unassigned`.
    placed: dict[str, dict[str, list[tuple[Article, SectionScore]]]] = defaultdict(lambda: defaultdict(list))
    for article in sorted(kept, key=lambda a: (a.event_date, a.id)):
        scores = score_sections(article, config.sections, set_phrases=config.set_phrases)
        best = best_section(scores, min_score=config.min_score)
        if best is None:
            top = max(scores, key=lambda s: s.score)
            reason = "no section keyword" if top.score == 0 else f"best section {top.title} scored {top.score:g}"
            unassigned.append(Unassigned(article.id, article.title, reason))
        elif not article.city:
            unassigned.append(Unassigned(article.id, article.title, "no city found"))
        else:
            placed[best.title][article.city].append((article, best))
    # Summarise: one item per city per section, cities in the column's order.
    sections = []
    for rule in config.sections:
        by_city = placed.get(rule.title, {})
        items: list[Item] = [
            summarise(city, by_city[city], budget=rule.budget)
            for city in sorted(by_city, key=lambda c: CITY_ORDER.get(c, 99))
        ]
        sections.append(Section(title=rule.title, keywords=rule.keywords, items=tuple(items)))
    removed = Counter(r.reason for a in articles for r in a.removed)
    stats = {
        "articles_seen": seen,
        "in_week": len(in_week),
        "duplicates": duplicates,
        "spam_sentences_removed": removed.get(SPAM, 0),
        "removed": dict(sorted(removed.items())),
        "skipped": len(skipped),
        "items": sum(len(s.items) for s in sections),
        "cities": len({i.city for s in sections for i in s.items} - {PROVINCE}),
    }
    generated = (now or datetime.now(config.tz)).astimezone(config.tz).isoformat(timespec="seconds")
    return Digest(
        issue=week.issue,
        period=Period(start=week.start, end=week.end, timezone=config.timezone),
        title=config.title,
        sections=tuple(sections),
        unassigned=tuple(unassigned),
        skipped=tuple(skipped),
        stats=stats,
        generated=generated,
    )


def write_outputs(
    digest: Digest, config: Config, *, out: Path, formats: tuple[str, ...] = ("html", "pdf", "md", "json"),
) -> dict[str, Path]:
    """Render the requested formats into `out/<issue>/digest.<ext>`, then the archive; all written atomically."""
    written = render_all(digest, config, folder=out / digest.issue, formats=formats)
    # Archive: out/index.html and out/feed.atom list every issue in `out`, this one included.
    return written | write_archive(out, config, current=digest)

