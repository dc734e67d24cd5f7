"""Summaries are extractive: every sentence is an exact span of the cleaned text, within budget."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from weeklydigest.model import Article, SectionScore, display
from weeklydigest.understand.summarise import pick_sentences, summarise

TZ = ZoneInfo("Asia/Shanghai")
TEXT = (
    "11月18日，市委书记陈少荣到乳源瑶族自治县，调研“百千万工程”推进情况，深入产业园区、典型镇和乡村察看产业发展。\n"
    "在必背镇，陈少荣察看了瑶族文化旅游项目和乡村民宿集群，与瑶族群众交流。\n"
    "陈少荣强调，要把产业兴县摆在突出位置，立足资源禀赋培育工业和特色农业主导产业，让县域经济的块头更大、成色更足。\n"
    "陈少荣要求，要守好生态底线，统筹推进绿美韶关建设和乡村振兴，持续改善农村人居环境。\n"
    "陈少荣强调，要把产业兴县摆在突出位置，立足资源禀赋培育工业和特色农业主导产业。"
)


def _article() -> Article:
    return Article(id="a1", title="陈少荣到乳源调研", url="", source="t", origin="a.md",
                   published=datetime(2025, 11, 18, 20, tzinfo=TZ), text=TEXT, city="韶关",
                   event_date=datetime(2025, 11, 18).date())


def test_lead_then_key_sentences_each_an_exact_span_of_the_text():
    picked = pick_sentences(_article(), limit=400)
    assert picked[0].text.startswith("11月18日，市委书记陈少荣")
    assert [r.text[:5] for r in picked if r.key] == ["陈少荣强调"]
    for ref in picked:
        assert TEXT[ref.start:ref.end] == ref.text


def test_a_sentence_repeating_one_already_picked_is_left_out():
    texts = [r.text for r in pick_sentences(_article(), limit=600)]
    assert any(t.startswith("陈少荣要求") for t in texts)
    assert sum(t.startswith("陈少荣强调") for t in texts) == 1


def test_budget_is_kept_and_a_cut_sentence_ends_on_a_whole_clause_with_the_cut_mark():
    picked = pick_sentences(_article(), limit=90)
    assert sum(r.end - r.start for r in picked) <= 90
    assert any(r.cut for r in picked)
    for ref in picked:
        assert TEXT[ref.start:ref.end] == ref.text
        rest = TEXT[ref.end:ref.end + 1]
        if ref.cut:
            assert rest in ("，", "；") and display(ref) == ref.text + "……"
        else:
            assert ref.text.endswith("。") and display(ref) == ref.text


def test_item_keeps_names_and_dates_and_links_to_its_source():
    article = _article()
    item = summarise("韶关", [(article, SectionScore("百千万工程", 8.0, ("keyword 百千万工程 in lead sentence",)))],
                     budget=260)
    assert item.dates == ("2025-11-18",)
    assert item.sources[0].id == "a1"
    assert all(s.source == "a1" for s in item.sentences)
    assert item.why == ("keyword 百千万工程 in lead sentence",)


def test_lead_is_where_the_leader_acts_not_an_opening_background_line():
    text = ("2023年以来，英德市以典型镇培育为抓手，推动镇域经济提质增效。\n"
            "11月21日，市委书记殷昭举到英德市连江口镇调研典型镇建设情况。\n"
            "殷昭举要求，要把典型镇建设作为推动县域高质量发展的重要支点。")
    article = Article(id="q", title="殷昭举到英德调研", url="", source="t", origin="q.md",
                      published=datetime(2025, 11, 21, 20, tzinfo=TZ), text=text)
    picked = pick_sentences(article, limit=200)
    assert [r.text[:8] for r in picked] == ["11月21日，市", "殷昭举要求，要把"]
