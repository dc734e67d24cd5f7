"""The view of a digest that templates render: marked-up paragraphs, notes, masthead facts, coverage."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..config import Config
from ..model import ACCEPTED, CITIES, MACHINE, PROPOSED, PROVINCE, Digest
from .body import (
    ItemView,
    Marking,
    Note,
    Paragraph,
    SectionView,
    ThemeView,
    item_paragraphs,
    lede_paragraphs,
    safe_url,
    theme_view,
)
from .chart import coverage_chart
from .marks import boilerplate_patterns, term_pattern

logger = logging.getLogger(__name__)

__all__ = ["PRINT_NOTES", "Note", "build_view", "coverage", "edition_label", "issue_label", "issue_number", "safe_url",
           "template_folder"]

STATUS_LABELS = {"draft": "草稿", "approved": "已审定", "published": "已发布"}
PHRASES_SHOWN = 12  # the week's phrases on the overview (and red in the text)
PRINT_NOTES = 4  # source notes an item has in print at most; the others are counted (the web page lists all)
_ISSUE_RE = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass
class CommentaryView:
    title: str
    paragraphs: list[str]


@dataclass
class Coverage:
    """Items per city for all 21 cities in the column's order, zeros included.

    `collected` is how many of the week's articles each city has (`stats.collected_cities`), or None for a
    digest saved before it was counted: then nobody can say which cities had no report.
    """

    counts: list[tuple[str, int]]
    province: int
    collected: dict[str, int] | None = None

    @property
    def missing(self) -> list[str]:
        """Return the cities with no collected article of the week (never those whose articles went unplaced)."""
        if self.collected is None:
            return []
        return [city for city, count in self.counts if count == 0 and not self.collected.get(city)]

    @property
    def unplaced(self) -> list[str]:
        """Return the cities with articles of the week but no item: for editors, never printed as 暂无报道."""
        if self.collected is None:
            return []
        return [city for city, count in self.counts if count == 0 and self.collected.get(city)]

    @property
    def complete(self) -> bool:
        """Whether every city has an item (and so a report)."""
        return all(count for _, count in self.counts)

    @property
    def covered(self) -> int:
        return sum(1 for _, count in self.counts if count)


def project_root() -> Path:
    return Path(__file__).resolve().parents[3]


def template_folder(config: Config) -> Path:
    """Return the configured template folder, falling back to the project's own."""
    folder = config.templates
    if not folder.is_absolute() and not folder.exists():
        folder = project_root() / folder
    return folder


def period_text(start: date, end: date) -> str:
    """Return `2025年11月10日—11月16日` (the year repeated only when the period spans two)."""
    tail = f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日—{tail}"


def issue_label(issue: str) -> str:
    """Return `2025年第46周` for `2025-W46`."""
    match = _ISSUE_RE.match(issue)
    return f"{match[1]}年第{int(match[2])}周" if match else issue


def issue_number(issue: str, first_issue: str | None) -> int | None:
    """Return the issue's number counted in weeks from `first_issue` (第1期), or None."""
    this, first = _ISSUE_RE.match(issue), _ISSUE_RE.match(first_issue or "")
    if not this or not first:
        return None
    try:
        days = (date.fromisocalendar(int(this[1]), int(this[2]), 1)
                - date.fromisocalendar(int(first[1]), int(first[2]), 1)).days
    except ValueError:
        return None
    return days // 7 + 1 if days >= 0 else None


def edition_label(issue: str, first_issue: str | None) -> str:
    """Return `第1期 · 2025年第46周`, or only the week when the issue has no number."""
    number = issue_number(issue, first_issue)
    return f"第{number}期 · {issue_label(issue)}" if number else issue_label(issue)


