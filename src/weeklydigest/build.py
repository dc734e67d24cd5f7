"""The pipeline, top to bottom: collect (into the store) → clean → extract → select → dedupe → classify → summarise.

Each article version is analysed once (cleaned, its facts read) and the analysis is kept in the
store; a build streams the week's candidates from the store a chunk at a time, so its memory holds
the week's sketches and short records, never every text.
"""

from __future__ import annotations

import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from . import clock
from .analysed import Entry, ListedWeek, Readers, StoredWeek, Week, analyse_documents
from .collect import Progress, collect_into, read_sources
from .config import Config, SourceConfig
from .errors import EmptyWeek
from .model import (
    CITY_ORDER,
    PROVINCE,
    Article,
    DateSpan,
    Digest,
    Item,
    Period,
    RawDocument,
    Removed,
    RemovedNote,
    Section,
    SectionScore,
    Skipped,
    SourceRef,
    Unassigned,
)
from .render import render_all
from .render.archive import write_archive
from .render.marks import boilerplate_patterns, item_key_clause, term_pattern
from .render.view import PHRASES_SHOWN
from .store import Store, Window, open_store
from .understand.analysis import Analyser
from .understand.candidates import Sketches
from .understand.clean import BOILERPLATE, SPAM
from .understand.dedupe import duplicate_groups, merge_group, source_ref
from .understand.event import YEAR_UNKNOWN
from .understand.headline import draft_headline, draft_lede
from .understand.learn import Learned, learn
from .understand.places import load_gazetteer
from .understand.publication import url_date
from .understand.roster import Roster
from .understand.sections import best_section
from .understand.siblings import remove_sibling_spam
from .understand.spam import SpamRules
from .understand.summarise import summarise
from .understand.terms import Offered, WeekText, emerging_terms
from .understand.themes import find_themes
from .week import IssueWeek

logger = logging.getLogger(__name__)

LEADER_TITLES = ("市委书记", "省委书记", "省长")  # whose week the column tells
BACKGROUND = timedelta(weeks=8)  # earlier weeks that emerging terms are measured against
LATE_REPORT = timedelta(days=60)  # reports published later than this after their week are not looked at
FRESH = timedelta(days=4)  # an undated report is placed by month and day only when first seen this soon after
QUOTED = 3  # articles an item's summary quotes at most (the best-scored); the others are listed as its sources
PHRASES_KEPT = 15  # the week's phrases kept in stats.emerging_terms
THEME_PHRASES = 40  # the week's phrases a cross-city theme may be built on


def reading_aids(config: Config | None) -> tuple[SpamRules, Roster | None]:
    """Return the spam rules and the roster of office holders the config asks for."""
    return Analyser(config).aids()


def understand(
    documents: list[RawDocument], *, week: IssueWeek, config: Config | None = None, store: Store | None = None,
) -> tuple[list[Article], list[Skipped]]:
    """Clean each document and read its facts; documents left without text are skipped.

    With a `store`, a document the store holds an analysis of (the same delivery, the same
    fingerprint) is not analysed again. O(N log N) for N documents.
    """
    analyser = Analyser(config)
    cleaned, skipped = [], []
    # One document that cannot be cleaned (or not in time) or understood is skipped; the others go on.
    analysed = analyse_documents(documents, analyser, fallback=week.end, store=store)
    for document, (article, _how) in zip(documents, analysed, strict=True):
        if isinstance(article, Skipped):
            skipped.append(article)
        elif not article.text:
            skipped.append(Skipped(article.origin, "no article text left after cleaning"))
        else:
            cleaned.append(replace(article, first_seen=document.first_seen))
    # Mirrors paste spam into copies of a report: another copy shows what was pasted.
    extracted = []
    for article, before in zip(remove_sibling_spam(cleaned), cleaned, strict=True):
        read = article if article is before else analyser.read_guarded(article, fallback=week.end)
        if isinstance(read, Skipped):
            skipped.append(read)
        else:
            extracted.append(read)
    return extracted, skipped


