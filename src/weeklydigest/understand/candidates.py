"""Which articles to compare: pairs that share rare 4-grams or look near-identical, in O(N log N).

Every article is reduced to a sketch: the hash of its normalised text (exact copies), the number
of its distinct character 4-grams, a fixed sample of their hashes (one in eight, chosen by the
hash value, so that two copies of one text sample the same 4-grams) and one-permutation min-hashes
(the least hash in each of BINS ranges).

- Rare 4-grams: the samples of all articles go into one sorted array; a sampled 4-gram that more
  than MAX_POSTING articles share is common phrasing (stock lines, a secretary's name, a
  section's keywords) and no evidence, so it is dropped; each remaining one pairs its few
  articles. A pair's votes are the rare 4-grams it shares; every article keeps its MAX_PARTNERS
  best-voted partners.
- Near-identical copies, however many outlets carry one report: articles whose min-hashes agree
  on all ROWS of a band share a bucket; a bucket pairs each member with its next CHAIN members
  only, which is enough for copies to join up, since every merge is measured anyway.

Sorting is the only superlinear step; every list is bounded, so an article has at most
MAX_PARTNERS + 2 * BANDS * CHAIN candidates.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

SHINGLE = 4  # characters
SAMPLE_BITS = 3  # one 4-gram in 2**3 = 8 is sampled
MAX_POSTING = 16  # a sampled 4-gram in more articles than this is not evidence
MAX_PARTNERS = 8  # candidates kept per article, most votes first
MIN_VOTES = 2  # rare 4-grams a pair must share to be a candidate
BINS, ROWS = 32, 4  # one-permutation min-hashes; a band of ROWS of them must agree
BANDS = BINS // ROWS  # a pair at Jaccard 0.8 shares a band with probability 0.985, at 0.3 with 0.06
CHAIN = 4  # partners per bucket member among those after it

_NOISE = re.compile(r"[\s\W_]+", re.U)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_PRIME = np.uint64(0x100000001B3)
_TOP = np.uint64(64 - SAMPLE_BITS)
_EMPTY = np.uint64(2**64 - 1)  # the min-hash of a bin no 4-gram falls in
_BOUNDS = [int(b) << 59 for b in range(BINS)]  # where each of the 32 bins starts (the top five bits)


def normalise(text: str) -> str:
    """Return the text without spaces and punctuation: what two copies of one report share exactly."""
    return _NOISE.sub("", text)


@cache
def _word_characters() -> np.ndarray:
    """Return, for every character of the Basic Multilingual Plane, whether `normalise` keeps it."""
    return np.array([c.isalnum() for c in map(chr, range(0x10000))], dtype=bool)


def _codes(text: str) -> np.ndarray:
    """Return the code points of `normalise(text)` as uint64 (a table lookup: faster than the regex)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = np.zeros(codes.size, dtype=bool)
    basic = codes < 0x10000
    keep[basic] = _word_characters()[codes[basic]]
    for at in np.flatnonzero(~basic).tolist():  # beyond the BMP (rare): ask Python
        keep[at] = chr(int(codes[at])).isalnum()
    return codes[keep].astype(np.uint64)


def _unique(values: np.ndarray) -> np.ndarray:
    """Return the sorted distinct values (np.unique, without its overhead on small arrays)."""
    values = np.sort(values)
    if values.size < 2:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def shingles(text: str) -> np.ndarray:
    """Return the sorted unique 64-bit hashes of the normalised text's character 4-grams."""
    return _hashes(_codes(text))


