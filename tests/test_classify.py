from dataclasses import replace

from weeklydigest.config import DEFAULT_SET_PHRASES
from weeklydigest.model import Article
from weeklydigest.understand.sections import best_section, score_sections

from .conftest import ROOT  # noqa: F401  (keeps the package import path consistent)

SET_PHRASE = "深入学习贯彻习近平总书记视察广东和出席第十五届全国运动会开幕式重要讲话重要指示精神"


def _article(title: str, text: str) -> Article:
    return Article(id="a", title=title, url="", source="t", origin="x", published=None, text=text)


def _best(config, article: Article) -> str | None:
    scores = score_sections(article, config.sections, set_phrases=config.set_phrases)
    best = best_section(scores, min_score=config.min_score)
    return best.title if best else None


def test_set_phrase_does_not_make_a_rural_report_a_games_item(config):
    article = _article(
        "陈少荣到乳源调研百千万工程",
        f"11月15日，市委书记陈少荣到乳源调研百千万工程推进情况。他强调，要{SET_PHRASE}，做强县域经济。",
    )
    assert _best(config, article) == "百千万工程"
    games = next(s for s in score_sections(article, config.sections, set_phrases=DEFAULT_SET_PHRASES)
                 if s.title == "十五运会和残特奥会")
    assert games.score == 0


def test_title_keyword_beats_body_mentions_and_why_says_so(config):
    article = _article("郭永航检查十五运会赛区保障", "11月10日，市委书记郭永航到赛区检查。要把四中全会精神落到实处。")
    scores = score_sections(article, config.sections, set_phrases=config.set_phrases)
    games = scores[0]
    assert games.title == "十五运会和残特奥会"
    assert "keyword 十五运会 in title" in games.why
    assert _best(config, article) == "十五运会和残特奥会"


def test_required_words_must_all_appear(config):
    only_plenum = _article("庄悦群研究促消费工作", "会议传达学习党的二十届四中全会精神，研究促消费稳外贸工作。")
    assert _best(config, only_plenum) is None
    with_lecture = replace(only_plenum, text="庄悦群到滨海新区宣讲党的二十届四中全会精神。")
    assert _best(config, with_lecture) == "宣讲党的二十届四中全会精神"


def test_exclude_word_vetoes_a_section(config):
    rules = tuple(replace(r, exclude=("演练",)) if r.title == "十五运会和残特奥会" else r for r in config.sections)
    article = _article("十五运会安保演练", "11月10日，十五运会赛区开展安保演练。")
    scores = score_sections(article, rules, set_phrases=config.set_phrases)
    assert scores[0].score == 0
    assert scores[0].why == ("excluded word 演练 present",)


def test_off_topic_article_has_no_section(config):
    article = _article("冷空气周末抵达", "受冷空气影响，本周末最低气温将降至15℃左右。")
    assert _best(config, article) is None
