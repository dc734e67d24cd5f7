"""The week's articles, analysed once per version, as the digest reads them: from the store or from a list.

An analysed article has four results, each kept in the store per version with the fingerprint of
what decided it (`understand.analysis`): the article itself (clean text, removals, facts), its
sketch (what candidate generation compares), its term counts and its section scores. A result
whose fingerprint is not the current one is computed again and replaces it; nothing else is.

`StoredWeek` streams the candidates of a week from the store a chunk at a time, so that memory
holds one chunk of articles, not the week; `ListedWeek` does the same over articles in memory
(one-off builds from `--source`, `eval`). Both give the digest the same four things: the sketches
of every candidate, every candidate with its results, single articles again by id, and the term
counts of earlier weeks.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Protocol

from . import store as store_module
from .config import Config
from .model import Article, RawDocument, SectionScore, Skipped
from .store import Ref, Store, Window, delivery_hash
from .understand.analysis import (
    Analyser,
    article_bytes,
    article_from_bytes,
    code_fingerprint,
    digest_of,
    library_versions,
)
from .understand.candidates import Sketch, sketch
from .understand.siblings import cut_by_sibling, sibling_pairs

logger = logging.getLogger(__name__)

ARTICLE, SKETCH, TERMS, SCORES, EARLIER = "article", "sketch", "terms", "scores", "earlier"
CHUNK = 400  # articles decoded at a time
EMPTY = "no article text left after cleaning"


def sketch_code() -> str:
    """Return the fingerprint of the sketching code."""
    return "sketch:" + code_fingerprint("understand.candidates")


class Entry:
    """One candidate of the week: its article and sketch, its term counts and section scores when asked."""

    def __init__(self, article: Article, sketched: Sketch, *, terms: Callable[[], Counter[str]],
                 scores: Callable[[], list[SectionScore]]) -> None:
        self.article, self.sketch = article, sketched
        self._terms, self._scores = terms, scores

    def terms(self) -> Counter[str]:
        return self._terms()

    def scores(self) -> list[SectionScore]:
        return self._scores()


class Readers:
    """The stages after the article: how each is computed, and the fingerprint of what decides it."""

    def __init__(self, config: Config, analyser: Analyser | None, *, learned: object = None) -> None:
        from .understand.terms import add_vocabulary

        self.config, self.analyser, self.learned = config, analyser, learned
        self.vocabulary = tuple(w for r in config.sections for w in (*r.keywords, *r.terms))
        self._add_vocabulary = add_vocabulary
        self._vocabulary_added = False
        self.sketch_code = sketch_code()
        self.terms_code = "terms:" + digest_of(code_fingerprint("understand.terms"), library_versions("rjieba"),
                                               sorted(set(self.vocabulary)))
        self.scores_code = "scores:" + digest_of(
            code_fingerprint("understand.sections"), config.sections, config.set_phrases, config.set_patterns,
            learned)

    def sketch(self, article: Article) -> Sketch:
        return sketch(article.text)

    def terms(self, article: Article) -> Counter[str]:
        return self.earlier(article.title, article.text)

    def earlier(self, title: str, text: str) -> Counter[str]:
        """Return the term counts of a text, its title first."""
        from .understand.terms import term_counts

        if not self._vocabulary_added:
            # Only once every analysis of the run is done: added words change how texts are cut.
            self._add_vocabulary(self.vocabulary)
            self._vocabulary_added = True
        return term_counts(title + "\n" + text)

    def scores(self, article: Article) -> list[SectionScore]:
        from .understand.sections import score_sections

        config = self.config
        return score_sections(article, config.sections, set_phrases=config.set_phrases,
                              set_patterns=config.set_patterns, learned=self.learned)  # type: ignore[arg-type]


class _StoredEntry(Entry):
    """An entry whose terms and scores come from the store when current, else are computed and kept."""

    def __init__(self, article: Article, sketched: Sketch, *, readers: Readers, ref: Ref, stamp: str,
                 stored: dict[str, tuple[str, bytes]], keep: bool,
                 rows: list[tuple[str, int, str, str, bytes]]) -> None:
        super().__init__(article, sketched, terms=self._stored_terms, scores=self._stored_scores)
        self.readers, self.ref, self.stamp, self.stored, self.keep, self.rows = readers, ref, stamp, stored, keep, rows

    def _result(self, stage: str, code: str, compute: Callable[[], bytes]) -> bytes:
        fingerprint = f"{code}/{self.stamp}"
        row = self.stored.get(stage)
        if row is not None and row[0] == fingerprint and self.keep:
            return row[1]
        data = compute()
        if self.keep:  # a sibling cut belongs to the week, not to the version: not kept
            self.rows.append((*self.ref, stage, fingerprint, data))
        return data

    def _stored_terms(self) -> Counter[str]:
        readers = self.readers
        return _counts_from(self._result(TERMS, readers.terms_code, lambda: _counts_bytes(readers.terms(self.article))))

    def _stored_scores(self) -> list[SectionScore]:
        readers = self.readers
        return _scores_from(self._result(SCORES, readers.scores_code,
                                         lambda: _scores_bytes(readers.scores(self.article))))


def _scores_bytes(scores: list[SectionScore]) -> bytes:
    return json.dumps([[s.title, s.score, list(s.why)] for s in scores], ensure_ascii=False).encode()


def _scores_from(data: bytes) -> list[SectionScore]:
    return [SectionScore(title, score, tuple(why)) for title, score, why in json.loads(data)]


def _counts_bytes(counts: Counter[str]) -> bytes:
    return json.dumps(counts, ensure_ascii=False, separators=(",", ":")).encode()


def _counts_from(data: bytes) -> Counter[str]:
    return Counter(json.loads(data))


def _article_id(key: str) -> str:
    """Return the id of the article stored under `key` (as `understand.clean.article_id` makes it)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


