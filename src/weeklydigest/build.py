"""The pipeline, top to bottom: collect (into the store) → clean → extract → select → dedupe → classify → summarise."""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from . import clock
from .collect import Progress, collect_into, read_sources
from .collect.guard import guarded
from .config import Config, SourceConfig
from .errors import EmptyWeek
from .model import (
    CITY_ORDER,
    PROVINCE,
    Article,
    Digest,
    Item,
    Period,
    RawDocument,
    RemovedNote,
    Section,
    SectionScore,
    Skipped,
    Unassigned,
)
from .render import render_all
from .render.archive import write_archive
from .render.marks import boilerplate_patterns, item_key_clause, term_pattern
from .render.view import PHRASES_SHOWN
from .store import open_store
from .understand.clean import BOILERPLATE, SPAM, clean, remove_sibling_spam
from .understand.dedupe import dedupe
from .understand.event import YEAR_UNKNOWN
from .understand.extract import extract, load_gazetteer
from .understand.headline import draft_headline, draft_lede
from .understand.learn import Learned, learn
from .understand.publication import url_date
from .understand.roster import Roster, load_roster
from .understand.sections import best_section, score_sections
from .understand.spam import SpamRules
from .understand.summarise import summarise
from .understand.terms import WeekText, emerging_terms
from .understand.themes import find_themes
from .week import IssueWeek

logger = logging.getLogger(__name__)

LEADER_TITLES = ("市委书记", "省委书记", "省长")  # whose week the column tells
BACKGROUND = timedelta(weeks=8)  # earlier weeks that emerging terms are measured against
LATE_REPORT = timedelta(days=60)  # reports published later than this after their week are not looked at
FRESH = timedelta(days=4)  # an undated report is placed by month and day only when first seen this soon after
PHRASES_KEPT = 15  # the week's phrases kept in stats.emerging_terms
THEME_PHRASES = 40  # the week's phrases a cross-city theme may be built on


def reading_aids(config: Config | None) -> tuple[SpamRules, Roster | None]:
    """Return the spam rules and the roster of office holders the config asks for."""
    context = load_gazetteer().pattern
    if config is None:
        return SpamRules(context=context), None
    path = config.officials
    if not path.is_absolute() and not path.exists():
        path = Path(__file__).resolve().parents[2] / path  # the project's own config folder
    return SpamRules(blocklist=config.spam_words, context=context), load_roster(path)


