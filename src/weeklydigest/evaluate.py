"""Score a digest against a gold file: inclusion, section, city, date and official accuracy."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import DigestError
from .model import Article, Digest, Item

MEASURES = ("inclusion", "section", "city", "date", "official", "spam", "kept")


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

    def table(self, thresholds: dict[str, float] | None = None) -> str:
        """Return the scores as a text table, with the thresholds asked for."""
        thresholds = thresholds or {}
        lines = [f"{'measure':<10} {'right':>6} {'total':>6} {'accuracy':>9} {'min':>7}"]
        for name, score in self.scores.items():
            bar = f"{thresholds[name]:>6.0%}" if name in thresholds else f"{'-':>6}"
            flag = "  BELOW" if name in self.below(thresholds) else ""
            lines.append(f"{name:<10} {score.right:>6} {score.total:>6} {score.accuracy:>8.1%} {bar}{flag}")
        return "\n".join(lines)

    def below(self, thresholds: dict[str, float]) -> list[str]:
        """Return the measures under their threshold."""
        return [m for m, bar in thresholds.items() if m in self.scores and self.scores[m].accuracy < bar]

    def miss_lines(self) -> list[str]:
        return [f"{name}: {miss}" for name, score in self.scores.items() for miss in score.misses]

    def to_json(self, thresholds: dict[str, float] | None = None) -> dict[str, Any]:
        thresholds = thresholds or {}
        return {
            name: {"right": s.right, "total": s.total, "accuracy": round(s.accuracy, 4),
                   "min": thresholds.get(name), "misses": s.misses}
            for name, s in self.scores.items()
        }


def load_gold(path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DigestError(f"gold file {path}: cannot be read: {exc}") from None
    if not isinstance(gold, dict) or not isinstance(gold.get("articles"), list):
        raise DigestError(f"gold file {path}: expected an object with an 'articles' list")
    for i, entry in enumerate(gold["articles"]):
        needed = ("file", "include")
        if isinstance(entry, dict) and entry.get("include") and not entry.get("duplicate_of"):
            needed += ("section", "city", "date")
        missing = [k for k in needed if not isinstance(entry, dict) or k not in entry]
        if missing:
            raise DigestError(f"gold file {path}: articles[{i}] lacks {', '.join(missing)}")
        spam = entry.get("spam", [])
        if not isinstance(spam, list) or not all(isinstance(x, str) and x for x in spam):
            raise DigestError(f"gold file {path}: articles[{i}].spam must be a list of non-empty strings")
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
    scores = {name: Score() for name in MEASURES[:5]}
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


def evaluate_build(config: Any, gold: dict[str, Any], *, week: Any, sources: tuple[Any, ...],
                   learned: Any = None) -> Evaluation:
    """Build the week from `sources` and score it; gold `spam` spans add the spam and kept measures."""
    from .analysed import open_store
    from .build import digest_articles, understand
    from .collect import collect
    from .understand.clean import clean
    from .understand.spam import SpamRules

    # A gold folder the config collects is read under the config's name for it, as the store holds it.
    sources = tuple(next((replace(source, name=known.name) for known in config.sources if known.kind == "folder"
                          and known.path is not None and source.path is not None
                          and os.path.realpath(known.path) == os.path.realpath(source.path)), source)
                    for source in sources)
    documents, skipped = collect(sources, tz=config.tz)
    # The store's analyses of these very files are used where they are current.
    store = open_store(config)
    try:
        articles, empty = understand(documents, week=week, config=config, store=store)
    finally:
        if store is not None:
            store.close()
    digest = digest_articles(config, articles, week=week, skipped=[*skipped, *empty], seen=len(documents),
                             learned=learned)
    evaluation = evaluate(digest, gold)
    by_file = {Path(a.origin).name: a for a in articles}
    plain = {Path(d.origin).name: clean(d, spam=SpamRules(enabled=False)) for d in documents}
    evaluation.scores.update(spam_scores(digest, gold, cleaned=by_file, unfiltered=plain))
    return evaluation


def spam_scores(
    digest: Digest, gold: dict[str, Any], *, cleaned: dict[str, Article], unfiltered: dict[str, Article],
) -> dict[str, Score]:
    """Score spam removal: every gold spam span gone from the text and the digest; genuine sentences kept."""
    from .understand.clean import cut_spans
    from .understand.extract import split_sentences

    sentences = [ref.text for section in digest.sections for item in section.items for ref in item.sentences]
    spam, kept = Score(), Score()
    for entry in gold["articles"]:
        spans = entry.get("spam") or []
        file = entry["file"]
        if not spans or file not in unfiltered:
            continue
        text = cleaned[file].text if file in cleaned else ""
        for span in spans:
            in_digest = any(span in s for s in sentences)
            spam.add(span not in text and not in_digest,
                     f"{file}: spam {span!r} left in the " + ("digest" if in_digest else "cleaned text"))
        # The genuine text: the article cleaned without spam removal, with the gold spans cut out.
        genuine = unfiltered[file].text
        for span in spans:
            at = genuine.find(span)
            if at >= 0:
                genuine = cut_spans(genuine, [(at, at + len(span))])
        for sentence in split_sentences(genuine):
            kept.add(sentence.text in text, f"{file}: genuine sentence lost: {sentence.text[:40]}")
    return {"spam": spam, "kept": kept}
