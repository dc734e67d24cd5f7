"""The week's articles, analysed once per version, as the digest reads them: from the store or from a list.

An article version has these results, each kept in the store with the fingerprint of what decided
it (`understand.analysis`); a result whose fingerprint is not the current one is computed again
and replaces it, and nothing else is:

- article: the analysis itself (clean text, removals, dates, cities, officials);
- brief: the article without its text, places and other dates (what the digest reads of every
  candidate; the text is read only for what it quotes or compares);
- sketch: what candidate generation compares (`understand.candidates`);
- phrases, meetings and scores: the candidate phrases of the week it offers, the kinds of meeting
  it names (both read by the tagger, the slow part of the week's phrases and themes), its score
  in each section;
- sibling: the article with what a sibling copy shows was pasted in cut (kept with the identity
  of that sibling's version, so it is redone only when either copy changes);

`StoredWeek` streams the candidates of a week from the store CHUNK at a time, so memory holds one
chunk of articles and a sketch per candidate, not the week's texts; `ListedWeek` gives the same
over articles in memory (one-off builds from `--source`, `eval`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import replace
from datetime import date, datetime
from typing import Protocol

from . import store as store_module
from .config import Config
from .cores import forked_pool
from .model import Article, RawDocument, SectionScore, Skipped
from .store import Ref, Store, Window
from .understand.analysis import (
    Analyser,
    article_bytes,
    article_from_bytes,
    article_words,
    code_fingerprint,
    digest_of,
    library_versions,
    plain_bytes,
    plain_from_bytes,
)
from .understand.candidates import Sketch, Sketches, sketch
from .understand.sections import LEADER_TITLES
from .understand.siblings import cut_by_sibling, sibling_pairs

logger = logging.getLogger(__name__)

ARTICLE, BRIEF, SKETCH, PHRASES, MEETINGS, SCORES, SIBLING = (
    "article", "brief", "sketch", "phrases", "meetings", "scores", "sibling")
CHUNK = 400  # articles decoded at a time
POOL_PAIRS = 256  # sibling pairs to compare from which the comparisons go to forked workers
EMPTY = "no article text left after cleaning"
Row = tuple[str, int, str, str, bytes]  # key, version, stage, fingerprint, data


def brief(article: Article) -> Article:
    """Return the article without its text, places and the dates other than its event's."""
    return replace(article, text="", cities=(), dates=tuple(d for d in article.dates if d.start == article.event_date))


def codes() -> dict[str, str]:
    """Return the fingerprints of the code of the stages that depend on the article alone."""
    return {BRIEF: "brief:" + code_fingerprint("analysed"),
            SKETCH: "sketch:" + code_fingerprint("understand.candidates"),
            SIBLING: "sibling:" + code_fingerprint("understand.siblings")}


def kept_analysis(article: Article, stamp: str) -> tuple[tuple[str, str, bytes], ...]:
    """Return (stage, fingerprint, data) of the results kept with a new version: the article, its brief, its sketch."""
    code = codes()
    return ((ARTICLE, stamp, article_bytes(article)), (BRIEF, f"{code[BRIEF]}/{stamp}", article_bytes(brief(article))),
            (SKETCH, f"{code[SKETCH]}/{stamp}", sketch(article.text).to_bytes()))


def kept_results(readers: Readers, article: Article, stamp: str) -> tuple[tuple[str, str, bytes], ...]:
    """Return (stage, fingerprint, data) of what the config decides of a new version, kept with it.

    Its phrases and section scores, and the kinds of meeting a leader's report with a city names:
    what a build reads of every candidate of its week, computed where the version is analysed
    (collect's workers) instead of by the build, one process, afterwards.
    """
    phrases, meetings = readers.phrases_and_meetings(article)
    rows = [(PHRASES, f"{readers.phrases_code}/{stamp}", _phrases_bytes(phrases)),
            (SCORES, f"{readers.scores_code}/{stamp}", _scores_bytes(readers.scores(article)))]
    if article.city and any(o.title in LEADER_TITLES for o in (*article.officials, *article.unnamed)):
        rows.append((MEETINGS, f"{readers.meetings_code}/{stamp}", _words_bytes(meetings)))
    return tuple(rows)


