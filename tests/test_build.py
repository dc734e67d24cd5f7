"""The whole pipeline on the bundled sample week, held to its gold file."""

import json

from weeklydigest.evaluate import evaluate, load_gold
from weeklydigest.model import CITIES, PROVINCE

from .conftest import GOLD


def test_sample_week_matches_the_gold_file(sample_digest):
    evaluation = evaluate(sample_digest, load_gold(GOLD))
    misses = {name: score.misses for name, score in evaluation.scores.items() if score.misses}
    assert misses == {}, evaluation.table()
    assert evaluation.scores["inclusion"].total == len(load_gold(GOLD)["articles"])


def test_every_digest_sentence_is_an_exact_span_of_its_source(sample_digest, config):
    from weeklydigest.build import understand
    from weeklydigest.collect import collect
    from weeklydigest.week import parse_week

    documents, _ = collect(config.sources, tz=config.tz)
    articles, _ = understand(documents, week=parse_week("2025-W46"))
    texts = {a.id: a.text for a in articles}
    checked = 0
    for section in sample_digest.sections:
        for item in section.items:
            assert item.sentences, f"{section.title}/{item.city} has no sentences"
            for ref in item.sentences:
                assert texts[ref.source][ref.start:ref.end] == ref.text
                checked += 1
    assert checked >= 60


def test_bad_files_are_listed_in_skipped_with_reasons(sample_digest):
    skipped = {s.path_or_url.rsplit("/", 1)[1]: s.reason for s in sample_digest.skipped}
    assert skipped == {
        "broken-frontmatter.md": "front matter is not valid YAML at line 3",
        "empty.md": "empty file",
        "scan.txt": "binary file (NUL bytes), not text",
    }


def test_duplicates_are_merged_and_keep_every_outlet(sample_digest):
    assert sample_digest.stats["duplicates"] == 2
    guangzhou = next(i for s in sample_digest.sections for i in s.items
                     if i.city == "广州" and s.title == "十五运会和残特奥会")
    origins = sorted(src.origin.rsplit("/", 1)[1] for src in guangzhou.sources)
    assert "gz-cyh-1113-hant.md" in origins and "gz-cyh-1113.md" in origins


def test_items_are_in_the_columns_city_order(sample_digest):
    order = [PROVINCE, *CITIES]
    for section in sample_digest.sections:
        cities = [i.city for i in section.items]
        assert cities == sorted(cities, key=order.index)
        assert len(cities) == len(set(cities)), "one item per city per section"


def test_out_of_week_and_off_topic_articles_stay_out(sample_digest):
    reasons = {u.title: u.reason for u in sample_digest.unassigned}
    assert reasons["冷空气周末抵达广州最低气温将降至15℃左右"] == "no section keyword"
    titles = {src.title for s in sample_digest.sections for i in s.items for src in i.sources}
    assert not any("冷空气" in t for t in titles)


def test_digest_json_follows_the_contract(sample_outputs):
    data = json.loads(sample_outputs["json"].read_text(encoding="utf-8"))
    assert data["issue"] == "2025-W46"
    assert data["period"] == {"start": "2025-11-10", "end": "2025-11-16", "timezone": "Asia/Shanghai"}
    assert data["status"] == "draft"
    item = data["sections"][0]["items"][0]
    assert set(item) >= {"city", "officials", "dates", "summary", "sentences", "sources", "why"}
    assert set(item["sentences"][0]) >= {"text", "source", "start", "end"}
    assert set(item["sources"][0]) >= {"id", "title", "url", "published"}
    assert set(data["stats"]) >= {"articles_seen", "in_week", "duplicates", "spam_sentences_removed"}
    assert "\\u" not in sample_outputs["json"].read_text(encoding="utf-8")
