"""Both gold weeks run through the build and are held to the bars; `weeklydigest eval` reports them."""

from __future__ import annotations

import json

import pytest

from weeklydigest.cli import main
from weeklydigest.config import SourceConfig
from weeklydigest.evaluate import evaluate_build, load_gold
from weeklydigest.week import parse_week

from .conftest import ROOT

BARS = {"city": 0.95, "date": 0.95, "official": 0.9, "section": 0.9, "kept": 0.95, "spam": 1.0, "inclusion": 0.9}
GOLDS = ["sample-week.json", "hard-week.json"]


def _evaluate(config, name):
    gold = load_gold(ROOT / "examples" / "gold" / name)
    source = SourceConfig(name="gold", kind="folder", path=ROOT / gold["source"])
    return evaluate_build(config, gold, week=parse_week(gold["week"]), sources=(source,))


@pytest.mark.parametrize("name", GOLDS)
def test_gold_week_meets_the_bars(config, name):
    evaluation = _evaluate(config, name)
    assert evaluation.scores["city"].total >= 20
    assert evaluation.below(BARS) == [], evaluation.table(BARS) + "\n" + "\n".join(evaluation.miss_lines())


def test_hard_week_has_spam_fixtures_and_no_spam_reaches_the_digest(config):
    evaluation = _evaluate(config, "hard-week.json")
    assert evaluation.scores["spam"].total >= 10
    assert evaluation.scores["kept"].total >= 15
    assert evaluation.scores["spam"].misses == []


def test_misnamed_secretary_is_flagged_on_the_item(config):
    from weeklydigest.build import build_issue

    gold = load_gold(ROOT / "examples" / "gold" / "hard-week.json")
    digest = build_issue(config, week=parse_week(gold["week"]),
                         sources=(SourceConfig(name="gold", kind="folder", path=ROOT / gold["source"]),))
    items = {i.city: i for s in digest.sections for i in s.items}
    assert items["东莞"].officials == ("韩立",)
    assert items["东莞"].warnings == ("roster: 东莞市委书记 on 2025-11-21 is 韩利, the article says 韩立",)
    assert items["梅州"].officials == ()  # the text names no one, so the item prints no name
    assert items["梅州"].warnings == ("roster: 梅州市委书记 on 2025-11-17 is 马正勇; the text gives no name",)
    terms = digest.to_json()["stats"]["emerging_terms"]
    assert terms and set(terms[0]) == {"term", "count", "articles", "cities", "score"}


def test_eval_command_prints_a_table_and_passes_the_bars(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = main(["eval", "--gold", "examples/gold/hard-week.json", "--min-city", "0.95", "--min-date", "0.95",
                 "--min-official", "0.9", "--min-section", "0.9"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == "2025-W47 (2025-11-17 – 2025-11-23) against examples/gold/hard-week.json"
    assert any(line.startswith("city ") and "95%" in line for line in out.splitlines())


def test_eval_command_fails_when_under_a_threshold(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    gold = json.loads((ROOT / "examples" / "gold" / "sample-week.json").read_text(encoding="utf-8"))
    wrong = next(a for a in gold["articles"] if a.get("include") and not a.get("duplicate_of"))
    wrong["city"] = "云浮" if wrong["city"] != "云浮" else "广州"
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    code = main(["eval", "--gold", str(path), "--source", "examples/sample-week", "--min-city", "1"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("error: city 97.6% is below 100.0%")
    assert f"city: {wrong['file']}: city" in captured.out


def test_eval_command_rejects_a_bad_gold_file_in_one_line(capsys, tmp_path):
    path = tmp_path / "gold.json"
    path.write_text("{not json", encoding="utf-8")
    assert main(["eval", "--gold", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: gold file {path}: cannot be read:") and err.count("\n") == 1


def test_eval_command_names_a_gold_entry_that_lacks_a_key(capsys, tmp_path):
    path = tmp_path / "gold.json"
    path.write_text('{"week": "2025-W47", "articles": [{"file": "a.md", "include": true, "city": "广州"}]}',
                    encoding="utf-8")
    assert main(["eval", "--gold", str(path)]) == 1
    assert capsys.readouterr().err == f"error: gold file {path}: articles[0] lacks section, date\n"


def test_every_digest_sentence_is_the_exact_span_of_its_cleaned_source(config):
    from weeklydigest.build import digest_articles, understand
    from weeklydigest.collect import collect

    for name in GOLDS:
        gold = load_gold(ROOT / "examples" / "gold" / name)
        week = parse_week(gold["week"])
        documents, skipped = collect((SourceConfig(name="g", kind="folder", path=ROOT / gold["source"]),),
                                     tz=config.tz)
        articles, empty = understand(documents, week=week, config=config)
        digest = digest_articles(config, articles, week=week, skipped=skipped + empty, seen=len(documents))
        texts = {a.id: a.text for a in articles}
        sentences = [r for s in digest.sections for i in s.items for r in i.sentences]
        assert len(sentences) >= 20
        for ref in sentences:
            assert texts[ref.source][ref.start:ref.end] == ref.text
