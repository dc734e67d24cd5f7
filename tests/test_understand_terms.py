"""Emerging terms: what this week's articles say far more than earlier ones."""

from __future__ import annotations

from weeklydigest.understand.terms import emerging_terms

WEEK = [
    "市委书记到企业宣讲四中全会精神，讲解低空经济发展。",
    "市委书记调研低空经济产业园，要求做强低空经济。",
    "市委书记检查海上风电项目，推动低空经济和海洋经济协同。",
]
EARLIER = [
    "市委书记调研海上风电项目，推动海洋经济发展。",
    "市委书记到企业调研，推动海洋经济发展。",
]


def test_the_weeks_new_term_comes_first_with_its_count():
    terms = emerging_terms(WEEK, EARLIER, vocabulary=("低空经济",))
    assert terms[0]["term"] == "低空经济"
    assert terms[0]["count"] == 4
    assert float(terms[0]["score"]) > 0


def test_terms_as_common_earlier_as_now_are_not_emerging():
    terms = {t["term"] for t in emerging_terms(WEEK, EARLIER, vocabulary=("低空经济",))}
    assert "海洋经济" not in terms and "市委书记" not in terms


def test_a_term_from_a_single_article_is_not_a_trend():
    terms = {t["term"] for t in emerging_terms(WEEK, EARLIER)}
    assert "四中全会" not in terms


def test_no_articles_no_terms():
    assert emerging_terms([], EARLIER) == []