def build_issue(
    config: Config, *, week: IssueWeek, sources: tuple[SourceConfig, ...] | None = None,
    now: datetime | None = None, progress: Progress | None = None,
) -> Digest:
    """Return the digest of `week`: from the store, after collecting the config's sources into it.

    With `sources` given (`build --source`), only what those sources hold is digested, read
    directly: a one-off build neither reads nor fills the store.
    """
    if sources is not None:
        # Collect: the given sources only, in memory; what they hold is seen now for the first time.
        reading = read_sources(sources, tz=config.tz, http=config.http, limits=config.limits)
        seen_now = now or clock.now(config.tz)
        documents = [replace(d, first_seen=d.first_seen or seen_now) for d in reading.documents]
        articles, empty = understand(documents, week=week, config=config)
        digest = digest_articles(config, articles, week=week, skipped=[*reading.skipped, *empty],
                                 seen=len(documents), now=now)
        return _with_failed(digest, reading.failed)
    analyser = Analyser(config)
    with open_store(config) as store:
        # Collect: every source into the store, each new version analysed once; unreadable inputs become `skipped`.
        collection = collect_into(store, config.sources, tz=config.tz, http=config.http, progress=progress,
                                  limits=config.limits, analyser=analyser)
        # Learn: the section corrections editors made in earlier issues.
        learned = learn(store.examples(before=week.issue))
        # Read back: the week's candidates, so articles of earlier collections count too, and the
        # earlier weeks that the week's emerging terms are measured against.
        candidates = StoredWeek(
            store, window=Window(**candidate_window(week, tz=config.tz, collected=collection.started)),
            background=Window(**background_window(week, tz=config.tz)),
            readers=Readers(config, analyser, learned=learned), fallback=week.end)
        # Clean and extract what is not analysed yet; mirrors' pasted spam cut by their sibling copies.
        candidates.prepare()
        candidates.remove_sibling_spam()
        digest = digest_week(config, candidates, week=week, skipped=[*collection.skipped, *candidates.skipped],
                             seen=len(candidates.refs), now=now, learned=learned)
    return _with_failed(digest, [run.name for run in collection.failed])


def _with_failed(digest: Digest, failed: list[str]) -> Digest:
    """Return the digest naming the sources that failed as a whole: the issue lacks their articles of this run."""
    return replace(digest, stats={**digest.stats, "sources_failed": failed}) if failed else digest


def background_window(week: IssueWeek, *, tz: ZoneInfo) -> dict[str, datetime]:
    """Return the store query for the weeks before `week` that its emerging terms are compared with."""
    return {
        "published_from": datetime.combine(week.start - BACKGROUND, time.min, tzinfo=tz),
        "published_to": datetime.combine(week.start - timedelta(days=2), time.max, tzinfo=tz),
    }


def _after_background(article: Article, week: IssueWeek) -> bool:
    """Whether an article of the run is out of the week and not already among the store's earlier texts."""
    if article.event_date is None or week.contains(article.event_date):
        return False
    return article.published is None or article.published.date() > week.start - timedelta(days=2)


def candidate_window(week: IssueWeek, *, tz: ZoneInfo, collected: datetime) -> dict[str, datetime]:
    """Return the store query for the articles that may report an event of `week`.

    An article's event is never after the day following its publication, so one published before
    the eve of the week cannot be in it (a day more is allowed for time-zone offsets); reports more
    than LATE_REPORT after the week are left out. Undated articles count when they were seen since
    then, or in this collection.
    """
    since = datetime.combine(week.start - timedelta(days=2), time.min, tzinfo=tz)
    return {
        "published_from": since,
        "published_to": datetime.combine(week.end + LATE_REPORT, time.max, tzinfo=tz),
        "seen_from": min(since, collected),
    }


def digest_articles(
    config: Config, articles: list[Article], *, week: IssueWeek, skipped: list[Skipped],
    seen: int, now: datetime | None = None, earlier: list[str] | None = None,
    learned: Learned | None = None,
) -> Digest:
    """Select the week's articles, merge duplicates, assign sections and summarise by city.

    `articles` are analysed, their sibling copies' spam cut (`understand`); `earlier` holds texts
    of earlier weeks for the emerging terms; the run's own out-of-week articles count too.
    """
    listed = ListedWeek(articles, Readers(config, None, learned=learned), earlier=earlier or ())
    return digest_week(config, listed, week=week, skipped=skipped, seen=seen, now=now, learned=learned)


