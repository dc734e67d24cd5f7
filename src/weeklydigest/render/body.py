"""The issue's body as the templates print it: items and themes as marked-up paragraphs with their source notes."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

import nh3
from markupsafe import Markup

from ..model import ACCEPTED, DROPPED, EDITED, Digest, Item, SentenceRef, SourceRef, Theme, display
from ..understand.terms import bare
from .marks import Mark, first_mentions, item_key_clause, key_clause, markup, spans_of, term_pattern

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
class ThemeView:
    """A cross-city theme printed as a section: its cities packed by region, each city in bold."""

    title: str
    anchor: str
    phrase: str
    cities: list[str]
    paragraphs: list[Paragraph]
    accepted: bool


@dataclass(frozen=True)
class Marking:
    """What the body marks: the week's phrases, each section's own terms, and where terms are never red.

    `terms` are the week's phrases: red in an item where its key sentence carries them. `sections` maps a
    section's title to its own terms, red once in that section. `set_phrases` name an event in passing
    (no term is red inside one); `boilerplate` is what a highlight never settles on.
    """

    terms: re.Pattern[str] | None
    set_phrases: Sequence[re.Pattern[str]] = ()
    week: re.Pattern[str] | None = None  # all the week's phrases, when `terms` holds only an item's key terms
    boilerplate: Sequence[re.Pattern[str]] = ()
    sections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


MAX_ITEM_PHRASES = 2  # the week's phrases red in one item: those of its key sentence, never every one it uses


def highlight_of(item: Item, marking: Marking) -> SentenceRef | None:
    """Return the item's highlight: the one digest.json records, else the key clause of its key sentence."""
    if item.edited_by:
        return None  # the editor's own words: no source clause to highlight
    if item.highlight is not None and any(_within(item.highlight, ref) for ref in item.sentences):
        return item.highlight
    return item_key_clause(item.sentences, boilerplate=marking.boilerplate, terms=marking.terms)


def _within(span: SentenceRef, ref: SentenceRef) -> bool:
    return span.source == ref.source and ref.start <= span.start and span.end <= ref.end


def _clean(fragment: str) -> Markup:
    return Markup(nh3.clean(fragment, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES))


def _marked(text: str, marking: Marking, *, marked: set[str], key: tuple[int, int] | None = None) -> str:
    """Return `text` as safe HTML: first mentions of terms red, the `key` span highlighted.

    A term inside a longer phrase of the week that is not itself a key term (`高质量发展` in
    `“百县千镇万村高质量发展工程”`) is not red there: a mark never splits a phrase.
    """
    skip = spans_of(text, marking.set_phrases)
    if marking.week is not None and marking.terms is not None:
        skip += [m.span() for m in marking.week.finditer(text) if not marking.terms.fullmatch(m[0])]
    marks: list[Mark] = first_mentions(text, marking.terms, marked=marked, skip=skip, keep_within=key)
    if key is not None:
        marks.append(Mark(key[0], key[1], "key"))
    return markup(text, marks)


def key_terms(item: Item, marking: Marking, *, highlight: SentenceRef | None, section_terms: Sequence[str] = (),
              section_marked: Collection[str] = ()) -> re.Pattern[str] | None:
    """Return the pattern of the item's key terms: what is red in it, each where it first appears.

    The week's phrases its key sentence carries (the sentence of the highlight, else the one marked key),
    at most MAX_ITEM_PHRASES in text order, outside set phrases, else the first week's phrase the item
    names; and the section's own term while no earlier item of the section has shown it in red (that
    item takes no fallback phrase). Every other configured term stays black.
    """
    own = {bare(t) for t in section_terms}
    key = next((r for r in item.sentences if highlight is not None and _within(highlight, r)), None)
    key = key or next((r for r in item.sentences if r.key), None)
    text = "".join(display(r) for r in item.sentences) if not item.edited_by else item.summary
    chosen = _phrases(key.text, marking, own=own, limit=MAX_ITEM_PHRASES) if key is not None else []
    own_first = not section_marked and own
    if not chosen and not own_first:
        chosen = _phrases(text, marking, own=own, limit=1)  # no phrase in the key line: the item's first one
    if own_first:
        # The section's own term, once in the section: whichever of its terms (aliases) the item names first.
        pattern = term_pattern(own)
        skip = spans_of(text, marking.set_phrases)
        first = next((m for m in pattern.finditer(text) if not any(a < m.end() and m.start() < b for a, b in skip)),
                     None) if pattern is not None else None
        if first is not None:
            chosen.append(bare(first[0]))
    return term_pattern(chosen)


def _phrases(text: str, marking: Marking, *, own: Collection[str], limit: int) -> list[str]:
    """Return up to `limit` of the week's phrases in `text`, in text order, outside set phrases and `own`."""
    if marking.terms is None:
        return []
    skip = spans_of(text, marking.set_phrases)
    chosen: list[str] = []
    for match in marking.terms.finditer(text):
        word = bare(match[0])
        if word in own or word in chosen or any(a < match.end() and match.start() < b for a, b in skip):
            continue
        chosen.append(word)
        if len(chosen) == limit:
            break
    return chosen


