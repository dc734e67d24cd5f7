"""Fit the section-scoring weights on labelled reports and print them for the config.

    python -m weeklydigest.understand.calibrate [--config FILE] [--pages DIR ...] [--gold FILE ...]

`--pages DIR` reads every article file named in `DIR/labels.json` (keyed by file stem, each with a
`section`: a section title or null); `--gold FILE` reads a gold file of `weeklydigest eval` (its
`source` folder, the `section` of each entry; entries left out for another reason than their
section are skipped). Each article is cleaned and read as in a build; every (article, section) pair
whose `require`/`exclude` words allow it is one example, positive when the label is that section.
A logistic regression (L2-regularised, Newton's method) fits one weight per kind of evidence
(`SectionWeights`) and an intercept; the weights are scaled so that the boundary of the fit is the
config's `min_score`. It prints the accuracy of the current and of the fitted weights on each data
set (the share of articles whose best section, or none, is the label) and the `section_weights:`
block to put in the config. Linear in the number of articles.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import astuple, dataclass
from datetime import date
from pathlib import Path

import numpy as np

from ..collect.folder import SUFFIXES, read_file
from ..config import Config, load_config
from ..errors import DigestError
from ..evaluate import load_gold
from ..model import Article
from .clean import clean
from .extract import extract
from .sections import SectionWeights, best_section, evidence, weigh

REGULARISATION = 0.5  # L2 penalty on the weights (not the intercept): few examples, so keep weights modest
_NAMES = SectionWeights.names()
# Weights set by rule, as multiples of the boundary: a keyword in the title (the report naming its own subject)
# places the article by itself, and so does full likeness to the editors' corrections, even against a keyword
# elsewhere (the calibration data has no corrections to fit it on).
FIXED = {_NAMES.index("title"): 1.0, _NAMES.index("learned"): 1.5}


@dataclass(frozen=True)
class Example:
    article: Article
    section: str | None  # the labelled section; None: no section


def read_articles(paths: list[Path], config: Config) -> dict[str, Article]:
    """Return the cleaned, read articles of the files, keyed by file name (`name#n` for JSON lines)."""
    from ..build import reading_aids

    rules, roster = reading_aids(config)
    articles: dict[str, Article] = {}
    for path in paths:
        documents, _skipped = read_file(path, source="calibrate", tz=config.tz)
        for document in documents:
            fallback = document.published.date() if document.published else date.today()
            article = extract(clean(document, spam=rules), fallback=fallback, roster=roster)
            name = Path(document.origin.split("#")[0]).name
            articles[name + (f"#{document.origin.rsplit('#', 1)[1]}" if "#" in document.origin else "")] = article
    return articles


def from_pages(folder: Path, config: Config) -> list[Example]:
    """Return the examples of a folder of pages labelled in its `labels.json`."""
    try:
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DigestError(f"{folder}/labels.json: cannot be read: {exc}") from None
    if not isinstance(labels, dict) or not all(isinstance(v, dict) for v in labels.values()):
        raise DigestError(f"{folder}/labels.json: expected an object of {{stem: {{\"section\": …}}}}")
    files = {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in SUFFIXES}
    wanted = [files[stem] for stem in labels if stem in files]
    articles = read_articles(wanted, config)
    examples = []
    for stem, label in labels.items():
        if stem in files and files[stem].name in articles:
            section = label.get("section")
            examples.append(Example(articles[files[stem].name], section[0] if isinstance(section, list) else section))
    return examples


def from_gold(path: Path, config: Config) -> list[Example]:
    """Return the examples of a gold file: entries with a section, and those left out for having none."""
    gold = load_gold(path)
    if not gold.get("source"):
        raise DigestError(f"gold file {path}: no 'source' folder")
    folder = Path(gold["source"])
    if not (folder.is_absolute() or folder.exists()):
        folder = path.resolve().parents[2] / folder  # relative to the project, as `weeklydigest eval` reads it
    names = {entry["file"].split("#")[0] for entry in gold["articles"]}
    articles = read_articles([folder / n for n in sorted(names) if (folder / n).is_file()], config)
    examples = []
    for entry in gold["articles"]:
        article = articles.get(entry["file"])
        if article is None:
            continue
        if entry.get("section"):
            examples.append(Example(article, entry["section"]))
        elif entry.get("reason") == "no section":
            examples.append(Example(article, None))
    return examples


def design(examples: list[Example], config: Config) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """Return the feature rows, their labels, and per example the rows of its sections."""
    rows: list[tuple[float, ...]] = []
    labels: list[float] = []
    groups: list[list[int]] = []
    for example in examples:
        group = []
        for rule, found, _ in evidence(example.article, config.sections, set_phrases=config.set_phrases,
                                       set_patterns=config.set_patterns):
            if found is None:
                continue
            group.append(len(rows))
            rows.append(found.values())
            labels.append(1.0 if rule.title == example.section else 0.0)
        groups.append(group)
    return np.array(rows, dtype=float).reshape(-1, len(SectionWeights.names())), np.array(labels), groups


def fit(x: np.ndarray, y: np.ndarray, *, penalty: float = REGULARISATION) -> tuple[np.ndarray, float]:
    """Return the weights and intercept of an L2-regularised logistic regression (Newton's method).

    The weights in `FIXED` are not fitted: they are held at their multiple of the boundary (-intercept),
    refitting the others until the boundary settles.
    """
    free = [j for j in range(x.shape[1]) if j not in FIXED]
    a = np.hstack([x[:, free], np.ones((len(x), 1))])
    ridge = np.full(a.shape[1], penalty)
    ridge[-1] = 1e-6
    beta = np.zeros(a.shape[1])
    boundary = 0.0
    for _ in range(50):
        offset = sum((x[:, j] * share * boundary for j, share in FIXED.items()), np.zeros(len(x)))
        for _ in range(100):
            p = 1.0 / (1.0 + np.exp(-(a @ beta + offset)))
            gradient = a.T @ (p - y) + ridge * beta
            hessian = (a * (p * (1 - p))[:, None]).T @ a + np.diag(ridge)
            step = np.linalg.solve(hessian, gradient)
            beta -= step
            if np.abs(step).max() < 1e-9:
                break
        settled = abs(-beta[-1] - boundary) < 1e-6
        boundary = -beta[-1]
        if settled:
            break
    weights = np.zeros(x.shape[1])
    weights[free] = beta[:-1]
    for j, share in FIXED.items():
        weights[j] = share * boundary
    return weights, float(beta[-1])


def scaled(weights: np.ndarray, intercept: float, *, min_score: float) -> SectionWeights:
    """Return the weights scaled so that a score of `min_score` is the fitted boundary."""
    if intercept >= 0:
        raise ValueError("the fit places articles without any evidence; add examples with no section")
    factor = min_score / -intercept
    return SectionWeights(*(round(float(w) * factor, 2) for w in weights))


def accuracy(examples: list[Example], config: Config, weights: SectionWeights) -> tuple[int, list[str]]:
    """Return how many examples get their labelled section (or none), and the misses."""
    right, misses = 0, []
    for example in examples:
        raw = example.article.title + "\n" + example.article.text
        scores = []
        for rule, found, _ in evidence(example.article, config.sections, set_phrases=config.set_phrases,
                                       set_patterns=config.set_patterns):
            if found is not None:
                scores.append(weigh(rule, found, raw, weights=weights))
        best = best_section(scores, min_score=config.min_score)
        got = best.title if best else None
        if got == example.section:
            right += 1
        else:
            misses.append(f"{example.article.origin.rsplit('/', 1)[-1]}: {got} vs label {example.section}")
    return right, misses


def held_out(sets: list[tuple[str, list[Example]]], config: Config, *, penalty: float) -> list[tuple[str, int]]:
    """Return, per data set, how many articles a fit without that article gets right (leave-one-out)."""
    examples = [e for _, data in sets for e in data]
    x, y, groups = design(examples, config)
    results = []
    k = 0
    for name, data in sets:
        right = 0
        for _ in data:
            rows = set(groups[k])
            keep = np.array([i not in rows for i in range(len(y))])
            weights, intercept = fit(x[keep], y[keep], penalty=penalty)
            right += accuracy([examples[k]], config, scaled(weights, intercept, min_score=config.min_score))[0]
            k += 1
        results.append((name, right))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m weeklydigest.understand.calibrate",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("config/digest.yaml"))
    parser.add_argument("--pages", type=Path, action="append", default=[], help="a folder with labels.json")
    parser.add_argument("--gold", type=Path, action="append", default=[], help="a gold file of weeklydigest eval")
    parser.add_argument("--penalty", type=float, default=REGULARISATION)
    parser.add_argument("--misses", action="store_true", help="list the articles each weighting misses")
    parser.add_argument("--cross-validate", action="store_true",
                        help="also fit without each article in turn and score it: the accuracy to expect on new text")
    args = parser.parse_args(argv)
    if not args.pages and not args.gold:
        parser.error("give at least one --pages folder or --gold file")
    try:
        config = load_config(args.config)
        sets = [(str(p), from_pages(p, config)) for p in args.pages]
        sets += [(str(g), from_gold(g, config)) for g in args.gold]
    except DigestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    examples = [e for _, data in sets for e in data]
    x, y, _ = design(examples, config)
    weights, intercept = fit(x, y, penalty=args.penalty)
    try:
        fitted = scaled(weights, intercept, min_score=config.min_score)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, data in sets:
        for label, current in (("current", config.section_weights), ("fitted", fitted)):
            right, misses = accuracy(data, config, current)
            print(f"{label:8} {right:>3}/{len(data):<3} {name}")
            if args.misses:
                for miss in misses:
                    print(f"           {miss}")
    if args.cross_validate:
        for name, right in held_out(sets, config, penalty=args.penalty):
            print(f"held-out {right:>3}/{len(dict(sets)[name]):<3} {name}")
    print(f"# fitted on {len(examples)} articles ({len(y)} article-section pairs, {int(y.sum())} positive); "
          f"boundary at min_score {config.min_score:g}")
    print("section_weights:")
    for key, value in zip(SectionWeights.names(), astuple(fitted), strict=True):
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