@dataclass(frozen=True, slots=True)
class Held:
    """What the digest holds of each article of the week until it knows which ones it quotes."""

    position: int  # of its sketch in the week's sketches; the article is fetched by it
    id: str
    title: str
    url: str
    published: datetime | None
    outlet: str
    origin: str
    city: str
    event_date: date | None
    event_end: date | None
    date_words: str | None  # the words its event date was read from
    leader: bool  # names a 市委书记, 省委书记 or 省长
    also: tuple[SourceRef, ...] = ()

    @property
    def dates(self) -> tuple[DateSpan, ...]:
        if self.date_words is None or self.event_date is None:
            return ()
        return (DateSpan(self.date_words, self.event_date, self.event_date, 0),)


def _held(article: Article, position: int) -> Held:
    words = next((d.text for d in article.dates if d.start == article.event_date), None)
    return Held(position=position, id=article.id, title=article.title, url=article.url, published=article.published,
                outlet=sys.intern(article.outlet), origin=article.origin, city=sys.intern(article.city),
                event_date=article.event_date, event_end=article.event_end, date_words=words,
                leader=any(o.title in LEADER_TITLES for o in (*article.officials, *article.unnamed)),
                also=article.also)


class _Dated:
    """A week whose undated reports placed by month and day are read with those dates and warnings."""

    def __init__(self, articles: Week, dated: dict[int, Article]) -> None:
        self.articles, self.dated = articles, dated

    def _placed(self, position: int, article: Article) -> Article:
        placed = self.dated.get(position)
        if placed is None:
            return article
        return replace(article, event_date=placed.event_date, event_end=placed.event_end,
                       warnings=placed.warnings, first_seen=placed.first_seen)

    def sketches(self) -> Sketches:
        return self.articles.sketches()

    def entries(self) -> Iterator[Entry]:
        return self.articles.entries()

    def fetch(self, positions: Sequence[int]) -> dict[int, Article]:
        return {p: self._placed(p, a) for p, a in self.articles.fetch(positions).items()}

    def stream(self, positions: Sequence[int]) -> Iterator[tuple[int, Article]]:
        for p, article in self.articles.stream(positions):
            yield p, self._placed(p, article)

    def texts(self, positions: Sequence[int]) -> Iterator[tuple[str, str]]:
        return self.articles.texts(positions)

    def earlier(self) -> Iterator[str]:
        return self.articles.earlier()


