"""Sibling copies of one report: text a near-identical copy lacks was pasted in by a mirror.

Mirrors copy a report and paste spam into it; another outlet's copy shows what was pasted. Each
article's sibling is the article sharing the most rare sampled 4-grams with it (see
`candidates`), if their whole 4-gram sets overlap enough. O(N log N) for N articles: one sort of
the sampled 4-grams, then at most one exact comparison per article.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ..model import Article, Removed
from .candidates import Sketch, Sketches, estimate, shingles, similar_pairs, sketch
from .clean import SPAM, cut_spans, shift_spans
from .spam import in_register, is_word, sibling_insertions

OVERLAP = 0.6  # share of the smaller copy's 4-grams the larger one must have
LIKELY = 0.4  # what the samples must suggest before the whole texts are compared
SMALL_SAMPLE = 8  # samples this small suggest too little: compare the whole texts


def sibling_pairs(sketches: Sketches | list[Sketch]) -> list[tuple[int, int]]:
    """Return (article, sibling) positions: each article's best-voted candidate, if the samples suggest a copy.

    O(N log N) in the number of sketches; at most one pair per article.
    """
    best: dict[int, tuple[int, int]] = {}  # article -> (votes, sibling)
    for i, j, votes in similar_pairs(sketches):
        for a, b in ((i, j), (j, i)):
            known = best.get(a)
            if known is None or (votes, -b) > (known[0], -known[1]):
                best[a] = (votes, b)
    pairs = []
    for a in sorted(best):
        b = best[a][1]
        sa, sb = sketches[a].sample, sketches[b].sample
        if min(sa.size, sb.size) < SMALL_SAMPLE or estimate(sa, sb)[1] >= LIKELY:
            pairs.append((a, b))
    return pairs


def cut_by_sibling(article: Article, sibling: str) -> Article | None:
    """Return the article without the pieces its sibling copy lacks, or None when nothing is cut."""
    mine, theirs = shingles(article.text), shingles(sibling)
    common = np.intersect1d(mine, theirs, assume_unique=True).size
    if common / max(1, min(mine.size, theirs.size)) < OVERLAP:
        return None
    spans = [s for s in sibling_insertions(article.text, sibling) if _foreign_piece(article.text[s.start:s.end])]
    if not spans:
        return None
    removed = [Removed(article.text[s.start:s.end], SPAM, s.why) for s in spans]
    cuts = [(s.start, s.end) for s in spans]
    return replace(article, text=cut_spans(article.text, cuts), removed=(*article.removed, *removed),
                   flagged=shift_spans(article.flagged, cuts))


def remove_sibling_spam(articles: list[Article]) -> list[Article]:
    """Return the articles with text cut that a near-identical sibling copy of the same report lacks.

    Only pieces outside the vocabulary of reporting are cut, so an outlet's own edits stay.
    O(N log N) for N articles.
    """
    result = list(articles)
    for i, j in sibling_pairs([sketch(a.text) for a in articles]):
        cut = cut_by_sibling(articles[i], articles[j].text)
        if cut is not None:
            result[i] = cut
    return result


def _foreign_piece(piece: str) -> bool:
    """Return whether a piece missing from the sibling reads as pasted in, not as an outlet's edit."""
    if in_register(piece) or re.search(r"\d", piece):
        return False
    if re.search(r"[A-Za-z]", piece):
        return True
    return len(piece) >= 2 and not (len(piece) <= 3 and is_word(piece))
