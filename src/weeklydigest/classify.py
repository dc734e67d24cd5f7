"""Score each article against the keyword sections and pick its single best section."""

from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

from .extract import split_sentences
from .model import Article, SectionRule, SectionScore

TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT, BODY_CAP = 5.0, 3.0, 1.0, 4.0


@lru_cache(maxsize=8)
def _automaton(words: tuple[str, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _mask(text: str, phrases: tuple[str, ...]) -> str:
    """Blank out set phrases so that they never count as a section's term."""
    for phrase in phrases:
        if phrase in text:
            text = text.replace(phrase, "□" * len(phrase))
    return text


def _hits(text: str, words: tuple[str, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not words or not text:
        return counts
    for _end, word in _automaton(words).iter(text):
        counts[word] = counts.get(word, 0) + 1
    return counts


def score_sections(
    article: Article, rules: tuple[SectionRule, ...], *, set_phrases: tuple[str, ...]
) -> list[SectionScore]:
    """Return every section's score for the article, with the reasons, in display order."""
    vocabulary = tuple(sorted({w for r in rules for w in (*r.keywords, *r.require, *r.exclude)}))
    title = _mask(article.title, set_phrases)
    sentences = split_sentences(article.text)
    lead_end = sentences[0].end if sentences else 0
    lead = _mask(article.text[:lead_end], set_phrases)
    body = _mask(article.text[lead_end:], set_phrases)
    where = {"title": _hits(title, vocabulary), "lead": _hits(lead, vocabulary),
             "body": _hits(body, vocabulary)}
    anywhere = {w for counts in where.values() for w in counts}
    scores = []
    for rule in rules:
        why: list[str] = []
        missing = [w for w in rule.require if w not in anywhere]
        excluded = [w for w in rule.exclude if w in anywhere]
        if missing or excluded:
            why += [f"required word {w} missing" for w in missing]
            why += [f"excluded word {w} present" for w in excluded]
            scores.append(SectionScore(rule.title, 0.0, tuple(why)))
            continue
        score = 0.0
        title_terms = [w for w in rule.keywords if w in where["title"]]
        lead_terms = [w for w in rule.keywords if w in where["lead"]]
        body_count = sum(where["body"].get(w, 0) for w in rule.keywords)
        for pattern in rule.regex:
            if re.search(pattern, title):
                title_terms.append(f"/{pattern}/")
            body_count += len(re.findall(pattern, lead + body))
        if title_terms:
            score += TITLE_WEIGHT
            why.append(f"keyword {'、'.join(title_terms)} in title")
        if lead_terms:
            score += LEAD_WEIGHT
            why.append(f"keyword {'、'.join(lead_terms)} in lead sentence")
        if body_count:
            score += min(BODY_CAP, BODY_WEIGHT * body_count)
            why.append(f"keywords {body_count}x in body")
        if not why:
            why.append("no section keyword")
        scores.append(SectionScore(rule.title, score, tuple(why)))
    return scores


def best_section(scores: list[SectionScore], *, min_score: float) -> SectionScore | None:
    """Return the highest-scoring section at or above `min_score`; ties go to display order."""
    best = None
    for score in scores:
        if score.score >= min_score and (best is None or score.score > best.score):
            best = score
    return best
