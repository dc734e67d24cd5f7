"""`weeklydigest collect`, `status` and `build` with the store; crash safety; source config validation."""

from __future__ import annotations

import json
import logging
import os
import pty
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from weeklydigest.cli import main
from weeklydigest.config import load_config
from weeklydigest.errors import ConfigError
from weeklydigest.model import CITIES

from .content import REPORTS, Report, page, rss2, write_config
from .servers import Reply, Site

pytest_plugins = ("tests.http_fixture",)

CLI = [sys.executable, "-c", "import sys; from weeklydigest.cli import main; sys.exit(main())"]


def write_reports(folder: Path, reports: list[Report]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for r in reports:
        front = f"---\ntitle: {r.title}\ndate: {r.published.isoformat()}\nsource: 南粤时政网\n---\n\n"
        (folder / f"{r.slug}.md").write_text(front + "\n\n".join(r.paragraphs) + "\n", encoding="utf-8")
    return folder


def cities(digest_json: Path) -> set[str]:
    data = json.loads(digest_json.read_text(encoding="utf-8"))
    return {item["city"] for section in data["sections"] for item in section["items"]}


def count(store: Path) -> int:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
        try:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:  # the store is being created
            return 0


def keys(store: Path) -> set[str]:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
        return {key for (key,) in db.execute("SELECT key FROM articles")}


def test_collect_fills_the_store_and_status_shows_every_sources_health(tmp_path, site, capsys):
    folder = write_reports(tmp_path / "reports", list(REPORTS[:3]))
    (folder / "broken.md").write_text("---\ntitle: a: b\n---\n正文", encoding="utf-8")
    config = write_config(tmp_path, [
        {"name": "文件夹", "kind": "folder", "path": str(folder)},
        {"name": "失效订阅", "kind": "feed", "url": site.url("/gone.xml")},
    ])
    # A source that failed as a whole makes the run fail, after the others are collected.
    assert main(["collect", "--config", str(config.path)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "文件夹: 4 seen, 3 new, 0 updated, 1 skipped",
        "失效订阅: 0 seen, 0 new, 0 updated, 1 skipped; failed: HTTP 404 Not Found",
        f"store {config.store}: 3 articles, 3 versions",
    ]
    assert "skipped: 文件夹/broken.md: front matter is not valid YAML at line 2" in err.splitlines()
    assert err.splitlines()[-1] == "error: 1 of 2 sources failed (失效订阅); the others were collected"
    assert main(["status", "--config", str(config.path)]) == 0
    out, _ = capsys.readouterr()
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.strip().startswith(("文件夹", "失效"))}
    assert rows["文件夹"][1] == "folder" and rows["文件夹"][-5:] == ["4", "3", "0", "1", "3"]
    assert rows["失效订阅"][1:3] == ["feed", "never"] and "HTTP 404 Not Found" in out


def test_status_names_stores_not_yet_made_and_sources_that_never_ran(tmp_path, capsys):
    folder = write_reports(tmp_path / "reports", list(REPORTS[:1]))
    config = write_config(tmp_path, [{"name": "文件夹", "kind": "folder", "path": str(folder)}])
    assert main(["status", "--config", str(config.path)]) == 0
    assert f"store {config.store} does not exist yet: run 'weeklydigest collect' first" in capsys.readouterr().out
    assert main(["collect", "--config", str(config.path)]) == 0
    config = write_config(tmp_path, [{"name": "文件夹", "kind": "folder", "path": str(folder)},
                                     {"name": "新订阅", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml"}])
    capsys.readouterr()
    assert main(["status", "--config", str(config.path)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["新订阅", "feed", "never", "run"] in rows


def test_collect_exits_non_zero_with_one_line_when_every_source_fails(tmp_path, capsys):
    config = write_config(tmp_path, [{"name": "无", "kind": "folder", "path": str(tmp_path / "nope")}])
    assert main(["collect", "--config", str(config.path)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "error: every source failed; see above"


def test_build_digests_the_articles_of_earlier_collections(tmp_path, capsys):
    folder = write_reports(tmp_path / "reports", list(REPORTS[:4]))
    config = write_config(tmp_path, [{"name": "文件夹", "kind": "folder", "path": str(folder)}])
    assert main(["collect", "--config", str(config.path)]) == 0
    shutil.rmtree(folder)  # the source no longer holds them: the store does
    write_reports(folder, list(REPORTS[4:6]))
    out_dir = tmp_path / "out"
    assert main(["build", "--config", str(config.path), "--week", "2025-W46", "--format", "json",
                 "--out", str(out_dir)]) == 0
    assert cities(out_dir / "2025-W46" / "digest.json") == {"广州", "深圳", "珠海", "汕头", "佛山", "韶关"}


def test_build_with_source_paths_digests_only_those_folders_and_leaves_the_store_alone(tmp_path, capsys):
    config = write_config(tmp_path, [{"name": "文件夹", "kind": "folder", "path": str(tmp_path / "a")}])
    write_reports(tmp_path / "a", list(REPORTS[:4]))
    assert main(["collect", "--config", str(config.path)]) == 0
    only = write_reports(tmp_path / "b", list(REPORTS[6:8]))
    assert main(["build", "--config", str(config.path), "--week", "2025-W46", "--format", "json",
                 "--source", str(only), "--out", str(tmp_path / "out")]) == 0
    assert cities(tmp_path / "out" / "2025-W46" / "digest.json") == {"河源", "梅州"}
    assert count(config.store) == 4  # a one-off build leaves the store as it was


def test_collect_with_source_paths_collects_only_those(tmp_path, capsys):
    config = write_config(tmp_path, [{"name": "文件夹", "kind": "folder", "path": str(tmp_path / "a")}])
    write_reports(tmp_path / "a", list(REPORTS[:4]))
    extra = write_reports(tmp_path / "b", list(REPORTS[4:5]))
    assert main(["collect", "--config", str(config.path), "--source", str(extra)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "b: 1 seen, 1 new, 0 updated, 0 skipped"
    assert count(config.store) == 1


def test_progress_is_drawn_on_a_terminal_and_quiet_otherwise(tmp_path):
    folder = write_reports(tmp_path / "reports", list(REPORTS))
    config = write_config(tmp_path, [{"name": "样例文件夹", "kind": "folder", "path": str(folder)}])
    quiet = subprocess.run([*CLI, "collect", "--config", str(config.path)], capture_output=True, text=True,
                           check=True)
    assert quiet.stderr == ""
    primary, secondary = pty.openpty()
    process = subprocess.Popen([*CLI, "collect", "--config", str(config.path)], stdout=subprocess.DEVNULL,
                               stderr=secondary, env={**os.environ, "TERM": "xterm", "COLUMNS": "100"})
    os.close(secondary)
    drawn = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    os.close(primary)
    assert process.wait(timeout=60) == 0
    screen = drawn.decode("utf-8", "replace")
    assert "样例文件夹" in screen and f"{len(REPORTS)}/{len(REPORTS)}" in screen


def _slow_feed(site: Site, reports: list[Report], *, delay: float) -> None:
    site.serve("/feed.xml", rss2(reports, site=site.url(""), mode="summary"), content_type="application/rss+xml",
               headers={"ETag": '"whole"'})
    for r in reports:
        site.sequence(f"/{r.slug}.html", [Reply(page(r).encode(), delay=delay)])


def _kill_when(process: subprocess.Popen[bytes], store: Path, *, at_least: int,
               sig: signal.Signals = signal.SIGKILL, group: bool = False) -> set[str]:
    """Send `sig` to the process (or its whole group) once the store holds `at_least` articles.

    Return the keys the store held just before.
    """
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if store.exists() and count(store) >= at_least:
            before = keys(store)
            os.killpg(process.pid, sig) if group else process.send_signal(sig)
            process.wait(timeout=10)
            return before
        time.sleep(0.02)
    raise AssertionError(f"the collection ended or stalled before {at_least} articles were stored")


def _many_reports(n: int) -> list[Report]:
    base = REPORTS[0]
    return [replace(base, slug=f"r{i:04d}", city=CITIES[i % len(CITIES)], title=f"{CITIES[i % len(CITIES)]}要闻第{i}号",
                    paragraphs=(f"11月1{i % 7}日，{CITIES[i % len(CITIES)]}召开第{i}次工作推进会，部署重点项目{i}号。",
                                f"会议强调，要抓好第{i}批项目落地见效。"))
            for i in range(n)]


def test_sigkill_mid_feed_collection_leaves_the_store_intact_and_a_rerun_completes(tmp_path, site):
    reports = _many_reports(30)
    _slow_feed(site, reports, delay=0.15)
    config = write_config(tmp_path, [{"name": "慢源", "kind": "feed", "url": site.url("/feed.xml"),
                                      "fetch_pages": True}], http={"timeout": 5, "retries": 0, "allow_private": True})
    process = subprocess.Popen([*CLI, "collect", "--config", str(config.path)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    before = _kill_when(process, config.store, at_least=5)
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(config.store) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert before <= keys(config.store) and len(before) < 30
    _slow_feed(site, reports, delay=0)
    rerun = subprocess.run([*CLI, "collect", "--config", str(config.path)], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert count(config.store) == 30
    # The killed run never saved the feed's validators, so the rerun read the whole feed again.
    assert "if-none-match" not in site.hits("/feed.xml")[-1]


def test_sigkill_mid_folder_collection_leaves_the_store_intact_and_a_rerun_completes(tmp_path):
    folder = write_reports(tmp_path / "many", _many_reports(1500))
    config = write_config(tmp_path, [{"name": "大文件夹", "kind": "folder", "path": str(folder)}])
    process = subprocess.Popen([*CLI, "collect", "--config", str(config.path)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    before = _kill_when(process, config.store, at_least=100)
    with sqlite3.connect(config.store) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT count(*) FROM articles a LEFT JOIN versions v ON v.key = a.key "
                          "AND v.version = a.version WHERE v.key IS NULL").fetchone() == (0,)
    assert before <= keys(config.store)
    rerun = subprocess.run([*CLI, "collect", "--config", str(config.path)], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert count(config.store) == 1500


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_a_stopped_collection_stops_its_workers_and_exits_with_one_line(tmp_path, how):
    """SIGTERM to the command (a scheduler's stop), or Ctrl-C: SIGINT to the terminal's whole process group."""
    folder = write_reports(tmp_path / "many", _many_reports(1500))
    config = write_config(tmp_path, [{"name": "大文件夹", "kind": "folder", "path": str(folder)}])
    # As a terminal runs it: Ctrl-C raises KeyboardInterrupt (a process started in the background ignores it).
    command = [sys.executable, "-c", "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
               "from weeklydigest.cli import main; sys.exit(main())"]
    process = subprocess.Popen([*command, "-v", "collect", "--config", str(config.path)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    if how == "sigterm":
        _kill_when(process, config.store, at_least=300, sig=signal.SIGTERM)  # the workers are analysing by then
    else:
        _kill_when(process, config.store, at_least=300, sig=signal.SIGINT, group=True)
    log = process.stderr.read()
    assert "worker processes" in log
    assert process.returncode == 130 and log.strip().splitlines()[-1] == "error: interrupted"
    assert "Traceback" not in log and "KeyboardInterrupt" not in log and "PoolWorker" not in log
    left = [p for p in Path("/proc").iterdir() if p.name.isdigit() and str(config.path).encode() in _cmdline(p)]
    assert left == []
    rerun = subprocess.run([*CLI, "collect", "--config", str(config.path)], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert count(config.store) == 1500


def _cmdline(process: Path) -> bytes:
    try:
        return (process / "cmdline").read_bytes()
    except OSError:  # ended meanwhile
        return b""


# --- configuration of sources ------------------------------------------------------------------

def _problems(tmp_path: Path, sources: str, extra: str = "") -> list[str]:
    path = tmp_path / "digest.yaml"
    path.write_text(f"{extra}sources:\n{sources}sections:\n  - {{title: 要闻, keywords: [调研]}}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.problems


def test_feed_and_web_source_keys_are_checked_with_key_path_and_line(tmp_path):
    assert _problems(tmp_path, (
        "  - {name: a, kind: feed}\n"
        "  - {name: b, kind: feed, url: 'ftp://x', fetch_pages: 'yes'}\n"
        "  - {name: c, kind: web}\n"
        "  - {name: d, kind: web, urls: ['http://x/1.html', 'x/2.html']}\n"
        "  - {name: e, kind: web, listing: 'http://x/list.html'}\n"
        "  - {name: f, kind: web, listing: 'http://x/list.html', link_pattern: '(post'}\n"
        "  - {name: a, kind: folder, path: x}\n"
    )) == [
        "Config value 'sources[0].url': required, expected a string",
        "Config value 'sources[1].url' (line 3): expected an http(s) URL, got 'ftp://x'",
        "Config value 'sources[1].fetch_pages' (line 3): expected true, false or auto, got str 'yes'",
        "Config value 'sources[2].urls': required (or 'listing' with 'link_pattern'), expected a list of URLs",
        "Config value 'sources[3].urls[1]' (line 5): expected an http(s) URL, got 'x/2.html'",
        "Config value 'sources[4].link_pattern': required, expected a string",
        "Config value 'sources[5].link_pattern' (line 7): invalid regular expression '(post': "
        "missing ), unterminated subpattern at position 0",
        "Config value 'sources[6].name' (line 8): duplicate source name 'a'",
    ]


def test_http_settings_are_checked(tmp_path):
    assert _problems(tmp_path, "  - {name: a, kind: folder, path: x}\n",
                     "http: {timeout: -1, retries: 1.5, max_bytes: 10, flavour: x}\n") == [
        "Config value 'http.timeout' (line 1): expected a number >= 0.01, got int -1",
        "Config value 'http.retries' (line 1): expected a whole number >= 0, got float 1.5",
        "Config value 'http.max_bytes' (line 1): expected a whole number >= 1024, got int 10",
    ]


def test_a_key_of_another_source_kind_is_a_warning(tmp_path, caplog):
    path = tmp_path / "digest.yaml"
    path.write_text("sources:\n  - {name: a, kind: folder, path: x, fetch_pages: true, colour: red}\n"
                    "sections:\n  - {title: 要闻, keywords: [调研]}\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        config = load_config(path)
    assert list(config.warnings) == [
        "Config value 'sources[0].colour' (line 2): unknown key, ignored",
        "Config value 'sources[0].fetch_pages' (line 2): not used by kind 'folder', ignored",
    ]
