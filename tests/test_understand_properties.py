"""Cleaning never raises and never returns more text than it was given; sentences are cut where their marks say."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weeklydigest.model import RawDocument
from weeklydigest.understand.clean import clean
from weeklydigest.understand.extract import sentence_bounds, split_sentences
from weeklydigest.understand.spam import SpamRules, find_spam

PIECES = st.sampled_from([
    "市委书记", "郭永航", "強調", "。", "，", "\n", "\n\n", "(shū)", "（huì）", "BMW", "零件", "特点", "<p>", "</p>",
    "<span style='display:none'>", "</span>", "分享到：", "图为", "摄", "11月18日", "咖啡馆", "德系车", " ", "#", "**",
    "requestId: 7f3a9c2e-41b8", "澳门 百家乐 真人 视讯", "（", "）", "&amp;", "<!--", "-->", "<", ">",
])
TEXTS = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=TEXTS, title=st.text(max_size=30), fmt=st.sampled_from(["text", "markdown", "html"]))
def test_cleaning_never_raises_and_never_grows_the_text(body, title, fmt):
    document = RawDocument(origin="x", source="t", title=title, url="", published=None, body=body, fmt=fmt)
    article = clean(document)
    assert len(article.text) <= len(body)


@settings(max_examples=200, deadline=None)
@given(paragraphs=st.lists(TEXTS, max_size=5))
def test_spam_spans_lie_inside_their_paragraph_and_do_not_overlap(paragraphs):
    for paragraph, spans in zip(paragraphs, find_spam(paragraphs, title="", rules=SpamRules()), strict=True):
        last = 0
        for span in spans:
            assert last <= span.start < span.end <= len(paragraph)
            last = span.end


def _sentences_by_marks(text: str) -> list[tuple[int, int]]:
    """The sentence bounds as first written: cut after each run of end marks and at each paragraph end, trimmed."""
    bounds, start = [], 0
    for match in re.finditer(r"[。！？!?]+[”’」』）)]*|\n", text):
        end = match.end() if match.group(0) != "\n" else match.start()
        piece = text[start:end]
        stripped = piece.strip(" \n")
        if stripped:
            begin = start + len(piece) - len(piece.lstrip(" \n"))
            bounds.append((begin, begin + len(stripped)))
        start = match.end()
    piece = text[start:]
    if piece.strip(" \n"):
        begin = start + len(piece) - len(piece.lstrip(" \n"))
        bounds.append((begin, begin + len(piece.strip(" \n"))))
    return bounds


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(st.lists(st.sampled_from([*"甲乙 。！？!?”’」』）)\n", "\n\n", "  ", "强调，"]),
                               max_size=40).map("".join), TEXTS))
def test_sentences_are_cut_after_their_end_marks_and_at_paragraph_ends_without_the_spaces_around(text):
    assert sentence_bounds(text) == _sentences_by_marks(text)
    assert all(s.text == text[s.start:s.end] for s in split_sentences(text))
