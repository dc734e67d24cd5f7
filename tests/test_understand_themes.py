"""Cross-city themes and the drafted headline and lede, on a synthetic week: faithful, with their sources."""

from __future__ import annotations

import pytest

from weeklydigest.model import MACHINE, PROVINCE, Article, Official, Theme, ThemeSentence
from weeklydigest.understand.headline import shared_action
from weeklydigest.understand.terms import bare
from weeklydigest.understand.themes import find_themes, meeting_kinds

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


def test_a_theme_title_is_built_from_the_shared_phrase_and_its_cities(built):
    theme = _themes(built)["强链条、优环境、惠民生"]
    assert theme.title == "强链条、优环境、惠民生：汕头、潮州、揭阳"
    assert _themes(built)["五链融合"].title == "“五链融合”：广州、深圳、佛山等5市"


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
