"""The console script as a user runs it: exit codes, one-line errors, the contract's outputs."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE

EXE = Path(sys.executable).with_name("weeklydigest")


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_build_with_source_writes_the_four_outputs_and_lists_skipped_files(tmp_path):
    result = run("build", "--week", "2025-W46", "--source", str(SAMPLE), "--out", str(tmp_path),
                 "--format", "html,md,json")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "2025-W46"
    assert sorted(p.name for p in folder.iterdir()) == ["digest.html", "digest.json", "digest.md"]
    assert f"html: {folder / 'digest.html'}" in result.stdout
    assert "skipped: sample-week/empty.md: empty file" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert not list(folder.glob(".*.tmp")), "no temporary files left behind"


def test_build_by_date_picks_the_week_containing_it(tmp_path):
    result = run("build", "--date", "2025-11-12", "--source", str(SAMPLE), "--out", str(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "2025-W46" / "digest.json").read_text(encoding="utf-8"))["issue"] == "2025-W46"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--week", "2025-46"], "error: invalid week '2025-46': expected the form 2025-W46\n"),
        (["build", "--week", "2025-W46", "--format", "docx"],
         "error: unknown format docx: expected some of html,pdf,md,json\n"),
        (["build", "--config", "nope.yaml"], "error: Config file 'nope.yaml' not found\n"),
        (["inspect", "nope.md"], "error: nope.md: no such file\n"),
    ],
)
def test_fatal_errors_are_one_line_and_non_zero(args, message):
    result = run(*args)
    assert result.returncode != 0
    assert result.stderr == message


def test_config_errors_list_every_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("week_starts: someday\nsections: 百千万工程\n", encoding="utf-8")
    result = run("build", "--config", str(bad))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: Config value 'week_starts' (line 1): expected one of monday, tuesday, wednesday, thursday, friday, "
        "saturday, sunday, got 'someday'",
        "error: Config value 'sections' (line 2): expected a non-empty list of sections, got str '百千万工程'",
    ]


def test_a_broken_and_a_binary_file_do_not_stop_the_run(tmp_path):
    source = tmp_path / "in"
    shutil.copytree(SAMPLE, source, ignore=shutil.ignore_patterns("*.html", "*.jsonl"))
    (source / "garbage.md").write_bytes(bytes(range(256)) * 4)
    result = run("build", "--week", "2025-W46", "--source", str(source), "--out", str(tmp_path / "out"),
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    skipped = json.loads((tmp_path / "out" / "2025-W46" / "digest.json").read_text(encoding="utf-8"))["skipped"]
    reasons = {Path(s["path_or_url"]).name: s["reason"] for s in skipped}
    assert reasons["garbage.md"] == "binary file (NUL bytes), not text"


def test_inspect_json_has_the_contract_keys():
    result = run("inspect", str(SAMPLE / "zj-xuanjiang-1113.html"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"title", "text", "removed", "dates", "cities", "officials", "sections"} <= set(data)
    assert data["title"]
    assert "\n" in data["text"]
    assert {"text", "reason"} <= set(data["removed"][0])
    assert data["dates"][0]["start"] == "2025-11-13"
    assert {"name": "余钢", "title": "市委书记", "city": "湛江"} in [
        {k: o[k] for k in ("name", "title", "city")} for o in data["officials"]]
    best = max(data["sections"], key=lambda s: s["score"])
    assert best["title"] == "宣讲党的二十届四中全会精神"
    assert best["why"]


def test_inspect_text_output_is_readable():
    result = run("inspect", str(SAMPLE / "gz-cyh-1113-hant.md"))
    assert result.returncode == 0, result.stderr
    assert "officials: 市委书记 郭永航 (广州)" in result.stdout
    assert "→ 十五运会和残特奥会" in result.stdout


def test_doctor_reports_fonts_and_subsetting():
    result = run("doctor")
    assert "[ok] CJK fonts: Noto Serif CJK SC, Noto Sans CJK SC" in result.stdout
    assert "[ok] HarfBuzz subsetting (libharfbuzz-subset0)" in result.stdout
    assert result.returncode == 0, result.stdout


def test_doctor_names_a_broken_config(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sections: []\n", encoding="utf-8")
    result = run("doctor", "--config", str(bad))
    assert result.returncode == 1
    assert "[MISSING] config — Config value 'sections' (line 1): expected a non-empty list of sections, got list []" \
        in result.stdout
