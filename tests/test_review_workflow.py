"""The review workflow: approve and publish from the command line, corrections, rebuilds under edits."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from weeklydigest.cli import main
from weeklydigest.errors import DigestError
from weeklydigest.review.edits import item_key
from weeklydigest.review.workflow import Review, check_issue
from weeklydigest.store import Store

from .conftest import SAMPLE
from .render_fixtures import pdf_pages_text
from .review_env import ISSUE, LATE_ARTICLE, rebuild, review_config, sample_folder, save_draft

GAMES, VILLAGES = "十五运会和残特奥会", "百千万工程"
GZ_GAMES, SZ_GAMES = "d8ec8c7be51d67a6", "bb43695dce2df572"


def write_config(tmp_path: Path) -> Path:
    """Write a config file for the command line: the project's, with output and store in tmp_path."""
    data = yaml.safe_load((Path(__file__).parents[1] / "config" / "digest.yaml").read_text(encoding="utf-8"))
    data |= {"output": str(tmp_path / "output"), "store": str(tmp_path / "store.sqlite"),
             "templates": str(Path(__file__).parents[1] / "templates"), "sources": []}
    path = tmp_path / "digest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_approve_then_publish_renders_the_edited_issue_as_published(tmp_path: Path, capsys) -> None:
    config = review_config(tmp_path)
    save_draft(config)
    review = Review(config)
    review.edit(ISSUE, {"op": "drop", "article": GZ_GAMES}, by="王编辑")
    review.edit(ISSUE, {"op": "summary", "article": SZ_GAMES, "text": "深圳编辑改写的概述。", "by": "王编辑"},
                by="王编辑")
    review.edit(ISSUE, {"op": "commentary", "title": "赛事之后", "text": "编辑的评论。"}, by="王编辑")
    path = write_config(tmp_path)
    assert main(["approve", ISSUE, "--config", str(path), "--by", "王编辑"]) == 0
    assert main(["publish", ISSUE, "--config", str(path), "--by", "李主编"]) == 0
    assert f"{ISSUE}: published revision 1 by 李主编" in capsys.readouterr().out
    published = json.loads((config.output / ISSUE / "digest.json").read_text(encoding="utf-8"))
    assert published["status"] == "published"
    games = published["sections"][0]["items"]
    assert "广州" not in [i["city"] for i in games]
    assert next(i for i in games if i["city"] == "深圳")["edited_by"] == "王编辑"
    assert published["commentary"]["title"] == "赛事之后"
    text = "".join(pdf_pages_text(config.output / ISSUE / "digest.pdf", mode="-raw")).replace("\n", "")
    assert "深圳编辑改写的概述。" in text and "编辑改写" in text and "赛事之后" in text
    assert [e.status for e in review.state(ISSUE).history] == ["approved", "published"]
    assert (config.output / "index.html").is_file() and (config.output / "feed.atom").is_file()


def test_publishing_needs_approval_and_a_published_issue_is_immutable(tmp_path: Path) -> None:
    config = review_config(tmp_path)
    save_draft(config)
    review = Review(config)
    with pytest.raises(DigestError, match=f"{ISSUE} is not approved yet: weeklydigest approve {ISSUE}"):
        review.publish(ISSUE, by="李主编")
    review.approve(ISSUE, by="王编辑")
    review.publish(ISSUE, by="李主编")
    with pytest.raises(DigestError, match="already published; publish a correction"):
        review.publish(ISSUE, by="李主编")
    with pytest.raises(DigestError, match="already published"):
        review.approve(ISSUE, by="王编辑")
    # A rebuild of the published week is refused by build.
    path = write_config(tmp_path)
    assert main(["build", "--week", ISSUE, "--config", str(path), "--source", str(SAMPLE), "--format", "json"]) == 1


def test_an_edit_after_approval_sends_the_issue_back_to_draft(tmp_path: Path) -> None:
    config = review_config(tmp_path)
    save_draft(config)
    review = Review(config)
    review.approve(ISSUE, by="王编辑")
    review.edit(ISSUE, {"op": "lede", "text": "导语"}, by="王编辑")
    assert review.state(ISSUE).status == "draft"


def test_a_correction_is_a_new_revision_with_a_visible_note(tmp_path: Path) -> None:
    config = review_config(tmp_path)
    save_draft(config)
    review = Review(config)
    review.approve(ISSUE, by="王编辑")
    review.publish(ISSUE, by="李主编")
    review.edit(ISSUE, {"op": "drop", "article": SZ_GAMES}, by="王编辑")
    path = write_config(tmp_path)
    assert main(["publish", ISSUE, "--config", str(path), "--by", "李主编", "--correction", "删去重复条目。"]) == 0
    folder = config.output / ISSUE
    current = json.loads((folder / "digest.json").read_text(encoding="utf-8"))
    assert (current["revision"], current["correction"]) == (2, "删去重复条目。")
    assert "深圳" not in [i["city"] for i in current["sections"][0]["items"]]
    first = json.loads((folder / "r1" / "digest.json").read_text(encoding="utf-8"))
    assert "深圳" in [i["city"] for i in first["sections"][0]["items"]] and "revision" not in first
    html = (folder / "digest.html").read_text(encoding="utf-8")
    assert "更正" in html and "删去重复条目。" in html
    assert [r[0] for r in Store(config.store).revisions(ISSUE)] == [1, 2]