class Readers:
    """The stages that depend on the config too: how each is computed, and the fingerprint of what decides it."""

    def __init__(self, config: Config, analyser: Analyser | None, *, learned: object = None) -> None:
        from .understand.places import load_gazetteer

        self.config, self.analyser, self.learned = config, analyser, learned
        self.vocabulary = tuple(w for r in config.sections for w in (*r.keywords, *r.terms))
        self.places = frozenset(load_gazetteer().places)
        self._vocabulary_added = False
        tagger = (library_versions("rjieba"), sorted(set(self.vocabulary)))
        self.phrases_code = "phrases:" + digest_of(code_fingerprint("understand.terms"), *tagger)
        self.meetings_code = "meetings:" + digest_of(code_fingerprint("understand.themes"), *tagger)
        self.scores_code = "scores:" + digest_of(
            code_fingerprint("understand.sections"), config.sections, config.set_phrases, config.set_patterns,
            config.section_weights, learned)

    def _tagger(self) -> None:
        if not self._vocabulary_added:
            from .understand import tagger

            tagger.add_words(self.vocabulary)  # as the phrase finder does (the cleaner's tokenizer is not changed)
            self._vocabulary_added = True

    def phrases(self, article: Article) -> tuple[frozenset[str], frozenset[str]]:
        """Return the candidate phrases of the week the article offers, and those it quotes."""
        from .understand.terms import candidates

        self._tagger()
        phrases, quoted = candidates(article.title + "\n" + article.text, places=self.places)
        return frozenset(phrases), frozenset(quoted)

    def phrases_and_meetings(self, article: Article) -> tuple[tuple[frozenset[str], frozenset[str]], set[str]]:
        """Return `phrases` and `meetings` of the article, its text tagged once for both."""
        from .understand import tagger
        from .understand.terms import candidates
        from .understand.themes import meeting_kinds

        self._tagger()
        whole = tagger.tag(article.title + "\n" + article.text)
        # The title's words, the line break, the text's words: the text is tagged as on its own.
        at = next((i for i, (word, _tag) in enumerate(whole) if word == "\n"), len(whole))
        own = whole[at + 1:]
        if "".join(w for w, _ in whole[:at]) != article.title or "".join(w for w, _ in own) != article.text:
            own = tagger.tag(article.text)
        phrases, quoted = candidates(article.title + "\n" + article.text, places=self.places, tokens=whole)
        return (frozenset(phrases), frozenset(quoted)), meeting_kinds(article.text, tokens=own)

    def meetings(self, article: Article) -> set[str]:
        """Return the kinds of meeting the article names."""
        from .understand.themes import meeting_kinds

        self._tagger()
        return meeting_kinds(article.text)

    def scores(self, article: Article) -> list[SectionScore]:
        from .understand.sections import score_sections

        config = self.config
        return score_sections(article, config.sections, set_phrases=config.set_phrases,
                              set_patterns=config.set_patterns, learned=self.learned,  # type: ignore[arg-type]
                              weights=config.section_weights)


def _scores_bytes(scores: list[SectionScore]) -> bytes:
    return plain_bytes([[s.title, s.score, list(s.why)] for s in scores])


def _scores_from(data: bytes) -> list[SectionScore]:
    return [SectionScore(sys.intern(title), score, tuple(sys.intern(w) for w in why))
            for title, score, why in plain_from_bytes(data)]


def _phrases_bytes(found: tuple[frozenset[str], frozenset[str]]) -> bytes:
    return plain_bytes([sorted(found[0]), sorted(found[1])])


def _phrases_from(data: bytes) -> tuple[frozenset[str], frozenset[str]]:
    phrases, quoted = plain_from_bytes(data)
    return frozenset(phrases), frozenset(quoted)


def _words_bytes(words: set[str]) -> bytes:
    return plain_bytes(sorted(words))


def _words_from(data: bytes) -> set[str]:
    return set(plain_from_bytes(data))


