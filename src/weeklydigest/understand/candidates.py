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
from collections.abc import Callable, Iterable, Sequence
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


class _Growing:
    """A numpy array appended to, its capacity doubled as it fills (amortised O(1) per value)."""

    def __init__(self, dtype: type, width: int = 1) -> None:
        self.width = width
        self.data = np.zeros((16, width) if width > 1 else 16, dtype=dtype)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        count = values.shape[0] if self.width > 1 else values.size
        if self.size + count > self.data.shape[0]:
            capacity = max(2 * self.data.shape[0], self.size + count)
            grown = np.zeros((capacity, self.width) if self.width > 1 else capacity, dtype=self.data.dtype)
            grown[:self.size] = self.data[:self.size]
            self.data = grown
        self.data[self.size:self.size + count] = values
        self.size += count

    def view(self) -> np.ndarray:
        return self.data[:self.size]


class Sketches:
    """The sketches of many texts in a few flat arrays: no object per text, and the samples in one array."""

    def __init__(self, sketches: Iterable[Sketch] = ()) -> None:
        self._exact = bytearray()
        self._sizes = _Growing(np.int64)
        self._mins = _Growing(np.uint64, BINS)
        self._samples = _Growing(np.uint64)
        self._ends = _Growing(np.int64)
        for sketched in sketches:
            self.append(sketched)

    def append(self, sketched: Sketch) -> None:
        self._exact += sketched.exact
        self._sizes.extend(np.array([sketched.size], dtype=np.int64))
        self._mins.extend(sketched.mins.reshape(1, BINS))
        self._samples.extend(sketched.sample)
        self._ends.extend(np.array([self._samples.size], dtype=np.int64))

    def __len__(self) -> int:
        return self._sizes.size

    def __getitem__(self, i: int) -> Sketch:
        ends = self._ends.view()
        start = int(ends[i - 1]) if i else 0
        return Sketch(exact=bytes(self._exact[20 * i:20 * i + 20]), size=int(self._sizes.view()[i]),
                      mins=self._mins.view()[i], sample=self._samples.view()[start:int(ends[i])])

    def exact(self, i: int) -> bytes:
        return bytes(self._exact[20 * i:20 * i + 20])

    def samples(self) -> tuple[np.ndarray, np.ndarray]:
        """Return every sample in one array, and where each text's sample ends in it."""
        return self._samples.view(), self._ends.view()

    def min_table(self) -> np.ndarray:
        """Return the min-hashes of every text: shape (texts, BINS)."""
        return self._mins.view()

    def subset(self, positions: Iterable[int]) -> Sketches:
        return Sketches(self[i] for i in positions)


def _table(sketches: Sketches | Sequence[Sketch]) -> Sketches:
    return sketches if isinstance(sketches, Sketches) else Sketches(sketches)


PARTS = 8  # the sampled hashes are grouped in this many ranges, one after the other, to bound memory


def rare_pairs(
    sketches: Sketches | Sequence[Sketch], *, allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    among: np.ndarray | None = None, max_posting: int = MAX_POSTING, max_partners: int = MAX_PARTNERS,
    min_votes: int = MIN_VOTES,
) -> list[tuple[int, int, int]]:
    """Return (i, j, votes) with i < j for the texts whose samples share at least `min_votes` rare hashes.

    Only the texts `among` marks (a boolean per position; default all) take part, rarity counted
    among them. `allowed(i, j)` (arrays of positions) may refuse pairs before votes are counted,
    e.g. two cities. Each position keeps its `max_partners` best-voted pairs (ties: the earlier partner).
    O(M log M) for M sampled hashes in all (about 1/8 of the characters), taken PARTS ranges of
    hashes at a time; at most `max_posting - 1` pairs per sampled hash and `max_partners` per
    position are kept.
    """
    table = _table(sketches)
    n = len(table)
    if n < 2:
        return []
    keys, ends = table.samples()
    shift = np.uint64(64 - SAMPLE_BITS - PARTS.bit_length() + 1)
    codes_found, votes_found = [], []
    for part in range(PARTS):
        at = np.flatnonzero((keys >> shift) == part)
        owners = np.searchsorted(ends, at, side="right")
        if among is not None:
            taking = among[owners]
            at, owners = at[taking], owners[taking]
        first, second = _posting_pairs(keys[at], owners, max_posting=max_posting)
        if allowed is not None and first.size:
            keep = allowed(first, second)
            first, second = first[keep], second[keep]
        codes, votes = np.unique(first * n + second, return_counts=True)
        codes_found.append(codes)
        votes_found.append(votes)
    codes, inverse = np.unique(np.concatenate(codes_found), return_inverse=True)
    votes = np.bincount(inverse, weights=np.concatenate(votes_found)).astype(np.int64)
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


def _posting_pairs(keys: np.ndarray, owners: np.ndarray, *, max_posting: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs of owners (first < second) that share a hash no more than `max_posting` owners share."""
    empty = np.zeros(0, dtype=np.int64)
    if keys.size < 2:
        return empty, empty
    order = np.argsort(keys, kind="stable")  # equal hashes keep their owners in ascending order
    keys, owners = keys[order], owners[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, keys.size])
    rare = (sizes >= 2) & (sizes <= max_posting)
    group = np.repeat(np.arange(starts.size), sizes)
    positions = np.flatnonzero(rare[group])
    ends = (starts + sizes)[group[positions]]
    firsts, seconds = [empty], [empty]
    for distance in range(1, max_posting):
        reach = positions + distance < ends
        if not reach.any():
            break
        at = positions[reach]
        firsts.append(owners[at])
        seconds.append(owners[at + distance])
    return np.concatenate(firsts), np.concatenate(seconds)


def copy_pairs(sketches: Sketches | Sequence[Sketch], *,
               allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
               among: np.ndarray | None = None, chain: int = CHAIN) -> list[tuple[int, int, int]]:
    """Return (i, j, bands) with i < j for the min-hash sets that agree on all rows of some band.

    Only the texts `among` marks take part. A band with an empty bin is not indexed (short texts
    rely on rare 4-grams). Each bucket pairs
    a member with its next `chain` members. O(N log N) for N sets; at most BANDS * chain pairs
    start at each position.
    """
    n = len(sketches)
    if n < 2:
        return []
    table = _table(sketches).min_table().reshape(n, BANDS, ROWS)
    full = (table != _EMPTY).all(axis=2)
    if among is not None:
        full &= among[:, None]
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
    sketches: Sketches | Sequence[Sketch], *, allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    among: np.ndarray | None = None,
) -> list[tuple[int, int, int]]:
    """Return (i, j, votes) with i < j: the rare-4-gram pairs and the near-identical pairs, votes added.

    O(N log N) for N sketches; a bounded number of pairs per sketch (see the module).
    """
    table = _table(sketches)
    votes: dict[tuple[int, int], int] = {}
    for i, j, count in rare_pairs(table, allowed=allowed, among=among):
        votes[i, j] = count
    for i, j, bands in copy_pairs(table, allowed=allowed, among=among):
        votes[i, j] = votes.get((i, j), 0) + bands
    return [(i, j, count) for (i, j), count in sorted(votes.items())]
