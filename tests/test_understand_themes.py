"""Cross-city themes and the drafted headline and lede, on a synthetic week: faithful, with their sources."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from weeklydigest.model import (
    MACHINE,
    PROVINCE,
    Article,
    Item,
    Official,
    Section,
    SentenceRef,
    SourceRef,
    Theme,
    ThemeSentence,
)
from weeklydigest.understand import themes
from weeklydigest.understand.dedupe import source_ref
from weeklydigest.understand.extract import split_sentences
from weeklydigest.understand.headline import MAX_LINE, draft_headline, draft_lede, shared_action
from weeklydigest.understand.terms import bare
from weeklydigest.understand.themes import find_themes, meeting_kinds, repeats, theme_title

from .editorial_week import (
    COMPOUND_CITIES,
    MEETING_CITIES,
    RUN_CITIES,
    SLOGAN_CITIES,
    UNPLACED_CITY,
    build,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("editorial"))


def _themes(built) -> dict[str, Theme]:
    return {bare(t.phrase): t for t in built[1].themes}


def test_cities_sharing_a_slogan_a_run_a_compound_or_a_meeting_are_each_a_theme(built):
    themes = _themes(built)
    assert themes["五链融合"].cities == SLOGAN_CITIES
    assert themes["强链条、优环境、惠民生"].cities == RUN_CITIES
    assert themes["低空经济产业集群"].cities == COMPOUND_CITIES
    meeting = next(t for p, t in themes.items() if p.endswith("务虚会"))
    assert meeting.cities == MEETING_CITIES


def test_every_theme_sentence_is_an_exact_span_of_its_citys_source_and_carries_the_phrase(built):
    _config, digest, texts = built
    for theme in digest.themes:
        assert len(theme.cities) >= 3
        assert [s.city for s in theme.sentences] == list(theme.cities)
        for sentence in theme.sentences:
            assert texts[sentence.source][sentence.start:sentence.end] == sentence.text
            assert bare(theme.phrase) in sentence.text
        assert {s.id for s in theme.sources} == {s.source for s in theme.sentences}


def test_a_theme_title_is_the_shared_phrase_and_what_the_cities_did_in_a_sources_words(built):
    _config, digest, texts = built
    run = _themes(built)["强链条、优环境、惠民生"]
    assert run.title == "强链条、优环境、惠民生：一体抓好产业项目、营商环境和民生实事"
    assert _themes(built)["五链融合"].title == "坚持“五链融合”"
    meeting = next(t for p, t in _themes(built).items() if p.endswith("务虚会"))
    assert meeting.title == "韶关、河源等4个地市召开工作务虚会", "a meeting's own clause only says it was held"
    for theme in digest.themes:
        words = theme.title.split("：")[-1]
        assert "都提到" not in theme.title
        assert any(words in texts[s.source] for s in theme.sentences) or words.startswith(theme.cities[0])


def test_a_title_clause_never_names_a_city_a_person_or_a_date():
    sentences = [ThemeSentence(city=c, text=t, source=c, start=0, end=len(t)) for c, t in (
        ("广州", "要坚持“五链融合”，让更多企业在广州落地"), ("深圳", "要坚持“五链融合”，郭某某到企业调研"),
        ("佛山", "要坚持“五链融合”，11月抓紧推进"))]
    title = theme_title("“五链融合”", sentences, names=["郭某某"])
    assert title == "坚持“五链融合”", "its own clause: every clause beside it names a city, a person or a date"
    bare_sentences = [replace(s, text="“五链融合”是关键", end=9) for s in sentences]
    assert theme_title("“五链融合”", bare_sentences) == "“五链融合”：广州、深圳、佛山", "no clause: who shares it"


def test_a_sentence_that_opens_with_he_names_the_speaker_from_the_articles_officials(built):
    theme = _themes(built)["强链条、优环境、惠民生"]
    shantou = next(s for s in theme.sentences if s.city == "汕头")
    assert shantou.speaker == "市委书记温湛滨"
    assert shantou.text.startswith("要求，要围绕强链条")


def test_the_province_and_a_city_whose_report_lacks_the_phrase_are_not_in_a_theme(built):
    for theme in built[1].themes:
        assert PROVINCE not in theme.cities and UNPLACED_CITY not in theme.cities


def _article(city: str, text: str) -> Article:
    return Article(id=f"a-{city}", title=city, url="", source="s", origin="o", published=None, text=text,
                   city=city, officials=(Official("某某", "市委书记", city),))


PHRASE = [{"term": "“五链融合”", "score": 3.0}]


def test_a_phrase_only_two_cities_share_is_no_theme():
    two = [_article(c, "他强调，要坚持“五链融合”，推动产业发展。") for c in ("广州", "深圳")]
    assert find_themes(two, PHRASE) == []
    three = [*two, _article("佛山", "他强调，要坚持“五链融合”，推动产业发展。")]
    assert [t.cities for t in find_themes(three, PHRASE)] == [("广州", "深圳", "佛山")]


def test_a_phrase_a_section_already_groups_by_is_no_theme():
    three = [_article(c, "他强调，要坚持“五链融合”，推动产业发展。") for c in ("广州", "深圳", "佛山")]
    assert find_themes(three, PHRASE, exclude=["五链融合"]) == []
    assert find_themes(three, PHRASE, exclude=["产业"]) != [], "a short keyword inside the phrase does not count"


def test_the_shared_action_counts_only_the_cities_that_say_it():
    theme = Theme(title="", phrase="务虚会", cities=("韶关", "河源", "梅州", "惠州"), sentences=tuple(
        ThemeSentence(city=c, text=t, source=c, start=0, end=len(t)) for c, t in (
            ("韶关", "韶关召开市委工作务虚会"), ("河源", "河源召开务虚会"), ("梅州", "梅州召开务虚会"),
            ("惠州", "惠州在务虚会上说"))))
    assert shared_action(theme) == ("召开", ["韶关", "河源", "梅州"])


def test_meeting_kinds_are_meetings_not_institutions_or_a_bare_meeting():
    assert "务虚会" in meeting_kinds("11月18日，韶关召开市委工作务虚会。")
    assert "干部大会" in meeting_kinds("在全市干部大会上强调")
    assert meeting_kinds("市人大常委会主任出席，市委书记主持会议，全会精神，经济社会发展") == set()


def test_the_headline_names_the_leading_theme_with_what_its_cities_did(built):
    digest = built[1]
    assert digest.headline == "广州、深圳等5个地市坚持“五链融合”"
    draft = digest.drafts["headline"]
    assert draft.status == MACHINE
    assert {s.source for s in draft.sentences} == {s.source for s in digest.themes[0].sentences}


def test_the_lede_opens_with_the_provincial_leaders_key_line_then_what_cities_did(built):
    _config, digest, texts = built
    first, *rest = [s + "。" for s in digest.lede.split("。") if s]
    assert first.startswith("省委书记黄坤明强调，要以“五链融合”为牵引")
    assert 2 <= len(rest) + 1 <= 3
    assert any("工作务虚会" in s or "五链融合" in s for s in rest)
    spans = digest.drafts["lede"].sentences
    assert spans[0].text in first, "the key line after the speaker is the source's own words"
    for span in spans:
        assert texts[span.source][span.start:span.end] == span.text


def test_headline_lede_and_themes_are_in_digest_json_with_their_provenance(built):
    data = built[1].to_json()
    assert data["headline"] and data["lede"]
    assert data["provenance"]["headline"]["status"] == "machine"
    assert all({"text", "source", "start", "end"} <= set(s) for s in data["provenance"]["lede"]["sentences"])
    theme = data["themes"][0]
    assert {"title", "phrase", "cities", "sentences"} <= set(theme)
    assert all({"city", "text", "source", "start", "end"} <= set(s) for s in theme["sentences"])


def test_a_theme_sentence_round_trips_through_digest_json(built):
    from weeklydigest.model import digest_from_json

    again = digest_from_json(built[1].to_json())
    assert again.themes == built[1].themes
    assert again.drafts == built[1].drafts
    assert isinstance(again.themes[0].sentences[0], ThemeSentence)


def test_a_phrase_nearly_every_reporting_city_uses_is_background_not_a_theme():
    from weeklydigest.model import CITIES

    week = [_article(c, "他强调，要坚持“五链融合”。" + ("他要求，加快培育低空经济产业集群。" if n < 3 else ""))
            for n, c in enumerate(CITIES[:12])]
    phrases = [*PHRASE, {"term": "低空经济产业集群", "score": 2.0}]
    assert [bare(t.phrase) for t in find_themes(week, phrases)] == ["低空经济产业集群"]


def test_meeting_kinds_already_known_make_a_theme_from_one_pass_over_the_reports():
    texts = {"韶关": "韶关召开市委工作务虚会。", "河源": "河源召开市委工作务虚会。", "梅州": "梅州召开市委工作务虚会。"}
    reports = [_article(c, t) for c, t in texts.items()]
    read = []

    def once():
        for report in reports:
            read.append(report.city)
            yield report

    kinds = [(r.city, meeting_kinds(r.text)) for r in reports]
    themes = find_themes(once(), [], kinds=kinds)
    assert [t.cities for t in themes] == [("韶关", "河源", "梅州")]
    assert read == list(texts)
    assert find_themes(iter(reports), [], kinds=[(r.city, set()) for r in reports]) == [], \
        "kinds said to be absent are not found again"


def _item(city: str, article: Article, *, printed: bool) -> Item:
    """Return an item of `article`: its whole text printed, or only its first clause."""
    text = article.text if printed else article.text.split("，")[0]
    return Item(city=city, officials=("某某",), dates=("2025-11-18",), summary=text,
                sentences=(SentenceRef(text=text, source=article.id, start=0, end=len(text), key=True),),
                sources=(SourceRef(id=article.id, title=article.title, url="", published=None),), why=())


SLOGAN_LINE = "11月18日，市委书记某某调研企业，他强调，要坚持“五链融合”，推动产业发展。"


def test_a_theme_whose_cities_and_sentences_one_section_already_prints_is_not_proposed():
    week = [_article(c, SLOGAN_LINE) for c in ("广州", "深圳", "佛山")]
    printed = Section(title="产业发展", keywords=("产业",), items=tuple(_item(a.city, a, printed=True) for a in week))
    assert find_themes(week, PHRASE, sections=[printed]) == []
    assert repeats(find_themes(week, PHRASE)[0], [printed]) == "产业发展"


def test_a_theme_the_sections_hold_but_do_not_print_or_that_spans_sections_is_proposed():
    week = [_article(c, SLOGAN_LINE) for c in ("广州", "深圳", "佛山")]
    unprinted = Section(title="产业发展", keywords=("产业",),
                        items=tuple(_item(a.city, a, printed=False) for a in week))
    assert [t.cities for t in find_themes(week, PHRASE, sections=[unprinted])] == [("广州", "深圳", "佛山")]
    split = [Section(title="产业发展", keywords=("产业",),
                     items=tuple(_item(a.city, a, printed=True) for a in week[:2])),
             Section(title="城乡建设", keywords=("乡村",), items=(_item("佛山", week[2], printed=True),))]
    assert len(find_themes(week, PHRASE, sections=split)) == 1, "two cities of three in one section: a new angle"


def test_a_kind_of_meeting_whose_reports_are_one_sections_items_is_that_sections_event():
    text = "11月18日，市委书记某某出席宣讲报告会并作宣讲，他强调，要把握发展机遇，推动工作落实。"
    week = [_article(c, text) for c in ("河源", "梅州", "惠州")]
    section = Section(title="宣讲", keywords=("宣讲",), items=tuple(_item(a.city, a, printed=False) for a in week))
    assert any(t.phrase.endswith("报告会") for t in find_themes(week, []))
    assert not any(t.phrase.endswith("报告会") for t in find_themes(week, [], sections=[section]))


def test_without_a_shared_verb_the_headline_is_the_widest_sections_line_in_its_reports_words():
    lines = {"广州": "11月18日，市委书记某某宣讲党的二十届四中全会精神，并调研企业。",
             "深圳": "11月18日，市委书记某某到南山区宣讲党的二十届四中全会精神。",
             "佛山": "11月18日，市委书记某某深入企业宣讲党的二十届四中全会精神，听取意见。",
             "东莞": "11月18日，市委书记某某调研企业。"}
    section = Section(title="宣讲全会精神", keywords=("四中全会", "宣讲"),
                      items=tuple(_item(c, _article(c, t), printed=True) for c, t in lines.items()))
    loose = Theme(title="", phrase="“十五五”", cities=("广州", "深圳", "佛山"), sentences=tuple(
        ThemeSentence(city=c, text=f"{c}的“十五五”规划", source=c, start=0, end=8) for c in ("广州", "深圳", "佛山")))
    headline, draft = draft_headline([loose], [section])
    assert headline == "广州、深圳、佛山宣讲党的二十届四中全会精神"
    assert {s.text for s in draft.sentences} == {"宣讲党的二十届四中全会精神"}
    assert "都提到" not in headline
    assert draft_headline([loose], [])[0] == "", "no line three cities say alike: no headline to draft"


def test_a_lede_without_a_provincial_item_opens_with_what_the_week_was_about():
    lines = {c: f"11月18日，市委书记某某宣讲党的二十届四中全会精神，并调研{c}企业。" for c in ("广州", "深圳", "佛山")}
    section = Section(title="宣讲全会精神", keywords=("四中全会", "宣讲"),
                      items=tuple(_item(c, _article(c, t), printed=True) for c, t in lines.items()))
    lede, draft = draft_lede([], [section], {})
    assert lede == "本周，广州、深圳、佛山宣讲党的二十届四中全会精神。"
    assert all(s.text == "宣讲党的二十届四中全会精神" for s in draft.sentences)


def test_the_provincial_line_is_cut_at_a_clause_end_and_marked_as_cut():
    long = ("他强调，要以更大力度推进各项改革，加快建设现代化产业体系，持续优化营商环境，"
            "全面提升城市能级和核心竞争力，推动高质量发展。")
    article = replace(_article(PROVINCE, long), officials=(Official("黄坤明", "省委书记", PROVINCE),))
    item = replace(_item(PROVINCE, article, printed=True), officials=("黄坤明",))
    lede, draft = draft_lede([], [Section(title="改革", keywords=("改革",), items=(item,))], {article.id: article})
    first = lede.split("……")[0]
    assert first.startswith("省委书记黄坤明强调，要以更大力度推进各项改革") and lede.count("……") == 1
    span = draft.sentences[0]
    assert len(span.text) <= MAX_LINE and long[span.start:span.end] == span.text and not span.text.endswith("，")


_PIECES = st.sampled_from(["五链融合", "链融", "他强调", "王伟", "。", "！", "”", "\n", " ", "，", "要", "推进",
                           "五链融合。", "会议", "十五运会", "强调，",
                           "各级各部门要压实责任推动各项工作落地见效", "加快构建现代化产业体系"])


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.lists(_PIECES, max_size=60).map("".join), min_size=1, max_size=4),
       phrases=st.lists(st.sampled_from(["五链融合", "链融", "融合", "十五运会", "推进", "融合。推进"]), min_size=1,
                        max_size=3, unique=True))
# A sentence long enough to be cut to the clauses around the phrase's first place in it.
@example(texts=["王伟强调，" + "，".join(["各级各部门要压实责任推动各项工作落地见效"] * 3 + ["推进五链融合"]
                                        + ["加快构建现代化产业体系"] * 3 + ["五链融合"]) + "。"],
         phrases=["五链融合"])
@example(texts=["要推进五链融合。推进改革"], phrases=["融合。推进"])  # an occurrence across two sentences is in neither
def test_each_citys_carrying_sentence_is_the_one_a_sentence_by_sentence_search_finds(texts, phrases):
    # The reference splits every sentence and searches each for each phrase; the themes find the sentences
    # holding a phrase from where the phrase occurs. Both must pick the same sentence for every city.
    cities = ["广州", "深圳", "珠海", "广州"]
    articles = [Article(id=f"a{n}", title="", url="", source="t", origin=f"{n}.md", published=None, text=text,
                        city=cities[n], officials=(Official("王伟", "市委书记", cities[n]),))
                for n, text in enumerate(texts)]
    wanted = [(themes._Candidate(p, 1.0, False), p) for p in phrases]
    assert themes._carriers(wanted, articles) == _carriers_by_sentence(wanted, articles)


def _carriers_by_sentence(wanted, articles):
    best = [{} for _ in wanted]
    for article in articles:
        leader = next(o for o in article.officials if o.title == "市委书记")
        for k, (_candidate, phrase) in enumerate(wanted):
            for sentence in split_sentences(article.text):
                at = sentence.text.find(phrase)
                if at < 0:
                    continue
                carried = themes._spoken(themes._cut(sentence, at, len(phrase)), article, leader)
                rank = (0 if themes._KEY_VERBS.search(sentence.text) else 1, 0 if carried.speaker else 1,
                        len(carried.text))
                if article.city not in best[k] or rank < best[k][article.city][0]:
                    best[k][article.city] = (rank, source_ref(article), carried,
                                             frozenset(o.name for o in article.officials))
    return best
