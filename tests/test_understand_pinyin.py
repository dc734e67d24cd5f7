"""Pinyin annotations and the garbles of mirror sites: taken out, recovered on evidence, otherwise flagged."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from weeklydigest.model import RawDocument
from weeklydigest.understand.clean import PINYIN, clean
from weeklydigest.understand.pinyin import FLAG, clean_line

from .conftest import ROOT

TONED = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def _doc(body: str, *, title: str = "林志远到白沙镇调研") -> RawDocument:
    return RawDocument(origin="a.txt", source="test", title=title, url="", published=None, body=body, fmt="text")


def _no_garble_left(text: str) -> bool:
    return not TONED.search(text) and not re.search(r"\?[A-Za-z]", text) and FLAG not in text


def test_annotations_of_traditional_mirrors_are_removed():
    article = clean(_doc("市委書(shū)記林志遠主持召開會(huì )議(yì)。"))
    assert article.text == "市委书记林志远主持召开会议。"
    assert [r.reason for r in article.removed] == [PINYIN] * 3
    assert article.flagged == ()


def test_a_garble_is_taken_out_and_its_sentence_flagged_for_the_editor():
    body = "3月12日，市委書記林志遠到白沙鎮調研。他強調，要推進?gōng)?zuò)落實見效。各級要壓實責任。"
    article = clean(_doc(body))
    assert _no_garble_left(article.text)
    assert "推进落实见效" in article.text
    (start, end), = article.flagged
    assert article.text[start:end] == "他强调，要推进落实见效。"
    detail = next(r.detail for r in article.removed if r.text == "?gōng)?zuò)")
    assert detail == "garbled pinyin; lost characters could not be recovered"


def test_a_syllable_after_the_question_mark_is_not_trusted_to_spell_the_lost_character():
    # 工 is read gōng and 作 zuò: the dictionary has 工作, but such a syllable may belong to another character.
    line, pieces = clean_line("推进?gōng)?zuò)落实")
    assert line == f"推进{FLAG}落实"
    assert "recovered" not in pieces[0].detail or "could not" in pieces[0].detail


def test_a_lost_character_whose_annotation_survived_is_recovered_from_the_dictionary():
    # The garble lost 保护: the annotation (hù) survived, the syllable after `?` is not to be trusted.
    line, pieces = clean_line("要加强?bǎo)鬲_(hù)修缮", context="")
    assert FLAG in line  # the first lost character has no reliable pinyin and no intact copy
    line, pieces = clean_line("要加强?bǎo)鬲_(hù)修缮", context="会议要求加强保护修缮古村落。")
    assert line == "要加强保护修缮"
    assert pieces[0].detail == "garbled pinyin; 保护 recovered from the pinyin"


def test_stray_question_marks_with_latin_letters_and_lost_indentation_are_cleaned():
    body = "????3月12日，林志遠到白沙鎮調研。??h領導陪同調研，察看茶園。\n????\n林志遠強調，要抓好春茶生產。"
    article = clean(_doc(body))
    assert _no_garble_left(article.text)
    assert article.paragraphs[0].startswith("3月12日")
    assert len(article.flagged) == 1
    assert article.text[slice(*article.flagged[0])].startswith("领导陪同调研")


def test_bracketed_latin_without_tones_stays_and_a_question_stays():
    body = "推动人工智能(AI)赋能千行百业。村民问：“路什么时候修好?”林志远说，年底前通车。"
    article = clean(_doc(body))
    assert article.text == body
    assert article.flagged == ()


def test_inspect_lists_flagged_sentences(tmp_path):
    path = tmp_path / "a.txt"
    body = "3月12日，林志遠到白沙鎮調研。他要求推進?gōng)?zuò)落實見效。"
    path.write_text(f"林志遠到白沙鎮調研\n{body}\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "weeklydigest", "inspect", str(path), "--json"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    report = json.loads(out.stdout)
    assert [f["text"] for f in report["flagged"]] == ["他要求推进落实见效。"]
    assert report["text"][report["flagged"][0]["start"]:report["flagged"][0]["end"]] == "他要求推进落实见效。"
