"""A week analysed once per article version, files not read twice, items and the PDF bounded by the week's items."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from weeklydigest.analysed import stored_analysis
from weeklydigest.build import build_issue, understand
from weeklydigest.collect import collect
from weeklydigest.config import SourceConfig
from weeklydigest.model import SourceRef
from weeklydigest.render.html import render_html
from weeklydigest.render.pdf import render_pdf
from weeklydigest.store import Store
from weeklydigest.understand.analysis import (
    PACKAGE,
    Analyser,
    _imports,
    _module_file,
    article_bytes,
    article_from_bytes,
    article_words,
    code_fingerprint,
    digest_of,
    model_fields,
)
from weeklydigest.understand.candidates import sketch
from weeklydigest.understand.extract import extract
from weeklydigest.understand.siblings import sibling_pairs
from weeklydigest.week import parse_week

from .content import REPORTS, TZ, WEEK, Report, write_config
from .render_fixtures import poppler, saved_digest

EXE = Path(sys.executable).with_name("weeklydigest")
OLD = time.time() - 86400  # file times a day back: not "just written", so size and time are trusted
PASTED = "奇幻果汁"  # a word pasted into one report, which only a spam_words entry removes


def markdown(report: Report, *, extra: str = "") -> str:
    front = yaml.safe_dump({"title": report.title, "date": report.published.isoformat()}, allow_unicode=True)
    return f"---\n{front}---\n\n" + "\n\n".join(report.paragraphs) + extra + "\n"


def write_week(folder: Path, reports: tuple[Report, ...] = REPORTS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for report in reports:
        extra = f"\n\n会上还通报了{PASTED}等情况。" if report.slug == "sz-1111" else ""
        path = folder / f"{report.slug}.md"
        path.write_text(markdown(report, extra=extra), encoding="utf-8")
        os.utime(path, (OLD, OLD))


def setup(tmp_path: Path, **extra: object) -> Path:
    write_week(tmp_path / "week")
    write_config(tmp_path, [{"name": "本周", "kind": "folder", "path": str(tmp_path / "week")}], **extra)
    return tmp_path / "digest.yaml"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def build(config: Path) -> str:
    """Build the week with -v; return what it logged."""
    return run("-v", "build", "--config", str(config), "--week", WEEK, "--format", "json", cwd=config.parent).stderr


def derived_rows(store: Path) -> list[tuple[object, ...]]:
    """Every result the store keeps with the versions it holds."""
    with sqlite3.connect(store) as db:
        return db.execute("SELECT key, version, stage, fingerprint, data FROM derived ORDER BY 1, 2, 3").fetchall()


def analysed_now(log: str) -> int:
    return int(re.search(r"(\d+) candidates: (\d+) analysed now", log).group(2))


def collected(log: str) -> tuple[int, int]:
    """Return how many new articles and new versions of known ones the collection analysed."""
    match = re.search(r"(\d+) seen, (\d+) new, (\d+) updated", log)
    return int(match.group(2)), int(match.group(3))


def files_read(log: str) -> tuple[int, int]:
    match = re.search(r"(\d+) files read, (\d+) unchanged and not read again", log)
    return int(match.group(1)), int(match.group(2))


def digest_text(tmp_path: Path) -> str:
    data = json.loads((tmp_path / "out" / WEEK / "digest.json").read_text(encoding="utf-8"))
    return "\n".join(item["summary"] for section in data["sections"] for item in section["items"])


def analysis_fingerprints(tmp_path: Path) -> dict[str, str]:
    with sqlite3.connect(tmp_path / "store.sqlite") as db:
        return dict(db.execute("SELECT key, fingerprint FROM derived WHERE stage = 'article'").fetchall())


# --- analysis once per article version ---------------------------------------------------------------


def test_a_build_after_collect_reads_no_file_and_analyses_nothing_again(tmp_path):
    config = setup(tmp_path)
    collected = run("-v", "collect", "--config", str(config), cwd=tmp_path).stderr
    assert files_read(collected) == (len(REPORTS), 0)
    log = build(config)
    assert files_read(log) == (0, len(REPORTS))
    assert analysed_now(log) == 0
    assert "林志远" in digest_text(tmp_path)


def computed_now(log: str) -> dict[str, int]:
    """Return how many phrases, meetings and scores the build computed (not kept with the analysis)."""
    line = re.search(r"computed now \(not kept with the analysis\): (.*)", log).group(1)
    return {stage: int(count) for count, stage in (part.split() for part in line.split(", "))}


def derived_stages(tmp_path: Path) -> dict[str, int]:
    with sqlite3.connect(tmp_path / "store.sqlite") as db:
        return dict(db.execute("SELECT stage, count(*) FROM derived GROUP BY stage").fetchall())


def test_collect_keeps_each_versions_phrases_scores_and_meetings_so_a_build_computes_none(tmp_path):
    config = setup(tmp_path)
    run("collect", "--config", str(config), cwd=tmp_path)
    stages = derived_stages(tmp_path)
    assert stages["phrases"] == stages["scores"] == len(REPORTS)
    assert 0 < stages["meetings"] <= len(REPORTS)  # a leader's report with a city names its meetings
    log = build(config)
    assert computed_now(log) == {"phrases": 0, "meetings": 0, "scores": 0}
    assert "林志远" in digest_text(tmp_path)
    # What the config decides is computed again when the config changes, by the build.
    write_config(tmp_path, [{"name": "本周", "kind": "folder", "path": str(tmp_path / "week")}],
                 sections=[{"title": "城市发展", "keywords": ["调研", "检查", "察看"]}])
    again = computed_now(build(config))
    assert again["scores"] > 0 and again["phrases"] > 0
    assert computed_now(build(config)) == {"phrases": 0, "meetings": 0, "scores": 0}


def test_a_late_article_is_the_only_one_read_and_analysed(tmp_path):
    config = setup(tmp_path)
    build(config)
    late = replace(REPORTS[0], slug="gz-late", day=date(2025, 11, 16), title="林志远调研老旧小区改造工作",
                   paragraphs=("11月16日，广州市委书记林志远到越秀区调研老旧小区改造，察看加装电梯和管网改造进度。",
                               "林志远要求，要加快推进老旧小区改造，切实解决群众急难愁盼问题。"))
    (tmp_path / "week" / "gz-late.md").write_text(markdown(late), encoding="utf-8")
    log = build(config)
    assert files_read(log) == (1, len(REPORTS))
    assert collected(log) == (1, 0) and analysed_now(log) == 0  # analysed once, as it was collected
    assert "老旧小区改造" in digest_text(tmp_path)


def test_a_postgresql_store_keeps_analyses_and_files_as_read_so_a_rebuild_reads_only_the_late_article(
        tmp_path, postgres_url):
    config = setup(tmp_path, store=postgres_url)
    collected_log = run("-v", "collect", "--config", str(config), cwd=tmp_path).stderr
    assert files_read(collected_log) == (len(REPORTS), 0)
    log = build(config)
    assert files_read(log) == (0, len(REPORTS)) and analysed_now(log) == 0
    late = replace(REPORTS[0], slug="gz-late", day=date(2025, 11, 16), title="林志远调研老旧小区改造工作",
                   paragraphs=("11月16日，广州市委书记林志远到越秀区调研老旧小区改造，察看加装电梯和管网改造进度。",))
    (tmp_path / "week" / "gz-late.md").write_text(markdown(late), encoding="utf-8")
    log = build(config)
    assert files_read(log) == (1, len(REPORTS))
    assert collected(log) == (1, 0) and analysed_now(log) == 0
    assert "老旧小区改造" in digest_text(tmp_path)
    assert not (tmp_path / "store.sqlite").exists()


def test_a_change_of_what_analysis_reads_re_analyses_and_a_change_of_sections_does_not(tmp_path):
    config = setup(tmp_path)
    build(config)
    before = analysis_fingerprints(tmp_path)
    assert len(before) == len(REPORTS)
    # Sections decide scores, not the analysis: nothing is analysed again.
    write_config(tmp_path, [{"name": "本周", "kind": "folder", "path": str(tmp_path / "week")}],
                 sections=[{"title": "城市发展", "keywords": ["调研", "检查", "察看"]}])
    assert analysed_now(build(config)) == 0
    assert analysis_fingerprints(tmp_path) == before
    inspected = json.loads(run("inspect", str(tmp_path / "week" / "sz-1111.md"), "--json", "--config", str(config),
                               cwd=tmp_path).stdout)
    assert PASTED in inspected["text"] and inspected["analysis"].startswith("from the store")
    # The spam words are read by the cleaner: every article is analysed again, with the new word removed.
    write_config(tmp_path, [{"name": "本周", "kind": "folder", "path": str(tmp_path / "week")}], spam_words=[PASTED])
    assert analysed_now(build(config)) == len(REPORTS)
    after = analysis_fingerprints(tmp_path)
    assert after.keys() == before.keys() and not set(after.values()) & set(before.values())
    inspected = json.loads(run("inspect", str(tmp_path / "week" / "sz-1111.md"), "--json", "--config", str(config),
                               cwd=tmp_path).stdout)
    assert PASTED not in inspected["text"] and inspected["analysis"].startswith("from the store")
    assert {"text": PASTED, "reason": "spam"}.items() <= next(r for r in inspected["removed"]
                                                             if r["text"] == PASTED).items()


def test_inspect_says_whether_the_analysis_came_from_the_store_and_why_not(tmp_path):
    config = setup(tmp_path)
    path = tmp_path / "week" / "gz-1110.md"

    def how(target: Path) -> str:
        inspected = run("inspect", str(target), "--json", "--config", str(config), cwd=tmp_path)
        return json.loads(inspected.stdout)["analysis"]

    assert how(path) == f"analysed now: the store {tmp_path / 'store.sqlite'} does not exist yet"
    run("collect", "--config", str(config), cwd=tmp_path)
    assert how(path) == "from the store: version 1, analysed once and kept"
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert how(elsewhere) == "analysed now: not in the store (collect it to keep its analysis)"
    path.write_text(markdown(REPORTS[0], extra="\n\n林志远还看望了社区工作者。"), encoding="utf-8")
    assert how(path) == "analysed now: the store holds another text of it (version 1)"
    text = run("inspect", str(elsewhere), "--config", str(config), cwd=tmp_path).stdout
    assert "analysis:  analysed now: not in the store" in text


# --- folder files read once ---------------------------------------------------------------------------


def test_an_unchanged_file_is_not_read_again_a_touched_one_is_hashed_a_changed_one_is_read(tmp_path):
    config = setup(tmp_path)
    run("collect", "--config", str(config), cwd=tmp_path)
    path = tmp_path / "week" / "gz-1110.md"
    original = path.read_text(encoding="utf-8")
    # Same size, same time: the store's record is trusted and the file is not opened, so an edit that
    # keeps both goes unseen (as with make or rsync); the digest keeps what was read.
    swapped = original.replace("海珠区", "荔湾区")
    assert len(swapped.encode()) == len(original.encode())
    path.write_text(swapped, encoding="utf-8")
    os.utime(path, (OLD, OLD))
    log = build(config)
    assert files_read(log) == (0, len(REPORTS))
    assert "海珠区" in digest_text(tmp_path) and "荔湾区" not in digest_text(tmp_path)
    # A new time with the old content: hashed, found unchanged, not parsed again.
    path.write_text(original, encoding="utf-8")
    os.utime(path, (OLD + 60, OLD + 60))
    assert files_read(build(config)) == (0, len(REPORTS))
    # A new time and new content: read and analysed.
    path.write_text(swapped, encoding="utf-8")
    os.utime(path, (OLD + 120, OLD + 120))
    log = build(config)
    assert files_read(log) == (1, len(REPORTS) - 1)
    assert collected(log) == (0, 1) and analysed_now(log) == 0
    assert "荔湾区" in digest_text(tmp_path)


def test_an_unusable_file_is_still_reported_when_it_is_not_read_again(tmp_path):
    config = setup(tmp_path)
    broken = tmp_path / "week" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\n\n正文。\n", encoding="utf-8")
    os.utime(broken, (OLD, OLD))
    first = run("build", "--config", str(config), "--week", WEEK, "--format", "json", cwd=tmp_path).stderr
    again = build(config)
    assert files_read(again) == (0, len(REPORTS) + 1)
    line = "skipped: 本周/broken.md: front matter is not valid YAML"
    assert line in first and line in again


# --- the analysis as stored ---------------------------------------------------------------------------


def test_an_analysis_read_back_from_its_bytes_is_the_same_article():
    folder = Path(__file__).resolve().parents[1] / "examples" / "hard-week"
    documents, _ = collect((SourceConfig(name="难度周", kind="folder", path=folder),), tz=TZ)
    articles, _ = understand(documents, week=parse_week("2025-W47"))
    assert articles and any(a.removed for a in articles) and any(a.officials for a in articles)
    for article in articles:
        assert article_from_bytes(article_bytes(article)) == article


def _as_earlier_versions_wrote(value: object) -> object:
    """Return plain data as the store's analyses were written before (the standard library's json)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _as_earlier_versions_wrote(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_as_earlier_versions_wrote(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def test_an_analysis_kept_by_an_earlier_version_reads_back_the_same_and_its_words_without_the_rest():
    folder = Path(__file__).resolve().parents[1] / "examples" / "hard-week"
    documents, _ = collect((SourceConfig(name="难度周", kind="folder", path=folder),), tz=TZ)
    articles, _ = understand(documents, week=parse_week("2025-W47"))
    assert any(a.dates for a in articles) and any(a.published for a in articles)
    for article in articles:
        earlier = json.dumps(_as_earlier_versions_wrote(article), ensure_ascii=False).encode()
        assert article_from_bytes(earlier) == article
        assert article_words(earlier) == article_words(article_bytes(article)) == (article.title, article.text)
    # A row kept before a field with a default was added reads back with the default.
    first = _as_earlier_versions_wrote(articles[0])
    assert isinstance(first, dict)
    del first["unnamed"]
    assert article_from_bytes(json.dumps(first, ensure_ascii=False).encode()).unnamed == ()
    # Times keep their offset and their microseconds; a UTC time stays the same instant in UTC.
    for moment in (datetime(2025, 11, 12, 9, 30, 0, 123456, tzinfo=TZ), datetime(2025, 11, 12, 1, 30, tzinfo=UTC)):
        article = replace(articles[0], published=moment, first_seen=moment)
        back = article_from_bytes(article_bytes(article))
        assert back == article and back.published.utcoffset() == moment.utcoffset()


def test_the_fingerprint_follows_the_fields_of_the_model():
    @dataclass(frozen=True)
    class Before:
        id: str
        published: datetime | None = None

    @dataclass(frozen=True)
    class After:
        id: str
        published: datetime | None = None
        flagged: bool = False

    assert digest_of(model_fields(Before)) != digest_of(model_fields(After))
    assert digest_of(model_fields(Before)) == digest_of(model_fields(Before))


def _imports_parsed(name: str, path: Path) -> set[str]:
    """The package modules a module imports, as Python's parser reads its import statements."""
    parts = name.split(".") if name else []
    package = parts if path.name == "__init__.py" else parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join([*package[:len(package) - (node.level - 1)], *([node.module] if node.module else [])])
            elif node.module and node.module.startswith("weeklydigest"):
                base = node.module.removeprefix("weeklydigest").lstrip(".")
            else:
                continue
            found |= {base, *(f"{base}.{alias.name}".lstrip(".") for alias in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("weeklydigest").lstrip(".") for a in node.names
                      if a.name.startswith("weeklydigest")}
    return {m for m in found if _module_file(m) is not None}


def test_the_analysing_codes_imports_are_read_as_pythons_parser_reads_them():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50
    for path in modules:
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        assert set(_imports(name, path)) == _imports_parsed(name, path), name


def test_the_code_fingerprint_changes_with_a_module_the_analysis_imports(monkeypatch):
    before = code_fingerprint("understand.clean")
    spam = _module_file("understand.spam")
    assert spam is not None and "understand.spam" in _imports("understand.clean", _module_file("understand.clean"))
    from weeklydigest.understand import analysis

    monkeypatch.setattr(analysis, "_source", lambda path: b"# changed\n" + path.read_bytes() if path == spam
                        else path.read_bytes())
    code_fingerprint.cache_clear()
    try:
        assert code_fingerprint("understand.clean") != before
        assert code_fingerprint("render.html") == code_fingerprint("render.html")
    finally:
        monkeypatch.undo()
        code_fingerprint.cache_clear()
    assert code_fingerprint("understand.clean") == before


def test_a_dated_articles_facts_do_not_depend_on_the_day_undated_ones_are_read_against(config):
    documents, _ = collect(config.sources, tz=config.tz)
    articles, _ = understand(documents, week=parse_week(WEEK), config=config)
    dated = [a for a in articles if a.published is not None]
    assert dated
    for article in dated:
        assert extract(article, fallback=date(2020, 1, 1)) == extract(article, fallback=date(2030, 6, 30))


# --- bounded candidates, items and print ----------------------------------------------------------------


def test_a_report_copied_many_times_has_one_sibling_each_however_many_copies():
    text = ("11月12日，市委书记陈启明到港珠澳大桥珠海公路口岸检查通关保障工作，了解客流车流和查验设备运行情况。"
            "陈启明要求，要持续提升通关便利化水平，优化旅客服务，保障口岸安全高效运行。")
    copies = [sketch(f"（转载{n}）" + text) for n in range(60)]
    pairs = sibling_pairs(copies)
    assert len(pairs) == len(copies)
    assert all(i != j for i, j in pairs)


def test_an_item_quotes_three_articles_at_most_and_lists_the_others_as_sources(tmp_path):
    days = (10, 11, 12, 13, 14, 15)
    reports = tuple(
        Report(f"gz-{day}", "广州", "林志远", date(2025, 11, day), f"林志远调研第{n}批城中村改造项目",
               (f"11月{day}日，广州市委书记林志远到{place}调研城中村改造，察看{thing}。",
                f"林志远强调，要稳妥推进{place}城中村改造，加快补齐{thing}短板。"))
        for n, (day, place, thing) in enumerate(zip(days, ("海珠区", "天河区", "白云区", "黄埔区", "番禺区", "花都区"),
                                                    ("安置房", "学校", "医院", "道路", "管网", "公园"), strict=True),
                                                start=1))
    write_week(tmp_path / "week", reports)
    config = write_config(tmp_path, [{"name": "本周", "kind": "folder", "path": str(tmp_path / "week")}],
                          sections=[{"title": "城市发展", "keywords": ["城中村改造"]}])
    digest = build_issue(config, week=parse_week(WEEK))
    (item,) = digest.sections[0].items
    assert len({ref.source for ref in item.sentences}) == 3
    assert len(item.sources) == len(reports)
    assert {s.title for s in item.sources} == {r.title for r in reports}


def test_the_pdf_prints_a_few_source_notes_per_item_and_the_web_page_lists_them_all(config, tmp_path):
    digest = saved_digest()
    section = digest.sections[0]
    first = section.items[0]
    extra = tuple(SourceRef(id=f"extra{n}", title=f"转载报道第{n}篇", url=f"https://example.org/{n}.html",
                            published="2025-11-13T18:00:00+08:00", outlet="某网") for n in range(1, 31))
    crowded = replace(first, sources=first.sources + extra)
    digest = replace(digest, sections=(replace(section, items=(crowded, *section.items[1:])), *digest.sections[1:]))
    page = render_html(digest, config)
    assert all(f"转载报道第{n}篇" in page for n in range(1, 31))
    pdf = tmp_path / "crowded.pdf"
    pdf.write_bytes(render_pdf(digest, config))
    text = re.sub(r"\s+", "", poppler("pdftotext", str(pdf), "-"))
    printed = [n for n in range(1, 31) if f"转载报道第{n}篇" in text]
    assert len(first.sources) >= 1 and len(printed) == 4 - len(first.sources)
    assert f"另有{len(first.sources) + 30 - 4}篇来源报道，网页版列出全部来源。" in text


def test_a_large_collection_is_analysed_by_workers_as_it_would_be_alone(tmp_path):
    folder = tmp_path / "week"
    reports = tuple(replace(base, slug=f"r{n:03d}", title=f"{base.title}（{n}）",
                            paragraphs=(*base.paragraphs, f"当天共签约项目{n}个，总投资{n * 7}亿元。"))
                    for n, base in ((n, REPORTS[n % len(REPORTS)]) for n in range(300)))
    write_week(folder, reports)
    config = write_config(tmp_path, [{"name": "本周", "kind": "folder", "path": str(folder)}])
    log = run("-v", "collect", "--config", str(tmp_path / "digest.yaml"), cwd=tmp_path).stderr
    assert "worker processes (fork)" in log
    assert collected(log) == (300, 0)
    # A process running other threads (the scheduler's) spawns its workers: they keep the same analyses.
    spawned = tmp_path / "spawned"
    spawned.mkdir()
    write_config(spawned, [{"name": "本周", "kind": "folder", "path": str(folder)}])
    threaded = subprocess.run(
        [sys.executable, "-c", "import sys, threading; from weeklydigest.cli import main; "
         "threading.Thread(target=threading.Event().wait, daemon=True).start(); sys.exit(main(sys.argv[1:]))",
         "-v", "collect", "--config", str(spawned / "digest.yaml")],
        cwd=spawned, capture_output=True, text=True, timeout=300)
    assert threaded.returncode == 0 and "worker processes (spawn)" in threaded.stderr, threaded.stderr
    assert derived_rows(spawned / "store.sqlite") == derived_rows(tmp_path / "store.sqlite")
    built = build(tmp_path / "digest.yaml")
    assert analysed_now(built) == 0
    assert computed_now(built) == {"phrases": 0, "meetings": 0, "scores": 0}  # the workers kept them too
    analyser = Analyser(config)
    with Store(config.store) as store:
        documents = collect((SourceConfig(name="本周", kind="folder", path=folder),), tz=TZ)[0]
        for report in reports[::50]:
            (one,) = [d for d in documents if d.origin.endswith(f"{report.slug}.md")]
            stored, how = stored_analysis(store, one, analyser, fallback=date(2025, 11, 16))
            assert how.startswith("from the store")
            assert stored == analyser.analyse(one, fallback=date(2025, 11, 16))


def test_workers_are_forked_only_from_a_process_without_other_threads():
    from weeklydigest.cores import start_method

    alone = threading.active_count() == 1
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, daemon=True)
    helper.start()
    try:
        assert start_method() == "spawn"
    finally:
        stop.set()
        helper.join()
    if alone:
        assert start_method() == "fork"


FOREIGN = "这家小馆在巷子深处，仍靠一锅老汤熬过了整个冬天。"


def test_sibling_copies_compared_by_forked_workers_are_cut_as_in_one_process(tmp_path):
    folder = tmp_path / "week"
    originals = REPORTS[:6]
    mirrors = tuple(replace(r, slug=f"{r.slug}-copy", paragraphs=(r.paragraphs[0] + FOREIGN, *r.paragraphs[1:]))
                    for r in originals)
    write_week(folder, originals + mirrors)
    outputs = {}
    for name, pairs in (("alone", 10**9), ("forked", 1)):
        work = tmp_path / name
        work.mkdir()
        write_config(work, [{"name": "本周", "kind": "folder", "path": str(folder)}])
        result = subprocess.run(
            [sys.executable, "-c", "import sys; from weeklydigest import analysed; from weeklydigest.cli import main; "
             f"analysed.POOL_PAIRS = {pairs}; sys.exit(main(sys.argv[1:]))",
             "-v", "build", "--config", str(work / "digest.yaml"), "--week", WEEK, "--format", "json",
             "--out", str(work / "out")], cwd=work, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert ("sibling pairs compared by forked workers" in result.stderr) == (name == "forked")
        data = json.loads((work / "out" / WEEK / "digest.json").read_text(encoding="utf-8"))
        data.pop("generated")
        outputs[name] = data
        with sqlite3.connect(work / "store.sqlite") as db:
            cut = db.execute("SELECT count(*) FROM derived WHERE stage = 'sibling' AND length(data) > 0").fetchone()[0]
        assert cut == len(mirrors)
    items = [item for section in outputs["forked"]["sections"] for item in section["items"]]
    assert items and not any(FOREIGN in item["summary"] for item in items)
    assert sum(FOREIGN in r["text"] for item in items for r in item.get("removed", [])) >= 1  # told, not printed
    assert outputs["forked"] == outputs["alone"]


def test_forked_workers_end_at_once_when_stopped_even_under_the_command_lines_sigterm_handler():
    """The command line's SIGTERM handler unwinds like Ctrl-C; a forked worker must not inherit it."""
    code = """
import signal, sys
from weeklydigest import cli, cores
signal.signal(signal.SIGTERM, cli._interrupt)
def nothing(): pass
for round in range(20):
    with cores.forked_pool(nothing, ()) as pool:
        assert pool is not None
        handlers = set(pool.map(signal.getsignal, [signal.SIGTERM] * 8, chunksize=1))
    assert handlers == {signal.SIG_DFL}, handlers
    try:
        with cores.forked_pool(nothing, ()) as pool:
            pool.map(abs, range(64), chunksize=1)
            raise RuntimeError("stop")  # the pool is terminated: its workers get SIGTERM
    except RuntimeError:
        pass
print("ended")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ended", result.stderr
    assert "KeyboardInterrupt" not in result.stderr and "Traceback" not in result.stderr


def test_a_pool_whose_own_ending_waits_for_ever_is_stopped_anyway_and_its_workers_killed():
    """`Pool.terminate` waits for ever on the results' lock a worker killed while sending held: the stop does not."""
    code = """
import json, os, time
from weeklydigest import cores
def nothing(): pass
start = time.monotonic()
try:
    with cores.forked_pool(nothing, ()) as pool:
        assert pool is not None
        pids = [p.pid for p in pool._pool]
        pool.map(abs, range(16), chunksize=1)
        pool._outqueue._wlock.acquire()  # never released, as by a worker killed while it sent a result
        raise RuntimeError("stop")
except RuntimeError:
    pass
took = time.monotonic() - start
alive = []
for p in pids:
    try:
        os.kill(p, 0)
        alive.append(p)
    except ProcessLookupError:
        pass
print(json.dumps({"workers": len(pids), "alive": alive, "took": took}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    stopped = json.loads(result.stdout)
    assert stopped["workers"] >= 2 and stopped["alive"] == [] and stopped["took"] < 15
