"""Hostile inputs in a folder source: each skipped with a reason or read harmlessly; a build over all of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from weeklydigest.collect import collect_into
from weeklydigest.model import Skipped
from weeklydigest.store import Store

from .content import EPOCH, FAR, REPORTS, write_config
from .hostile import ENV_MARKER, ENV_SECRET, KINDS, SECRET, Kind, unlock, write_corpus, write_good

CLI = [sys.executable, "-c", "import sys; from weeklydigest.cli import main; sys.exit(main())"]
NEVER = (SECRET, ENV_SECRET, "root:x:0:0")  # what only a read outside the folder could bring in


@pytest.fixture
def folders(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    folder, outside = tmp_path / "corpus", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    yield folder, outside
    unlock(folder)


def stored_texts(store_path: Path) -> list[str]:
    """Return every title, origin, body and cleaned text the store holds."""
    with Store(store_path) as store:
        documents = store.candidates(published_from=EPOCH, published_to=FAR, seen_from=EPOCH)
        return [part for d in documents for part in (d.title, d.origin, d.body, d.outlet, d.url)] + [
            text for d in documents for _, _, text in store.versions(d.url or d.origin)]


def test_the_corpus_has_at_least_fifty_kinds_with_distinct_names():
    assert len(KINDS) >= 50
    assert len({k.name for k in KINDS}) == len(KINDS)


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_each_hostile_kind_is_skipped_with_a_reason_or_read_harmlessly(kind: Kind, folders, tmp_path, monkeypatch):
    folder, outside = folders
    monkeypatch.setenv(ENV_MARKER, ENV_SECRET)  # what /proc/self/environ would show
    good = write_good(folder, REPORTS[:1])
    kind.make(folder, outside)
    config = write_config(tmp_path, [{"name": "样本", "kind": "folder", "path": str(folder)}])
    with Store(config.store) as store:
        collection = collect_into(store, config.sources, tz=config.tz, http=config.http, limits=config.limits)
    (run,) = collection.runs
    assert run.error is None
    texts = stored_texts(config.store)
    assert good[0] in texts, "the good article beside it was read"
    for marker in NEVER:
        assert not any(marker in text for text in texts), f"{marker!r} was read from outside the folder"
    reasons = [s.reason for s in collection.skipped]
    assert all(isinstance(s, Skipped) and s.path_or_url.startswith("样本/") for s in collection.skipped)
    assert all("\n" not in f"{s.path_or_url}: {s.reason}" for s in collection.skipped), "one line each"
    if kind.expect is not None:
        assert any(kind.expect in reason for reason in reasons), reasons


def test_a_build_over_every_kind_with_good_articles_exits_0_includes_every_good_article_and_reads_nothing_outside():
    # A folder others may enter (not the test's own temporary folder) so the unreadable entries stay unreadable.
    work = Path(tempfile.mkdtemp(prefix="weeklydigest-hostile-"))
    try:
        folder, outside = work / "corpus", work / "outside"
        titles = write_corpus(folder, outside)
        config = write_config(work, [{"name": "恶意样本", "kind": "folder", "path": str(folder)}])
        result = subprocess.run(
            [*CLI, "build", "--config", str(config.path), "--week", "2025-W46", "--format", "json,md"],
            capture_output=True, text=True, errors="replace", env={**os.environ, ENV_MARKER: ENV_SECRET},
            timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
        digest = work / "out" / "2025-W46" / "digest.json"
        data = json.loads(digest.read_text(encoding="utf-8"))
        found = {s["title"] for section in data["sections"] for item in section["items"] for s in item["sources"]}
        assert set(titles) <= found, set(titles) - found
        published = digest.read_text(encoding="utf-8") + (digest.parent / "digest.md").read_text(encoding="utf-8")
        for marker in NEVER:
            assert marker not in published and marker not in result.stdout
        assert str(work) not in published, "no local path in the published outputs"
        skipped_lines = [line for line in result.stderr.splitlines() if line.startswith("skipped: ")]
        for kind in KINDS:
            if kind.expect:
                assert any(kind.expect in line for line in skipped_lines), kind.name
        assert data["stats"]["skipped"] == len(data["skipped"]) >= len([k for k in KINDS if k.expect])
    finally:
        unlock(work / "corpus")
        subprocess.run(["rm", "-rf", str(work)], check=False)
