"""Sections as a desk reads them: the activity decides, a passing mention does not; weights fitted on labels."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from weeklydigest.config import load_config
from weeklydigest.errors import ConfigError
from weeklydigest.model import Article, Official, SectionWeights
from weeklydigest.understand.calibrate import fit, main, scaled
from weeklydigest.understand.sections import best_section, score_sections

TZ = ZoneInfo("Asia/Shanghai")
VILLAGES, GAMES = "百千万工程", "十五运会和残特奥会"


def _article(title: str, text: str, *, leader: tuple[str, str] = ("林海涛", "市委书记")) -> Article:
    official = Official(name=leader[0], title=leader[1], city="清远")
    return Article(id="s", title=title, url="", source="t", origin="s.md",
                   published=datetime(2025, 11, 20, 20, tzinfo=TZ), text=text, officials=(official,))


def _placed(config, article: Article) -> tuple[str | None, dict]:
    scores = score_sections(article, config.sections, set_phrases=config.set_phrases,
                            set_patterns=config.set_patterns, weights=config.section_weights)
    best = best_section(scores, min_score=config.min_score)
    return (best.title if best else None), {s.title: s for s in scores}


def test_a_report_naming_its_topic_once_in_the_leader_s_own_words_enters_that_section(config):
    article = _article(
        "林海涛到连山调研乡村产业发展",
        "11月20日，市委书记林海涛到连山壮族瑶族自治县调研乡村产业发展和人居环境整治。\n"
        "在永和镇，林海涛走进稻米加工厂和民宿集聚区，察看村庄风貌提升情况。\n"
        "林海涛强调，要以“百千万工程”为总牵引，做强特色产业，带动镇村协调发展。",
    )
    section, scores = _placed(config, article)
    assert section == VILLAGES
    assert "keyword 百千万工程 where the leader acts or speaks (1x)" in scores[VILLAGES].why


def test_a_report_naming_its_topic_once_where_it_says_what_the_visited_place_is_enters_that_section(config):
    article = _article(
        "林海涛到英德调研镇域发展",
        "11月20日，市委书记林海涛到英德市浛洸镇，察看圩镇改造和产业园区建设。\n"
        "浛洸镇是全省“百千万工程”首批示范镇，近年来着力补齐镇区公共服务短板。\n"
        "在镇产业园，林海涛详细了解企业用工和订单情况，要求进一步优化营商环境。",
    )
    section, scores = _placed(config, article)
    assert section == VILLAGES
    assert "keyword 百千万工程 says what the place visited is" in scores[VILLAGES].why


def test_a_report_naming_its_topic_once_in_the_opening_before_the_leader_acts_enters_that_section(config):
    article = _article(
        "全市镇村建设现场会在佛冈召开",
        "11月20日，全市镇村建设现场会在佛冈县召开。\n"
        "会议现场观摩了“百千万工程”重点项目和村级服务阵地建设。\n"
        "市委书记林海涛出席并讲话，要求各地比学赶超、争先进位。",
    )
    section, scores = _placed(config, article)
    assert section == VILLAGES
    assert "keyword 百千万工程 in the opening (1x)" in scores[VILLAGES].why


def test_a_passing_mention_late_in_a_many_topic_meeting_is_not_the_topic(config):
    article = _article(
        "市委常委会召开会议研究经济工作",
        "11月20日，市委常委会召开会议，研究部署四季度经济工作。市委书记林海涛主持会议。\n"
        "会议指出，要坚持稳中求进，抓好项目建设和招商引资。\n"
        "会议强调，要扎实做好促消费工作，持续扩大有效投资。\n"
        "要加快发展先进制造业，推动产业集群提质增效。\n"
        "要深化重点领域改革，打造一流营商环境。\n"
        "要切实保障和改善民生，做好安全生产和森林防火工作。\n"
        "要持续推进“百千万工程”，补齐农村基础设施短板。",
    )
    section, scores = _placed(config, article)
    assert section is None
    assert scores[VILLAGES].why[0] == "keywords 1x in body"


def test_a_topic_listed_among_other_topics_does_not_decide(config):
    article = _article(
        "林海涛到清新区调研",
        "11月20日，市委书记林海涛到清新区调研。\n"
        "林海涛主持召开座谈会，听取清新区“百千万工程”、一季度经济运行等工作情况汇报。\n"
        "他强调，要抓好项目建设，稳住工业增长。",
    )
    section, scores = _placed(config, article)
    assert section is None
    assert "keyword 百千万工程 as one of several listed topics (1x)" in scores[VILLAGES].why


def test_learning_from_another_event_s_experience_is_a_set_phrase(config):
    article = _article(
        "市运会筹委会召开工作会议",
        "11月20日，市运会筹委会召开工作会议。\n"
        "林海涛指出，要聚焦场馆建设和赛事组织，学习借鉴十五运会的成熟经验，精心打磨开幕式。",
    )
    section, scores = _placed(config, article)
    assert section is None
    assert scores[GAMES].score < config.min_score
    assert not any("十五运会" in why for why in scores[GAMES].why if "only in set phrases" not in why)


def test_a_set_phrase_naming_the_games_never_decides_even_in_the_leader_s_words(config):
    article = _article(
        "林海涛到阳山调研",
        "11月20日，市委书记林海涛到阳山县调研。\n"
        "林海涛强调，要深入学习贯彻习近平总书记出席第十五届全国运动会开幕式重要讲话精神，抓好冬季森林防火。",
    )
    section, scores = _placed(config, article)
    assert section is None
    assert scores[GAMES].why == ("keyword 第十五届全国运动会 only in set phrases",)


def test_a_title_keyword_places_the_report_by_itself(config):
    article = _article("林海涛检查十五运会清远赛区保障", "11月20日，市委书记林海涛到体育中心检查保障工作。")
    section, scores = _placed(config, article)
    assert section == GAMES
    assert scores[GAMES].score >= config.min_score


def test_the_fit_separates_labelled_evidence_and_puts_its_boundary_at_min_score():
    names = SectionWeights.names()
    rows, labels = [], []
    rng = np.random.default_rng(3)
    for _ in range(40):  # the topic in the activity: in the section
        row = np.zeros(len(names))
        row[names.index("activity")] = 1.0
        row[names.index("spread")] = rng.uniform(0.1, 0.5)
        rows.append(row)
        labels.append(1.0)
    for _ in range(40):  # the topic only late in the body: not
        row = np.zeros(len(names))
        row[names.index("body")] = 1.0
        row[names.index("spread")] = rng.uniform(0.0, 0.2)
        rows.append(row)
        labels.append(0.0)
    weights, intercept = fit(np.array(rows), np.array(labels))
    fitted = scaled(weights, intercept, min_score=2.0)
    assert fitted.activity > 2.0 > fitted.body
    assert fitted.title == 2.0  # held by rule at the boundary, not fitted
    assert fitted.learned == 3.0


def test_calibrate_reads_a_labelled_folder_and_prints_the_weights_for_the_config(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    reports = {
        "v1": ("林海涛到连南调研乡村振兴", "11月20日，市委书记林海涛到连南瑶族自治县调研乡村振兴。\n"
               "林海涛强调，要以“百千万工程”为牵引，推动镇村同步发展。", VILLAGES),
        "v2": ("林海涛调研典型镇建设", "11月18日，市委书记林海涛到石潭镇调研典型镇建设。", VILLAGES),
        "g1": ("林海涛检查十五运会保障", "11月19日，市委书记林海涛检查十五运会清远赛区保障工作。", GAMES),
        "n1": ("林海涛调研工业园区", "11月17日，市委书记林海涛到工业园区调研，要求抓好项目建设。", None),
        "n2": ("冷空气周末抵达", "受冷空气影响，本周末最低气温将降至8℃左右。", None),
    }
    labels = {}
    for stem, (title, text, section) in reports.items():
        (pages / f"{stem}.md").write_text(f"---\ntitle: {title}\ndate: 2025-11-20\n---\n{text}\n", encoding="utf-8")
        labels[stem] = {"section": section}
    (pages / "labels.json").write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    assert main(["--config", str(root / "config" / "digest.yaml"), "--pages", str(pages), "--misses"]) == 0
    out = capsys.readouterr().out
    assert f"current    5/5   {pages}" in out
    assert "section_weights:\n  title: 2.0\n  lead: " in out
    assert "fitted on 5 articles" in out


def test_section_weights_in_the_config_replace_the_fitted_ones_key_by_key(tmp_path):
    path = tmp_path / "digest.yaml"
    path.write_text("section_weights: {body: 3.5}\nsections:\n  - title: 百千万工程\n    keywords: [百千万工程]\n",
                    encoding="utf-8")
    config = load_config(path)
    assert config.section_weights == replace(SectionWeights(), body=3.5)
    path.write_text("section_weights: {body: many}\nsections:\n  - title: 百千万工程\n    keywords: [百千万工程]\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert any("section_weights.body" in p and "expected a number, got str 'many'" in p for p in caught.value.problems)


def test_calibrate_names_an_unreadable_labels_file_in_one_line(tmp_path, capsys):
    root = Path(__file__).resolve().parents[1]
    assert main(["--config", str(root / "config" / "digest.yaml"), "--pages", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {tmp_path}/labels.json: cannot be read")