def bound_notes(paragraphs: list[Paragraph], limit: int, *, first: int) -> int:
    """Keep `limit` notes of an item at most (each paragraph's first, then the others in order), numbered
    from `first`; return how many were left out."""
    every = [(p, n) for p, paragraph in enumerate(paragraphs) for n, _ in enumerate(paragraph.notes)]
    chosen = [(p, 0) for p, paragraph in enumerate(paragraphs) if paragraph.notes][:limit]
    chosen += [at for at in every if at not in chosen][:limit - len(chosen)]
    kept = set(chosen)
    number = first
    for p, paragraph in enumerate(paragraphs):
        paragraph.notes = [note for n, note in enumerate(paragraph.notes) if (p, n) in kept]
        for note in paragraph.notes:
            note.number = number
            number += 1
    return len(every) - len(kept)


def marking(digest: Digest, config: Config) -> Marking:
    """Return what the body marks: the week's phrases, each section's own terms, and the set phrases."""
    phrases = [t["term"] for t in emerging_terms(digest.stats.get("emerging_terms"), digest=digest)[:PHRASES_SHOWN]]
    return Marking(terms=term_pattern(phrases), set_phrases=boilerplate_patterns(config.set_phrases, ()),
                   boilerplate=boilerplate_patterns(config.set_phrases, config.set_patterns),
                   sections={rule.title: tuple(rule.terms) for rule in config.sections})


def build_view(digest: Digest, config: Config, *, notes_per_item: int | None = None) -> dict[str, object]:
    """Return the template context shared by the HTML, PDF and Markdown renderers.

    With `notes_per_item` (print), an item keeps that many source notes at most, each quoted
    article's own first; the others are counted in `more_sources`.
    """
    marks = marking(digest, config)
    notes: list[Note] = []
    # Themes first: an accepted theme is a section above the keyword sections; a draft shows proposals too.
    themes: list[ThemeView] = []
    # Accepted themes lead, the proposals follow them.
    ordered = sorted(enumerate(digest.themes, start=1), key=lambda pair: pair[1].status != ACCEPTED)
    for t_index, theme in ordered:
        if theme.status != ACCEPTED and not (theme.status == PROPOSED and digest.status == "draft"):
            continue
        view = theme_view(theme, marks, anchor=f"t{t_index}", first_note=len(notes) + 1)
        if view is not None:
            notes += [note for paragraph in view.paragraphs for note in paragraph.notes]
            themes.append(view)
    sections: list[SectionView] = []
    for s_index, section in enumerate(digest.sections, start=1):
        view = SectionView(title=section.title, anchor=f"s{s_index}", keywords=list(section.keywords))
        shown: set[str] = set()  # the section's own terms already red in an earlier item of it
        for i_index, item in enumerate(section.items, start=1):
            paragraphs = item_paragraphs(item, marks, first_note=len(notes) + 1, section=section.title,
                                         section_marked=shown)
            more = bound_notes(paragraphs, notes_per_item, first=len(notes) + 1) if notes_per_item else 0
            notes += [note for paragraph in paragraphs for note in paragraph.notes]
            view.items.append(ItemView(
                city=item.city,
                anchor=f"s{s_index}-{i_index}",
                paragraphs=paragraphs,
                officials=list(item.officials),
                dates=list(item.dates),
                edited_by=item.edited_by,
                more_sources=more,
            ))
        sections.append(view)
    covered = coverage(digest)
    items = sum(len(s.items) for s in digest.sections)
    articles = digest.stats.get("in_week")
    if not isinstance(articles, int):
        articles = len({s.id for sec in digest.sections for i in sec.items for s in i.sources})
    label = edition_label(digest.issue, config.first_issue)
    drafted = {name for name, draft in digest.drafts.items() if draft.status == MACHINE}
    return {
        "digest": digest,
        "title": digest.title,
        "headline": digest.headline.strip(),
        "author": config.author,
        "issue": digest.issue,
        "issue_label": issue_label(digest.issue),
        "issue_number": issue_number(digest.issue, config.first_issue),
        "edition": label,
        "period": period_text(digest.period.start, digest.period.end),
        "period_start": digest.period.start.isoformat(),
        "period_end": digest.period.end.isoformat(),
        "keywords": [s.title for s in digest.sections],
        "themes": themes,
        "sections": sections,
        "notes": notes,
        "counts": {"articles": articles, "items": items, "cities": covered.covered,
                   "province": covered.province, "sources": len(notes),
                   "duplicates": int(digest.stats.get("duplicates") or 0)},
        "coverage": covered,
        "coverage_chart": coverage_chart(covered.counts, title=f"各地市条目数（{label}）", missing=covered.missing),
        "emerging_terms": emerging_terms(digest.stats.get("emerging_terms"), digest=digest)[:PHRASES_SHOWN],
        "commentary": _commentary(digest),
        "stats": digest.stats,
        "unassigned": digest.unassigned,
        "generated": digest.generated,
        "status": digest.status,
        "status_label": STATUS_LABELS.get(digest.status, digest.status),
        "lede": [p.strip() for p in digest.lede.split("\n") if p.strip()],
        "lede_html": lede_paragraphs(digest, marks),
        # A machine draft of the headline or lede is marked as such until an editor accepts or rewrites it.
        "drafted": _drafted_label(drafted, digest) if digest.status == "draft" else "",
        "revision": digest.revision,
        "correction": digest.correction,
    }


