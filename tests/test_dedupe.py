"""Dedupe on synthetic reports: same-event pairs, template look-alikes of two cities, a Traditional mirror."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from weeklydigest.build import build_issue, understand
from weeklydigest.collect import collect
from weeklydigest.config import SourceConfig
from weeklydigest.model import CITIES, Article
from weeklydigest.understand.candidates import MAX_PARTNERS, sketch
from weeklydigest.understand.dedupe import candidate_pairs, dedupe, same_report, shingles, similarity
from weeklydigest.week import parse_week

from .content import TZ, WEEK, write_config

FIXTURES = Path(__file__).parent / "fixtures" / "dedupe"
GOLD = json.loads((FIXTURES / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    documents, skipped = collect((SourceConfig(name="样例", kind="folder", path=FIXTURES),), tz=TZ)
    assert skipped == []
    understood, _ = understand(documents, week=parse_week(WEEK))
    return {Path(a.origin).name: a for a in understood}


def merged_pairs(kept: list[Article], by_id: dict[str, str]) -> set[frozenset[str]]:
    pairs = set()
    for article in kept:
        names = [by_id[article.id], *(by_id[ref.id] for ref in article.also)]
        pairs.update(frozenset(p) for p in itertools.combinations(names, 2))
    return pairs


def test_precision_and_recall_on_the_fixture_pairs(articles, capsys):
    by_id = {a.id: name for name, a in articles.items()}
    kept, merged = dedupe(list(articles.values()))
    predicted = merged_pairs(kept, by_id)
    gold = {frozenset(p) for group in GOLD["groups"] for p in itertools.combinations(group, 2)}
    true = len(predicted & gold)
    precision, recall = true / len(predicted), true / len(gold)
    with capsys.disabled():
        print(f"\ndedupe on {len(articles)} fixture reports: {len(gold)} duplicate pairs, "
              f"{len(predicted)} merged, precision {precision:.2f}, recall {recall:.2f}")
    assert (precision, recall) == (1.0, 1.0), sorted(map(sorted, predicted ^ gold))
    assert merged == len(gold)


def test_a_traditional_mirror_is_merged_and_both_outlets_are_kept(articles):
    simplified, mirror = articles["zh-cqm-1114.md"], articles["zh-cqm-1114-hant.md"]
    (kept,), merged = dedupe([mirror, simplified])
    assert merged == 1
    assert kept.id == simplified.id  # published earlier: the best version supplies the sentences
    assert [ref.url for ref in kept.also] == [mirror.url]
    assert [ref.outlet for ref in kept.also] == ["濠江某报"]


def test_reports_of_two_cities_written_from_one_template_stay_apart(articles):
    maoming, yangjiang = articles["mm-zht-1113.md"], articles["yj-fyh-1113.md"]
    jaccard, _ = similarity(shingles(maoming.text), shingles(yangjiang.text))
    assert jaccard >= 0.3  # in the grey zone: only the city guard keeps them apart
    assert maoming.event_date == yangjiang.event_date
    kept, merged = dedupe([maoming, yangjiang])
    assert merged == 0 and len(kept) == 2


def test_one_officials_template_reports_on_two_days_stay_apart(articles):
    first, second = articles["jm-hjs-1110.md"], articles["jm-hjs-1114.md"]
    jaccard, _ = similarity(shingles(first.text), shingles(second.text))
    assert jaccard >= 0.8  # as alike as a mirror: the dates keep them apart
    assert dedupe([first, second])[1] == 0


def test_a_repost_days_later_with_a_relative_date_is_one_report(articles):
    original, repost = articles["qy-dys-1112.md"], articles["qy-dys-1112-repost.md"]
    assert original.event_date != repost.event_date  # 日前 read against two publication days
    (kept,), merged = dedupe([repost, original])
    assert merged == 1 and kept.id == original.id  # the repost had an editor's line removed


def test_a_brief_is_merged_into_the_full_report_which_supplies_the_text(articles):
    full, brief = articles["sz-zhc-1112-full.md"], articles["sz-zhc-1112-brief.md"]
    (kept,), _ = dedupe([brief, full])
    assert kept.text == full.text
    assert [ref.id for ref in kept.also] == [brief.id]


def test_exact_copies_merge_whatever_the_extracted_city(articles):
    copy = replace(articles["st-hly-1111-a.md"], id="copy", city="广州")
    kept, merged = dedupe([articles["st-hly-1111-a.md"], copy])
    assert merged == 1 and len(kept) == 1


def test_the_digest_keeps_every_outlet_and_counts_the_merges(tmp_path):
    config = write_config(tmp_path, [{"name": "样例", "kind": "folder", "path": str(FIXTURES)}],
                          sections=[{"title": "要闻", "keywords": ["调研", "会议", "宣讲", "检查"]}])
    digest = build_issue(config, week=parse_week(WEEK))
    assert digest.stats["duplicates"] == len(GOLD["groups"])
    (section,) = digest.sections
    guangzhou = next(item for item in section.items if item.city == "广州")
    urls = {ref.url for ref in guangzhou.sources}
    assert {"http://news.example-gz.cn/2025-11/13/a1.html", "http://www.example-nfw.cn/gz/2025-11/13/c901.html",
            "http://news.example-gz.cn/2025-11/13/a2.html"} == urls


def _synthetic(count: int, seed: int) -> list[Article]:
    """Distinct reports built from a pool of phrases, a few per city and day."""
    rng = random.Random(seed)
    pool = [f"{a}{b}{c}" for a, b, c in itertools.product(
        ("推进", "加快", "深化", "统筹", "强化", "落实"), ("产业", "城乡", "民生", "生态", "文旅", "港口", "科技"),
        ("发展工作", "改革任务", "项目建设", "服务保障", "安全生产"))]
    articles = []
    for n in range(count):
        city = CITIES[n % len(CITIES)]
        day = date(2025, 1, 1) + timedelta(days=n // 100)
        text = "。".join(f"{city}{rng.choice(pool)}{rng.randint(1, 999)}项{rng.choice(pool)}" for _ in range(12))
        articles.append(Article(id=str(n), title=str(n), url="", source="s", origin=str(n), published=None,
                                text=text, city=city, event_date=day))
    return articles


def test_only_articles_sharing_rare_shingles_are_compared():
    articles = _synthetic(3000, seed=7)
    pairs = candidate_pairs(articles, [sketch(a.text) for a in articles])
    all_pairs = len(articles) * (len(articles) - 1) // 2
    assert len(pairs) < 0.001 * all_pairs
    kept, merged = dedupe(articles)
    assert merged == 0 and len(kept) == 3000


STOCK = "要深入学习贯彻党的二十届四中全会精神，坚定不移推动高质量发展，奋力在推进中国式现代化建设中走在前列。"


def test_a_stock_line_every_report_carries_is_no_evidence_of_a_copy():
    articles = [replace(a, text=a.text + "。" + STOCK) for a in _synthetic(2000, seed=11)]
    pairs = candidate_pairs(articles, [sketch(a.text) for a in articles])
    assert len(pairs) <= 2000 // 10


def _rewritten(article: Article, rng: random.Random) -> Article:
    """A second outlet's rewrite: a few sentences dropped, others added, the stock line kept."""
    sentences = article.text.split("。")
    kept = [s for n, s in enumerate(sentences) if n % 4 != 1]
    added = [f"{article.city}新增{rng.randint(1, 999)}个示范点{rng.randint(1, 999)}处" for _ in range(3)]
    return replace(article, id=article.id + "b", origin=article.origin + "b", text="本报讯 " + "。".join(kept + added))


