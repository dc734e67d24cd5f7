"""Fatal errors as a user meets them: one line on stderr, no traceback, the documented exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE

EXE = Path(sys.executable).with_name("weeklydigest")
NOW = "2025-11-17T08:00:00+08:00"  # the Monday after the sample week


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "WEEKLYDIGEST_NOW": NOW})


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize("command", ["status", "build"])
def test_a_damaged_store_is_one_line_saying_what_to_do(desk, command):
    (desk / "output").mkdir()
    (desk / "output" / "store.sqlite").write_bytes(b"this is not an SQLite database at all" * 20)
    result = run(command, cwd=desk)
    assert result.returncode == 1
    assert _one_line(result) == ("error: store output/store.sqlite: file is not a database: the file is damaged or "
                                 "not a store; move it aside and run 'weeklydigest collect' to start a new one")


def test_out_pointing_at_a_file_is_a_usage_error(desk):
    (desk / "issues").write_text("", encoding="utf-8")
    result = run("build", "--week", "2025-W46", "--out", "issues", cwd=desk)
    assert result.returncode == 2
    assert _one_line(result) == "error: --out issues is a file, not a folder: name a folder for the issues"


@pytest.mark.parametrize(("args", "message"), [
    (["--week", "9999-W52"], "error: invalid week '9999-W52': the year must be between 1900 and 2999"),
    (["--date", "9999-12-31"], "error: invalid week '9999-W52': the year must be between 1900 and 2999"),
])
def test_a_week_beyond_the_calendar_is_a_usage_error(desk, args, message):
    result = run("build", *args, cwd=desk)
    assert result.returncode == 2
    assert _one_line(result) == message
    assert not (desk / "output").exists()


def test_an_impossible_roster_date_is_a_config_error(desk):
    roster = desk / "officials.yaml"
    roster.write_text("- {city: 广州, title: 市长, name: 孙志洋, from: 2025-13-01}\n", encoding="utf-8")
    config = desk / "config" / "digest.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(str(ROOT / "config" / "officials.yaml"),
                                                                 str(roster)), encoding="utf-8")
    result = run("build", "--week", "2025-W46", "--format", "json", cwd=desk)
    assert result.returncode == 2
    assert _one_line(result) == (f"error: Roster file '{roster}': cannot be read: impossible date '2025-13-01' "
                                 "(month must be in 1..12)")


def test_an_impossible_date_in_the_config_names_its_line(desk):
    config = desk / "config" / "digest.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "first_issue: 2025-13-01\n", encoding="utf-8")
    result = run("status", cwd=desk)
    assert result.returncode == 2
    line = _one_line(result)
    assert line.startswith("error: Config file 'config/digest.yaml' (line ")
    assert line.endswith("): invalid YAML: impossible date '2025-13-01' (month must be in 1..12)")


def test_inspect_of_a_file_with_an_impossible_date_reads_it_undated(desk):
    article = desk / "bad.md"
    article.write_text("---\ntitle: 林志远调研\ndate: 9999-99-99\n---\n11月12日，林志远到白云区调研。\n",
                       encoding="utf-8")
    result = run("inspect", "bad.md", cwd=desk)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "published: -" in result.stdout


def test_status_into_a_closed_pipe_stops_quietly(desk):
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written, as `| head -n 1` is after its line
    try:
        result = subprocess.run([str(EXE), "status"], cwd=desk, stdout=write, stderr=subprocess.PIPE, text=True,
                                timeout=60, env={**os.environ, "WEEKLYDIGEST_NOW": NOW})
    finally:
        os.close(write)
    assert result.returncode == 141
    assert result.stderr == ""


def test_status_json_is_one_object_with_runs_and_store(desk):
    assert run("build", "--week", "2025-W46", "--format", "json", cwd=desk).returncode == 0
    result = run("status", "--json", cwd=desk)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["next_runs"] == []
    (build,) = status["runs"]
    assert (build["kind"], build["issue"], build["outcome"]) == ("build", "2025-W46", "ok")
    assert status["store"]["articles"] > 40
    assert [s["name"] for s in status["store"]["sources"]] == ["样例周"]


def test_quiet_prints_nothing_on_success_and_the_error_on_failure(desk):
    result = run("-q", "build", "--week", "2025-W46", "--format", "json", cwd=desk)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    result = run("-q", "build", "--week", "2025-W46", "--out", "output/2025-W46/digest.json", cwd=desk)
    assert result.returncode == 2
    assert result.stdout == ""
    assert _one_line(result).startswith("error: --out ")


# --- an empty week is not an issue ---------------------------------------------------------------------------

def test_plain_build_of_a_week_without_articles_writes_nothing_and_says_why(desk):
    result = subprocess.run([str(EXE), "build"], cwd=desk, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "WEEKLYDIGEST_NOW": "2025-12-01T08:00:00+08:00"})
    assert result.returncode == 3
    assert result.stdout == ""
    assert _one_line(result) == (
        f"error: 2025-W48 (2025-11-24 – 2025-11-30) has no article in 样例周 (folder {SAMPLE}), the store "
        "output/store.sqlite: no issue written; collect the week's reports first, or build another week with --week")
    assert sorted(p.name for p in (desk / "output").iterdir() if p.name != ".locks") == ["store.sqlite"]
    status = json.loads(run("status", "--json", cwd=desk).stdout)
    assert [(r["issue"], r["outcome"]) for r in status["runs"]] == [("2025-W48", "skipped")]


def test_an_empty_week_does_not_take_an_issue_number(desk):
    env = {"WEEKLYDIGEST_NOW": "2025-12-01T08:00:00+08:00"}
    assert subprocess.run([str(EXE), "build"], cwd=desk, capture_output=True, timeout=300,
                          env={**os.environ, **env}).returncode == 3
    assert run("build", "--week", "2025-W46", "--format", "html,json", cwd=desk).returncode == 0
    index = (desk / "output" / "index.html").read_text(encoding="utf-8")
    assert "2025-W48" not in index
    assert "第1期" in (desk / "output" / "2025-W46" / "digest.html").read_text(encoding="utf-8")


def test_the_daemons_catch_up_skips_an_empty_week_the_same_way(tmp_path):
    from .test_schedule import runs, start_daemon, stop, wait_for, write_config

    config = write_config(tmp_path, build={"day_of_week": "sun", "hour": 3})
    daemon = start_daemon(config, now="2025-12-08T09:00:00+08:00")  # 2025-W49 ended; no report of it
    try:
        wait_for(lambda: any(r["outcome"] == "skipped" for r in runs(tmp_path)))
    finally:
        code, _, err = stop(daemon)
    assert code == 0, err
    (catch_up,) = [r for r in runs(tmp_path) if r["kind"] == "build"]
    assert (catch_up["issue"], catch_up["trigger"], catch_up["outcome"]) == ("2025-W49", "catch-up", "skipped")
    assert catch_up["error"].startswith("2025-W49 (2025-12-01 – 2025-12-07) has no article in 样例周")
    assert not (tmp_path / "out" / "2025-W49").exists()
    assert not (tmp_path / "out" / "index.html").exists()


# --- published outputs carry no local paths --------------------------------------------------------------------

def test_published_outputs_name_files_by_source_never_by_local_path(desk):
    result = run("build", "--week", "2025-W46", "--format", "html,md,json", cwd=desk)
    assert result.returncode == 0, result.stderr
    assert "skipped: 样例周/empty.md: empty file" in result.stderr
    outputs = [p for p in (desk / "output").rglob("*") if p.is_file() and p.suffix in (".json", ".md", ".html",
                                                                                          ".atom")]
    assert len(outputs) >= 5
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        for local in (str(ROOT), str(desk), str(SAMPLE.relative_to(ROOT))):
            assert local not in text, f"{path.name} publishes {local}"
    digest = json.loads((desk / "output" / "2025-W46" / "digest.json").read_text(encoding="utf-8"))
    sources = [s for section in digest["sections"] for item in section["items"] for s in item["sources"]]
    assert sources and all(s["origin"].startswith("样例周/") for s in sources)
    assert {"path_or_url": "样例周/empty.md", "reason": "empty file"} in digest["skipped"]
