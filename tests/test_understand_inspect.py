"""`weeklydigest inspect --json` keeps the DESIGN contract."""

from __future__ import annotations

import json

from weeklydigest.cli import main

from .conftest import ROOT


def _inspect(capsys, monkeypatch, path: str) -> dict:
    monkeypatch.chdir(ROOT)
    assert main(["inspect", path, "--date", "2025-11-23", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_inspect_json_has_the_contract_keys_with_spans_and_reasons(capsys, monkeypatch):
    report = _inspect(capsys, monkeypatch, "examples/hard-week/sg-cls-1120.html")
    assert {"title", "text", "removed", "dates", "cities", "officials", "sections"} <= set(report)
    assert report["title"] == "陈少荣到乳源瑶族自治县宣讲党的二十届四中全会精神"
    assert report["text"].startswith("11月20日，市委书记陈少荣到乳源瑶族自治县")
    assert {r["reason"] for r in report["removed"]} == {"pinyin", "spam", "boilerplate"}
    assert all(set(r) >= {"text", "reason"} for r in report["removed"])
    assert report["dates"][0] == {"text": "11月20日", "start": "2025-11-20", "end": "2025-11-20", "offset": 0,
                                  "year_known": True}
    assert report["cities"] == ["韶关"]
    assert report["officials"][0] | {"note": ""} == {"name": "陈少荣", "title": "市委书记", "city": "韶关", "note": "",
                                                  "role": ""}
    assert [s["title"] for s in report["sections"]] == [
        "十五运会和残特奥会", "宣讲党的二十届四中全会精神", "百千万工程"]
    assert all(set(s) == {"title", "score", "why"} and s["why"] for s in report["sections"])


def test_inspect_shows_spam_cut_from_a_mirror_and_the_roster_holder_as_a_warning(capsys, monkeypatch):
    mirror = _inspect(capsys, monkeypatch, "examples/hard-week/cz-hxj-1120-mirror-hant.md")
    assert "日系车零件" in {r["text"] for r in mirror["removed"] if r["reason"] == "spam"}
    assert "特色品牌" in mirror["text"]
    meeting = _inspect(capsys, monkeypatch, "examples/hard-week/mz-mzy-1117.md")
    assert meeting["officials"] == []  # the text names no one: the roster's holder is a warning, never a name
    assert meeting["unnamed"] == [{"title": "市委书记", "city": "梅州",
                                   "note": "roster: 梅州市委书记 on 2025-11-17 is 马正勇"}]
    assert "roster: 梅州市委书记 on 2025-11-17 is 马正勇; the text gives no name" in meeting["warnings"]


def test_inspect_of_an_unreadable_file_is_one_line(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["inspect", "examples/sample-week/empty.md", "--json"]) == 1
    assert capsys.readouterr().err == "error: examples/sample-week/empty.md: empty file\n"


def test_inspect_of_an_undated_page_gives_no_event_date_but_shows_the_month_and_day(capsys, monkeypatch, tmp_path):
    page = tmp_path / "undated.md"
    page.write_text("---\ntitle: 林某某到乳源调研\n---\n\n5月5日，市委书记林某某到乳源瑶族自治县调研民族工作。\n",
                    encoding="utf-8")
    monkeypatch.chdir(ROOT)
    for read_on in ([], ["--date", "2024-05-06"]):
        assert main(["inspect", str(page), *read_on, "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["event_date"] is None
        assert report["undated_guess"] == {"text": "5月5日", "start": "--05-05", "end": "--05-05"}
        assert report["warnings"] == ["year not established: the event is 5月5日 of an unknown year"]
        assert report["dates"][0]["year_known"] is False
