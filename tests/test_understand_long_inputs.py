"""Long and repetitive inputs that once took quadratic time are read to the same result as short ones.

Each test pins what the cleaner decides on a pathological input of a line's full length (10,000
characters, the reader's limit), so a rewrite that changes the result fails; the time it takes is
measured by `bench/understand.py`, not here.
"""

from __future__ import annotations

from weeklydigest.model import RawDocument
from weeklydigest.understand.clean import clean, strip_links
from weeklydigest.understand.extract import split_sentences
from weeklydigest.understand.spam import SpamRules, find_spam, sibling_insertions

NO_BLOCKLIST = SpamRules(blocklist=())
TITLE = "林志远到白沙镇调研乡村产业发展"
SENTENCE = "林志远到白沙镇调研乡村产业发展，察看茶叶加工厂和村集体合作社。"


def _markdown(body: str) -> RawDocument:
    return RawDocument(origin="a.md", source="test", title=TITLE, url="", published=None, body=body, fmt="markdown")


def test_a_link_before_a_long_run_of_unclosed_brackets_keeps_its_text_and_the_brackets_stay():
    brackets = "[注" * 5000
    assert strip_links("见[通知](https://example.org/a)。" + brackets, images=False) == "见通知。" + brackets
    assert strip_links("图![照片](a.jpg)在此" + "![" * 5000, images=True) == "图在此" + "![" * 5000


def test_brackets_closed_far_away_are_matched_as_the_markdown_patterns_match_them():
    # Each `[` is closed by the first `]` after it; a `(` right after that by the first `)`.
    line = "[" * 5000 + "文](链接" + "(" * 5000 + ")后"
    assert strip_links(line, images=False) == "[" * 4999 + "文后"
    assert strip_links("[甲](" * 2500, images=False) == "[甲](" * 2500
    assert strip_links("[甲]" * 2500 + "(x)", images=False) == "[甲]" * 2499 + "甲"


def test_a_long_markdown_line_of_links_and_tag_like_text_is_read_as_text():
    links = "".join(f"[第{i}条](https://example.org/{i})，" for i in range(400))
    body = "<a" * 2000 + "\n\n" + links + "各镇村推进产业发展。"
    article = clean(_markdown(body), spam=NO_BLOCKLIST)
    assert article.paragraphs[0] == "<a" * 2000  # no `>`: not a tag, so not read as HTML
    assert article.paragraphs[-1] == "".join(f"第{i}条，" for i in range(400)) + "各镇村推进产业发展。"
    assert not any("https://" in p for p in article.paragraphs)


def test_product_words_pasted_all_through_a_long_paragraph_are_all_cut_and_the_words_healed():
    parts = ["第{i}号车间加快技术攻德系车零件关，", "第{i}批产品特色鲜明特德系车零件点突出，",
             "第{i}处古村加强保德系车零件护修缮，", "第{i}个合作社带动村民增收。"]
    body = "".join(part.format(i=i) for i in range(140) for part in parts)[:10_000]
    body = body[:body.rindex("。") + 1]
    article = clean(_markdown(body), spam=NO_BLOCKLIST)
    assert article.text == body.replace("德系车零件", "")
    pasted = [r for r in article.removed if r.text == "德系车零件"]
    assert len(pasted) == body.count("德系车零件")
    assert {r.detail for r in pasted} == {"pasted inside the word 攻关", "pasted inside the word 特点",
                                         "pasted inside the word 保护"}


def test_a_long_paragraph_of_report_sentences_has_no_spam():
    paragraph = (SENTENCE * 320)[:10_000]
    assert find_spam([paragraph], title=TITLE, rules=NO_BLOCKLIST) == [[]]


def test_a_sibling_copy_repeating_one_sentence_shows_the_one_copy_with_a_pasted_word():
    text = SENTENCE * 999 + SENTENCE.replace("茶叶", "茶德系车零件叶") + SENTENCE * 1000
    found = sibling_insertions(text, SENTENCE * 2000)
    at = 999 * len(SENTENCE) + SENTENCE.index("茶") + 1
    assert [(s.start, s.end, s.why) for s in found] == [(at, at + 5, "not in the sibling copy of this report")]


def test_a_pasted_word_is_found_among_thousands_of_sibling_sentences_sharing_one_phrase():
    sentences = [f"市委书记到第{i}村调研茶园。" for i in range(3000)]
    text = "".join(s.replace("茶园", "茶德系车零件园") if i == 1500 else s for i, s in enumerate(sentences))
    found = sibling_insertions(text, "".join(sentences))
    assert [text[s.start:s.end] for s in found] == ["德系车零件"]
    assert found[0].start == sum(len(s) for s in sentences[:1500]) + sentences[1500].index("茶") + 1


def test_a_sentence_too_repetitive_to_align_is_not_cut_against_its_sibling():
    # Two characters repeated thousands of times: no report sentence, and aligning it would cost the square.
    repeated = "哈呵" * 5000 + "。"
    assert sibling_insertions(repeated, "哈呵" * 2500 + "德系车" + "哈呵" * 2500 + "。") == []
    # The same insertion in a sentence of a report is found.
    assert [s.why for s in sibling_insertions(SENTENCE.replace("茶叶", "茶德系车叶"), SENTENCE)] == [
        "not in the sibling copy of this report"]


def test_a_line_of_spaces_or_of_words_between_spaces_is_cut_into_sentences_as_a_short_one_is():
    assert split_sentences(" " * 10_000) == []
    (sentence,) = split_sentences("甲 " * 5_000)
    assert (sentence.start, sentence.end) == (0, 9_999)
    assert [(s.start, s.end) for s in split_sentences(" " * 9_990 + "甲。乙 \n")] == [(9_990, 9_992), (9_992, 9_993)]