def sibling_cut(analyser: Analyser, fallback: date, article: Article, sibling: str) -> bytes:
    """Return the article cut by its sibling copy and read again, as bytes; b"" when nothing is cut."""
    cut = cut_by_sibling(article, sibling)
    read = analyser.read_guarded(cut, fallback=fallback) if cut is not None else None
    return article_bytes(read) if isinstance(read, Article) else b""


_reader: tuple[Analyser, date] | None = None  # a forked worker's analyser and fallback date


def _adopt_reader(analyser: Analyser, fallback: date) -> None:
    global _reader
    _reader = (analyser, fallback)


def _sibling_cut(job: tuple[Article, str]) -> bytes:
    assert _reader is not None
    return sibling_cut(*_reader, *job)


class Entry:
    """One candidate of the week: its brief and where its sketch is; its phrases, meetings and scores when asked."""

    def __init__(self, article: Article, position: int, *,
                 phrases: Callable[[], tuple[frozenset[str], frozenset[str]]],
                 meetings: Callable[[], set[str]], scores: Callable[[], list[SectionScore]]) -> None:
        self.article, self.position = article, position
        self.phrases, self.meetings, self.scores = phrases, meetings, scores


class Week(Protocol):
    """The candidates of a week, analysed."""

    def sketches(self) -> Sketches: ...

    def entries(self) -> Iterator[Entry]: ...

    def fetch(self, positions: Sequence[int]) -> dict[int, Article]: ...

    def stream(self, positions: Sequence[int]) -> Iterator[tuple[int, Article]]: ...

    def texts(self, positions: Sequence[int]) -> Iterator[tuple[str, str]]: ...

    def earlier(self) -> Iterator[str]: ...


class ListedWeek:
    """Analysed articles held in a list (one-off builds, `eval`); their siblings are already cut."""

    def __init__(self, articles: list[Article], readers: Readers, *, earlier: Sequence[str] = ()) -> None:
        self.articles, self.readers, self._earlier = articles, readers, earlier
        self._table: Sketches | None = None

    def sketches(self) -> Sketches:
        if self._table is None:
            self._table = Sketches(sketch(a.text) for a in self.articles)
        return self._table

    def entries(self) -> Iterator[Entry]:
        readers = self.readers
        for position, article in enumerate(self.articles):
            yield Entry(brief(article), position,
                        phrases=lambda a=article: readers.phrases(a),  # type: ignore[misc]
                        meetings=lambda a=article: readers.meetings(a),  # type: ignore[misc]
                        scores=lambda a=article: readers.scores(a))  # type: ignore[misc]

    def fetch(self, positions: Sequence[int]) -> dict[int, Article]:
        return {p: self.articles[p] for p in positions}

    def stream(self, positions: Sequence[int]) -> Iterator[tuple[int, Article]]:
        for p in positions:
            yield p, self.articles[p]

    def texts(self, positions: Sequence[int]) -> Iterator[tuple[str, str]]:
        for p in positions:
            yield self.articles[p].title, self.articles[p].text

    def earlier(self) -> Iterator[str]:
        yield from self._earlier