def emerging_terms(raw: Any, *, digest: Digest | None = None) -> list[dict[str, Any]]:
    """Return the week's phrases as {term, count, score, cities}; malformed entries and people's names are left out."""
    if not raw:
        return []
    if not isinstance(raw, list):
        logger.warning("stats.emerging_terms: expected a list, got %s; not shown", type(raw).__name__)
        return []
    # A person is never a word-count chip: the officials the issue names are left out.
    names = {name for s in digest.sections for i in s.items for name in i.officials} if digest else set()
    terms = []
    for entry in raw:
        term = entry.get("term") if isinstance(entry, dict) else None
        if not isinstance(term, str) or not term.strip():
            logger.warning("stats.emerging_terms: entry without a term left out: %.60r", entry)
            continue
        if term.strip().strip("“”") in names:
            continue
        count, score, cities = entry.get("count"), entry.get("score"), entry.get("cities")
        terms.append({
            "term": term.strip(),
            "count": count if isinstance(count, int) and not isinstance(count, bool) else None,
            "score": score if isinstance(score, int | float) and not isinstance(score, bool) else None,
            "cities": [c for c in cities if isinstance(c, str)] if isinstance(cities, list) else [],
        })
    return terms


def coverage(digest: Digest) -> Coverage:
    """Return items per city, and which cities had articles of the week (when the digest counted them)."""
    counts = dict.fromkeys(CITIES, 0)
    province = 0
    for section in digest.sections:
        for item in section.items:
            if item.city in counts:
                counts[item.city] += 1
            elif item.city == PROVINCE:
                province += 1
    collected = digest.stats.get("collected_cities")
    known = {c: n for c, n in collected.items() if isinstance(n, int)} if isinstance(collected, dict) else None
    return Coverage(counts=list(counts.items()), province=province, collected=known)


def _drafted_label(drafted: set[str], digest: Digest) -> str:
    """Return the draft's note on what the machine drafted (`标题、导语由机器草拟，待编辑确认`), or ''."""
    parts = [label for name, label in (("headline", "标题"), ("lede", "导语"))
             if name in drafted and getattr(digest, name).strip()]
    return f"{'、'.join(parts)}由机器草拟，待编辑确认" if parts else ""


def _commentary(digest: Digest) -> CommentaryView | None:
    commentary = digest.commentary
    if commentary is None or not (commentary.title.strip() or commentary.text.strip()):
        return None
    paragraphs = [p.strip() for p in commentary.text.split("\n") if p.strip()]
    return CommentaryView(title=commentary.title.strip(), paragraphs=paragraphs)
