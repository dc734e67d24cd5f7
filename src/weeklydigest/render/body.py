"""The issue's body as the templates print it: items and themes as marked-up paragraphs with their source notes."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import nh3
from markupsafe import Markup

from ..model import ACCEPTED, DROPPED, EDITED, Digest, Item, SentenceRef, SourceRef, Theme, display
from .marks import Mark, first_mentions, key_clause, markup, spans_of

SENTENCE_ENDS = ("。", "！", "？", "!", "?", "…", "”", "’", "」", "』", "）", ")")  # a sentence that ends here is whole
# Only these tags can come out of our own markup; everything article-derived is escaped first.
_ALLOWED_TAGS = {"span", "mark", "strong"}
_ALLOWED_ATTRIBUTES = {"span": {"class"}, "mark": {"class"}}


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
class ThemeView:
    """A cross-city theme printed as a section: one paragraph per city, the city in bold."""

    title: str
    anchor: str
    phrase: str
    cities: list[str]
    paragraphs: list[Paragraph]
    accepted: bool


@dataclass(frozen=True)
class Marking:
    """What the body marks: the key terms, the set phrases they are not marked in, the highlights' boilerplate."""

    terms: re.Pattern[str] | None
    set_phrases: Sequence[re.Pattern[str]] = ()
    boilerplate: Sequence[re.Pattern[str]] = ()


def highlight_of(item: Item, *, boilerplate: Sequence[re.Pattern[str]] = ()) -> SentenceRef | None:
    """Return the item's highlight: the one digest.json records, else the key clause of its first key sentence."""
    if item.edited_by:
        return None  # the editor's own words: no source clause to highlight
    if item.highlight is not None and any(_within(item.highlight, ref) for ref in item.sentences):
        return item.highlight
    key = next((ref for ref in item.sentences if ref.key), None)
    return key_clause(key, boilerplate=boilerplate) if key is not None else None


def _within(span: SentenceRef, ref: SentenceRef) -> bool:
    return span.source == ref.source and ref.start <= span.start and span.end <= ref.end


def _clean(fragment: str) -> Markup:
    return Markup(nh3.clean(fragment, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES))


def _marked(text: str, marking: Marking, *, marked: set[str], key: tuple[int, int] | None = None) -> str:
    """Return `text` as safe HTML: first mentions of terms red, the `key` span highlighted."""
    marks: list[Mark] = first_mentions(text, marking.terms, marked=marked, skip=spans_of(text, marking.set_phrases),
                                       keep_within=key)
    if key is not None:
        marks.append(Mark(key[0], key[1], "key"))
    return markup(text, marks)


def item_paragraphs(item: Item, marking: Marking, *, first_note: int) -> list[Paragraph]:
    """Return the item's paragraphs as safe HTML (terms red once, the key clause highlighted) with their notes."""
    by_source: dict[str, list[SentenceRef]] = {}
    for ref in item.sentences:
        by_source.setdefault(ref.source, []).append(ref)
    notes_of = notes_by_article(item.sources, set(by_source), first_note)
    marked: set[str] = set()  # a term is red where it first appears in the item, not every time
    if item.edited_by:
        # The editor's own summary replaces the source sentences; every source keeps its note.
        fragment = _marked(item.summary, marking, marked=marked)
        return [Paragraph(html=_clean(fragment), notes=[n for notes in notes_of.values() for n in notes])]
    highlight = highlight_of(item, boilerplate=marking.boilerplate)
    paragraphs = []
    for source_id, refs in by_source.items():
        parts = []
        for ref in refs:
            key = None
            if highlight is not None and _within(highlight, ref):
                key = (highlight.start - ref.start, highlight.end - ref.start)
                highlight = None  # one highlight per item
            parts.append(_marked(display(ref), marking, marked=marked, key=key))
        paragraphs.append(Paragraph(html=_clean("".join(parts)), notes=notes_of.pop(source_id, [])))
    # Sources no sentence came from still get their note, after the last paragraph.
    leftover = [note for notes in notes_of.values() for note in notes]
    if leftover and paragraphs:
        paragraphs[-1].notes.extend(leftover)
    return paragraphs


