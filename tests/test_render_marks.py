"""Marks like the desk's: a term red at its first mention in an item; the key clause highlighted, not the sentence."""

from __future__ import annotations

import re
import statistics

import pytest

from weeklydigest.model import Item, SentenceRef
from weeklydigest.render.body import theme_groups
from weeklydigest.render.html import render_html
from weeklydigest.render.markdown import render_markdown
from weeklydigest.render.marks import (
    MAX_CLAUSE,
    boilerplate_patterns,
    first_mentions,
    item_key_clause,
    key_clause,
    term_pattern,
)

from .editorial_week import build
from .render_fixtures import parse_html

BOILERPLATE = boilerplate_patterns((), (r"(?:深入|认真)?学习(?:宣传)?贯彻[^，。；]{0,70}?精神",))


def _clause(text: str, *, offset: int = 100) -> str | None:
    ref = SentenceRef(text=text, source="a1", start=offset, end=offset + len(text), key=True)
    clause = key_clause(ref, boilerplate=BOILERPLATE)
    if clause is None:
        return None
    assert text[clause.start - offset:clause.end - offset] == clause.text, "the clause is a span of the sentence"
    return clause.text


def test_the_key_clause_is_what_follows_the_key_verb_up_to_its_clause_end():
    assert _clause("李书记强调，要把项目建设摆在突出位置，以项目论英雄，以实绩看担当。") == "要把项目建设摆在突出位置"


def test_a_short_clause_takes_the_next_one_with_it():
    assert _clause("他指出，机遇难得，必须抢抓政策窗口期，不能等待观望。") == "机遇难得，必须抢抓政策窗口期"


def test_a_set_phrase_clause_is_skipped_for_the_clause_that_says_something():
    sentence = "他强调，要深入学习贯彻党的二十届四中全会精神，奋力推动全市高质量发展迈上新台阶。"
    assert _clause(sentence) == "奋力推动全市高质量发展迈上新台阶"


def test_a_key_word_used_as_a_noun_does_not_open_the_clause():
    sentence = "会议传达了省委的部署要求，他强调，要把握工作节奏，确保各项任务落地见效。"
    assert _clause(sentence) == "要把握工作节奏，确保各项任务落地见效"


def test_a_first_clause_too_long_gives_way_to_the_clause_with_the_quoted_phrase():
    sentence = ("他要求，各区各部门要对照年初确定的目标任务和重点项目清单以及民生实事清单逐项盘点查漏补缺抓紧推进，"
                "确保实现“全年红、开门红”。")
    assert _clause(sentence) == "确保实现“全年红、开门红”"


def test_the_clause_carrying_the_weeks_phrase_is_the_key_phrase_not_the_first_object_clause():
    sentence = "他强调，要认真抓好年底各项工作，以低空经济产业集群为牵引，推动企业加快发展。"
    assert _clause(sentence) == "要认真抓好年底各项工作", "without the week's phrases the first clause leads"
    ref = SentenceRef(text=sentence, source="a1", start=0, end=len(sentence), key=True)
    assert key_clause(ref, terms=term_pattern(["低空经济产业集群"])).text == "以低空经济产业集群为牵引"
    quoted = "他强调，要认真抓好年底各项工作，以“五链融合”为牵引，推动企业加快发展。"
    assert _clause(quoted) == "以“五链融合”为牵引", "a quoted slogan is the key phrase too"


def test_background_and_the_study_frame_give_way_to_what_is_asked():
    late = "他强调，赛事已进入后半程，越是在这个时候，越要防止思想松懈和疲劳厌战。"
    assert _clause(late) == "越要防止思想松懈和疲劳厌战"
    assert _clause("他指出，江门是著名侨乡，海外侨胞众多，要发挥侨乡的独特优势。") == "要发挥侨乡的独特优势"
    study = "他强调，要认真学习领会全会精神，牢牢扭住高质量发展这个首要任务。"
    assert _clause(study) == "牢牢扭住高质量发展这个首要任务"
    assert _clause("他强调，习近平总书记亲临视察，对全市寄予殷切期望。") is None, "background only: no highlight"


