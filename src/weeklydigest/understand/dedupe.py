"""Merge reports of the same event: exact copies by text hash, near copies by MinHash/LSH on shingles.

Every article gets a MinHash signature of its character 4-grams. Locality-sensitive hashing puts
articles whose signatures agree on a band in one bucket, so only articles sharing a bucket are ever
compared: the work grows with the number of articles, not with its square. Two indexes:

- mirrors: bands of 8 rows over all articles find near-identical texts (a reprint, a Traditional
  mirror after conversion), merged unless they name different cities or days;
- same event: bands of 2 rows, bucketed per city and event day, find rewrites of one report by
  two outlets. Only articles of the same city and day share these buckets, and a pair in the grey
  zone is merged only when both agree, so two cities' reports written from one template stay apart.

Each candidate pair is then measured exactly on its shingle sets before it is merged.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from ..model import Article, SourceRef

SHINGLE = 4  # characters
MIRROR = 0.8  # Jaccard similarity at or above which two texts are one report
SAME_EVENT = 0.3  # grey zone: from here up, merged only when city and event date agree
CONTAINED = 0.6  # … or when this share of the shorter text's shingles is in the longer one
PERMUTATIONS = 128
MIRROR_ROWS = 8  # 16 bands: a pair at Jaccard 0.8 shares a band with probability 0.95, at 0.9 0.9999
EVENT_ROWS = 2  # 64 bands: a pair at Jaccard 0.3 shares a band with probability 0.998
WORTH_MEASURING = 0.1  # signatures agreeing less than this are not measured exactly
MAX_EVENT_DAYS = 7  # a longer event is bucketed under its first seven days only

_NOISE = re.compile(r"[\s\W_]+", re.U)
_rng = np.random.default_rng(20251110)  # fixed: the same input always gives the same merges
_A = _rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_PRIME = np.uint64(0x100000001B3)
_32 = np.uint64(32)


def source_ref(article: Article) -> SourceRef:
    published = article.published.isoformat() if article.published else None
    return SourceRef(id=article.id, title=article.title, url=article.url, published=published,
                     outlet=article.outlet, origin=article.origin)


def normalise(text: str) -> str:
    """Return the text without spaces and punctuation: what two copies of one report share exactly."""
    return _NOISE.sub("", text)


def shingles(text: str) -> np.ndarray:
    """Return the sorted unique 64-bit hashes of the normalised text's character 4-grams."""
    codes = np.frombuffer(normalise(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    with np.errstate(over="ignore"):
        if codes.size < SHINGLE:
            return np.unique(codes * _MIX)
        value = np.zeros(codes.size - SHINGLE + 1, dtype=np.uint64)
        for offset in range(SHINGLE):  # a polynomial hash of each window, wrapping at 2**64
            value = value * _PRIME + codes[offset:offset + value.size]
        return np.unique(value * _MIX)


def signature(hashes: np.ndarray) -> np.ndarray:
    """Return the MinHash signature: per permutation, the least 32-bit hash of any shingle."""
    if hashes.size == 0:
        return np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32)
    with np.errstate(over="ignore"):
        permuted = (_A[:, None] * (hashes ^ (hashes >> _32))[None, :] + _B[:, None]) >> _32
    return permuted.min(axis=1).astype(np.uint32)


def _band_keys(signatures: np.ndarray, rows: int) -> np.ndarray:
    """Return one 64-bit key per band of `rows` signature values, distinct across bands: shape (n, bands)."""
    bands = signatures.astype(np.uint64).reshape(len(signatures), -1, rows)
    with np.errstate(over="ignore"):
        keys = np.arange(bands.shape[1], dtype=np.uint64)
        keys = np.broadcast_to(keys, bands.shape[:2]).copy()
        for row in range(rows):
            keys = keys * _PRIME + bands[:, :, row]
        return keys * _MIX


def _sharing(keys: np.ndarray, owners: np.ndarray) -> Iterator[tuple[int, int]]:
    """Yield the pairs of owners whose keys are equal (each LSH bucket with more than one member)."""
    order = np.argsort(keys, kind="stable")
    keys, owners = keys[order], owners[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], keys.size]
    for start, end in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
        members = sorted(set(owners[start:end].tolist()))
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                yield i, j


def _days(article: Article) -> list[date]:
    if article.event_date is None:
        return []
    last = min(article.event_end or article.event_date, article.event_date + timedelta(days=MAX_EVENT_DAYS - 1))
    return [article.event_date + timedelta(days=n) for n in range((last - article.event_date).days + 1)]


