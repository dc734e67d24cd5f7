"""The per-file guard, the folder boundary and the configurable limits of folder sources."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from weeklydigest.cli import main
from weeklydigest.collect import collect_into
from weeklydigest.collect.bounded import _FrontMatterLoader, _simple_mapping, load_front_matter
from weeklydigest.collect.folder import collect_folder
from weeklydigest.config import LimitSettings, load_config
from weeklydigest.errors import ConfigError
from weeklydigest.model import RawDocument, Skipped
from weeklydigest.store import Store
from weeklydigest.understand.clean import clean

from .content import REPORTS, write_config
from .hostile import LEAD, write_good

TZ = ZoneInfo("Asia/Shanghai")
NOBODY = 65534


@contextmanager
def as_nobody() -> Iterator[None]:
    """Run the block with the permissions of an ordinary user (root reads every folder)."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder an ordinary user may enter (the test's own temporary folder is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="weeklydigest-guard-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def test_one_bad_file_is_skipped_alone_and_every_later_file_is_read(tmp_path):
    (tmp_path / "a-bad-date.md").write_text(f"---\ntitle: 好\ndate: 9999-99-99\n---\n\n{LEAD}\n", encoding="utf-8")
    (tmp_path / "b-deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    (tmp_path / "c-bomb.md").write_text("---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a,"
                                        " *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: *c\n"
                                        f"---\n\n{LEAD}\n", encoding="utf-8")
    titles = write_good(tmp_path / "z-later", REPORTS[:3])
    documents, skipped = collect_folder(tmp_path, source="t", tz=TZ)
    assert [d.title for d in documents] == ["好", *titles]
    assert documents[0].published is None, "a date no calendar holds is no date"
    assert [(s.path_or_url, s.reason) for s in skipped] == [
        ("t/b-deep.jsonl#1", "line is nested deeper than 32 (limits.json_depth)"),
        ("t/c-bomb.md", "front matter has more than 1,000 values once its YAML aliases are expanded "
                        "(limits.yaml_values)"),
    ]


def test_an_unreadable_sub_folder_and_file_are_skipped_with_their_reasons(open_folder):
    write_good(open_folder, REPORTS[:1])
    (open_folder / "locked").mkdir()
    (open_folder / "locked" / "a.md").write_text(f"# 锁住\n\n{LEAD}\n", encoding="utf-8")
    (open_folder / "locked").chmod(0)
    (open_folder / "secret.md").write_text(f"# 不可读\n\n{LEAD}\n", encoding="utf-8")
    (open_folder / "secret.md").chmod(0)
    with as_nobody():
        documents, skipped = collect_folder(open_folder, source="t", tz=TZ)
    assert [d.title for d in documents] == [REPORTS[0].title]
    assert [(s.path_or_url, s.reason) for s in skipped] == [
        ("t/locked", "cannot read folder: Permission denied"),
        ("t/secret.md", "cannot read file: Permission denied"),
    ]


def test_a_link_inside_the_folder_is_followed_and_one_leading_out_is_not(tmp_path):
    folder, outside = tmp_path / "in", tmp_path / "out"
    write_good(folder / "real", REPORTS[:1])
    write_good(outside, REPORTS[1:2])
    (folder / "also").symlink_to("real")  # the same folder under a second name
    (folder / "other").symlink_to(outside)
    documents, skipped = collect_folder(folder, source="t", tz=TZ)
    assert [d.origin for d in documents] == ["t/real/good-00.md"], "a file is named by its real path, links after"
    assert [(s.path_or_url, s.reason) for s in skipped] == [
        ("t/also", "link loop: this folder is already being read"),
        ("t/other", "symbolic link leads outside the folder"),
    ]


def test_a_folder_given_through_a_link_is_read_as_itself(tmp_path):
    write_good(tmp_path / "real", REPORTS[:2])
    (tmp_path / "alias").symlink_to("real")
    documents, skipped = collect_folder(tmp_path / "alias", source="t", tz=TZ)
    assert [d.origin for d in documents] == ["t/good-00.md", "t/good-01.md"] and skipped == []


