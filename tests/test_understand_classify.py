"""Choosing the section: where terms stand, how often, whether they are the subject; set phrases never decide."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from weeklydigest.model import Article
from weeklydigest.understand.sections import best_section, score_sections

TZ = ZoneInfo("Asia/Shanghai")


def _article(title: str, text: str) -> Article:
    return Article(id="x", title=title, url="", source="t", origin="x.md", published=datetime(2025, 11, 18, tzinfo=TZ),
                   text=text)


def _scores(config, article):
    scores = score_sections(article, config.sections, set_phrases=config.set_phrases,
                            set_patterns=config.set_patterns)
    return {s.title: s for s in scores}, best_section(scores, min_score=config.min_score)


RURAL = _article(
    "温湛滨到潮阳区调研镇村建设",
    "18日，市委书记温湛滨到潮阳区调研镇村建设和县域产业发展。\n"
    "温湛滨强调，要深入学习贯彻习近平总书记视察广东和出席第十五届全国运动会开幕式重要讲话重要指示精神，"
    "学习贯彻党的二十届四中全会精神，以县域经济发展带动镇村面貌改善。\n"
    "他要求，要抓好典型镇培育，把宣讲惠民政策和解决群众急难愁盼结合起来。",
)


def test_set_phrases_do_not_put_a_rural_report_in_the_games_or_the_lecture_section(config):
    scores, best = _scores(config, RURAL)
    assert scores["十五运会和残特奥会"].score == 0
    assert scores["十五运会和残特奥会"].why == ("keyword 第十五届全国运动会 only in set phrases",)
    assert best is not None and best.title == "百千万工程"


def test_a_reworded_set_phrase_is_masked_by_the_patterns(config):
    article = _article("何国森到紫金县调研典型镇建设",
                       "何国森强调，要认真贯彻落实习近平总书记出席十五运会开幕式时的重要讲话精神，抓好典型镇建设。")
    scores, best = _scores(config, article)
    assert scores["十五运会和残特奥会"].score == 0
    assert best is not None and best.title == "百千万工程"


def test_title_outweighs_lead_and_body_and_the_reasons_say_where(config):
    article = _article("郭永航检查十五运会赛区保障工作",
                       "11月18日，市委书记郭永航检查赛区保障。会上还通报了典型村建设情况。典型镇建设稳步推进。")
    scores, best = _scores(config, article)
    games = scores["十五运会和残特奥会"]
    assert best is not None and best.title == "十五运会和残特奥会"
    assert games.why[0] == "keyword 十五运会 in title"
    assert games.score > scores["百千万工程"].score


def test_terms_running_through_the_article_earn_the_subject_bonus(config):
    article = _article("庄悦群调研镇村工作",
                       "庄悦群到电白区调研典型镇建设。典型村面貌持续改善。县域经济稳步壮大。他要求抓好落实。")
    scores, _ = _scores(config, article)
    assert any(w.startswith("subject of the article") for w in scores["百千万工程"].why)


def test_required_words_are_read_in_the_whole_text(config):
    article = _article("刘吉作宣讲主题报告",
                       "11月13日，全市学习贯彻党的二十届四中全会精神宣讲报告会举行，市委书记刘吉作宣讲主题报告。")
    _, best = _scores(config, article)
    assert best is not None and best.title == "宣讲党的二十届四中全会精神"


def test_article_without_any_keyword_is_unplaced(config):
    _, best = _scores(config, _article("冷空气周末抵达", "本周末最低气温将降至15℃左右，请市民注意保暖。"))
    assert best is None