def _item(*texts: str, key: int | None = None) -> list[SentenceRef]:
    refs, at = [], 0
    for n, text in enumerate(texts):
        refs.append(SentenceRef(text=text, source="a1", start=at, end=at + len(text), key=n == key))
        at += len(text)
    return refs


def test_an_item_whose_key_sentence_has_no_usable_clause_falls_back_to_its_other_sentences():
    lead = "11月18日，市委书记某某到园区调研，勉励企业加大研发投入、抢占发展先机。"
    background = "他强调，习近平总书记亲临视察，对全市寄予殷切期望。"
    quoted = "会上发布了“湾区制造业高质量发展新高地”行动方案。"
    found = item_key_clause(_item(lead, background, quoted, key=1), boilerplate=BOILERPLATE)
    assert found.text == "“湾区制造业高质量发展新高地”", "the quoted phrase of another sentence"
    found = item_key_clause(_item(lead, background, key=1), boilerplate=BOILERPLATE)
    assert found.text == "企业加大研发投入、抢占发展先机", "else the clause after a key verb in another sentence"
    assert 10 <= len(found.text) <= MAX_CLAUSE
    assert item_key_clause(_item("11月18日，市委书记某某出席会议。", background, key=1)) is None


def test_a_highlight_is_never_a_whole_long_sentence():
    sentence = ("他表示，这是一项需要各方面长期共同努力才能够最终完成好的系统性工作任务而且时间非常紧迫责任非常重大"
                "所以必须提前谋划统筹安排层层压实责任。")
    assert _clause(sentence) is None
    short = "张书记代表市委市政府，对客人一行到访表示热烈欢迎。"
    assert _clause(short) == short[:-1], "a short key sentence is its own clause"


def test_a_term_is_marked_where_it_first_appears_and_not_again():
    pattern = term_pattern(["百千万工程", "“五链融合”"])
    marked: set[str] = set()
    first = "要坚持“五链融合”，推进百千万工程，百千万工程要见效。"
    marks = first_mentions(first, pattern, marked=marked)
    assert [first[m.start:m.end] for m in marks] == ["“五链融合”", "百千万工程"], "a quoted term is red with its quotes"
    assert first_mentions("百千万工程和五链融合都要抓实。", pattern, marked=marked) == []


def test_a_term_straddling_the_highlight_edge_waits_for_a_later_mention():
    pattern = term_pattern(["百千万工程"])
    text = "要推进百千万工程，百千万工程要见效"
    marks = first_mentions(text, pattern, marked=set(), keep_within=(0, 6))
    assert [(m.start, m.end) for m in marks] == [(9, 14)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("marks"))


def _marks(fragment) -> list[str]:
    return [m.text_content() for m in fragment.cssselect("mark.key")]


def test_every_format_highlights_the_key_clause_digest_json_records(built):
    config, digest, texts = built
    page = parse_html(render_html(digest, config))
    printed = parse_html(render_html(digest, config, for_print=True))
    markdown = render_markdown(digest, config)
    highlighted = [i for s in digest.sections for i in s.items if i.highlight is not None]
    assert len(highlighted) >= 10
    for item in highlighted:
        clause = item.highlight
        assert texts[clause.source][clause.start:clause.end] == clause.text
        key = next(r for r in item.sentences if r.key)
        assert key.source == clause.source and key.start <= clause.start and clause.end <= key.end
    for tree in (page, printed):
        articles = tree.cssselect("main section.section:not(.theme) article.item")
        items = [i for s in digest.sections for i in s.items]
        assert [_marks(a) for a in articles] == [[i.highlight.text] if i.highlight else [] for i in items]
    keyword_part = markdown[markdown.index("### 关键词："):]
    spans = re.findall(r'<span style="background:#fff88f">(.*?)</span>', keyword_part)
    assert [re.sub(r"<[^>]+>", "", s) for s in spans] == [i.highlight.text for i in highlighted]


def test_highlights_are_clauses_not_sentences(built):
    lengths = [len(i.highlight.text) for s in built[1].sections for i in s.items if i.highlight]
    assert max(lengths) <= MAX_CLAUSE
    assert statistics.median(lengths) <= 30