def lede_paragraphs(digest: Digest, marking: Marking) -> list[Markup]:
    """Return the lede's paragraphs as safe HTML: terms red once; the drafted key line's clause highlighted.

    The highlight is the key clause of the provincial line the machine drafted the lede from, while the
    lede is still that draft (or an editor accepted it); an editor's own lede has no source clause.
    """
    draft = digest.drafts.get("lede")
    clause = None
    if draft is not None and draft.status != EDITED and draft.sentences:
        found = key_clause(draft.sentences[0], boilerplate=marking.boilerplate)
        clause = found.text if found is not None else None
    marked: set[str] = set()
    paragraphs = []
    for text in (p.strip() for p in digest.lede.split("\n")):
        if not text:
            continue
        at = text.find(clause) if clause else -1
        key = (at, at + len(clause)) if clause and at >= 0 else None
        if key is not None:
            clause = None  # one highlight
        paragraphs.append(_clean(_marked(text, marking, marked=marked, key=key)))
    return paragraphs


def theme_view(theme: Theme, marking: Marking, *, anchor: str, first_note: int) -> ThemeView | None:
    """Return a theme as printed: each city in bold with the sentence that carries the phrase; None if dropped."""
    if theme.status == DROPPED or not theme.sentences:
        return None
    sources = {s.id: s for s in theme.sources}
    paragraphs: list[Paragraph] = []
    number = first_note
    numbered: dict[str, Note] = {}
    for sentence in theme.sentences:
        marked: set[str] = set()
        text = sentence.text
        if not sentence.speaker and text.startswith(sentence.city):
            text = text[len(sentence.city):]  # `汕头聚焦…` prints as 汕头 in bold, then 聚焦…, not 汕头汕头
        # A sentence cut to the clauses around the phrase shows the cut mark, as summary sentences do.
        ref = SentenceRef(text=text, source=sentence.source, start=sentence.end - len(text), end=sentence.end,
                          cut=not text.endswith(SENTENCE_ENDS))
        body = _marked(display(ref), marking, marked=marked)
        note = numbered.get(sentence.source)
        fresh = note is None
        if note is None:
            source = sources.get(sentence.source) or SourceRef(id=sentence.source, title=sentence.source, url="",
                                                               published=None)
            note = numbered[sentence.source] = _note(number, source)
            number += 1
        city = html.escape(sentence.city, quote=False)
        speaker = html.escape(sentence.speaker, quote=False)
        paragraphs.append(Paragraph(html=_clean(f'<strong>{city}</strong>{speaker}{body}'),
                                    notes=[note] if fresh else []))
    return ThemeView(title=theme.title, anchor=anchor, phrase=theme.phrase, cities=list(theme.cities),
                     paragraphs=paragraphs, accepted=theme.status == ACCEPTED)


def _note(number: int, source: SourceRef) -> Note:
    return Note(number, source.title, safe_url(source.url), source.outlet, (source.published or "")[:10])


def notes_by_article(sources: tuple[SourceRef, ...], quoted: set[str], first: int) -> dict[str, list[Note]]:
    """Group the sources by the article they belong to: a quoted article, then its merged duplicates."""
    groups: dict[str, list[Note]] = {}
    current = ""
    for number, source in enumerate(sources, start=first):
        if source.id in quoted or not current:
            current = source.id
        groups.setdefault(current, []).append(_note(number, source))
    return groups


def safe_url(url: str) -> str:
    """Return the URL if it is a web link, else '' (no javascript:, data: or file: links)."""
    url = (url or "").strip()
    if not re.match(r"^https?://[^\s/?#]+", url, re.I) or re.search(r"[\s<>\"'`\x00-\x1f]", url):
        return ""
    return url