def candidate_pairs(articles: list[Article], signatures: np.ndarray) -> set[tuple[int, int]]:
    """Return the pairs of positions that share a bucket of the mirror or the same-event index."""
    if not articles:
        return set()
    mirror = _band_keys(signatures, MIRROR_ROWS)
    pairs = set(_sharing(mirror.ravel(), np.repeat(np.arange(len(articles)), mirror.shape[1])))
    event = _band_keys(signatures, EVENT_ROWS)
    keys, owners = [], []
    for i, article in enumerate(articles):
        for day in _days(article) if article.city else []:
            block = np.uint64(zlib.crc32(f"{article.city}{day.isoformat()}".encode()) + 1)
            with np.errstate(over="ignore"):
                keys.append(event[i] ^ (block * _PRIME * _MIX))
            owners.append(np.full(event.shape[1], i))
    if keys:
        pairs.update(_sharing(np.concatenate(keys), np.concatenate(owners)))
    return pairs


def _overlap(a: Article, b: Article) -> bool:
    if a.event_date is None or b.event_date is None:
        return False
    return a.event_date <= (b.event_end or b.event_date) and b.event_date <= (a.event_end or a.event_date)


def _date_words(article: Article) -> str | None:
    """Return the words the event date was read from ("11月13日", "日前"), if any."""
    return next((d.text for d in article.dates if d.start == article.event_date), None)


def same_report(a: Article, b: Article, *, jaccard: float, containment: float) -> bool:
    """Decide whether two similar articles report one event.

    Near-identical texts are one report unless they name different cities or days (one template
    filled in twice); a relative date ("日前") read against two publication days is still one day.
    Below that, city and event date must both be known and agree.
    """
    if a.city and b.city and a.city != b.city:
        return False
    if jaccard >= MIRROR:
        unknown = a.event_date is None or b.event_date is None
        return unknown or _overlap(a, b) or (_date_words(a) is not None and _date_words(a) == _date_words(b))
    if not (a.city and b.city and _overlap(a, b)):
        return False
    return jaccard >= SAME_EVENT or containment >= CONTAINED


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Return the Jaccard similarity and the containment (share of the smaller set) of two shingle sets."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common), common / min(a.size, b.size)


class _Clusters:
    """Union-find over article positions."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _quality(article: Article) -> tuple[int, int, int, float, str]:
    """Sort key of the best version: fewest marks of a mirror, fewest removals, longest text, earliest published.

    A mirror shows itself by what the cleaner had to repair: spam, pinyin, hidden text, reworded stock words and
    garbled sentences (page furniture says nothing: every site has its own).
    """
    published = article.published.timestamp() if article.published else float("inf")
    marks = sum(1 for r in article.removed if r.reason != "boilerplate") + len(article.flagged)
    return (marks, len(article.removed), -len(article.text), published, article.id)


def dedupe(articles: list[Article]) -> tuple[list[Article], int]:
    """Return the articles with reports of one event merged into the best one, and the number merged.

    The best version (fewest removals, longest, earliest) stays; the others become its `also`.
    """
    clusters = _Clusters(len(articles))
    # Exact copies: the same normalised text.
    first: dict[str, int] = {}
    distinct: list[int] = []
    for i, article in enumerate(articles):
        fingerprint = hashlib.sha1(normalise(article.text).encode()).hexdigest()
        if fingerprint in first:
            clusters.union(first[fingerprint], i)
        else:
            first[fingerprint] = i
            distinct.append(i)
    # Near copies: LSH candidates whose signatures agree enough are measured exactly.
    unique = [articles[i] for i in distinct]
    sets = [shingles(a.text) for a in unique]
    signatures = np.array([signature(s) for s in sets], dtype=np.uint32).reshape(len(unique), PERMUTATIONS)
    pairs = np.array(sorted(candidate_pairs(unique, signatures)), dtype=np.int64).reshape(-1, 2)
    agreement = (signatures[pairs[:, 0]] == signatures[pairs[:, 1]]).mean(axis=1)
    for x, y in pairs[agreement >= WORTH_MEASURING].tolist():
        jaccard, containment = similarity(sets[x], sets[y])
        if same_report(unique[x], unique[y], jaccard=jaccard, containment=containment):
            clusters.union(distinct[x], distinct[y])
    groups: dict[int, list[Article]] = defaultdict(list)
    for i, article in enumerate(articles):
        groups[clusters.find(i)].append(article)
    kept = []
    for group in groups.values():
        best, *rest = sorted(group, key=_quality)
        if rest:
            also = tuple(source_ref(a) for a in rest) + tuple(r for a in (best, *rest) for r in a.also)
            best = replace(best, also=also)
        kept.append(best)
    return kept, len(articles) - len(groups)
