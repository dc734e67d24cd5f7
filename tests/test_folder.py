import json
from zoneinfo import ZoneInfo

import pytest

from weeklydigest.collect.decode import decode_bytes
from weeklydigest.collect.folder import collect_folder

from .conftest import SAMPLE

TZ = ZoneInfo("Asia/Shanghai")
REPORT = "11月13日，市委书记陈少荣到乳源瑶族自治县宣讲党的二十届四中全会精神，强调要把学习成果转化为发展动力。"


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "gbk", "big5"])
def test_legacy_encodings_are_detected(tmp_path, codec):
    text = "韶關市委書記宣講會議" if codec == "big5" else REPORT
    (tmp_path / "a.txt").write_bytes(f"标题行\n{text}\n".encode(codec) if codec != "big5"
                                     else f"標題\n{text}\n".encode(codec))
    docs, skipped = collect_folder(tmp_path, source="t", tz=TZ)
    assert skipped == []
    assert text in docs[0].body


def test_big5_bytes_are_not_mistaken_for_gbk():
    text = "省委宣講團成員、韶關市委書記到南雄市宣講黨的二十屆四中全會精神，強調要推動高質量發展。"
    decoded, codec = decode_bytes(text.encode("big5"))
    assert codec == "big5"
    assert decoded == text


def test_markdown_front_matter_gives_title_date_url_and_outlet(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: 陈少荣宣讲四中全会精神\ndate: 2025-11-13T18:00:00+08:00\n"
        "url: http://example.cn/a.htm\nsource: 韶关日报\n---\n\n" + REPORT + "\n", encoding="utf-8")
    (doc,), skipped = collect_folder(tmp_path, source="t", tz=TZ)
    assert skipped == []
    assert (doc.title, doc.url, doc.outlet) == ("陈少荣宣讲四中全会精神", "http://example.cn/a.htm", "韶关日报")
    assert doc.published.isoformat() == "2025-11-13T18:00:00+08:00"


def test_markdown_without_front_matter_takes_the_heading_as_title(tmp_path):
    (tmp_path / "a.md").write_text("# 标题在这里\n\n" + REPORT, encoding="utf-8")
    (doc,), _ = collect_folder(tmp_path, source="t", tz=TZ)
    assert doc.title == "标题在这里"
    assert doc.published is None


def test_jsonl_lines_are_articles_and_a_bad_line_is_skipped_alone(tmp_path):
    lines = [
        json.dumps({"title": "一", "url": "http://e.cn/1", "published": "2025-11-12 09:00", "content": REPORT},
                   ensure_ascii=False),
        "{not json",
        json.dumps({"title": "三", "html": f"<p>{REPORT}</p>"}, ensure_ascii=False),
        json.dumps({"title": "四"}, ensure_ascii=False),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    docs, skipped = collect_folder(tmp_path, source="t", tz=TZ)
    assert [d.title for d in docs] == ["一", "三"]
    assert docs[0].published.isoformat() == "2025-11-12T09:00:00+08:00"
    assert docs[1].fmt == "html"
    assert [(s.path_or_url.rsplit("#", 1)[1], s.reason) for s in skipped] == [
        ("2", "line is not valid JSON: Expecting property name enclosed in double quotes"),
        ("4", "entry has neither 'content' nor 'html'"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.md", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("scan.txt", b"\x00\x01\x02PK\x03\x04" * 50, "binary file (NUL bytes), not text"),
        ("broken.md", "---\ntitle: [unclosed\n---\n正文".encode(), "front matter is not valid YAML at line 2"),
        ("open.md", "---\ntitle: 没有结尾\n正文".encode(), "front matter has no closing '---' line"),
        ("one-line.txt", "只有标题".encode(), "text file needs a title line and at least one paragraph"),
    ],
)
def test_unreadable_files_are_skipped_with_a_reason(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text("标题\n" + REPORT, encoding="utf-8")
    docs, skipped = collect_folder(tmp_path, source="t", tz=TZ)
    assert [d.title for d in docs] == ["标题"]
    assert [(s.path_or_url, s.reason) for s in skipped] == [(f"t/{name}", reason)]


def test_missing_folder_is_skipped_not_fatal(tmp_path):
    docs, skipped = collect_folder(tmp_path / "nope", source="t", tz=TZ)
    assert docs == []
    assert skipped[0].reason == "folder not found"


def test_sample_week_reads_every_format_and_skips_the_three_bad_files():
    docs, skipped = collect_folder(SAMPLE, source="样例周", tz=TZ)
    assert sorted(s.path_or_url.rsplit("/", 1)[1] for s in skipped) == ["broken-frontmatter.md", "empty.md", "scan.txt"]
    formats = {d.fmt for d in docs}
    assert formats == {"markdown", "html", "text"}
    titles = {d.title for d in docs}
    assert any("（" in t or "“" in t for t in titles)
    gbk = next(d for d in docs if d.origin.endswith("shaoguan-gbk.txt"))
    assert "市委书记" in gbk.body


def test_txt_file_with_front_matter_is_read_like_markdown(tmp_path):
    (tmp_path / "a.txt").write_text(
        "---\ntitle: 陈少荣宣讲四中全会精神\ndate: 2025-11-13T18:00:00+08:00\nsource: 韶关日报\n---\n\n"
        + REPORT + "\n",
        encoding="utf-8")
    (doc,), skipped = collect_folder(tmp_path, source="t", tz=TZ)
    assert skipped == []
    assert (doc.title, doc.outlet) == ("陈少荣宣讲四中全会精神", "韶关日报")
    assert doc.published.isoformat() == "2025-11-13T18:00:00+08:00"
    assert doc.body.strip() == REPORT and "---" not in doc.body


def test_txt_file_with_unclosed_front_matter_is_skipped_with_the_reason(tmp_path):
    (tmp_path / "a.txt").write_text("---\ntitle: 陈少荣宣讲四中全会精神\n\n" + REPORT + "\n", encoding="utf-8")
    docs, skipped = collect_folder(tmp_path, source="t", tz=TZ)
    assert docs == []
    assert skipped[0].reason == "front matter has no closing '---' line"


def test_txt_file_without_front_matter_still_takes_its_first_line_as_title(tmp_path):
    (tmp_path / "a.txt").write_text("陈少荣宣讲四中全会精神\n" + REPORT + "\n", encoding="utf-8")
    (doc,), _ = collect_folder(tmp_path, source="t", tz=TZ)
    assert doc.title == "陈少荣宣讲四中全会精神"