class StoredWeek:
    """The latest versions of a store window, each analysed once, read a chunk at a time.

    `prepare` analyses what is not analysed yet and reads every candidate's sketch (O(N));
    `remove_sibling_spam` cuts what sibling copies show was pasted (O(N log N), redoing only pairs
    whose copies changed); `entries` streams every candidate's brief (O(N)); `fetch` reads single
    articles again by id.
    """

    def __init__(self, store: Store, *, window: Window, background: Window | None, readers: Readers,
                 fallback: date) -> None:
        if readers.analyser is None:
            raise ValueError("a stored week needs the analyser of the build")
        self.store, self.readers, self.fallback = store, readers, fallback
        self.analyser: Analyser = readers.analyser
        self.codes = codes()
        self.refs = store.window_refs(window)
        self.background = store.window_refs(background) if background else []
        self.skipped: list[Skipped] = []
        self._with_text: list[Ref] = []  # candidates with text, in order
        self._table = Sketches()  # their sketches in the same order, then those of sibling cuts
        self._at: list[Ref] = []  # the version each sketch is of
        self._cut_at: dict[Ref, int] = {}  # where the sketch of a sibling cut is
        self._stamps: dict[Ref, str] = {}  # the fingerprint of each candidate's analysis
        self._cut: dict[Ref, tuple[Article, str]] = {}  # sibling cuts: the article and its stamp
        self.analysed = 0  # versions analysed by this run (not analysed before, or by other code or settings)
        self.computed: Counter[str] = Counter()  # phrases, meetings and scores computed by this run, by stage
        self._failed: set[Ref] = set()  # versions that could not be analysed (in `skipped`)

    # --- the analysis -----------------------------------------------------------------------------

    def _current(self, fingerprint: str | None) -> bool:
        own = self.analyser.fingerprint
        return fingerprint == own or fingerprint == f"{own}@{self.fallback}"

    def _articles(self, refs: Sequence[Ref], *, rows: list[Row], fresh: set[Ref] | None = None) -> dict[Ref, Article]:
        """Return the analyses of `refs`: kept ones that are current, else analysed now (added to `fresh`).

        What is analysed now is queued in `rows` (the article, its brief and its sketch).
        """
        kept = self.store.derived(refs, (ARTICLE,))
        found: dict[Ref, Article] = {}
        missing = []
        for ref in refs:
            row = kept.get(ref, {}).get(ARTICLE)
            if row is not None and self._current(row[0]):
                found[ref] = article_from_bytes(row[1])
                self._stamps[ref] = sys.intern(row[0])
            else:
                missing.append(ref)
        for ref, document in self.store.documents(missing).items():
            analysed = self.analyser.analyse_guarded(document, fallback=self.fallback)
            self.analysed += 1
            if isinstance(analysed, Skipped):
                # Not kept: tried again next time (what it raised may be fixed by then).
                if ref not in self._failed:
                    self._failed.add(ref)
                    self.skipped.append(analysed)
                found[ref] = Article(id="", title="", url="", source=document.source, origin=document.origin,
                                     published=None, text="")
                continue
            article = analysed
            stamp = self._stamps[ref] = self.analyser.stamp(document, self.fallback)
            found[ref] = article
            if fresh is not None:
                fresh.add(ref)
            rows += [(*ref, stage, fingerprint, data) for stage, fingerprint, data in kept_analysis(article, stamp)]
        return found

    def prepare(self) -> None:
        """Analyse the candidates not analysed yet; read every candidate's sketch.

        A candidate whose analysis, brief and sketch are current is not decoded: its sketch alone is read.
        """
        code = self.codes
        for start in range(0, len(self.refs), CHUNK):
            chunk = self.refs[start:start + CHUNK]
            kept = self.store.derived(chunk, (ARTICLE, BRIEF, SKETCH), with_data=(SKETCH,))
            ready: dict[Ref, Sketch] = {}
            for ref in chunk:
                stages = kept.get(ref, {})
                stamp = stages.get(ARTICLE, ("", b""))[0]
                if (self._current(stamp) and stages.get(BRIEF, ("", b""))[0] == f"{code[BRIEF]}/{stamp}"
                        and stages.get(SKETCH, ("", b""))[0] == f"{code[SKETCH]}/{stamp}"):
                    ready[ref] = Sketch.from_bytes(stages[SKETCH][1])
                    self._stamps[ref] = sys.intern(stamp)
            # An empty sketch is decoded too: an article of punctuation alone still has text.
            rows: list[Row] = []
            fresh: set[Ref] = set()
            todo = [r for r in chunk if r not in ready or ready[r].size == 0]
            articles = self._articles(todo, rows=rows, fresh=fresh) if todo else {}
            for ref in chunk:
                article = articles.get(ref)
                if article is not None and ref not in ready:
                    if ref not in fresh:  # analysed before, brief or sketch out of date
                        rows += [(*ref, stage, fingerprint, data)
                                 for stage, fingerprint, data in kept_analysis(article, self._stamps[ref])[1:]]
                    ready[ref] = sketch(article.text)
                if ref in self._failed:
                    continue
                if article is not None and not article.text:
                    self.skipped.append(Skipped(article.origin, EMPTY))
                else:
                    self._with_text.append(ref)
                    self._table.append(ready[ref])
                    self._at.append(ref)
            self.store.save_derived(rows)
        logger.info("%d candidates: %d analysed now, %d analyses kept from earlier runs", len(self.refs),
                    self.analysed, len(self.refs) - self.analysed)

    def remove_sibling_spam(self) -> int:
        """Cut what a sibling copy shows was pasted into an article; return how many articles are cut.

        O(N log N) for N candidates; a pair is compared again only when either copy changed.
        """
        refs = self._with_text
        pairs = [(refs[i], refs[j]) for i, j in sibling_pairs(self._table)]
        if not pairs:
            return 0
        kept = self.store.derived([a for a, _ in pairs], (SIBLING,))
        tokens = {a: f"{self.codes[SIBLING]}/{self._stamps[a]}/{b[0]}@{b[1]}/{self._stamps[b]}" for a, b in pairs}
        todo = [(a, b) for a, b in pairs if kept.get(a, {}).get(SIBLING, ("", b""))[0] != tokens[a]]
        waiting = set(todo)
        results = {a: kept[a][SIBLING][1] for a, b in pairs if (a, b) not in waiting}
        rows: list[Row] = []
        many = len(todo) >= POOL_PAIRS
        with forked_pool(_adopt_reader, (self.analyser, self.fallback)) if many else nullcontext() as pool:
            if pool is not None:
                logger.info("%d sibling pairs compared by forked workers", len(todo))
            for start in range(0, len(todo), CHUNK):
                part = todo[start:start + CHUNK]
                articles = self._articles(list(dict.fromkeys(r for pair in part for r in pair)), rows=rows)
                jobs = [(articles[a], articles[b].text) for a, b in part]
                cuts = (pool.map(_sibling_cut, jobs, chunksize=16) if pool is not None
                        else [sibling_cut(self.analyser, self.fallback, *job) for job in jobs])
                for (a, _b), data in zip(part, cuts, strict=True):
                    results[a] = data
                    rows.append((*a, SIBLING, tokens[a], data))
        self.store.save_derived(rows)
        for a, data in results.items():
            if data:
                article = article_from_bytes(data)
                self._cut[a] = (article, f"{self._stamps[a]}~{hashlib.sha1(tokens[a].encode()).hexdigest()[:12]}")
                self._cut_at[a] = len(self._table)
                self._table.append(sketch(article.text))
                self._at.append(a)
        return len(self._cut)

    # --- reading the week -------------------------------------------------------------------------

    def sketches(self) -> Sketches:
        """Return the sketches of the candidates (with text) and of their sibling cuts (see `Entry.position`)."""
        return self._table

    def entries(self) -> Iterator[Entry]:
        """Yield every candidate with text: its brief and sketch, its phrases, meetings and scores when asked.

        Briefs are decoded, not articles; a candidate's article is read only when one of these must
        be computed. Results computed here are kept.
        """
        readers = self.readers
        refs = self._with_text
        for start in range(0, len(refs), CHUNK):
            chunk = refs[start:start + CHUNK]
            kept = self.store.derived(chunk, (BRIEF, PHRASES, MEETINGS, SCORES))
            rows: list[Row] = []
            loader = _Loader(self, [r for r in chunk if r not in self._cut], rows)
            seen: dict[str, datetime] | None = None
            for offset, ref in enumerate(chunk):
                cut = self._cut.get(ref)
                if cut is not None:
                    article, stamp = cut
                    summary = brief(article)
                else:
                    stamp = self._stamps[ref]
                    summary = article_from_bytes(kept[ref][BRIEF][1])
                if summary.event_date is None:
                    # An undated report is placed by the day the store first saw it.
                    seen = seen if seen is not None else self.store.first_seen(key for key, _ in chunk)
                    summary = replace(summary, first_seen=seen.get(ref[0]))
                source = (lambda a=cut[0]: a) if cut else (lambda r=ref, load=loader: load.article(r))
                results = _Results(ref, stamp, kept.get(ref, {}), rows, readers, article=source,
                                   computed=self.computed)
                yield Entry(summary, self._cut_at.get(ref, start + offset), phrases=results.phrases,
                            meetings=results.meetings, scores=results.scores)
            self.store.save_derived(rows)
        logger.info("computed now (not kept with the analysis): %s",
                    ", ".join(f"{self.computed[stage]} {stage}" for stage in (PHRASES, MEETINGS, SCORES)))

    def fetch(self, positions: Sequence[int]) -> dict[int, Article]:
        """Return the analysed articles whose sketches are at `positions` (sibling cuts applied)."""
        refs = {p: self._at[p] for p in positions}
        rows: list[Row] = []
        found = self._articles([r for r in dict.fromkeys(refs.values()) if r not in self._cut], rows=rows)
        self.store.save_derived(rows)
        return {p: self._cut[ref][0] if ref in self._cut else found[ref] for p, ref in refs.items()}

    def stream(self, positions: Sequence[int]) -> Iterator[tuple[int, Article]]:
        """Yield (position, article) for the articles whose sketches are at `positions`, CHUNK read at a time."""
        for start in range(0, len(positions), CHUNK):
            chunk = positions[start:start + CHUNK]
            found = self.fetch(chunk)
            for position in chunk:
                yield position, found[position]

    def texts(self, positions: Sequence[int]) -> Iterator[tuple[str, str]]:
        """Yield (title, text) of the articles at `positions`, CHUNK at a time, without building the articles."""
        for start in range(0, len(positions), CHUNK):
            refs = [self._at[p] for p in positions[start:start + CHUNK]]
            kept = self.store.derived([r for r in refs if r not in self._cut], (ARTICLE,))
            for position, ref in zip(positions[start:start + CHUNK], refs, strict=True):
                row = kept.get(ref, {}).get(ARTICLE)
                if ref in self._cut:
                    article = self._cut[ref][0]
                elif row is not None and self._current(row[0]):
                    yield article_words(row[1])
                    continue
                else:  # not kept or no longer current: analysed again
                    article = self.fetch([position])[position]
                yield article.title, article.text

    def earlier(self) -> Iterator[str]:
        """Yield title and text of the earlier weeks' articles as collected, CHUNK at a time."""
        for start in range(0, len(self.background), CHUNK):
            texts = self.store.version_texts(self.background[start:start + CHUNK])
            for ref in self.background[start:start + CHUNK]:
                if ref in texts:
                    title, text = texts[ref]
                    yield title + "\n" + text


