"""The view of a digest that templates render: marked-up paragraphs, notes, masthead facts, coverage."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import nh3
from markupsafe import Markup

from ..config import Config
from ..model import CITIES, PROVINCE, Digest, Item, SentenceRef, SourceRef, display
from .chart import coverage_chart

logger = logging.getLogger(__name__)

HIGHLIGHTS_PER_SECTION = 2
PRINT_NOTES = 4  # source notes an item has in print at most; the others are counted (the web page lists all)
STATUS_LABELS = {"draft": "草稿", "approved": "已审定", "published": "已发布"}
# Only these tags can come out of our own markup; everything article-derived is escaped first.
_ALLOWED_TAGS = {"span", "mark", "strong"}
_ALLOWED_ATTRIBUTES = {"span": {"class"}, "mark": {"class"}}
_ISSUE_RE = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass
class Note:
    """A numbered source note: one source article of an item."""

    number: int
    title: str
    url: str
    outlet: str
    published: str


@dataclass
class Paragraph:
    """One paragraph of an item (the sentences taken from one article) and its source notes."""

    html: Markup
    notes: list[Note]


@dataclass
class ItemView:
    city: str
    anchor: str
    paragraphs: list[Paragraph]
    officials: list[str]
    dates: list[str]
    edited_by: str = ""
    more_sources: int = 0  # sources of the item without a note here (print), listed on the web page

    @property
    def notes(self) -> list[Note]:
        return [note for paragraph in self.paragraphs for note in paragraph.notes]


@dataclass
class SectionView:
    title: str
    anchor: str
    keywords: list[str]
    items: list[ItemView] = field(default_factory=list)


@dataclass
class CommentaryView:
    title: str
    paragraphs: list[str]


@dataclass
class Coverage:
    """Items per city for all 21 cities in the column's order, zeros included."""

    counts: list[tuple[str, int]]
    province: int

    @property
    def missing(self) -> list[str]:
        return [city for city, count in self.counts if count == 0]

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


def build_view(digest: Digest, config: Config, *, notes_per_item: int | None = None) -> dict[str, object]:
    """Return the template context shared by the HTML, PDF and Markdown renderers.

    With `notes_per_item` (print), an item keeps that many source notes at most, each quoted
    article's own first; the others are counted in `more_sources`.
    """
    terms = sorted({t for rule in config.sections for t in rule.terms}, key=len, reverse=True)
    term_re = re.compile("|".join(re.escape(html.escape(t, quote=False)) for t in terms)) if terms else None
    phrases = sorted(config.set_phrases, key=len, reverse=True)
    phrase_re = (re.compile("(" + "|".join(re.escape(html.escape(p, quote=False)) for p in phrases) + ")")
                 if phrases else None)
    sections: list[SectionView] = []
    notes: list[Note] = []
    for s_index, section in enumerate(digest.sections, start=1):
        view = SectionView(title=section.title, anchor=f"s{s_index}", keywords=list(section.keywords))
        highlighted = _highlighted_items(section.items)
        for i_index, item in enumerate(section.items, start=1):
            paragraphs = _paragraphs(item, term_re, phrase_re, highlight=i_index - 1 in highlighted,
                                     first_note=len(notes) + 1)
            more = _bound_notes(paragraphs, notes_per_item, first=len(notes) + 1) if notes_per_item else 0
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
    coverage = _coverage(digest)
    items = sum(len(s.items) for s in digest.sections)
    articles = digest.stats.get("in_week")
    if not isinstance(articles, int):
        articles = len({s.id for sec in digest.sections for i in sec.items for s in i.sources})
    label = edition_label(digest.issue, config.first_issue)
    return {
        "digest": digest,
        "title": digest.title,
        "author": config.author,
        "issue": digest.issue,
        "issue_label": issue_label(digest.issue),
        "issue_number": issue_number(digest.issue, config.first_issue),
        "edition": label,
        "period": period_text(digest.period.start, digest.period.end),
        "period_start": digest.period.start.isoformat(),
        "period_end": digest.period.end.isoformat(),
        "keywords": [s.title for s in digest.sections],
        "sections": sections,
        "notes": notes,
        "counts": {"articles": articles, "items": items, "cities": coverage.covered,
                   "province": coverage.province, "sources": len(notes),
                   "duplicates": int(digest.stats.get("duplicates") or 0)},
        "coverage": coverage,
        "coverage_chart": coverage_chart(coverage.counts, title=f"各地市条目数（{label}）"),
        "emerging_terms": emerging_terms(digest.stats.get("emerging_terms")),
        "commentary": _commentary(digest),
        "stats": digest.stats,
        "unassigned": digest.unassigned,
        "generated": digest.generated,
        "status": digest.status,
        "status_label": STATUS_LABELS.get(digest.status, digest.status),
        "lede": [p.strip() for p in digest.lede.split("\n") if p.strip()],
        "revision": digest.revision,
        "correction": digest.correction,
    }