def digest_week(
    config: Config, articles: Week, *, week: IssueWeek, skipped: list[Skipped], seen: int,
    now: datetime | None = None, learned: Learned | None = None,
) -> Digest:
    """Select the week's articles, merge duplicates, assign sections and summarise by city.

    One pass over the candidates' briefs (O(N)), dedupe (O(N log N)), classification of what is
    kept (O(N log N), a sort), summaries of at most QUOTED articles per item, read again by their
    place; the week's phrases and themes read the week's texts again, a chunk at a time. Memory
    holds a short record and a sketch per article of the week, not the texts.
    """
    unassigned: list[Unassigned] = []
    removed: Counter[str] = Counter()
    in_week: list[Held] = []
    verdicts: dict[str, SectionScore | str] = {}  # the best section, or why there is none
    notes: dict[str, tuple[Removed, ...]] = {}
    kinds: dict[str, set[str]] = {}  # the kinds of meeting a leader's report of the week names (when it names any)
    names: set[str] = set()
    later: list[int] = []  # out-of-week articles of this run, which the earlier weeks lack
    dated: dict[int, Article] = {}  # undated reports placed by month and day: their dates and warnings
    offered = Offered()  # the candidate phrases of the week's reports
    for entry in articles.entries():
        article = entry.article
        removed.update(r.reason for r in article.removed)
        names.update(o.name for o in article.officials)
        # Select: the event date decides the week, not the publication time. A report whose year the
        # page does not give is placed by its month and day only when the store saw it fresh.
        if article.event_date is None:
            placed_by_day, reason = place_undated(article, tz=config.tz)
            if placed_by_day is None:
                if article.undated is None or _month_day_in(week, article.undated.start):
                    unassigned.append(Unassigned(article.id, article.title, reason))
                continue
            article = dated[entry.position] = placed_by_day
        if week.contains(article.event_date):
            # Held for the whole week: what dedupe and classification read, no more.
            held = _held(article, entry.position)
            in_week.append(held)
            verdicts[article.id] = _verdict(entry.scores(), min_score=config.min_score)
            offered.add(*entry.phrases())  # computed (and kept) now if not kept yet, while the article is at hand
            if held.city and held.leader and (named := entry.meetings()):
                kinds[article.id] = named
            shown = tuple(r for r in article.removed if r.reason != BOILERPLATE)
            if shown:
                notes[article.id] = shown
        elif _after_background(article, week):
            later.append(entry.position)
    # From here on, an undated report placed by its month and day is read with those dates.
    articles = _Dated(articles, dated) if dated else articles
    # Dedupe: one article per event; the others stay as extra sources.
    kept, duplicates = _dedupe(in_week, articles)
    # Classify: each article goes to its single best section, or to `unassigned`.
    placed: dict[str, dict[str, list[tuple[Held, SectionScore]]]] = defaultdict(lambda: defaultdict(list))
    leaders: list[Held] = []  # the week's reports of what a city's leader did, placed or not
    for article in sorted(kept, key=lambda a: (a.event_date, a.id)):
        if article.city and article.leader:
            leaders.append(article)
        best = verdicts[article.id]
        if isinstance(best, str):
            unassigned.append(Unassigned(article.id, article.title, best))
        elif not article.city:
            unassigned.append(Unassigned(article.id, article.title, "no city found"))
        elif not article.leader:
            unassigned.append(Unassigned(article.id, article.title, "no party secretary or provincial leader named"))
        else:
            placed[best.title][article.city].append((article, best))
    # The week's phrases: what this week's reports say far more than the earlier weeks' did.
    boilerplate = boilerplate_patterns(config.set_phrases, config.set_patterns)
    phrases = emerging_terms(
        (WeekText(h.city, title + "\n" + text) for h, (title, text) in
         zip(in_week, articles.texts([h.position for h in in_week]), strict=True)),
        _earlier_texts(articles, later), offered=offered,
        top=THEME_PHRASES, vocabulary=tuple(w for r in config.sections for w in (*r.keywords, *r.terms)),
        names=names, places=load_gazetteer().places, exclude=boilerplate)
    shown = [str(p["term"]) for p in phrases[:PHRASES_SHOWN]]
    # Summarise: one item per city per section, cities in the column's order; each item's key clause marked.
    sections = []
    for rule in config.sections:
        by_city = placed.get(rule.title, {})
        terms = term_pattern([*rule.terms, *shown])
        items: list[Item] = [
            with_highlight(with_removed(_summary(city, by_city[city], articles, budget=rule.budget), notes),
                           boilerplate, terms=terms)
            for city in sorted(by_city, key=lambda c: CITY_ORDER.get(c, 99))
        ]
        sections.append(Section(title=rule.title, keywords=rule.keywords, items=tuple(items)))
    # Themes: three or more cities sharing a phrase or a kind of meeting, proposed as sections of their own.
    themes = find_themes((a for _p, a in articles.stream([h.position for h in leaders])), phrases,
                         boilerplate=boilerplate, sections=sections,
                         kinds=[(h.city, kinds.get(h.id, ())) for h in leaders],
                         exclude=[w for r in config.sections for w in (r.title, *r.keywords, *r.terms)])
    # Headline and lede: the machine's drafts, from the sources, until an editor accepts or rewrites them.
    headline, headline_draft = draft_headline(themes, sections)
    lede, lede_draft = draft_lede(themes, sections, _quoted_articles(sections, in_week, articles))
    drafts = {name: d for name, d in (("headline", headline_draft), ("lede", lede_draft)) if d is not None}
    stats = {
        "articles_seen": seen,
        "in_week": len(in_week),
        "duplicates": duplicates,
        "spam_sentences_removed": removed.get(SPAM, 0),
        "removed": dict(sorted(removed.items())),
        "skipped": len(skipped),
        "items": sum(len(s.items) for s in sections),
        "cities": len({i.city for s in sections for i in s.items} - {PROVINCE}),
        # How many of the week's articles each city has: a city with none is the only one "with no report".
        "collected_cities": dict(sorted(Counter(a.city for a in in_week if a.city).items(),
                                        key=lambda pair: CITY_ORDER.get(pair[0], 99))),
        "emerging_terms": phrases[:PHRASES_KEPT],
    }
    generated = (now or clock.now(config.tz)).astimezone(config.tz).isoformat(timespec="seconds")
    return Digest(
        issue=week.issue,
        period=Period(start=week.start, end=week.end, timezone=config.timezone),
        title=config.title,
        sections=tuple(sections),
        unassigned=tuple(unassigned),
        skipped=tuple(skipped),
        stats=stats,
        generated=generated,
        headline=headline,
        lede=lede,
        drafts=drafts,
        themes=tuple(themes),
    )


