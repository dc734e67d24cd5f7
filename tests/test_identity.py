"""A folder article is named by its source and its path below the folder: moves and copies add nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from weeklydigest.cli import main
from weeklydigest.collect.folder import read_file
from weeklydigest.store import MIGRATIONS, Store, text_hash
from weeklydigest.understand.clean import clean

from .conftest import SAMPLE
from .content import REPORTS
from .hostile import write_good
from .legacy_stores import legacy_store


def checkout(root: Path) -> Path:
    """A working folder as the README sets one up: relative paths in the config, the store under output/."""
    shutil.copytree(SAMPLE, root / "examples" / "sample-week")
    (root / "config").mkdir()
    (root / "config" / "digest.yaml").write_text(yaml.safe_dump({
        "store": "output/store.sqlite", "output": "output",
        "sources": [{"name": "样例周", "kind": "folder", "path": "examples/sample-week"}],
        "sections": [{"title": "城市发展", "keywords": ["调研", "检查"]}],
    }, allow_unicode=True), encoding="utf-8")
    return root


def articles(store: Path) -> set[str]:
    with sqlite3.connect(store) as db:
        return {key for (key,) in db.execute("SELECT key FROM articles")}


def test_copying_the_checkout_elsewhere_and_collecting_again_adds_no_article(tmp_path, monkeypatch, capsys):
    first = checkout(tmp_path / "here")
    monkeypatch.chdir(first)
    assert main(["collect"]) == 0
    before = articles(first / "output" / "store.sqlite")
    assert "样例周/jy-zfb-1110.txt" in before and not any(key.startswith("/") for key in before)
    second = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(first, second, symlinks=True)
    monkeypatch.chdir(second)
    capsys.readouterr()
    assert main(["collect"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(" 0 new, 0 updated, 3 skipped")
    assert articles(second / "output" / "store.sqlite") == before
    assert main(["build", "--week", "2025-W46", "--format", "json"]) == 0
    published = (second / "output" / "2025-W46" / "digest.json").read_text(encoding="utf-8")
    assert str(tmp_path) not in published, "no local path in the published digest"
    origins = {s["origin"] for section in json.loads(published)["sections"] for item in section["items"]
               for s in item["sources"]}
    assert origins and all(origin.startswith("样例周/") for origin in origins)


def _old_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _old_store(path: Path, rows: list[tuple[str, str, str, str, str]], *, titles: dict[str, str] | None = None) -> None:
    """Write a store as weeklydigest wrote it before: files keyed (and named) by their absolute path.

    `rows` are (key, origin, url, text, seen) of one article version each, all of source 周.
    """
    db = legacy_store(path, version=3)
    for key, origin, url, text, seen in rows:
        title = (titles or {}).get(key, "标题")
        version = 1 + db.execute("SELECT count(*) FROM versions WHERE key = ?", (key,)).fetchone()[0]
        if version == 1:
            db.execute("INSERT INTO articles VALUES (?, '周', ?, ?, '2025-11-12T18:00:00+08:00', 1762941600.0, 1)",
                       (key, seen, seen))
        db.execute("UPDATE articles SET version = ?, last_seen = ? WHERE key = ?", (version, seen, key))
        db.execute("INSERT INTO versions VALUES (?, ?, ?, '周', ?, ?, ?, '', '2025-11-12T18:00:00+08:00', "
                   "'markdown', ?, NULL, ?, ?)", (key, version, seen, origin, url, title, text, text,
                                                  text_hash(title, text)))
    a = "/old/desk/week/a.md"
    db.execute("INSERT INTO review_edits (issue, edit, by, at) VALUES ('2025-W46', ?, '王编辑', 'x')",
               (json.dumps({"op": "drop", "article": _old_id(a)}),))
    db.execute("INSERT INTO section_examples VALUES (?, '2025-W45', '标题', '城市发展', '王编辑', 'x')", (_old_id(a),))
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()


def test_a_store_keyed_by_absolute_paths_is_migrated_copies_are_merged_and_edits_follow(tmp_path):
    path = tmp_path / "store.sqlite"
    _old_store(path, [
        ("/old/desk/week/a.md", "/old/desk/week/a.md", "", "甲", "2025-11-12T01:00:00+00:00"),
        ("/old/desk/week/sub/b.md", "/old/desk/week/sub/b.md", "", "乙", "2025-11-12T01:00:00+00:00"),
        ("/old/desk/week/batch.jsonl#2", "/old/desk/week/batch.jsonl#2", "", "丙", "2025-11-12T01:00:00+00:00"),
        ("http://e.cn/c", "/old/desk/week/c.md", "http://e.cn/c", "丁", "2025-11-12T01:00:00+00:00"),
        # The checkout moved, and the same files were collected again under their new paths.
        ("/new/place/week/a.md", "/new/place/week/a.md", "", "甲", "2025-11-13T01:00:00+00:00"),
        ("/new/place/week/a.md", "/new/place/week/a.md", "", "甲改", "2025-11-14T01:00:00+00:00"),
        ("/new/place/week/sub/b.md", "/new/place/week/sub/b.md", "", "乙", "2025-11-13T01:00:00+00:00"),
    ])
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert [(v, text) for v, _, text in store.versions("周/a.md")] == [(1, "甲"), (2, "甲改")]
        assert [text for _, _, text in store.versions("周/sub/b.md")] == ["乙"]
        assert store.has("周/batch.jsonl#2") and store.has("http://e.cn/c")
        (edit,) = [e for _, e, _, _ in store.edits("2025-W46")]
        assert edit == {"op": "drop", "article": _old_id("周/a.md")}
    assert articles(path) == {"周/a.md", "周/sub/b.md", "周/batch.jsonl#2", "http://e.cn/c"}
    with sqlite3.connect(path) as db:
        assert {o for (o,) in db.execute("SELECT origin FROM versions")} == {
            "周/a.md", "周/sub/b.md", "周/batch.jsonl#2", "周/c.md"}
        assert db.execute("SELECT article FROM section_examples").fetchall() == [(_old_id("周/a.md"),)]


def test_after_the_migration_collecting_the_folder_from_a_third_place_adds_no_article(tmp_path, capsys):
    folder = tmp_path / "third" / "week"
    write_good(folder, REPORTS[:2])
    names = ("good-00.md", "good-01.md")
    documents = [read_file(folder / name, source="周", tz=ZoneInfo("Asia/Shanghai"))[0][0] for name in names]
    path = tmp_path / "store.sqlite"
    _old_store(path, [(f"/old/desk/week/{name}", f"/old/desk/week/{name}", "", clean(d).text,
                       "2025-11-12T01:00:00+00:00") for name, d in zip(names, documents, strict=True)],
               titles={f"/old/desk/week/{name}": d.title for name, d in zip(names, documents, strict=True)})
    config = tmp_path / "digest.yaml"
    config.write_text(yaml.safe_dump({"store": str(path), "sources": [{"name": "周", "kind": "folder",
                                                                       "path": str(folder)}],
                                      "sections": [{"title": "城市发展", "keywords": ["调研"]}]},
                                     allow_unicode=True), encoding="utf-8")
    assert main(["collect", "--config", str(config)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "周: 2 seen, 0 new, 0 updated, 0 skipped"
    assert articles(path) == {"周/good-00.md", "周/good-01.md"}