def item_paragraphs(
    item: Item, marking: Marking, *, first_note: int, section: str = "", section_marked: set[str] | None = None,
) -> list[Paragraph]:
    """Return the item's paragraphs as safe HTML (its key terms red once, the key clause highlighted) with notes.

    `section_marked` collects the section's own terms already red in earlier items of `section`.
    """
    by_source: dict[str, list[SentenceRef]] = {}
    for ref in item.sentences:
        by_source.setdefault(ref.source, []).append(ref)
    notes_of = notes_by_article(item.sources, set(by_source), first_note)
    section_terms = marking.sections.get(section, ())
    shown = section_marked if section_marked is not None else set()
    marked: set[str] = set()  # a term is red where it first appears in the item, not every time
    highlight = highlight_of(item, marking)
    local = replace(marking, terms=key_terms(item, marking, highlight=highlight, section_terms=section_terms,
                                             section_marked=shown), week=marking.terms)
    if item.edited_by:
        # The editor's own summary replaces the source sentences; every source keeps its note.
        fragment = _marked(item.summary, local, marked=marked)
        shown |= {bare(t) for t in section_terms} & marked
        return [Paragraph(html=_clean(fragment), notes=[n for notes in notes_of.values() for n in notes])]
    paragraphs = []
    for source_id, refs in by_source.items():
        parts = []
        for ref in refs:
            key = None
            if highlight is not None and _within(highlight, ref):
                key = (highlight.start - ref.start, highlight.end - ref.start)
                highlight = None  # one highlight per item
            parts.append(_marked(display(ref), local, marked=marked, key=key))
        paragraphs.append(Paragraph(html=_clean("".join(parts)), notes=notes_of.pop(source_id, [])))
    shown |= {bare(t) for t in section_terms} & marked
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
        found = key_clause(draft.sentences[0], boilerplate=marking.boilerplate, terms=marking.terms)
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


# Guangdong's four regions, the way the desk packs a theme's cities into paragraphs.
REGIONS: tuple[tuple[str, ...], ...] = (
    ("广州", "深圳", "珠海", "佛山", "惠州", "东莞", "中山", "江门", "肇庆"),  # 珠三角
    ("汕头", "汕尾", "潮州", "揭阳"),  # 粤东
    ("湛江", "茂名", "阳江"),  # 粤西
    ("韶关", "河源", "梅州", "清远", "云浮"),  # 粤北
)
PACK_ALONE = 3  # a theme of this many cities or fewer is one paragraph


def theme_groups(cities: Sequence[str]) -> list[list[str]]:
    """Return the theme's cities packed into paragraphs: one for a few cities, else one per region."""
    if len(cities) <= PACK_ALONE:
        return [list(cities)]
    groups = [[c for c in cities if c in region] for region in REGIONS]
    rest = [c for c in cities if not any(c in region for region in REGIONS)]
    return [g for g in (*groups, rest) if g]


def theme_view(theme: Theme, marking: Marking, *, anchor: str, first_note: int) -> ThemeView | None:
    """Return a theme as printed: its cities packed by region, each in bold with the sentence that carries the phrase.

    The theme's phrase is red once per paragraph; None when the theme was dropped.
    """
    if theme.status == DROPPED or not theme.sentences:
        return None
    sources = {s.id: s for s in theme.sources}
    by_city = {s.city: s for s in theme.sentences}
    phrase = term_pattern([theme.phrase])
    local = replace(marking, terms=phrase)
    paragraphs: list[Paragraph] = []
    number = first_note
    numbered: dict[str, Note] = {}
    for group in theme_groups([s.city for s in theme.sentences]):
        marked: set[str] = set()  # the phrase is red once per paragraph
        parts, notes = [], []
        for city in group:
            sentence = by_city[city]
            text = sentence.text
            if not sentence.speaker and text.startswith(sentence.city):
                text = text[len(sentence.city):]  # `汕头聚焦…` prints as 汕头 in bold, then 聚焦…, not 汕头汕头
            # A sentence cut to the clauses around the phrase shows the cut mark, as summary sentences do.
            ref = SentenceRef(text=text, source=sentence.source, start=sentence.end - len(text), end=sentence.end,
                              cut=not text.endswith(SENTENCE_ENDS))
            body = _marked(display(ref), local, marked=marked)
            note = numbered.get(sentence.source)
            if note is None:
                source = sources.get(sentence.source) or SourceRef(id=sentence.source, title=sentence.source, url="",
                                                                   published=None)
                note = numbered[sentence.source] = _note(number, source)
                number += 1
                notes.append(note)
            parts.append(f"<strong>{html.escape(city, quote=False)}</strong>"
                         f"{html.escape(sentence.speaker, quote=False)}{body}")
        paragraphs.append(Paragraph(html=_clean("".join(parts)), notes=notes))
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