class _Loader:
    """Reads the articles of a chunk, all at once, the first time one of them is needed."""

    def __init__(self, week: StoredWeek, refs: list[Ref], rows: list[Row]) -> None:
        self.week, self.refs, self.rows = week, refs, rows
        self.articles: dict[Ref, Article] | None = None

    def article(self, ref: Ref) -> Article:
        if self.articles is None:
            self.articles = self.week._articles(self.refs, rows=self.rows)
        return self.articles[ref]


class _Results:
    """One candidate's phrases, meetings and scores: kept ones when current, else computed from its article and kept."""

    def __init__(self, ref: Ref, stamp: str, kept: dict[str, tuple[str, bytes]], rows: list[Row],
                 readers: Readers, *, article: Callable[[], Article], computed: Counter[str]) -> None:
        self.ref, self.stamp, self.kept, self.rows = ref, stamp, kept, rows
        self.readers, self.article, self.computed = readers, article, computed

    def _result(self, stage: str, code: str, compute: Callable[[], bytes]) -> bytes:
        fingerprint = f"{code}/{self.stamp}"
        row = self.kept.get(stage)
        if row is not None and row[0] == fingerprint:
            return row[1]
        data = compute()
        self.computed[stage] += 1
        self.rows.append((*self.ref, stage, fingerprint, data))
        return data

    def phrases(self) -> tuple[frozenset[str], frozenset[str]]:
        readers = self.readers
        return _phrases_from(self._result(PHRASES, readers.phrases_code,
                                          lambda: _phrases_bytes(readers.phrases(self.article()))))

    def meetings(self) -> set[str]:
        readers = self.readers
        return _words_from(self._result(MEETINGS, readers.meetings_code,
                                        lambda: _words_bytes(readers.meetings(self.article()))))

    def scores(self) -> list[SectionScore]:
        return _scores_from(self._result(SCORES, self.readers.scores_code,
                                         lambda: _scores_bytes(self.readers.scores(self.article()))))


