"""The week's phrases: slogans and compounds this week says far more than before; never generic words or names."""

from __future__ import annotations

from weeklydigest.understand.terms import (
    Offered,
    WeekText,
    bare,
    compounds,
    emerging_terms,
    joined_runs,
    quoted_phrases,
)

GENERIC = {"发展", "推进", "重要", "全面", "领导", "城市", "广东", "实施", "乡村", "省委", "创新", "服务"}

WEEK = [
    WeekText("广州", "市委书记郭永航强调，要坚持“五链融合”，推动城市全面发展，加快培育低空经济产业集群。"),
    WeekText("深圳", "市委书记孟凡利指出，要以“五链融合”为牵引，重要的是推进低空经济产业集群建设。"),
    WeekText("佛山", "市委书记唐屹峰要求，围绕强链条、优环境、惠民生，全面推进“五链融合”。"),
    WeekText("东莞", "市委书记韩利强调，要围绕强链条、优环境、惠民生，推动广东发展。"),
    WeekText("中山", "市委书记郭文海说，中山要抓好“一镇一品”，这是中山独有的做法，“一镇一品”要做实。"),
]


def _terms(week=WEEK, earlier=(), **options):
    return {bare(t["term"]): t for t in emerging_terms(week, list(earlier), names=("郭永航", "孟凡利", "唐屹峰",
                                                                                    "韩利", "郭文海"), **options)}


def test_a_quoted_slogan_used_by_several_cities_is_a_phrase_of_the_week_printed_in_quotes():
    terms = _terms()
    assert "五链融合" in terms
    assert terms["五链融合"]["term"] == "“五链融合”"
    assert terms["五链融合"]["cities"] == ["广州", "深圳", "佛山"]
    assert terms["五链融合"]["count"] == 3


def test_a_run_of_three_joined_by_the_enumeration_comma_is_one_phrase():
    assert joined_runs("要围绕强链条、优环境、惠民生，推动发展") == ["强链条、优环境、惠民生"]
    assert _terms()["强链条、优环境、惠民生"]["cities"] == ["佛山", "东莞"]


def test_a_list_of_places_or_of_unequal_items_is_not_a_run():
    assert joined_runs("先后到越秀区、海珠区、天河区调研") == []
    assert joined_runs("检查交通、安保和供电、环境卫生等情况") == []


def test_a_compound_ending_in_a_head_word_is_kept_whole():
    assert "低空经济产业集群" in compounds("加快培育低空经济产业集群")
    assert "现代化产业体系" in compounds("加快构建现代化产业体系")
    assert "低空经济产业集群" in _terms()


def test_a_compound_never_starts_with_a_verb_and_two_generic_words_are_no_compound():
    found = compounds("要推动高质量发展，推进经济社会发展，加快项目建设，做好乡镇建设")
    assert not any(p.startswith(("推动", "推进", "加快", "做好")) for p in found)
    assert "经济社会发展" not in found and "项目建设" not in found and "乡镇建设" not in found


def test_generic_words_and_peoples_names_are_never_phrases():
    terms = _terms()
    assert not GENERIC & set(terms)
    assert not any(name in term for term in terms for name in ("郭永航", "孟凡利", "习近平"))
    single = emerging_terms([WeekText("广州", "习近平总书记强调。习近平总书记指出。"),
                             WeekText("深圳", "习近平总书记要求。习近平总书记勉励。")], [])
    assert single == []


def test_a_phrase_of_one_city_alone_is_not_the_weeks():
    assert "一镇一品" in quoted_phrases(WEEK[4].text)
    assert "一镇一品" not in _terms()


def test_a_phrase_naming_a_city_is_that_citys_not_the_weeks():
    week = [WeekText("广州", "推进“广州服务”品牌建设"), WeekText("深圳", "学习“广州服务”品牌经验")]
    assert emerging_terms(week, []) == []


def test_a_phrase_the_earlier_weeks_used_as_much_is_not_emerging():
    earlier = ["要坚持“五链融合”，推动发展。"] * 40 + ["其他工作。"] * 20
    assert "五链融合" not in _terms(earlier=earlier)
    assert "强链条、优环境、惠民生" in _terms(earlier=earlier)


def test_phrases_are_ranked_by_how_much_more_this_week_uses_them():
    earlier = ["要坚持“五链融合”，推动发展。"] * 3 + ["其他工作。"] * 57
    ranked = [bare(t["term"]) for t in emerging_terms(WEEK, earlier)]
    assert ranked.index("低空经济产业集群") < ranked.index("五链融合")


def test_no_articles_no_phrases():
    assert emerging_terms([], ["要坚持“五链融合”。"]) == []


def test_phrases_already_known_for_each_text_give_the_same_ranking_from_a_single_pass_over_the_week():
    from weeklydigest.understand.terms import candidates

    read = []

    def once():
        for text in WEEK:
            read.append(text.city)
            yield text

    offered = Offered()
    for text in WEEK:
        offered.add(*candidates(text.text))
    expected = emerging_terms(WEEK, [], names=("郭永航", "孟凡利", "唐屹峰", "韩利", "郭文海"))
    streamed = emerging_terms(once(), [], offered=offered, names=("郭永航", "孟凡利", "唐屹峰", "韩利", "郭文海"))
    assert streamed == expected and expected
    assert read == [t.city for t in WEEK]  # each text read once


def test_phrases_a_text_does_not_offer_are_not_counted_even_when_its_text_uses_them():
    assert emerging_terms(iter(WEEK), [], offered=Offered()) == []