def test_no_term_is_red_twice_in_one_item_in_any_format(built):
    config, digest, _texts = built
    page = parse_html(render_html(digest, config))
    for article in page.cssselect("article.item"):
        terms = [t.text_content().strip("“”") for t in article.cssselect("span.term")]
        assert len(terms) == len(set(terms)), terms
    markdown = render_markdown(digest, config)
    for block in markdown.split("<strong>")[1:]:
        terms = [t.strip("“”") for t in re.findall(r'<font color="#ff0000">(.*?)</font>', block)]
        assert len(terms) == len(set(terms)), terms


def test_a_sentence_whose_key_word_is_only_a_noun_gets_no_clause_of_it():
    sentence = "在港区码头，他了解航线拓展和集装箱运输情况，讲解扩大开放的要求。"
    assert _clause(sentence) is None


def test_the_drafted_lede_highlights_its_key_line_and_an_editors_lede_does_not(built):
    from dataclasses import replace

    from weeklydigest.model import EDITED, Draft

    config, digest, _texts = built
    lede = parse_html(render_html(digest, config)).cssselect("section.lede")[0]
    assert [m.text_content() for m in lede.cssselect("mark.key")] == ["要以“五链融合”为牵引"]
    assert [t.text_content() for t in lede.cssselect("span.term")].count("“五链融合”") == 1
    own = replace(digest, lede="编辑写的导语，也谈“五链融合”。", drafts={"lede": Draft(status=EDITED, by="王编辑")})
    lede = parse_html(render_html(own, config)).cssselect("section.lede")[0]
    assert lede.cssselect("mark.key") == [] and lede.text_content().strip() == "编辑写的导语，也谈“五链融合”。"


def test_a_theme_sentence_opening_with_its_city_prints_the_city_once_in_bold():
    from weeklydigest.model import Theme, ThemeSentence
    from weeklydigest.render.body import Marking, theme_view

    text = "汕头聚焦深化关键领域改革，加快建设现代化产业体系"
    theme = Theme(title="t", phrase="现代化产业体系", cities=("汕头",),
                  sentences=(ThemeSentence(city="汕头", text=text, source="a", start=10, end=10 + len(text)),))
    view = theme_view(theme, Marking(terms=term_pattern(["现代化产业体系"])), anchor="t1", first_note=1)
    printed = '<strong>汕头</strong>聚焦深化关键领域改革，加快建设<span class="term">现代化产业体系</span>……'
    assert str(view.paragraphs[0].html) == printed, "the city once, in bold; a cut sentence shows the cut mark"


def _reds(node) -> list[str]:
    return [t.text_content().strip("“”") for t in node.cssselect("span.term")]


def test_an_item_reds_its_key_sentences_phrases_and_the_section_term_once_in_the_section(built):
    from weeklydigest.render.body import MAX_ITEM_PHRASES

    config, digest, _texts = built
    page = parse_html(render_html(digest, config))
    sections = {s.cssselect("h2")[0].text_content(): s for s in page.cssselect("main section.section:not(.theme)")}
    industry, rural = sections["关键词：产业发展"], sections["关键词：城乡建设"]
    assert sum(_reds(a).count("产业链") for a in industry.cssselect("article.item")) == 1, "the section's term, once"
    assert sum(_reds(a).count("乡村振兴") for a in rural.cssselect("article.item")) == 1
    assert not any("产业链" in _reds(a) for a in rural.cssselect("article.item")), "another section's term stays black"
    items = [i for s in digest.sections for i in s.items]
    for article, item in zip(page.cssselect("main section.section:not(.theme) article.item"), items, strict=True):
        key = next(r.text for r in item.sentences if r.key)
        phrases = [w for w in _reds(article) if w not in ("产业链", "乡村振兴")]
        assert len(phrases) <= MAX_ITEM_PHRASES and all(w in key for w in phrases), (item.city, phrases)
    everywhere = [t["term"].strip("“”") for t in digest.stats["emerging_terms"] if t["term"] == "高质量发展"]
    assert everywhere, "the week's top phrase is in every report, outside the key lines"
    assert not any("高质量发展" in _reds(a) for a in page.cssselect("article.item")), "not red where it does not matter"