# --- one document, as `inspect` and `eval` read it ---------------------------------------------------


def stored_analysis(store: Store, document: RawDocument, analyser: Analyser, *, fallback: date) -> tuple[
        Article | None, str]:
    """Return the store's analysis of a document if it is current, else None, and a line saying which."""
    key = document.url or document.origin
    known = store.latest_delivery(key)
    if known is None:
        return None, "analysed now: not in the store (collect it to keep its analysis)"
    version = store.find_delivery(document)
    if version is None:
        return None, f"analysed now: the store holds another text of it (version {known[0]})"
    row = store.derived([(key, version)], (ARTICLE,)).get((key, version), {}).get(ARTICLE)
    if row is None:
        return None, f"analysed now: version {version} in the store has no analysis yet (build keeps one)"
    if row[0] != analyser.stamp(document, fallback):
        if row[0].startswith(f"{analyser.fingerprint}@"):
            return None, (f"analysed now: undated, and the stored analysis of version {version} read its dates "
                          f"against {row[0].partition('@')[2]}, not {fallback}")
        return None, (f"analysed now: the stored analysis of version {version} was made by other code or "
                      "settings (spam_words, officials, data files)")
    return article_from_bytes(row[1]), f"from the store: version {version}, analysed once and kept"


def analyse_documents(documents: list[RawDocument], analyser: Analyser, *, fallback: date,
                      store: Store | None = None) -> list[tuple[Article | Skipped, str]]:
    """Return each document analysed (or why it cannot be), from the store's kept analysis where it is current,
    and how."""
    results: list[tuple[Article | Skipped, str]] = []
    for document in documents:
        found, how = stored_analysis(store, document, analyser, fallback=fallback) if store else (None, "")
        results.append((found or analyser.analyse_guarded(document, fallback=fallback), how))
    return results