def test_rebuilding_with_a_late_article_keeps_every_edit_and_adds_the_new_item(tmp_path: Path) -> None:
    source = sample_folder(tmp_path)
    config = review_config(tmp_path, source=source)
    first = rebuild(config)
    assert "清远" not in [i.city for s in first.sections for i in s.items]
    games = first.sections[0].items
    gz, sz = item_key(next(i for i in games if i.city == "广州")), item_key(next(i for i in games if i.city == "深圳"))
    fs = item_key(next(i for i in games if i.city == "佛山"))
    review = Review(config)
    review.edit(ISSUE, {"op": "drop", "article": gz}, by="王编辑")
    review.edit(ISSUE, {"op": "move", "article": sz, "section": VILLAGES}, by="王编辑")
    review.edit(ISSUE, {"op": "summary", "article": fs, "text": "佛山的编辑概述。", "by": "王编辑"}, by="王编辑")
    shutil.copy(SAMPLE / LATE_ARTICLE, source / LATE_ARTICLE)
    rebuild(config)
    state = review.state(ISSUE)
    assert state.orphaned == ()
    cities = {s.title: [i.city for i in s.items] for s in state.edited.sections}
    assert "清远" in cities[VILLAGES]
    assert "广州" not in cities[GAMES] and "深圳" not in cities[GAMES] and "深圳" in cities[VILLAGES]
    # What the cleaner removed from each item's sources travels with the item, for the editors.
    notes = [r for s in state.edited.sections for i in s.items for r in i.removed]
    assert notes and {r.reason for r in notes} <= {"spam", "hidden", "pinyin"}
    fs_item = next(i for i in state.edited.sections[0].items if i.city == "佛山")
    assert (fs_item.summary, fs_item.edited_by) == ("佛山的编辑概述。", "王编辑")


def test_an_edit_whose_item_vanished_in_a_rebuild_is_shown_as_orphaned(tmp_path: Path) -> None:
    config = review_config(tmp_path)
    digest = save_draft(config)
    review = Review(config)
    review.edit(ISSUE, {"op": "drop", "article": GZ_GAMES}, by="王编辑")
    from dataclasses import replace

    save_draft(config, replace(digest, sections=(replace(digest.sections[0], items=digest.sections[0].items[2:]),
                                                 *digest.sections[1:])))
    state = review.state(ISSUE)
    assert [(o.edit["article"], o.reason) for o in state.orphaned] == [(GZ_GAMES, f"no item with article {GZ_GAMES}")]
    assert len(state.edits) == 1


@pytest.mark.parametrize("issue", ["../x", "2025-W46/../../etc", "..", "2025-W46\n"])
def test_path_like_issue_ids_are_refused(tmp_path: Path, issue: str, capsys) -> None:
    with pytest.raises(DigestError, match="not an issue id like 2025-W46"):
        check_issue(issue)
    assert main(["approve", issue, "--config", str(write_config(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: not an issue id like 2025-W46") and err.count("\n") == 1


def test_approving_an_issue_without_a_draft_says_how_to_make_one(tmp_path: Path, capsys) -> None:
    assert main(["approve", "2025-W40", "--config", str(write_config(tmp_path))]) == 1
    assert capsys.readouterr().err == ("error: 2025-W40: no draft yet; run 'weeklydigest build --week 2025-W40' "
                                       "first\n")


def test_hash_password_prints_a_hash_that_verifies() -> None:
    from weeklydigest.review.auth import verify_password

    result = subprocess.run([sys.executable, "-m", "weeklydigest", "hash-password", "--password-stdin"],
                            input="correct horse\n", capture_output=True, text=True, check=True)
    encoded = result.stdout.strip()
    assert encoded.startswith("scrypt:32768:8:1$")  # werkzeug.security's default
    assert verify_password("correct horse", encoded) and not verify_password("wrong horse", encoded)
    assert load_config_with_hash(encoded).review.users[0].password_hash == encoded


# Made by earlier versions' `hash-password` (PBKDF2-SHA256, 600,000 iterations) for "correct horse battery".
LEGACY_HASH = "pbkdf2_sha256$600000$AAECAwQFBgcICQoLDA0ODw$uwbIwLHdW_1OQPTil6LQ5k2n75S0uOwgmJAhyLQVNq0"


def test_password_hashes_made_by_earlier_versions_still_verify() -> None:
    from weeklydigest.review.auth import authenticate, verify_password

    assert verify_password("correct horse battery", LEGACY_HASH)
    assert not verify_password("correct horse batter", LEGACY_HASH)
    assert not verify_password("correct horse battery", LEGACY_HASH.replace("$600000$", "$600001$"))
    user = load_config_with_hash(LEGACY_HASH).review.users[0]
    assert authenticate((user,), "王编辑", "correct horse battery") == user
    assert authenticate((user,), "王编辑", "wrong") is None and authenticate((user,), "李四", "correct horse battery") \
        is None


@pytest.mark.parametrize("encoded", ["", "pbkdf2_sha256$x$y$z", "pbkdf2_sha256$0$AAAA$AAAA", "scrypt:1:1:1$a$b",
                                     "md5$abc", "pbkdf2:sha256:1000$salt", "plain-text-password"])
def test_a_malformed_hash_matches_no_password(encoded: str) -> None:
    from weeklydigest.review.auth import verify_password

    assert not verify_password("", encoded) and not verify_password("plain-text-password", encoded)


def load_config_with_hash(encoded: str):
    from weeklydigest.config import parse_config

    data = {"sections": [{"title": "百千万工程", "keywords": ["百千万工程"]}],
            "review": {"users": [{"name": "王编辑", "password_hash": encoded, "role": "editor"}]}}
    return parse_config(data, path=Path("digest.yaml"))
