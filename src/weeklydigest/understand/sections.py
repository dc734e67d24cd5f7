"""Score each article against the keyword sections and pick its single best section."""

from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

from ..config import DEFAULT_SET_PATTERNS
from ..model import Article, SectionRule, SectionScore
from .extract import split_sentences
from .learn import Learned, article_words

TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT, BODY_CAP = 5.0, 3.0, 1.0, 4.0
SUBJECT_WEIGHT, SUBJECT_SHARE = 2.0, 0.4  # bonus when the terms run through this share of the sentences



@lru_cache(maxsize=8)
def _automaton(words: tuple[str, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=8)
def _set_pattern(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _mask(text: str, phrases: tuple[str, ...], patterns: tuple[str, ...] = DEFAULT_SET_PATTERNS) -> str:
    """Blank out set phrases so that they never count as a section's term."""
    for phrase in phrases:
        if phrase in text:
            text = text.replace(phrase, "□" * len(phrase))
    pattern = _set_pattern(patterns)
    if pattern is not None:
        text = pattern.sub(lambda m: "□" * len(m.group(0)), text)
    return text


def _hits(text: str, words: tuple[str, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not words or not text:
        return counts
    for _end, word in _automaton(words).iter(text):
        counts[word] = counts.get(word, 0) + 1
    return counts


def score_sections(
    article: Article, rules: tuple[SectionRule, ...], *, set_phrases: tuple[str, ...],
    set_patterns: tuple[str, ...] = DEFAULT_SET_PATTERNS, learned: Learned | None = None,
) -> list[SectionScore]:
    """Return every section's score for the article, with the reasons, in display order.

    Where a term stands decides most (title > lead sentence > body), then how often it recurs and
    whether it runs through the article. Set phrases are blanked out first and never count. With
    `learned`, sections the editors moved similar articles to gain the learned weighting.
    """
    words = article_words(article) if learned is not None else set()
    vocabulary = tuple(sorted({w for r in rules for w in (*r.keywords, *r.require, *r.exclude)}))
    title = _mask(article.title, set_phrases, set_patterns)
    sentences = split_sentences(article.text)
    lead_end = sentences[0].end if sentences else 0
    text = _mask(article.text, set_phrases, set_patterns)
    lead, body = text[:lead_end], text[lead_end:]
    where = {"title": _hits(title, vocabulary), "lead": _hits(lead, vocabulary),
             "body": _hits(body, vocabulary)}
    raw = _hits(article.title + "\n" + article.text, vocabulary)  # require/exclude read the whole text
    masked_sentences = [text[s.start:s.end] for s in sentences]
    scores = []
    for rule in rules:
        why: list[str] = []
        missing = [w for w in rule.require if w not in raw]
        excluded = [w for w in rule.exclude if w in raw]
        if missing or excluded:
            why += [f"required word {w} missing" for w in missing]
            why += [f"excluded word {w} present" for w in excluded]
            scores.append(SectionScore(rule.title, 0.0, tuple(why)))
            continue
        score = 0.0
        title_terms = [w for w in rule.keywords if w in where["title"]]
        lead_terms = [w for w in rule.keywords if w in where["lead"]]
        body_count = sum(where["body"].get(w, 0) for w in rule.keywords)
        patterns = [re.compile(p) for p in rule.regex]
        for pattern in patterns:
            if pattern.search(title):
                title_terms.append(f"/{pattern.pattern}/")
            body_count += len(pattern.findall(body))
        if title_terms:
            score += TITLE_WEIGHT
            why.append(f"keyword {'、'.join(title_terms)} in title")
        if lead_terms:
            score += LEAD_WEIGHT
            why.append(f"keyword {'、'.join(lead_terms)} in lead sentence")
        if body_count:
            score += min(BODY_CAP, BODY_WEIGHT * body_count)
            why.append(f"keywords {body_count}x in body")
        if masked_sentences and (title_terms or lead_terms or body_count):
            carrying = sum(1 for s in masked_sentences
                           if any(w in s for w in rule.keywords) or any(p.search(s) for p in patterns))
            if carrying / len(masked_sentences) >= SUBJECT_SHARE:
                score += SUBJECT_WEIGHT
                why.append(f"subject of the article ({carrying} of {len(masked_sentences)} sentences)")
        if learned is not None:
            bonus, reason = learned.bonus(rule.title, words)
            if bonus:
                score += bonus
                why.append(reason)
        if not why:
            masked = [w for w in rule.keywords if w in raw]
            why.append(f"keyword {'、'.join(masked)} only in set phrases" if masked else "no section keyword")
        scores.append(SectionScore(rule.title, score, tuple(why)))
    return scores


def best_section(scores: list[SectionScore], *, min_score: float) -> SectionScore | None:
    """Return the highest-scoring section at or above `min_score`; ties go to display order."""
    best = None
    for score in scores:
        if score.score >= min_score and (best is None or score.score > best.score):
            best = score
    return best