def analyses_of(config: Config, documents: list[RawDocument], *, fallback: date) -> list[tuple[Article, str]]:
    """Return each document analysed as `build` would, from the config's store where it is kept, and how.

    A file named by its path is looked up as the folder source holding it names it (`source/path`).
    What the analysis raises is raised (one file: the caller says why it cannot be understood).
    """
    analyser = Analyser(config)
    store = open_store(config)
    if store is None:
        how = f"analysed now: the store {config.store} does not exist yet"
        return [(analyser.analyse(d, fallback=fallback), how) for d in documents]
    with store:
        results: list[tuple[Article, str]] = []
        for document in documents:
            found, how = stored_analysis(store, as_collected(config, document), analyser, fallback=fallback)
            results.append((found or analyser.analyse(document, fallback=fallback), how))
        return results


def as_collected(config: Config, document: RawDocument) -> RawDocument:
    """Return the document named as the config's folder source holding its file names it, if one does."""
    from .collect.boundary import printable

    if document.url:
        return document
    path, mark, line = document.origin.rpartition("#")
    file = path if mark and line.isdigit() else document.origin
    real = os.path.realpath(file)
    for source in config.sources:
        if source.kind != "folder" or source.path is None:
            continue
        rel = os.path.relpath(real, os.path.realpath(source.path))
        if rel != os.curdir and not rel.startswith(os.pardir + os.sep) and rel != os.pardir:
            named = "/".join(printable(part) for part in rel.split(os.sep))
            return replace(document, origin=f"{source.name}/{named}" + (f"#{line}" if file != document.origin else ""),
                           source=source.name)
    return document


def open_store(config: Config) -> Store | None:
    """Return the config's store if it exists (for reading kept analyses), else None."""
    if not config.store.exists():
        return None
    try:
        return Store(config.store)
    except store_module.StoreError as exc:
        logger.warning("%s", exc)
        return None
