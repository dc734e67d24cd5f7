"""Plain data passed between the pipeline stages. No I/O here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

# The 21 prefecture-level cities of Guangdong in the order the column lists them,
# with the province itself first for province-level items.
PROVINCE = "广东"
CITIES: tuple[str, ...] = (
    "广州", "深圳", "珠海", "汕头", "佛山", "韶关", "河源", "梅州", "惠州", "汕尾", "东莞",
    "中山", "江门", "阳江", "湛江", "茂名", "肇庆", "清远", "潮州", "揭阳", "云浮",
)
CITY_ORDER: dict[str, int] = {PROVINCE: 0} | {c: i + 1 for i, c in enumerate(CITIES)}


@dataclass(frozen=True)
class Skipped:
    """An input that could not be used, and why."""

    path_or_url: str
    reason: str


@dataclass(frozen=True)
class RawDocument:
    """One article as a source delivered it, before cleaning."""

    origin: str  # file path (with #line for JSON lines) or URL
    source: str  # the configured source's name
    title: str
    url: str
    published: datetime | None
    body: str
    fmt: str  # "html", "markdown" or "text"
    outlet: str = ""  # the publishing outlet named by the document, if any
    raw: bytes = field(default=b"", repr=False, compare=False)  # the bytes as fetched, when fetched over HTTP
    first_seen: datetime | None = field(default=None, compare=False)  # when the store first saw it


@dataclass(frozen=True)
class Removed:
    """A piece of text the cleaner dropped, with the reason (hidden, boilerplate, pinyin, spam)."""

    text: str
    reason: str
    detail: str = ""  # the signal that found it, for editors


@dataclass(frozen=True)
class DateSpan:
    """A date or date range found in the text; offsets into the cleaned text."""

    text: str
    start: date
    end: date
    offset: int
    year_known: bool = True  # False: the year is only a reading against the day the text is read on
    kind: str = ""  # "dateline", "publication line" or "date widget": evidence of publication, not an event


@dataclass(frozen=True)
class Official:
    name: str
    title: str
    city: str
    offset: int = -1
    note: str = ""  # e.g. "name from roster" when the text gives only the title
    role: str = ""  # "" acts; else why not: accompanies, relayed, quoted, delegated, former, other province…


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """A cleaned article; the extraction fields are filled by `extract`."""

    id: str
    title: str
    url: str
    source: str
    origin: str
    published: datetime | None
    text: str  # cleaned paragraphs joined by "\n"
    removed: tuple[Removed, ...] = ()
    outlet: str = ""
    dates: tuple[DateSpan, ...] = ()
    cities: tuple[str, ...] = ()
    officials: tuple[Official, ...] = ()
    city: str = ""  # the city of the acting official
    event_date: date | None = None
    event_end: date | None = None
    also: tuple[SourceRef, ...] = ()  # other outlets' reports of the same event, merged into this one
    warnings: tuple[str, ...] = ()  # facts an editor should check (e.g. a name the roster disagrees with)
    mentioned: tuple[Official, ...] = ()  # officials named who do not act (relayed, quoted, delegated, former…)
    publication: date | None = None  # the day of publication the page itself shows, when its year is known
    undated: DateSpan | None = None  # the event's month and day when no year could be established
    first_seen: datetime | None = None  # when the store first saw the article
    flagged: tuple[tuple[int, int], ...] = ()  # (start, end) offsets of sentences an editor must check
    unnamed: tuple[Official, ...] = ()  # acting leaders the text names by title only (`市委书记出席会议`)

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n") if self.text else []


@dataclass(frozen=True)
class SectionRule:
    """A keyword section as configured."""

    title: str
    keywords: tuple[str, ...]
    require: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    budget: int = 260
    terms: tuple[str, ...] = ()  # shown in red in the digest; the keywords when not configured
    topic: tuple[str, ...] = ()  # words of the section's topic: they say how far it runs through an article


@dataclass(frozen=True)
class SectionScore:
    title: str
    score: float
    why: tuple[str, ...]


@dataclass(frozen=True)
class SectionWeights:
    """What each kind of evidence adds to a section's score (fitted by `python -m weeklydigest.understand.calibrate`).

    Counts enter as log2(1 + n): the second mention adds less than the first. Shares are 0..1. The defaults
    were fitted on 152 labelled reports (real city pages, a published column's city paragraphs cut into
    reports, the two bundled weeks); `title` and `learned` are held by rule at 1 and 1.5 times `min_score`.
    """

    title: float = 2.0  # a keyword in the title
    lead: float = 1.49  # a keyword in the lead sentence
    activity: float = 1.85  # per log2(1 + n) where the report tells the activity: an opening sentence before the
    # leader's first act, a sentence where the acting leader acts or speaks, one saying what the visited place is
    body: float = 0.7  # per log2(1 + n) elsewhere in the body
    listed: float = -0.14  # per log2(1 + n) as one of several listed topics
    spread: float = 0.63  # times the share of sentences carrying a keyword
    topic: float = 0.87  # times the share of sentences carrying a keyword or a topic word
    learned: float = 3.0  # times the learned likeness (0..1) to the editors' corrections

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


FITTED_WEIGHTS = SectionWeights()


@dataclass(frozen=True)
class SentenceRef:
    """A summary sentence: exact text of the source between the offsets."""

    text: str
    source: str
    start: int
    end: int
    key: bool = False  # the 强调/指出/要求 sentence of the item
    cut: bool = False  # a run of the sentence's first clauses; printed with the cut mark


_SENTENCE_ENDS = ("。", "！", "？", "!", "?", "…", "”", "’", "」", "』", "）", ")")
CUT_MARK = "……"  # shows where a sentence was cut: nothing of our own is ever made to read as the source's


def display(ref: SentenceRef) -> str:
    """Return the sentence as printed: exactly the source's text, and the cut mark after a cut sentence."""
    return ref.text + CUT_MARK if ref.cut else ref.text