def _earlier_texts(articles: Week, later: list[int]) -> Iterator[str]:
    """Yield the earlier weeks' texts: the store's, then this run's out-of-week articles it does not hold yet."""
    yield from articles.earlier()
    for title, text in articles.texts(later):
        yield title + "\n" + text


def _quoted_articles(sections: list[Section], in_week: list[Held], articles: Week) -> dict[str, Article]:
    """Return the articles the items quote, by id (the lede quotes the provincial item's key line)."""
    at = {h.id: h.position for h in in_week}
    wanted = [at[ref.source] for section in sections for item in section.items for ref in item.sentences
              if ref.source in at]
    return {article.id: article for article in articles.fetch(list(dict.fromkeys(wanted))).values()}


def _verdict(scores: list[SectionScore], *, min_score: float) -> SectionScore | str:
    """Return the article's best section, or why it has none."""
    best = best_section(scores, min_score=min_score)
    if best is not None:
        return best
    top = max(scores, key=lambda s: s.score)
    return "no section keyword" if top.score == 0 else f"best section {top.title} scored {top.score:g}"


def _dedupe(in_week: list[Held], articles: Week) -> tuple[list[Held], int]:
    """Return the week's articles with reports of one event merged, and how many were merged.

    Only the articles of candidate pairs and of merged groups are read again.
    """
    full: dict[int, Article] = {}

    def read(positions: list[int]) -> None:
        full.update(articles.fetch([p for p in positions if p not in full]))

    def texts(indexes: list[int]) -> dict[int, str]:
        read([in_week[i].position for i in indexes])
        return {i: full[in_week[i].position].text for i in indexes}

    groups = duplicate_groups(in_week, articles.sketches(), texts=texts, positions=[h.position for h in in_week])
    read([in_week[i].position for group in groups if len(group) > 1 for i in group])
    kept = []
    for group in groups:
        if len(group) == 1:
            kept.append(in_week[group[0]])
            continue
        best = merge_group([full[in_week[i].position] for i in group])
        kept.append(_held(best, next(in_week[i].position for i in group if in_week[i].id == best.id)))
    return kept, len(in_week) - len(groups)


def _summary(city: str, pairs: list[tuple[Held, SectionScore]], articles: Week, *, budget: int) -> Item:
    """Return the item of one city in one section: the best QUOTED articles summarised, the others as sources."""
    ranked = sorted(pairs, key=lambda p: (-p[1].score, p[0].event_date, p[0].id))
    quoted, rest = ranked[:QUOTED], sorted(ranked[QUOTED:], key=lambda p: (p[0].event_date, p[0].id))
    full = articles.fetch([a.position for a, _ in quoted])
    item = summarise(city, [(replace(full[a.position], also=a.also), score) for a, score in quoted], budget=budget)
    if not rest:
        return item
    return replace(item, sources=item.sources + tuple(r for a, _ in rest for r in (source_ref(a), *a.also)))