def test_a_themes_phrase_is_red_once_per_paragraph_and_its_cities_are_packed_by_region(built):
    config, digest, _texts = built
    page = parse_html(render_html(digest, config))
    for theme, section in zip(digest.themes, page.cssselect("section.theme"), strict=True):
        paragraphs = [p for p in section.cssselect("p") if p.cssselect("strong")]
        assert [s.text for p in paragraphs for s in p.cssselect("strong")] == [
            c for group in theme_groups(theme.cities) for c in group]
        for paragraph in paragraphs:
            assert _reds(paragraph) == [theme.phrase.strip("“”")]
    meeting = next(t for t in digest.themes if t.phrase.endswith("务虚会"))
    assert theme_groups(meeting.cities) == [["惠州"], ["韶关", "河源", "梅州"]], "珠三角, then 粤北"
    assert theme_groups(("汕头", "潮州", "揭阳")) == [["汕头", "潮州", "揭阳"]], "three cities are one paragraph"


def _phrased_item(*texts: str, key: int) -> Item:
    refs, at = [], 0
    for index, text in enumerate(texts):
        refs.append(SentenceRef(text=text, source="a1", start=at, end=at + len(text), key=index == key))
        at += len(text)
    return Item(city="江门", officials=(), dates=(), summary="", sentences=tuple(refs), sources=(), why=())


def test_an_item_whose_key_line_names_no_phrase_reds_the_first_phrase_it_names_once():
    from weeklydigest.render.body import Marking, key_terms

    marking = Marking(terms=term_pattern(["“侨都赋能”", "低空经济产业集群", "海上风电"]),
                      sections={"产业发展": ("产业链",)})
    lead = "市委书记到开平市调研“侨都赋能”工程和低空经济产业集群建设。"
    item = _phrased_item(lead, "他要求，要把每一个项目抓实抓细。", key=1)
    pattern = key_terms(item, marking, highlight=None, section_terms=("产业链",), section_marked={"产业链"})
    assert pattern is not None
    assert [m[0] for m in pattern.finditer(item.sentences[0].text)] == ["“侨都赋能”"], "the first phrase only"
    asked = "他要求，要推动低空经济产业集群和海上风电协同发展。"
    keyed = _phrased_item("市委书记到开平市调研“侨都赋能”工程。", asked, key=1)
    pattern = key_terms(keyed, marking, highlight=None, section_terms=("产业链",), section_marked={"产业链"})
    found = {m[0] for s in keyed.sentences for m in pattern.finditer(s.text)}
    assert found == {"低空经济产业集群", "海上风电"}, "the key line's phrases, not the fallback"


def test_the_item_that_shows_the_sections_term_takes_no_fallback_phrase():
    from weeklydigest.render.body import Marking, key_terms

    marking = Marking(terms=term_pattern(["“侨都赋能”"]), sections={"产业发展": ("产业链",)})
    item = _phrased_item("市委书记调研“侨都赋能”工程和产业链建设。", "他要求，要把每一个项目抓实抓细。", key=1)
    pattern = key_terms(item, marking, highlight=None, section_terms=("产业链",), section_marked=set())
    assert [m[0] for m in pattern.finditer(item.sentences[0].text)] == ["产业链"]
    bare_item = _phrased_item("市委书记调研园区建设。", "他要求，要把每一个项目抓实抓细。", key=1)
    assert key_terms(bare_item, marking, highlight=None, section_terms=("产业链",), section_marked={"产业链"}) is None


def test_a_key_term_inside_a_longer_phrase_of_the_week_is_not_red_there():
    from weeklydigest.render.body import Marking, item_paragraphs

    marking = Marking(terms=term_pattern(["高质量发展", "“百县千镇万村高质量发展工程”"]))
    lead = "市委书记到蕉岭县调研“百县千镇万村高质量发展工程”推进情况。"
    item = _phrased_item(lead, "他要求，要在高质量发展上迎头赶上。", key=1)
    printed = str(item_paragraphs(item, marking, first_note=1)[0].html)
    assert re.findall(r'<span class="term">(.*?)</span>', printed) == ["高质量发展"], "red once, where it stands alone"
    assert "“百县千镇万村高质量发展工程”" in printed, "not inside the programme's full name"