class Week(Protocol):
    """The candidates of a week, analysed."""

    def sketches(self) -> list[Sketch]: ...

    def remove_sibling_spam(self) -> int: ...

    def entries(self) -> Iterator[Entry]: ...

    def fetch(self, ids: Sequence[str]) -> dict[str, Article]: ...

    def earlier(self) -> Iterator[Counter[str]]: ...


class ListedWeek:
    """Analysed articles held in a list (one-off builds, `eval`); their siblings are already cut."""

    def __init__(self, articles: list[Article], readers: Readers, *, earlier: Sequence[str] = ()) -> None:
        self.articles = articles
        self.readers = readers
        self._earlier = earlier
        self._by_id = {a.id: a for a in articles}

    def remove_sibling_spam(self) -> int:
        return 0  # `understand` cut them already

    def sketches(self) -> list[Sketch]:
        return [self.readers.sketch(a) for a in self.articles]

    def entries(self) -> Iterator[Entry]:
        readers = self.readers
        for article in self.articles:
            yield Entry(article, readers.sketch(article), terms=lambda a=article: readers.terms(a),
                        scores=lambda a=article: readers.scores(a))

    def fetch(self, ids: Sequence[str]) -> dict[str, Article]:
        return {i: self._by_id[i] for i in ids if i in self._by_id}

    def earlier(self) -> Iterator[Counter[str]]:
        for text in self._earlier:
            title, _, body = text.partition("\n")
            yield self.readers.earlier(title, body)


