"""Score a digest against a gold file: inclusion, section, city, date and official accuracy."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DigestError
from .model import Digest, Item


@dataclass
class Score:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(miss)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Evaluation:
    scores: dict[str, Score]

    def table(self) -> str:
        lines = [f"{'measure':<10} {'right':>6} {'total':>6} {'accuracy':>9}"]
        for name, score in self.scores.items():
            lines.append(f"{name:<10} {score.right:>6} {score.total:>6} {score.accuracy:>8.1%}")
        return "\n".join(lines)


def load_gold(path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DigestError(f"gold file {path}: cannot be read: {exc}") from None
    if not isinstance(gold, dict) or not isinstance(gold.get("articles"), list):
        raise DigestError(f"gold file {path}: expected an object with an 'articles' list")
    return gold


def _placement(digest: Digest) -> dict[str, tuple[str, Item]]:
    """Map each source's file name (with #line) to its section title and item."""
    placed: dict[str, tuple[str, Item]] = {}
    for section in digest.sections:
        for item in section.items:
            for source in item.sources:
                placed[Path(source.origin).name] = (section.title, item)
    return placed


def evaluate(digest: Digest, gold: dict[str, Any]) -> Evaluation:
    """Compare the digest with the gold articles; return per-measure scores with the misses."""
    placed = _placement(digest)
    names = ("inclusion", "section", "city", "date", "official")
    scores = {name: Score() for name in names}
    for entry in gold["articles"]:
        file = entry["file"]
        where = placed.get(file)
        if not entry.get("include"):
            scores["inclusion"].add(where is None, f"{file}: should be left out ({entry.get('reason', '')})")
            continue
        scores["inclusion"].add(where is not None, f"{file}: missing from the digest")
        if where is None:
            continue
        section, item = where
        original = entry.get("duplicate_of")
        if original:
            same = placed.get(original, (None, None))[1] is item
            scores["section"].add(same, f"{file}: not merged with {original}")
            continue
        scores["section"].add(section == entry["section"], f"{file}: section {section}, expected {entry['section']}")
        scores["city"].add(item.city == entry["city"], f"{file}: city {item.city}, expected {entry['city']}")
        scores["date"].add(entry["date"] in item.dates, f"{file}: dates {list(item.dates)}, expected {entry['date']}")
        if entry.get("official"):
            scores["official"].add(entry["official"] in item.officials,
                                   f"{file}: officials {list(item.officials)}, expected {entry['official']}")
    return Evaluation(scores)