@dataclass(frozen=True)
class SourceRef:
    id: str
    title: str
    url: str
    published: str | None
    outlet: str = ""
    origin: str = ""  # the file (with #line) or URL it was collected from


@dataclass(frozen=True)
class RemovedNote:
    """Text the cleaner removed from one of an item's source articles, shown to editors."""

    source: str  # the article id
    text: str
    reason: str


@dataclass(frozen=True)
class Item:
    city: str
    officials: tuple[str, ...]
    dates: tuple[str, ...]
    summary: str
    sentences: tuple[SentenceRef, ...]
    sources: tuple[SourceRef, ...]
    why: tuple[str, ...]
    score: float = 0.0
    warnings: tuple[str, ...] = ()  # facts an editor should check
    edited_by: str = ""  # the editor who rewrote the summary; the text is then theirs, not the sources'
    removed: tuple[RemovedNote, ...] = ()  # spam, hidden text and pinyin removed from its sources
    highlight: SentenceRef | None = None  # the key clause of its key sentence, highlighted in every format


@dataclass(frozen=True)
class Section:
    title: str
    keywords: tuple[str, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Unassigned:
    id: str
    title: str
    reason: str


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    timezone: str


@dataclass(frozen=True)
class Commentary:
    """The editors' own column (政观谈): a headline and their paragraphs, joined by "\n"."""

    title: str
    text: str


MACHINE, ACCEPTED, EDITED = "machine", "accepted", "edited"


@dataclass(frozen=True)
class Draft:
    """Where a headline or lede comes from: the machine's draft (from these source spans) or an editor."""

    status: str = MACHINE  # machine: nobody has touched it; accepted: an editor kept it; edited: an editor's text
    by: str = ""
    sentences: tuple[SentenceRef, ...] = ()  # the source spans the machine drafted it from


@dataclass(frozen=True)
class ThemeSentence:
    """The sentence of one city's report that carries a theme's phrase: an exact span of the source."""

    city: str
    text: str
    source: str
    start: int
    end: int
    speaker: str = ""  # who speaks, from the article's officials, when the sentence starts with 他 or the bare name


PROPOSED, DROPPED = "proposed", "dropped"


@dataclass(frozen=True)
class Theme:
    """A cross-city theme: three or more cities whose reports this week share a phrase or an action."""

    title: str
    phrase: str
    cities: tuple[str, ...]
    sentences: tuple[ThemeSentence, ...]
    sources: tuple[SourceRef, ...] = ()  # the articles the sentences come from
    status: str = PROPOSED  # proposed | accepted (printed above the keyword sections) | dropped
    by: str = ""  # the editor who accepted, renamed or dropped it


@dataclass(frozen=True)
class Digest:
    issue: str
    period: Period
    title: str
    sections: tuple[Section, ...]
    unassigned: tuple[Unassigned, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict)
    status: str = "draft"
    generated: str = ""
    commentary: Commentary | None = None
    lede: str = ""  # the opening lines: the machine's draft until an editor accepts or rewrites them
    headline: str = ""  # the issue's headline, drafted the same way
    drafts: dict[str, Draft] = field(default_factory=dict)  # provenance of "headline" and "lede"
    themes: tuple[Theme, ...] = ()
    revision: int = 1  # a correction after publishing makes a new revision
    correction: str = ""  # the 更正 note of that revision

    @property
    def signed_headline(self) -> str:
        """Return the headline an editor accepted or wrote, '' while it is only the machine's proposal."""
        draft = self.drafts.get("headline")
        return signed_headline(self.headline, draft.status if draft is not None else None)

    def to_json(self) -> dict[str, Any]:
        """Return the digest.json contract as plain data."""
        return {
            "issue": self.issue,
            "period": {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "timezone": self.period.timezone,
            },
            "title": self.title,
            "status": self.status,
            "generated": self.generated,
            "sections": [
                {
                    "title": s.title,
                    "keywords": list(s.keywords),
                    "items": [_item_json(i) for i in s.items],
                }
                for s in self.sections
            ],
            "unassigned": [_flat(u) for u in self.unassigned],
            "skipped": [_flat(s) for s in self.skipped],
            "stats": dict(self.stats),
            "commentary": asdict(self.commentary) if self.commentary else None,
        } | ({"headline": self.headline} if self.headline else {}) | ({"lede": self.lede} if self.lede else {}) | (
            {"provenance": {name: _draft_json(d) for name, d in self.drafts.items()}} if self.drafts else {}) | (
            {"themes": [_theme_json(t) for t in self.themes]} if self.themes else {}) | (
            {"revision": self.revision, "correction": self.correction} if self.revision > 1 or self.correction else {})


def _flat(record: Any) -> dict[str, Any]:
    """Return a dataclass of plain values as a dict (`asdict` without its deep copies: many sources are many)."""
    return dict(vars(record))


def signed_headline(headline: str, status: str | None) -> str:
    """Return `headline` unless it is still the machine's draft (`status` machine); a headline with no draft
    record is the editors' own. What goes out under the issue's name (a feed entry, an e-mail subject) is
    never a machine proposal nobody signed."""
    return "" if status == MACHINE else headline.strip()


def _span_json(ref: SentenceRef) -> dict[str, Any]:
    """Return a source span as digest.json records it: text, source, start, end."""
    return {"text": ref.text, "source": ref.source, "start": ref.start, "end": ref.end}


def _draft_json(draft: Draft) -> dict[str, Any]:
    return {"status": draft.status, "by": draft.by, "sentences": [_span_json(s) for s in draft.sentences]}


def _theme_json(theme: Theme) -> dict[str, Any]:
    return {"title": theme.title, "phrase": theme.phrase, "cities": list(theme.cities),
            "sentences": [asdict(s) for s in theme.sentences], "sources": [asdict(s) for s in theme.sources],
            "status": theme.status} | ({"by": theme.by} if theme.by else {})


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "city": item.city,
        "officials": list(item.officials),
        "dates": list(item.dates),
        "summary": item.summary,
        "sentences": [_flat(s) for s in item.sentences],
        "sources": [_flat(s) for s in item.sources],
        "why": list(item.why),
        "score": item.score,
        "warnings": list(item.warnings),
    } | ({"edited_by": item.edited_by} if item.edited_by else {}) | (
        {"removed": [asdict(r) for r in item.removed]} if item.removed else {}) | (
        {"highlight": _span_json(item.highlight)} if item.highlight else {})