class StoredWeek:
    """The latest versions of a store window, analysed once each, read a chunk at a time.

    Every pass is O(N) in the window's N articles, holding CHUNK articles at a time; the sketches
    (a few hundred bytes per article) are held for the whole week.
    """

    def __init__(self, store: Store, *, window: Window, background: Window | None, readers: Readers,
                 fallback: date) -> None:
        if readers.analyser is None:
            raise ValueError("a stored week needs the analyser of the build")
        self.store, self.readers, self.fallback = store, readers, fallback
        self.analyser: Analyser = readers.analyser
        self.refs = store.window_refs(window)
        self.background = store.window_refs(background) if background else []
        self.skipped: list[Skipped] = []
        self._sketches: dict[Ref, Sketch] = {}
        self._overrides: dict[Ref, Article] = {}
        self._ids: dict[str, Ref] = {}

    def _accepts(self, fingerprint: str) -> bool:
        own = self.analyser.fingerprint
        return fingerprint == own or fingerprint == f"{own}@{self.fallback}"

    def _analyse(self, refs: list[Ref], kept: dict[Ref, dict[str, tuple[str, bytes]]]) -> dict[Ref, Article]:
        """Return the articles of `refs`: stored analyses that are current, else analysed now and stored."""
        articles: dict[Ref, Article] = {}
        missing = []
        for ref in refs:
            row = kept.get(ref, {}).get(ARTICLE)
            if row is not None and self._accepts(row[0]):
                articles[ref] = article_from_bytes(row[1])
            else:
                missing.append(ref)
        if missing:
            rows = []
            for ref, document in self.store.documents(missing).items():
                article = self.analyser.analyse(document, fallback=self.fallback)
                articles[ref] = article
                rows.append((*ref, ARTICLE, self.analyser.stamp(document, self.fallback), article_bytes(article)))
            self.store.save_derived(rows)
        return articles

    def sketches(self) -> list[Sketch]:
        """Analyse what is not analysed yet and return the sketch of every candidate with text, in order.

        Candidates whose analysis and sketch are current are not decoded: only their sketch is read.
        """
        code = self.readers.sketch_code
        for start in range(0, len(self.refs), CHUNK):
            chunk = self.refs[start:start + CHUNK]
            stamps = self.store.fingerprints(chunk, ARTICLE)
            sketches = self.store.derived(chunk, (SKETCH,))
            ready: dict[Ref, Sketch] = {}
            for ref in chunk:
                stamp = stamps.get(ref)
                row = sketches.get(ref, {}).get(SKETCH)
                if stamp is not None and self._accepts(stamp) and row is not None and row[0] == f"{code}/{stamp}":
                    ready[ref] = Sketch.from_bytes(row[1])
            # Empty sketches are decoded too: an article of punctuation alone still has text.
            todo = [r for r in chunk if r not in ready or ready[r].size == 0]
            articles = self._analyse(todo, self.store.derived(todo, (ARTICLE,))) if todo else {}
            rows = []
            for ref in chunk:
                self._ids[_article_id(ref[0])] = ref
                if ref in articles and ref not in ready:
                    sketched = ready[ref] = self.readers.sketch(articles[ref])
                    rows.append((*ref, SKETCH, f"{code}/{self._stamp(articles[ref])}", sketched.to_bytes()))
                if ref in articles and not articles[ref].text:
                    self.skipped.append(Skipped(articles[ref].origin, EMPTY))
                else:
                    self._sketches[ref] = ready[ref]
            self.store.save_derived(rows)
        return list(self._sketches.values())

    def _stamp(self, article: Article) -> str:
        return self.analyser.stamp(article, self.fallback)

    def remove_sibling_spam(self) -> int:
        """Cut what a sibling copy shows was pasted into an article; return how many articles were cut.

        O(N log N) for N candidates; only the articles of candidate pairs are read again.
        """
        refs = list(self._sketches)
        pairs = sibling_pairs([self._sketches[r] for r in refs])
        if not pairs:
            return 0
        articles = self._read([refs[k] for pair in pairs for k in pair])
        for i, j in pairs:
            cut = cut_by_sibling(articles[refs[i]], articles[refs[j]].text)
            if cut is not None:
                self._overrides[refs[i]] = self.analyser.read(cut, fallback=self.fallback)
        for ref, article in self._overrides.items():
            self._sketches[ref] = self.readers.sketch(article)
        return len(self._overrides)

    def _read(self, refs: Sequence[Ref]) -> dict[Ref, Article]:
        """Return stored analyses of `refs` (analysed when they are not current)."""
        found: dict[Ref, Article] = {}
        unique = list(dict.fromkeys(refs))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start:start + CHUNK]
            found.update(self._analyse(chunk, self.store.derived(chunk, (ARTICLE,))))
        return found

    def entries(self) -> Iterator[Entry]:
        """Yield every candidate with text and its results, in order; results not current are stored."""
        readers = self.readers
        refs = list(self._sketches)
        for start in range(0, len(refs), CHUNK):
            chunk = refs[start:start + CHUNK]
            kept = self.store.derived(chunk, (ARTICLE, TERMS, SCORES))
            articles = self._analyse(chunk, kept)
            rows: list[tuple[str, int, str, str, bytes]] = []
            for ref in chunk:
                override = self._overrides.get(ref)
                article = override or articles[ref]
                yield _StoredEntry(article, self._sketches[ref], readers=readers, ref=ref, stamp=self._stamp(article),
                                   stored=kept.get(ref, {}), keep=override is None, rows=rows)
            self.store.save_derived(rows)

    def fetch(self, ids: Sequence[str]) -> dict[str, Article]:
        """Return the analysed articles with these ids (sibling cuts applied)."""
        refs = [self._ids[i] for i in ids if i in self._ids]
        found = self._read([r for r in refs if r not in self._overrides])
        return {article.id: article for ref in refs
                if (article := self._overrides.get(ref) or found.get(ref)) is not None}

    def earlier(self) -> Iterator[Counter[str]]:
        """Yield the term counts of the earlier weeks' articles (title and text as collected)."""
        code = self.readers.terms_code
        for start in range(0, len(self.background), CHUNK):
            chunk = self.background[start:start + CHUNK]
            kept = self.store.derived(chunk, (EARLIER,))
            missing = [r for r in chunk if kept.get(r, {}).get(EARLIER, ("", b""))[0] != code]
            texts = self.store.version_texts(missing) if missing else {}
            rows = []
            for ref in chunk:
                if ref in texts:
                    counts = self.readers.earlier(*texts[ref])
                    rows.append((*ref, EARLIER, code, _counts_bytes(counts)))
                    yield counts
                elif ref not in missing:
                    yield _counts_from(kept[ref][EARLIER][1])
            self.store.save_derived(rows)


