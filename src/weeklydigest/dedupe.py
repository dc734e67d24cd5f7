"""Merge reports of the same event: exact copies by text hash, near copies by shingle overlap."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import replace

from .model import Article, SourceRef

NEAR_DUPLICATE = 0.35  # Jaccard similarity of character 4-grams, within one city and event date
_NOISE = re.compile(r"[\s\W_]+", re.U)


def source_ref(article: Article) -> SourceRef:
    published = article.published.isoformat() if article.published else None
    return SourceRef(id=article.id, title=article.title, url=article.url, published=published,
                     outlet=article.outlet, origin=article.origin)


def _fingerprint(text: str) -> str:
    return hashlib.sha1(_NOISE.sub("", text).encode("utf-8")).hexdigest()


def _shingles(text: str, size: int = 4) -> set[str]:
    text = _NOISE.sub("", text)
    return {text[i:i + size] for i in range(max(1, len(text) - size + 1))}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _quality(article: Article) -> tuple[int, int, float]:
    """Sort key of the best version: fewest removals, longest text, earliest published."""
    published = article.published.timestamp() if article.published else float("inf")
    return (len(article.removed), -len(article.text), published)


def dedupe(articles: list[Article]) -> tuple[list[Article], int]:
    """Return the articles with same-event reports merged into one, and the number merged.

    Only reports of the same city and event date are compared, so two cities' reports written
    from one template are never merged and the work stays linear in practice.
    """
    groups: dict[tuple[str, object], list[Article]] = defaultdict(list)
    for article in articles:
        groups[(article.city, article.event_date)].append(article)
    kept: list[Article] = []
    merged = 0
    for group in groups.values():
        clusters: list[list[Article]] = []
        signatures: list[tuple[str, set[str]]] = []
        for article in group:
            fingerprint, shingles = _fingerprint(article.text), _shingles(article.text)
            for cluster, (other_print, other_shingles) in zip(clusters, signatures, strict=True):
                if fingerprint == other_print or _jaccard(shingles, other_shingles) >= NEAR_DUPLICATE:
                    cluster.append(article)
                    break
            else:
                clusters.append([article])
                signatures.append((fingerprint, shingles))
        for cluster in clusters:
            best, *rest = sorted(cluster, key=_quality)
            merged += len(rest)
            kept.append(replace(best, also=tuple(source_ref(a) for a in rest)) if rest else best)
    return kept, merged