def test_limits_are_configurable_and_each_names_its_key(tmp_path, caplog):
    limits = LimitSettings(file_bytes=8192, line_chars=200, text_chars=1000, front_matter_bytes=256, yaml_values=10,
                           json_depth=3)
    (tmp_path / "big.txt").write_text("标题\n" + "长" * 3000, encoding="utf-8")
    (tmp_path / "long.txt").write_text("标题\n" + "一句话。" * 100 + "\n" + "第二段。" * 10, encoding="utf-8")
    (tmp_path / "many.txt").write_text("标题\n" + "\n".join(["短段落。" * 20] * 20), encoding="utf-8")
    (tmp_path / "front.md").write_text("---\ntitle: 大\nnote: " + "x" * 300 + f"\n---\n\n{LEAD}\n", encoding="utf-8")
    (tmp_path / "values.md").write_text(f"---\ntitle: 多\ntags: [a, b, c, d, e, f, g, h, i]\n---\n\n{LEAD}\n",
                                        encoding="utf-8")
    (tmp_path / "nest.jsonl").write_text(json.dumps({"title": "深", "content": LEAD, "x": [[[1]]]}) + "\n"
                                         + json.dumps({"title": "浅", "content": LEAD, "x": [[1]]}, ensure_ascii=False)
                                         + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        documents, skipped = collect_folder(tmp_path, source="t", tz=TZ, limits=limits)
    by_origin = {d.origin: d for d in documents}
    assert sorted(by_origin) == ["t/long.txt", "t/many.txt", "t/nest.jsonl#2"]
    long_paragraph = by_origin["t/long.txt"].body.split("\n\n")[0]
    assert long_paragraph == "一句话。" * 50, "cut at the last sentence end within 200 characters"
    assert len(by_origin["t/many.txt"].body) <= 1000 and by_origin["t/many.txt"].body.endswith("短段落。")
    assert [(s.path_or_url, s.reason) for s in skipped] == [
        ("t/big.txt", "file too large (9,007 bytes, the limit is 8,192; limits.file_bytes)"),
        ("t/front.md", "front matter too large (317 bytes, the limit is 256; limits.front_matter_bytes)"),
        ("t/nest.jsonl#1", "line is nested deeper than 3 (limits.json_depth)"),
        ("t/values.md", "front matter has more than 10 values once its YAML aliases are expanded (limits.yaml_values)"),
    ]
    assert "t/long.txt: a paragraph cut to 200 characters (limits.line_chars)" in caplog.messages
    assert "t/many.txt: the text cut to 1,000 characters (limits.text_chars)" in caplog.messages


def test_an_input_whose_first_interruption_is_lost_is_still_stopped_at_its_budget():
    """The budget's exception can land where Python ignores it (a finalizer): the next one still stops the input."""
    import time

    from weeklydigest.collect.guard import OverBudget, guarded

    lost: list[OverBudget] = []

    def work() -> list[str]:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                sum(range(10_000))
            except OverBudget as exc:
                if lost:
                    raise
                lost.append(exc)  # the first one is lost, as in a finalizer
        return ["read in full"]

    (result,) = guarded("slow.md", work, seconds=0.2)
    assert len(lost) == 1
    assert isinstance(result, Skipped) and result.reason == "took longer than 0.2s (limits.file_seconds)"


def test_a_file_over_its_time_budget_is_skipped_and_the_rest_collected(tmp_path):
    folder = tmp_path / "in"
    write_good(folder, REPORTS[:2])
    # Varied text, long enough that no machine cleans it within the budget below (it takes seconds).
    rng = random.Random(7)
    words = "推进县域经济高质量发展加快建设典型镇察看产业园区项目了解企业生产经营情况强调要坚持制造业当家"
    paragraphs = ["".join(rng.choice(words) + ("。" if i % 40 == 39 else "") for i in range(2000)) for _ in range(60)]
    (folder / "slow.md").write_text("# 很长\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    config = write_config(tmp_path, [{"name": "t", "kind": "folder", "path": str(folder)}],
                          limits={"file_seconds": 0.5, "text_chars": 1_000_000})
    clean(RawDocument(origin="warm", source="t", title="预热", url="", published=None, body=LEAD, fmt="text"))
    with Store(config.store) as store:
        collection = collect_into(store, config.sources, tz=config.tz, http=config.http, limits=config.limits)
    (run,) = collection.runs
    assert (run.new, run.error) == (2, None)
    assert [(s.path_or_url, s.reason) for s in collection.skipped] == [
        ("t/slow.md", "cannot be cleaned: took longer than 0.5s (limits.file_seconds)")]


def test_jsonl_lines_past_twenty_skipped_are_counted_in_one_line(tmp_path):
    lines = [json.dumps({"title": "好", "content": LEAD}, ensure_ascii=False)] + ["{}"] * 30 + ["[1]"] * 5
    (tmp_path / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    documents, skipped = collect_folder(tmp_path, source="t", tz=TZ)
    assert len(documents) == 1 and len(skipped) == 21
    assert [(s.path_or_url, s.reason) for s in skipped[-2:]] == [
        ("t/batch.jsonl#21", "entry has no title"),
        ("t/batch.jsonl", "15 more lines skipped (mostly: entry has no title)"),
    ]


def test_limit_and_network_settings_are_checked_with_key_path_and_line(tmp_path, caplog):
    path = tmp_path / "digest.yaml"
    path.write_text("sections: [{title: a, keywords: [b]}]\nlimits:\n  file_bytes: 10\n  json_depth: deep\n"
                    "http:\n  allow_private: yes please\n  deadline: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert error.value.problems == [
        "Config value 'http.deadline' (line 7): expected a number >= 0.01, got int 0",
        "Config value 'http.allow_private' (line 6): expected true or false, got str 'yes please'",
        "Config value 'limits.file_bytes' (line 3): expected a whole number >= 1024, got int 10",
        "Config value 'limits.json_depth' (line 4): expected a whole number >= 2, got str 'deep'",
    ]
    path.write_text("sections: [{title: a, keywords: [b]}]\nlimits:\n  typo: 1\n  file_seconds: 2.5\n"
                    "sources: [{name: s, kind: folder, path: x, allow_private: true}]\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        config = load_config(path)
    assert config.limits == LimitSettings(file_seconds=2.5)
    assert "Config value 'limits.typo' (line 3): unknown key, ignored" in caplog.messages
    assert "Config value 'sources[0].allow_private' (line 5): not used by kind 'folder', ignored" in caplog.messages


def test_the_build_exits_0_with_skipped_files_and_1_when_a_source_failed_writing_the_issue_either_way(
        tmp_path, capsys):
    folder = tmp_path / "in"
    write_good(folder, REPORTS[:3])
    (folder / "bad.md").write_text("---\ntitle: [\n---\n正文", encoding="utf-8")
    config = write_config(tmp_path, [{"name": "好", "kind": "folder", "path": str(folder)}])
    args = ["build", "--config", str(config.path), "--week", "2025-W46", "--format", "json"]
    assert main(args) == 0
    assert "skipped: 好/bad.md: front matter is not valid YAML at line 2" in capsys.readouterr().err.splitlines()
    config = write_config(tmp_path, [{"name": "好", "kind": "folder", "path": str(folder)},
                                     {"name": "没了", "kind": "folder", "path": str(tmp_path / "gone")}])
    (tmp_path / "out" / "2025-W46" / "digest.json").unlink()
    assert main(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == ("error: 1 of 2 sources failed (没了); the issue was written from the other sources and "
                       "earlier collections")
    data = json.loads((tmp_path / "out" / "2025-W46" / "digest.json").read_text(encoding="utf-8"))
    assert data["stats"]["sources_failed"] == ["没了"] and len([i for s in data["sections"] for i in s["items"]]) == 3


def test_inspect_of_an_impossible_date_prints_one_line_and_no_traceback(tmp_path, capsys):
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: 日期\ndate: 9999-99-99\n---\n\n{LEAD}\n", encoding="utf-8")
    assert main(["inspect", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["published"] is None
    assert main(["inspect", str(path), "--date", "9999-12-31"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {path}: cannot be understood: OverflowError: date value out of range"]


_KEYS = st.sampled_from(["title", "date", "url", "source", "yes", "null", "on", "tags", "a-b", "x_1"])
# Fragments of values, with what YAML reads otherwise: comments, keys, numbers, dates, flags, escapes.
_FRAGMENTS = ["广州", "市委书记", "调研", " ", "abc", " #", "#", ": ", ":", "-", "- ", "'", '"', "''", "\\", "\t",
              "12", "0x1F", "1e3", ".5", "2025-11-10", "2025-11-10T09:30:00+08:00", "yes", "No", "on", "~", "null",
              "true", "[a]", "{b}", "!", "&x", "*x", "|", ">", "%", "@", "`", "?", ",", "https://a.cn/x?y=1#z"]
_PLAIN = st.lists(st.sampled_from(_FRAGMENTS), max_size=4).map("".join)


@st.composite
def _front_matter(draw: st.DrawFn) -> str:
    lines = []
    for key in draw(st.lists(_KEYS, min_size=1, max_size=3, unique=True)):
        value = draw(_PLAIN)
        form = draw(st.sampled_from(["plain", "single", "double"]))
        if form == "single":
            value = "'" + value.replace("'", "''") + "'"
        elif form == "double":
            value = '"' + value + '"'
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


@settings(max_examples=1000, deadline=None)
@given(_front_matter())
def test_front_matter_of_plain_lines_reads_as_the_yaml_parser_reads_it(text):
    limits = LimitSettings()
    try:
        parsed = yaml.load(text, Loader=_FrontMatterLoader)
    except yaml.YAMLError:
        parsed = yaml.YAMLError
    simple = _simple_mapping(text)
    if simple is not None:
        assert simple == parsed
    if parsed is yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            load_front_matter(text, limits=limits)
    else:
        assert load_front_matter(text, limits=limits) == parsed


def test_the_usual_front_matter_is_read_without_the_yaml_parser():
    text = ("title: 市委书记到企业调研\ndate: '2025-11-12T09:30:00+08:00'\nurl: https://example.cn/a?b=1#c\n"
            "source: 某日报")
    assert _simple_mapping(text) == yaml.safe_load(text)