def digest_from_json(data: dict[str, Any]) -> Digest:
    """Return the Digest that `Digest.to_json` wrote (a saved digest.json)."""
    period = data["period"]
    commentary = data.get("commentary")
    return Digest(
        issue=data["issue"],
        period=Period(start=date.fromisoformat(period["start"]), end=date.fromisoformat(period["end"]),
                      timezone=period.get("timezone", "Asia/Shanghai")),
        title=data["title"],
        sections=tuple(
            Section(title=s["title"], keywords=tuple(s.get("keywords", ())),
                    items=tuple(_item_from_json(i) for i in s.get("items", ())))
            for s in data.get("sections", ())
        ),
        unassigned=tuple(Unassigned(**u) for u in data.get("unassigned", ())),
        skipped=tuple(Skipped(**s) for s in data.get("skipped", ())),
        stats=dict(data.get("stats", {})),
        status=data.get("status", "draft"),
        generated=data.get("generated", ""),
        commentary=Commentary(**commentary) if commentary else None,
        lede=data.get("lede", ""),
        headline=data.get("headline", ""),
        drafts={name: Draft(status=d.get("status", MACHINE), by=d.get("by", ""),
                            sentences=tuple(SentenceRef(**s) for s in d.get("sentences", ())))
                for name, d in (data.get("provenance") or {}).items()},
        themes=tuple(_theme_from_json(t) for t in data.get("themes", ())),
        revision=int(data.get("revision", 1)),
        correction=data.get("correction", ""),
    )