def understand(
    documents: list[RawDocument], *, week: IssueWeek, config: Config | None = None,
) -> tuple[list[Article], list[Skipped]]:
    """Clean each document and read its facts; documents left without text are skipped."""
    rules, roster = reading_aids(config)
    seconds = config.limits.file_seconds if config else None
    cleaned, skipped = [], []
    for document in documents:
        # One document that cannot be cleaned (or not in time) is skipped; the others go on.
        (article,) = guarded(document.origin, lambda document=document: [clean(document, spam=rules)],
                             seconds=seconds)
        if isinstance(article, Skipped):
            skipped.append(Skipped(article.path_or_url, f"cannot be cleaned: {article.reason}"))
            continue
        if not article.text:
            skipped.append(Skipped(document.origin, "no article text left after cleaning"))
            continue
        cleaned.append(replace(article, first_seen=document.first_seen))
    # Mirrors paste spam into copies of a report: another copy shows what was pasted.
    cleaned = remove_sibling_spam(cleaned)
    extracted = []
    for article in cleaned:
        (read,) = guarded(article.origin, lambda article=article: [extract(article, fallback=week.end, roster=roster)])
        if isinstance(read, Skipped):
            skipped.append(Skipped(read.path_or_url, f"cannot be understood: {read.reason}"))
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
    earlier: list[str] = []
    if sources is not None:
        # Collect: the given sources only, in memory; what they hold is seen now for the first time.
        reading = read_sources(sources, tz=config.tz, http=config.http, limits=config.limits)
        documents, skipped, failed = reading.documents, list(reading.skipped), reading.failed
        seen_now = now or clock.now(config.tz)
        documents = [replace(d, first_seen=d.first_seen or seen_now) for d in documents]
        learned = None
    else:
        with open_store(config) as store:
            # Collect: every source into the store; unreadable inputs become `skipped`.
            collection = collect_into(store, config.sources, tz=config.tz, http=config.http, progress=progress,
                                      limits=config.limits)
            # Read back: the week's candidates, so articles of earlier collections count too.
            documents = store.candidates(**candidate_window(week, tz=config.tz, collected=collection.started))
            # Earlier weeks: what the week's emerging terms are measured against.
            earlier = store.texts(**background_window(week, tz=config.tz))
            # Learn: the section corrections editors made in earlier issues.
            learned = learn(store.examples(before=week.issue))
        skipped = list(collection.skipped)
        failed = [run.name for run in collection.failed]
    # Clean and extract: paragraphs, removals, dates, cities, officials.
    articles, empty = understand(documents, week=week, config=config)
    skipped += empty
    digest = digest_articles(config, articles, week=week, skipped=skipped, seen=len(documents), now=now,
                             earlier=earlier, learned=learned)
    # A source that failed as a whole is named: the issue lacks its articles of this collection.
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

    `earlier` holds texts of earlier weeks (from the store) for the emerging terms; the run's own
    out-of-week articles count too.
    """
    unassigned: list[Unassigned] = []
    # Select: the event date decides the week, not the publication time. A report whose year the
    # page does not give is placed by its month and day only when the store saw it fresh.
    in_week = []
    for article in articles:
        if article.event_date is None:
            dated, reason = place_undated(article, tz=config.tz)
            if dated is None:
                if article.undated is None or _month_day_in(week, article.undated.start):
                    unassigned.append(Unassigned(article.id, article.title, reason))
                continue
            article = dated
        if week.contains(article.event_date):
            in_week.append(article)
    # Dedupe: one article per event; the others stay as extra sources.
    kept, duplicates = dedupe(in_week)
    # Classify: each article goes to its single best section, or to `unassigned`.
    placed: dict[str, dict[str, list[tuple[Article, SectionScore]]]] = defaultdict(lambda: defaultdict(list))
    leaders: list[Article] = []  # the week's reports of what a city's leader did, placed or not
    for article in sorted(kept, key=lambda a: (a.event_date, a.id)):
        if article.city and any(o.title in LEADER_TITLES for o in (*article.officials, *article.unnamed)):
            leaders.append(article)
        scores = score_sections(article, config.sections, set_phrases=config.set_phrases,
                                set_patterns=config.set_patterns, learned=learned, weights=config.section_weights)
        best = best_section(scores, min_score=config.min_score)
        if best is None:
            top = max(scores, key=lambda s: s.score)
            reason = "no section keyword" if top.score == 0 else f"best section {top.title} scored {top.score:g}"
            unassigned.append(Unassigned(article.id, article.title, reason))
        elif not article.city:
            unassigned.append(Unassigned(article.id, article.title, "no city found"))
        elif not any(o.title in LEADER_TITLES for o in (*article.officials, *article.unnamed)):
            unassigned.append(Unassigned(article.id, article.title, "no party secretary or provincial leader named"))
        else:
            placed[best.title][article.city].append((article, best))
    # The week's phrases: what this week's reports say far more than the earlier weeks' did.
    boilerplate = boilerplate_patterns(config.set_phrases, config.set_patterns)
    phrases = emerging_terms(
        [WeekText(a.city, a.title + "\n" + a.text) for a in in_week],
        [*(earlier or []), *(a.title + "\n" + a.text for a in articles if _after_background(a, week))],
        top=THEME_PHRASES, vocabulary=tuple(w for r in config.sections for w in (*r.keywords, *r.terms)),
        names={o.name for a in articles for o in a.officials}, places=load_gazetteer().places,
        exclude=boilerplate)
    shown = [str(p["term"]) for p in phrases[:PHRASES_SHOWN]]
    # Summarise: one item per city per section, cities in the column's order; each item's key clause marked.
    by_id = {a.id: a for a in in_week}
    sections = []
    for rule in config.sections:
        by_city = placed.get(rule.title, {})
        terms = term_pattern([*rule.terms, *shown])
        items: list[Item] = [
            with_highlight(with_removed(summarise(city, by_city[city], budget=rule.budget), by_id), boilerplate,
                           terms=terms)
            for city in sorted(by_city, key=lambda c: CITY_ORDER.get(c, 99))
        ]
        sections.append(Section(title=rule.title, keywords=rule.keywords, items=tuple(items)))
    # Themes: three or more cities sharing a phrase or a kind of meeting, proposed as sections of their own.
    themes = find_themes(leaders, phrases, boilerplate=boilerplate, sections=sections,
                         exclude=[w for r in config.sections for w in (r.title, *r.keywords, *r.terms)])
    # Headline and lede: the machine's drafts, from the sources, until an editor accepts or rewrites them.
    headline, headline_draft = draft_headline(themes, sections)
    lede, lede_draft = draft_lede(themes, sections, by_id)
    drafts = {name: d for name, d in (("headline", headline_draft), ("lede", lede_draft)) if d is not None}
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


def with_removed(item: Item, articles: dict[str, Article]) -> Item:
    """Return the item with what the cleaner removed from its sources (boilerplate left out), for editors."""
    notes = tuple(RemovedNote(source.id, r.text, r.reason) for source in item.sources
                  for r in (articles[source.id].removed if source.id in articles else ()) if r.reason != BOILERPLATE)
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

