from datetime import date

from weeklydigest.model import Article, SectionScore, Sentence, display
from weeklydigest.understand.summarise import summarise, trim

TEXT = (
    "11月13日，市委书记余钢到湛江奥体中心检查十五运会武术散打比赛筹备工作。\n"
    "余钢先后察看了比赛场馆、运动员通道和媒体工作区。\n"
    "余钢强调，要以最高标准、最严要求、最实举措做好赛事服务保障，确保比赛安全顺利进行，"
    "为运动员和观众提供优质服务，展示湛江良好形象。"
)


def _article(text: str = TEXT, *, day: int = 13, id_: str = "a1") -> Article:
    return Article(id=id_, title="余钢检查十五运会筹备", url="http://e.cn/1", source="t", origin=f"{id_}.md",
                   published=None, text=text, city="湛江", event_date=date(2025, 11, day))


SCORE = SectionScore("十五运会和残特奥会", 8.0, ("keyword 十五运会 in title",))


def test_summary_is_lead_what_the_leader_did_and_key_sentence_with_exact_offsets():
    item = summarise("湛江", [(_article(), SCORE)], budget=400)
    lead, detail, key = item.sentences
    assert lead.text.startswith("11月13日，市委书记余钢")
    assert detail.text.startswith("余钢先后察看了") and not detail.key
    assert key.text.startswith("余钢强调") and key.key
    for ref in item.sentences:
        assert TEXT[ref.start:ref.end] == ref.text
    assert item.summary == lead.text + detail.text + key.text
    assert item.dates == ("2025-11-13",)
    assert item.why == ("keyword 十五运会 in title",)


def test_budget_drops_whole_sentences_then_cuts_at_a_clause_marked_as_cut_never_with_our_full_stop():
    item = summarise("湛江", [(_article(), SCORE)], budget=85)
    lead, key = item.sentences  # the detail sentence is dropped whole
    assert lead.text.startswith("11月13日") and not lead.cut
    assert TEXT[key.start:key.end] == key.text
    assert key.cut and key.text.endswith("确保比赛安全顺利进行")
    assert display(key) == key.text + "……"
    assert "确保比赛安全顺利进行。" not in item.summary
    assert len(item.summary) <= 85 + len("……")


def test_trim_never_cuts_inside_quotes():
    text = "他要求，“要坚持高标准，确保万无一失”，推动各项工作落实落细。"
    assert trim(Sentence(text, 0, len(text)), 15).text == "他要求"
    assert trim(Sentence(text, 0, len(text)), 20).text == "他要求，“要坚持高标准，确保万无一失”"


def test_two_articles_of_one_city_become_one_item_in_date_order():
    later = _article(day=15, id_="b2")
    earlier = _article(day=11, id_="a1")
    item = summarise("湛江", [(later, SCORE), (earlier, SCORE)], budget=300)
    assert [s.id for s in item.sources] == ["a1", "b2"]
    assert item.dates == ("2025-11-11", "2025-11-15")
    assert len(item.summary.split("\n")) == 2