def _hashes(codes: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        if codes.size < SHINGLE:
            return _unique(codes * _MIX)
        value = np.zeros(codes.size - SHINGLE + 1, dtype=np.uint64)
        for offset in range(SHINGLE):  # a polynomial hash of each window, wrapping at 2**64
            value = value * _PRIME + codes[offset:offset + value.size]
        return _unique(value * _MIX)


@dataclass(frozen=True)
class Sketch:
    """What candidate generation keeps of one text."""

    exact: bytes  # SHA-1 of the normalised text: equal for exact copies
    size: int  # distinct 4-grams of the whole text
    mins: np.ndarray  # uint64[BINS]: the least hash in each bin, _EMPTY where none falls
    sample: np.ndarray  # sorted uint64 hashes of the sampled 4-grams

    def to_bytes(self) -> bytes:
        """Return the sketch as bytes for the store (little-endian, fixed layout)."""
        return (self.exact + self.size.to_bytes(4, "little") + self.mins.astype("<u8").tobytes()
                + self.sample.astype("<u8").tobytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketch:
        mins = np.frombuffer(data, dtype="<u8", count=BINS, offset=24).astype(np.uint64)
        sample = np.frombuffer(data, dtype="<u8", offset=24 + 8 * BINS).astype(np.uint64)
        return cls(exact=data[:20], size=int.from_bytes(data[20:24], "little"), mins=mins, sample=sample)


def sketch(text: str) -> Sketch:
    """Return the sketch of a text (O(length))."""
    codes = _codes(text)
    hashes = _hashes(codes)
    # The hashes are sorted: the first one at or after a bin's start is that bin's least.
    at = np.searchsorted(hashes, np.array(_BOUNDS, dtype=np.uint64))
    mins = np.full(BINS, _EMPTY, dtype=np.uint64)
    found = at < hashes.size
    mins[found] = hashes[at[found]]
    bins = (mins >> np.uint64(59)).astype(np.int64)
    mins[found & (bins != np.arange(BINS))] = _EMPTY  # the next hash belongs to a later bin
    return Sketch(exact=hashlib.sha1(codes.tobytes()).digest(), size=int(hashes.size), mins=mins,
                  sample=hashes[(hashes >> _TOP) == 0])


def estimate(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Return the Jaccard similarity and containment (share of the smaller) that two samples suggest."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common), common / min(a.size, b.size)


def rare_pairs(
    samples: list[np.ndarray], *, allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    max_posting: int = MAX_POSTING, max_partners: int = MAX_PARTNERS, min_votes: int = MIN_VOTES,
) -> list[tuple[int, int, int]]:
    """Return (i, j, votes) with i < j for the pairs of samples that share at least `min_votes` rare hashes.

    `allowed(i, j)` (arrays of positions) may refuse pairs before votes are counted, e.g. two
    cities. Each position keeps its `max_partners` best-voted pairs (ties: the earlier partner).
    O(M log M) for M sampled hashes in all (about 1/8 of the characters); at most
    `max_posting - 1` pairs per sampled hash and `max_partners` per position are kept.
    """
    n = len(samples)
    if n < 2:
        return []
    lengths = np.fromiter((s.size for s in samples), dtype=np.int64, count=n)
    keys = np.concatenate(samples) if lengths.sum() else np.zeros(0, dtype=np.uint64)
    owners = np.repeat(np.arange(n, dtype=np.int64), lengths)
    order = np.argsort(keys, kind="stable")  # equal hashes keep their owners in ascending order
    keys, owners = keys[order], owners[order]
    del order
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, keys.size])
    rare = (sizes >= 2) & (sizes <= max_posting)
    group = np.repeat(np.arange(starts.size), sizes)
    positions = np.flatnonzero(rare[group])
    ends = (starts + sizes)[group[positions]]
    firsts, seconds = [], []
    for distance in range(1, max_posting):
        reach = positions + distance < ends
        if not reach.any():
            break
        at = positions[reach]
        firsts.append(owners[at])
        seconds.append(owners[at + distance])
    if not firsts:
        return []
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    if allowed is not None:
        keep = allowed(first, second)
        first, second = first[keep], second[keep]
    codes, votes = np.unique(first * n + second, return_counts=True)
    enough = votes >= min_votes
    codes, votes = codes[enough], votes[enough]
    # Most votes first, then the earlier pair: each position's best partners come first.
    ranked = np.lexsort((codes, -votes))
    taken = np.zeros(n, dtype=np.int64)
    pairs = []
    for code, count in zip(codes[ranked].tolist(), votes[ranked].tolist(), strict=True):
        i, j = divmod(code, n)
        if taken[i] < max_partners or taken[j] < max_partners:
            taken[i] += 1
            taken[j] += 1
            pairs.append((i, j, count))
    return pairs


def copy_pairs(mins: list[np.ndarray], *, allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
               chain: int = CHAIN) -> list[tuple[int, int, int]]:
    """Return (i, j, bands) with i < j for the min-hash sets that agree on all rows of some band.

    A band with an empty bin is not indexed (short texts rely on rare 4-grams). Each bucket pairs
    a member with its next `chain` members. O(N log N) for N sets; at most BANDS * chain pairs
    start at each position.
    """
    n = len(mins)
    if n < 2:
        return []
    table = np.stack(mins).reshape(n, BANDS, ROWS)
    full = (table != _EMPTY).all(axis=2)
    with np.errstate(over="ignore"):
        keys = np.broadcast_to(np.arange(BANDS, dtype=np.uint64) + np.uint64(1), (n, BANDS)).copy()
        for row in range(ROWS):
            keys = keys * _PRIME + table[:, :, row]
        keys = keys * _MIX
    owners = np.broadcast_to(np.arange(n, dtype=np.int64)[:, None], (n, BANDS))[full]
    keys = keys[full]
    order = np.argsort(keys, kind="stable")
    keys, owners = keys[order], owners[order]
    if keys.size < 2:
        return []
    ends = np.r_[np.flatnonzero(keys[1:] != keys[:-1]) + 1, keys.size]
    end_of = np.repeat(ends, np.diff(np.r_[0, ends]))
    firsts, seconds = [], []
    for distance in range(1, chain + 1):
        at = np.flatnonzero(np.arange(keys.size) + distance < end_of)
        if at.size == 0:
            break
        firsts.append(owners[at])
        seconds.append(owners[at + distance])
    if not firsts:
        return []
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    if allowed is not None:
        keep = allowed(first, second)
        first, second = first[keep], second[keep]
    codes, bands = np.unique(np.minimum(first, second) * n + np.maximum(first, second), return_counts=True)
    return [(*divmod(code, n), count) for code, count in zip(codes.tolist(), bands.tolist(), strict=True)]


def similar_pairs(
    sketches: list[Sketch], *, allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> list[tuple[int, int, int]]:
    """Return (i, j, votes) with i < j: the rare-4-gram pairs and the near-identical pairs, votes added.

    O(N log N) for N sketches; a bounded number of pairs per sketch (see the module).
    """
    votes: dict[tuple[int, int], int] = {}
    for i, j, count in rare_pairs([s.sample for s in sketches], allowed=allowed):
        votes[i, j] = count
    for i, j, bands in copy_pairs([s.mins for s in sketches], allowed=allowed):
        votes[i, j] = votes.get((i, j), 0) + bands
    return [(i, j, count) for (i, j), count in sorted(votes.items())]