def test_candidates_miss_no_merge_that_comparing_every_pair_finds():
    rng = random.Random(13)
    distinct = [replace(a, text=a.text + "。" + STOCK[:24]) for a in _synthetic(300, seed=11)]
    articles = distinct + [_rewritten(a, rng) for a in distinct[::10]]
    sets = [shingles(a.text) for a in articles]
    group = {a.id: {a.id} for a in articles}
    for i, j in itertools.combinations(range(len(articles)), 2):
        jaccard, containment = similarity(sets[i], sets[j])
        if same_report(articles[i], articles[j], jaccard=jaccard, containment=containment):
            joined = group[articles[i].id] | group[articles[j].id]
            for member in joined:
                group[member] = joined
    exhaustive = {frozenset(g) for g in group.values()}
    assert len(exhaustive) == len(distinct)  # every rewrite joins its original, nothing else merges
    kept, merged = dedupe(articles)
    assert {frozenset({a.id, *(ref.id for ref in a.also)}) for a in kept} == exhaustive
    assert merged == len(articles) - len(exhaustive)


def test_one_report_carried_by_many_outlets_is_merged_with_bounded_candidates():
    base = _synthetic(1, seed=3)[0]
    copies = [replace(base, id=f"c{n}", origin=f"c{n}", text=f"（第{n}家媒体）" + base.text) for n in range(40)]
    others = _synthetic(400, seed=5)
    articles = others[:200] + copies + others[200:]
    pairs = candidate_pairs(articles, [sketch(a.text) for a in articles])
    partners = Counter(i for pair in pairs for i in pair)
    assert max(partners.values()) <= MAX_PARTNERS + 2 * 8 * 4
    kept, merged = dedupe(articles)
    assert merged == 39
    (merged_copy,) = [a for a in kept if a.also]
    assert {ref.id for ref in merged_copy.also} | {merged_copy.id} == {c.id for c in copies}