def place_undated(article: Article, *, tz: ZoneInfo) -> tuple[Article | None, str]:
    """Return the article dated by its month and day in the year it was first seen, when that is fresh.

    The page gives no year: the event is read as the latest such day not after the day the store
    first saw the article, and kept only when that was at most FRESH before (a date in the URL,
    when there is one, must agree). The article then carries a warning; otherwise it is left out
    with the reason.
    """
    span = article.undated
    if span is None:
        return None, "no date found"
    if article.first_seen is None:
        return None, f"year of {span.text} not on the page, and not known when it was first seen"
    seen = article.first_seen.astimezone(tz).date()
    guess = _latest_on_or_before(span.start.month, span.start.day, seen + timedelta(days=1))
    if guess is None or seen - guess > FRESH:
        return None, f"year of {span.text} not on the page; first seen {seen}, too late to tell the year"
    address = url_date(article.url, fallback=seen)
    if address and not timedelta(0) <= address.day - guess <= FRESH:
        return None, f"year of {span.text} not on the page; its URL dates it {address.day}"
    end = guess + (span.end - span.start)
    warnings = (*(w for w in article.warnings if not w.startswith(YEAR_UNKNOWN)),
                f"year not on the page: {span.text} read as {guess} (first seen {seen})")
    return replace(article, event_date=guess, event_end=end, warnings=warnings), ""


def _month_day_in(week: IssueWeek, day: date) -> bool:
    """Return whether the month and day of `day` fall within the week's days, in any year."""
    return any((d.month, d.day) == (day.month, day.day)
               for d in (week.start + timedelta(days=n) for n in range((week.end - week.start).days + 1)))


def _latest_on_or_before(month: int, day: int, limit: date) -> date | None:
    for year in (limit.year, limit.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return None


def with_highlight(item: Item, boilerplate: list[re.Pattern[str]], *, terms: re.Pattern[str] | None = None) -> Item:
    """Return the item with its highlight, the clause every format marks: its key sentence's key clause, else
    the best quoted phrase or clause after a key verb of its other sentences (`terms` are the week's)."""
    clause = item_key_clause(item.sentences, boilerplate=boilerplate, terms=terms)
    return replace(item, highlight=clause) if clause is not None else item


def with_removed(item: Item, removed: dict[str, tuple[Removed, ...]]) -> Item:
    """Return the item with what the cleaner removed from its sources (boilerplate left out), for editors."""
    notes = tuple(RemovedNote(source.id, r.text, r.reason) for source in item.sources
                  for r in removed.get(source.id, ()) if r.reason != BOILERPLATE)
    return replace(item, removed=notes) if notes else item


def refuse_empty(digest: Digest, *, sources: tuple[SourceConfig, ...], store: object | None) -> None:
    """Raise EmptyWeek, naming the week and the sources looked at, when no article reports an event of it."""
    if digest.stats.get("in_week", 0):
        return
    looked = [f"{s.name} ({s.kind} {s.path or s.url or s.listing or ', '.join(s.urls)})" for s in sources]
    if store:
        looked.append(f"the store {store}")
    raise EmptyWeek(
        f"{digest.issue} ({digest.period.start} – {digest.period.end}) has no article in "
        f"{', '.join(looked) or 'no source'}: no issue written; collect the week's reports first, "
        "or build another week with --week")


def write_outputs(
    digest: Digest, config: Config, *, out: Path, formats: tuple[str, ...] = ("html", "pdf", "md", "json"),
) -> dict[str, Path]:
    """Render the requested formats into `out/<issue>/digest.<ext>`, then the archive; all written atomically."""
    written = render_all(digest, config, folder=out / digest.issue, formats=formats)
    # Archive: out/index.html and out/feed.atom list every issue in `out`, this one included.
    return written | write_archive(out, config, current=digest)

