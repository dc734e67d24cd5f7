"""The view of a digest that templates render: marked-up paragraphs, notes, masthead facts."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from markupsafe import Markup

from ..config import Config
from ..model import Digest, Item, SentenceRef
from ..summarise import display

HIGHLIGHTS_PER_SECTION = 2
STATUS_LABELS = {"draft": "草稿", "approved": "已审定", "published": "已发布"}
# Only these tags can come out of our own markup; everything article-derived is escaped first.
_ALLOWED_TAGS = {"span", "mark", "strong", "sup", "a"}
_ALLOWED_ATTRIBUTES = {"span": {"class"}, "mark": {"class"}, "a": {"href", "class", "id"}, "sup": {"class"}}


@dataclass
class Note:
    number: int
    title: str
    url: str
    outlet: str
    published: str


@dataclass
class ItemView:
    city: str
    anchor: str
    paragraphs: list[Markup]
    notes: list[Note]
    officials: list[str]
    dates: list[str]


@dataclass
class SectionView:
    title: str
    anchor: str
    keywords: list[str]
    items: list[ItemView] = field(default_factory=list)


def project_root() -> Path:
    return Path(__file__).resolve().parents[3]


def template_folder(config: Config) -> Path:
    """Return the configured template folder, falling back to the project's own."""
    folder = config.templates
    if not folder.is_absolute() and not folder.exists():
        folder = project_root() / folder
    return folder


def period_text(digest: Digest) -> str:
    start, end = digest.period.start, digest.period.end
    tail = f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日—{tail}"


def issue_label(digest: Digest) -> str:
    year, week = digest.issue.split("-W")
    return f"{year}年第{int(week)}周"


def build_view(digest: Digest, config: Config) -> dict[str, object]:
    """Return the template context shared by the HTML, PDF and Markdown renderers."""
    terms = sorted({t for rule in config.sections for t in rule.terms}, key=len, reverse=True)
    term_re = re.compile("|".join(re.escape(html.escape(t)) for t in terms)) if terms else None
    phrases = sorted(config.set_phrases, key=len, reverse=True)
    phrase_re = re.compile("(" + "|".join(re.escape(html.escape(p)) for p in phrases) + ")") if phrases else None
    sections: list[SectionView] = []
    note_number = 0
    for s_index, section in enumerate(digest.sections, start=1):
        view = SectionView(title=section.title, anchor=f"s{s_index}", keywords=list(section.keywords))
        highlighted = _highlighted_items(section.items)
        for i_index, item in enumerate(section.items, start=1):
            notes = []
            for source in item.sources:
                note_number += 1
                notes.append(Note(note_number, source.title, _safe_url(source.url), source.outlet,
                                  (source.published or "")[:10]))
            view.items.append(ItemView(
                city=item.city,
                anchor=f"s{s_index}-{i_index}",
                paragraphs=_paragraphs(item, term_re, phrase_re, highlight=i_index - 1 in highlighted),
                notes=notes,
                officials=list(item.officials),
                dates=list(item.dates),
            ))
        sections.append(view)
    return {
        "digest": digest,
        "title": digest.title,
        "issue": digest.issue,
        "issue_label": issue_label(digest),
        "period": period_text(digest),
        "sections": sections,
        "stats": digest.stats,
        "unassigned": digest.unassigned,
        "generated": digest.generated,
        "status": digest.status,
        "status_label": STATUS_LABELS.get(digest.status, digest.status),
        "commentary": "",
    }


def _highlighted_items(items: tuple[Item, ...]) -> set[int]:
    """Return the indexes of the items whose key sentence the section highlights."""
    ranked = sorted(range(len(items)), key=lambda i: (-items[i].score, i))
    return {i for i in ranked[:HIGHLIGHTS_PER_SECTION] if any(s.key for s in items[i].sentences)}


def _paragraphs(
    item: Item, term_re: re.Pattern[str] | None, phrase_re: re.Pattern[str] | None, *, highlight: bool
) -> list[Markup]:
    """Return the item's paragraphs as safe HTML: terms in red, the key sentence highlighted."""
    by_source: dict[str, list[SentenceRef]] = {}
    for ref in item.sentences:
        by_source.setdefault(ref.source, []).append(ref)
    paragraphs = []
    # The item's one highlighted line: its first key sentence.
    key_ref = next((r for r in item.sentences if r.key), None) if highlight else None
    for refs in by_source.values():
        parts = []
        for ref in refs:
            text = html.escape(display(ref), quote=False)
            if term_re is not None:
                text = _mark_terms(text, term_re, phrase_re)
            if ref is key_ref:
                text = f'<mark class="key">{text}</mark>'
            parts.append(text)
        fragment = nh3.clean("".join(parts), tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES)
        paragraphs.append(Markup(fragment))
    return paragraphs


def _mark_terms(text: str, term_re: re.Pattern[str], phrase_re: re.Pattern[str] | None) -> str:
    """Wrap key terms in red, except inside set phrases where they are only mentioned in passing."""
    parts = phrase_re.split(text) if phrase_re is not None else [text]
    # re.split with one group alternates: outside, phrase, outside, ...
    return "".join(
        part if i % 2 else term_re.sub(lambda m: f'<span class="term">{m.group(0)}</span>', part)
        for i, part in enumerate(parts)
    )


def _safe_url(url: str) -> str:
    """Return the URL if it is a web link, else '' (no javascript:, data: or file: links)."""
    return url if re.match(r"^https?://", url, re.I) else ""