def _theme_from_json(data: dict[str, Any]) -> Theme:
    return Theme(
        title=data["title"], phrase=data["phrase"], cities=tuple(data.get("cities", ())),
        sentences=tuple(ThemeSentence(**s) for s in data.get("sentences", ())),
        sources=tuple(SourceRef(**s) for s in data.get("sources", ())),
        status=data.get("status", PROPOSED), by=data.get("by", ""),
    )


def _item_from_json(data: dict[str, Any]) -> Item:
    return Item(
        city=data["city"],
        officials=tuple(data.get("officials", ())),
        dates=tuple(data.get("dates", ())),
        summary=data.get("summary", ""),
        sentences=tuple(_sentence_from_json(s) for s in data.get("sentences", ())),
        sources=tuple(SourceRef(**s) for s in data.get("sources", ())),
        why=tuple(data.get("why", ())),
        score=float(data.get("score", 0.0)),
        warnings=tuple(data.get("warnings", ())),
        edited_by=data.get("edited_by", ""),
        removed=tuple(RemovedNote(**r) for r in data.get("removed", ())),
        highlight=SentenceRef(**data["highlight"]) if data.get("highlight") else None,
    )


def _sentence_from_json(data: dict[str, Any]) -> SentenceRef:
    """Return a summary sentence; one saved before `cut` was recorded is a cut when it ends mid-sentence."""
    if "cut" not in data:
        data = data | {"cut": not data.get("text", "").endswith(_SENTENCE_ENDS)}
    return SentenceRef(**data)


ACTIVE, UNSUBSCRIBED, BOUNCING = "active", "unsubscribed", "bouncing"
SUBSCRIBER_STATUSES = (ACTIVE, UNSUBSCRIBED, BOUNCING)


@dataclass(frozen=True)
class Subscriber:
    """Someone who receives the published issues by e-mail."""

    address: str  # normalised: the domain in lower case
    name: str = ""
    sections: tuple[str, ...] = ()  # the section titles they want; empty: all
    status: str = ACTIVE


@dataclass(frozen=True)
class Delivery:
    """Where one issue's e-mail to one subscriber stands."""

    issue: str
    address: str
    status: str  # sending | accepted | bounced | failed
    attempts: int = 0
    message_id: str = ""
    error: str = ""
    updated: str = ""
