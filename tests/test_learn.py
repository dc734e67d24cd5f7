"""Learning from editors' section corrections: a move in one week changes the section of similar later articles."""

from __future__ import annotations

import shutil
from pathlib import Path

from weeklydigest.build import build_issue, write_outputs
from weeklydigest.cli import main
from weeklydigest.review.edits import item_key
from weeklydigest.review.workflow import Review
from weeklydigest.understand.learn import GENERIC, learn, words
from weeklydigest.week import parse_week

from .conftest import ROOT
from .review_env import review_config

LEARN = ROOT / "tests" / "data" / "learn"
GAMES, VILLAGES = "十五运会和残特奥会", "百千万工程"
HOMESTAY_1112 = "gz-homestay-1112.md"  # rural homestays; a passing 全运会 in the lead misleads the keywords
HOMESTAY_1119 = "gz-homestay-1119.md"  # a similar report a week later


def placed(digest) -> dict[str, str]:
    return {source.title: (section.title, item) for section in digest.sections for item in section.items
            for source in item.sources}


def build(config, week: str):
    digest = build_issue(config, week=parse_week(week, week_starts=config.week_starts))
    write_outputs(digest, config, out=config.output, formats=("json",))
    return digest


def test_generic_words_and_city_names_are_not_learned() -> None:
    found = words("11月12日，广州市委书记郭永航到从化区调研乡村民宿，强调要推动发展。")
    assert "乡村" in found and "民宿" in found
    assert not found & GENERIC and "广州" not in found


def test_words_shared_by_every_section_s_corrections_weigh_nothing() -> None:
    learned = learn([("乡村民宿集群 赛场", VILLAGES), ("赛场 宣讲团", GAMES)])
    assert "赛场" not in learned.weights[VILLAGES] and "民宿" in learned.weights[VILLAGES]
    assert learned.examples == {VILLAGES: 1, GAMES: 1}
    assert learn([]) is None


def test_a_move_recorded_for_one_article_changes_the_section_of_a_similar_later_article(tmp_path: Path) -> None:
    source = tmp_path / "sources"
    source.mkdir()
    shutil.copy(LEARN / HOMESTAY_1112, source)
    config = review_config(tmp_path, source=source)
    first = build(config, "2025-W46")
    section, item = placed(first)["郭永航到从化调研乡村民宿和农文旅融合发展"]
    assert section == GAMES  # the passing keyword 全运会 misleads the machine
    Review(config).edit("2025-W46", {"op": "move", "article": item_key(item), "section": VILLAGES}, by="王编辑")

    shutil.copy(LEARN / HOMESTAY_1119, source)
    later = build(config, "2025-W47")
    section, item = placed(later)["郭永航到增城调研乡村民宿集群建设"]
    assert section == VILLAGES
    assert any(w.startswith("learned from 1 editor correction (") for w in item.why)

    # Without the correction, the same later article goes where the keywords send it.
    fresh = review_config(tmp_path / "fresh", source=source)
    section, _ = placed(build(fresh, "2025-W47"))["郭永航到增城调研乡村民宿集群建设"]
    assert section == GAMES


def test_corrections_of_the_week_itself_do_not_feed_back_into_its_own_rebuild(tmp_path: Path) -> None:
    source = tmp_path / "sources"
    source.mkdir()
    shutil.copy(LEARN / HOMESTAY_1112, source)
    config = review_config(tmp_path, source=source)
    _, item = placed(build(config, "2025-W46"))["郭永航到从化调研乡村民宿和农文旅融合发展"]
    Review(config).edit("2025-W46", {"op": "move", "article": item_key(item), "section": VILLAGES}, by="王编辑")
    section, item = placed(build(config, "2025-W46"))["郭永航到从化调研乡村民宿和农文旅融合发展"]
    # The editor's move still applies as an edit; the machine's draft is not changed by its own correction.
    assert section == GAMES and not any(w.startswith("learned") for w in item.why)
    state = Review(config).state("2025-W46")
    assert [s.title for s in state.edited.sections if s.items] == [VILLAGES]


def test_eval_shows_the_effect_of_the_editors_corrections(tmp_path: Path, capsys) -> None:
    import json

    import yaml

    source = tmp_path / "sources"
    source.mkdir()
    shutil.copy(LEARN / HOMESTAY_1112, source)
    config = review_config(tmp_path, source=source)
    _, item = placed(build(config, "2025-W46"))["郭永航到从化调研乡村民宿和农文旅融合发展"]
    Review(config).edit("2025-W46", {"op": "move", "article": item_key(item), "section": VILLAGES}, by="王编辑")
    later = tmp_path / "later"
    later.mkdir()
    shutil.copy(LEARN / HOMESTAY_1119, later)
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"week": "2025-W47", "source": str(later), "articles": [
        {"file": HOMESTAY_1119, "include": True, "section": VILLAGES, "city": "广州", "date": "2025-11-19"}]},
        ensure_ascii=False), encoding="utf-8")
    data = yaml.safe_load((ROOT / "config" / "digest.yaml").read_text(encoding="utf-8"))
    data |= {"store": str(config.store), "sources": [], "templates": str(ROOT / "templates")}
    path = tmp_path / "digest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["eval", "--gold", str(gold), "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "section         1      1   100.0%" in out
    assert "learned from 1 editor correction: section 100.0% (0.0% without)" in out