def kept_analysis(article: Article, stamp: str) -> tuple[tuple[str, str, bytes], ...]:
    """Return the results kept with a new version as collection analyses it: the article and its sketch."""
    code = sketch_code()
    return ((ARTICLE, stamp, article_bytes(article)), (SKETCH, f"{code}/{stamp}", sketch(article.text).to_bytes()))


def stored_analysis(store: Store, document: RawDocument, analyser: Analyser, *, fallback: date) -> tuple[
        Article | None, str]:
    """Return the store's analysis of a document if it is current, else None, and a line saying which."""
    key = document.url or document.origin
    known = store.latest_delivery(key)
    if known is None:
        return None, "analysed now: not in the store (collect it to keep its analysis)"
    version = store.find_delivery(key, delivery_hash(document))
    if version is None:
        return None, f"analysed now: the store holds another text of it (version {known[0]})"
    row = store.derived([(key, version)], (ARTICLE,)).get((key, version), {}).get(ARTICLE)
    if row is None:
        return None, f"analysed now: version {version} in the store has no analysis yet (build keeps one)"
    if row[0] != analyser.stamp(document, fallback):
        return None, (f"analysed now: the stored analysis of version {version} was made by other code or "
                      "settings (spam_words, officials, data files)")
    return article_from_bytes(row[1]), f"from the store: version {version}, analysed once and kept"


def analyse_documents(documents: list[RawDocument], analyser: Analyser, *, fallback: date,
                      store: Store | None = None) -> list[tuple[Article, str]]:
    """Return each document analysed, from the store's kept analysis where it is current, and how."""
    results = []
    for document in documents:
        found, how = stored_analysis(store, document, analyser, fallback=fallback) if store else (None, "")
        results.append((found or analyser.analyse(document, fallback=fallback), how))
    return results


def open_store(config: Config) -> Store | None:
    """Return the config's store if it exists (for reading kept analyses), else None."""
    if not config.store.exists():
        return None
    try:
        return Store(config.store)
    except store_module.StoreError as exc:
        logger.warning("%s", exc)
        return None