def emerging_terms(raw: Any) -> list[dict[str, Any]]:
    """Return the week's emerging terms as {term, count, score}; malformed entries are left out."""
    if not raw:
        return []
    if not isinstance(raw, list):
        logger.warning("stats.emerging_terms: expected a list, got %s; not shown", type(raw).__name__)
        return []
    terms = []
    for entry in raw:
        term = entry.get("term") if isinstance(entry, dict) else None
        if not isinstance(term, str) or not term.strip():
            logger.warning("stats.emerging_terms: entry without a term left out: %.60r", entry)
            continue
        count, score = entry.get("count"), entry.get("score")
        terms.append({
            "term": term.strip(),
            "count": count if isinstance(count, int) and not isinstance(count, bool) else None,
            "score": score if isinstance(score, int | float) and not isinstance(score, bool) else None,
        })
    return terms


def _coverage(digest: Digest) -> Coverage:
    counts = dict.fromkeys(CITIES, 0)
    province = 0
    for section in digest.sections:
        for item in section.items:
            if item.city in counts:
                counts[item.city] += 1
            elif item.city == PROVINCE:
                province += 1
    return Coverage(counts=list(counts.items()), province=province)


def _commentary(digest: Digest) -> CommentaryView | None:
    commentary = digest.commentary
    if commentary is None or not (commentary.title.strip() or commentary.text.strip()):
        return None
    paragraphs = [p.strip() for p in commentary.text.split("\n") if p.strip()]
    return CommentaryView(title=commentary.title.strip(), paragraphs=paragraphs)


def _highlighted_items(items: tuple[Item, ...]) -> set[int]:
    """Return the indexes of the items whose key sentence the section highlights."""
    ranked = sorted(range(len(items)), key=lambda i: (-items[i].score, i))
    return {i for i in ranked[:HIGHLIGHTS_PER_SECTION] if any(s.key for s in items[i].sentences)}


def _paragraphs(
    item: Item, term_re: re.Pattern[str] | None, phrase_re: re.Pattern[str] | None, *, highlight: bool,
    first_note: int,
) -> list[Paragraph]:
    """Return the item's paragraphs as safe HTML (terms red, key sentence highlighted) with their notes."""
    by_source: dict[str, list[SentenceRef]] = {}
    for ref in item.sentences:
        by_source.setdefault(ref.source, []).append(ref)
    notes_of = _notes_by_article(item.sources, set(by_source), first_note)
    if item.edited_by:
        # The editor's own summary replaces the source sentences; every source keeps its note.
        text = html.escape(item.summary, quote=False)
        if term_re is not None:
            text = _mark_terms(text, term_re, phrase_re)
        fragment = nh3.clean(text, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES)
        return [Paragraph(html=Markup(fragment), notes=[n for notes in notes_of.values() for n in notes])]
    paragraphs = []
    # The item's one highlighted line: its first key sentence.
    key_ref = next((r for r in item.sentences if r.key), None) if highlight else None
    for source_id, refs in by_source.items():
        parts = []
        for ref in refs:
            text = html.escape(display(ref), quote=False)
            if term_re is not None:
                text = _mark_terms(text, term_re, phrase_re)
            if ref is key_ref:
                text = f'<mark class="key">{text}</mark>'
            parts.append(text)
        fragment = nh3.clean("".join(parts), tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES)
        paragraphs.append(Paragraph(html=Markup(fragment), notes=notes_of.pop(source_id, [])))
    # Sources no sentence came from still get their note, after the last paragraph.
    leftover = [note for notes in notes_of.values() for note in notes]
    if leftover and paragraphs:
        paragraphs[-1].notes.extend(leftover)
    return paragraphs


def _bound_notes(paragraphs: list[Paragraph], limit: int, *, first: int) -> int:
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


def _notes_by_article(sources: tuple[SourceRef, ...], quoted: set[str], first: int) -> dict[str, list[Note]]:
    """Group the sources by the article they belong to: a quoted article, then its merged duplicates."""
    groups: dict[str, list[Note]] = {}
    current = ""
    for number, source in enumerate(sources, start=first):
        if source.id in quoted or not current:
            current = source.id
        groups.setdefault(current, []).append(
            Note(number, source.title, safe_url(source.url), source.outlet, (source.published or "")[:10]))
    return groups


def _mark_terms(text: str, term_re: re.Pattern[str], phrase_re: re.Pattern[str] | None) -> str:
    """Wrap key terms in red, except inside set phrases where they are only mentioned in passing."""
    parts = phrase_re.split(text) if phrase_re is not None else [text]
    # re.split with one group alternates: outside, phrase, outside, ...
    return "".join(
        part if i % 2 else term_re.sub(lambda m: f'<span class="term">{m.group(0)}</span>', part)
        for i, part in enumerate(parts)
    )


def safe_url(url: str) -> str:
    """Return the URL if it is a web link, else '' (no javascript:, data: or file: links)."""
    url = (url or "").strip()
    if not re.match(r"^https?://[^\s/?#]+", url, re.I) or re.search(r"[\s<>\"'`\x00-\x1f]", url):
        return ""
    return url
