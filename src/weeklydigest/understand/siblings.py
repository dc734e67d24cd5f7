"""Sibling copies of one report: text a near-identical copy lacks was pasted in by a mirror."""

from __future__ import annotations

import re
import zlib
from dataclasses import replace

from ..model import Article, Removed
from .clean import SPAM, cut_spans
from .spam import in_register, is_word, sibling_insertions


def remove_sibling_spam(articles: list[Article]) -> list[Article]:
    """Return the articles with text cut that a near-identical sibling copy of the same report lacks.

    Mirrors copy a report and paste spam into it; another outlet's copy shows what was pasted.
    Only pieces outside the vocabulary of reporting are cut, so an outlet's own edits stay.
    """
    shingles = [_shingle_set(a.text) for a in articles]
    # An index of a fixed sample of the shingles finds the candidates without comparing every pair.
    sampled = [{g for g in grams if zlib.crc32(g.encode("utf-8")) % 8 == 0} for grams in shingles]
    index: dict[str, list[int]] = {}
    for i, grams in enumerate(sampled):
        for gram in grams:
            index.setdefault(gram, []).append(i)
    result = list(articles)
    for i, article in enumerate(articles):
        votes: dict[int, int] = {}
        for gram in sampled[i]:
            for j in index.get(gram, ()):
                if j != i:
                    votes[j] = votes.get(j, 0) + 1
        best = max(sorted(votes), key=lambda j: votes[j], default=None)
        if best is None:
            continue
        overlap = len(shingles[i] & shingles[best]) / max(1, min(len(shingles[i]), len(shingles[best])))
        if overlap < 0.6:
            continue
        spans = [s for s in sibling_insertions(article.text, articles[best].text) if _foreign_piece(
            article.text[s.start:s.end])]
        if not spans:
            continue
        removed = [Removed(article.text[s.start:s.end], SPAM, s.why) for s in spans]
        text = cut_spans(article.text, [(s.start, s.end) for s in spans])
        result[i] = replace(article, text=text, removed=(*article.removed, *removed))
    return result


def _foreign_piece(piece: str) -> bool:
    """Return whether a piece missing from the sibling reads as pasted in, not as an outlet's edit."""
    if in_register(piece) or re.search(r"\d", piece):
        return False
    if re.search(r"[A-Za-z]", piece):
        return True
    return len(piece) >= 2 and not (len(piece) <= 3 and is_word(piece))


def _shingle_set(text: str, size: int = 4) -> set[str]:
    text = re.sub(r"[\s\W_]+", "", text)
    return {text[i:i + size] for i in range(max(0, len(text) - size + 1))}
