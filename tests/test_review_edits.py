"""Edits layered over the machine's draft: each kind, ordering, merging, orphans and the diff."""

from __future__ import annotations

from dataclasses import replace

import pytest

from weeklydigest.model import Digest, Section
from weeklydigest.review.edits import EditError, apply_edits, check_edit, diff, item_key

from .render_fixtures import saved_digest

GAMES, TALKS, VILLAGES = "十五运会和残特奥会", "宣讲党的二十届四中全会精神", "百千万工程"
GZ_GAMES = "d8ec8c7be51d67a6"  # 广州's games item, first of its three sources
GZ_GAMES_DUPLICATE = "9bfc26b852970793"  # a later source of the same item
SZ_GAMES = "bb43695dce2df572"
SZ_TALKS = "d5cb0f0f23f1bc90"
UNASSIGNED = "30b9e53c4202d941"


def cities(digest: Digest, title: str) -> list[str]:
    return [i.city for i in next(s for s in digest.sections if s.title == title).items]


def keys(digest: Digest, title: str) -> list[str]:
    return [item_key(i) for i in next(s for s in digest.sections if s.title == title).items]


def test_no_edits_leave_the_draft_as_it_is() -> None:
    digest = saved_digest()
    result = apply_edits(digest, [])
    assert result.digest.sections == digest.sections
    assert result.orphaned == () and result.dropped == ()


def test_drop_removes_the_item_and_keeps_it_for_restoring() -> None:
    result = apply_edits(saved_digest(), [{"op": "drop", "article": GZ_GAMES}])
    assert "广州" not in cities(result.digest, GAMES)
    assert [(title, item.city) for title, item in result.dropped] == [(GAMES, "广州")]
    assert result.digest.stats["items"] == saved_digest().stats["items"] - 1


def test_an_item_is_found_by_any_of_its_source_articles() -> None:
    result = apply_edits(saved_digest(), [{"op": "drop", "article": GZ_GAMES_DUPLICATE}])
    assert "广州" not in cities(result.digest, GAMES)


def test_restore_brings_a_dropped_item_back() -> None:
    result = apply_edits(saved_digest(), [{"op": "drop", "article": GZ_GAMES},
                                          {"op": "restore", "article": GZ_GAMES}])
    assert "广州" in cities(result.digest, GAMES)
    assert result.dropped == ()


def test_move_puts_the_item_at_the_end_of_the_other_section() -> None:
    result = apply_edits(saved_digest(), [{"op": "move", "article": SZ_GAMES, "section": VILLAGES}])
    assert "深圳" not in cities(result.digest, GAMES)
    assert keys(result.digest, VILLAGES)[-1] == SZ_GAMES


def test_order_puts_the_named_items_first() -> None:
    result = apply_edits(saved_digest(), [{"op": "order", "section": GAMES, "articles": [SZ_GAMES, GZ_GAMES]}])
    assert cities(result.digest, GAMES)[:3] == ["深圳", "广州", "广东"]


def test_order_sections_changes_the_display_order() -> None:
    result = apply_edits(saved_digest(), [{"op": "order_sections", "sections": [VILLAGES, GAMES]}])
    assert [s.title for s in result.digest.sections] == [VILLAGES, GAMES, TALKS]


def test_summary_rewrite_is_marked_as_the_editors() -> None:
    result = apply_edits(saved_digest(), [{"op": "summary", "article": GZ_GAMES, "text": " 编辑的概述。 ",
                                           "by": "王编辑"}])
    item = next(i for i in result.digest.sections[0].items if i.city == "广州")
    assert (item.summary, item.edited_by) == ("编辑的概述。", "王编辑")
    assert item.sources == next(i for i in saved_digest().sections[0].items if i.city == "广州").sources
    assert result.digest.to_json()["sections"][0]["items"][1]["edited_by"] == "王编辑"


def test_merge_folds_one_item_into_another_with_all_sources() -> None:
    result = apply_edits(saved_digest(), [{"op": "merge", "article": SZ_TALKS, "into": SZ_GAMES}])
    assert "深圳" not in cities(result.digest, TALKS)
    merged = next(i for i in result.digest.sections[0].items if i.city == "深圳")
    assert [s.id for s in merged.sources] == [SZ_GAMES, SZ_TALKS]
    assert len(merged.sentences) > len(saved_digest().sections[0].items[2].sentences)


def test_add_takes_an_unassigned_article_into_a_section() -> None:
    result = apply_edits(saved_digest(), [{"op": "add", "article": UNASSIGNED, "section": VILLAGES, "city": "广州",
                                           "text": "编辑写的条目。", "by": "王编辑"}])
    added = next(s for s in result.digest.sections if s.title == VILLAGES).items[-1]
    assert (added.city, added.summary, added.edited_by, added.sources[0].id) == ("广州", "编辑写的条目。", "王编辑",
                                                                                 UNASSIGNED)
    assert UNASSIGNED not in [u.id for u in result.digest.unassigned]


def test_commentary_and_lede_are_set_by_the_last_edit() -> None:
    result = apply_edits(saved_digest(), [{"op": "commentary", "title": "一", "text": "旧"},
                                          {"op": "commentary", "title": "赛事之后", "text": "第一段\n第二段"},
                                          {"op": "lede", "text": "本周导语"}])
    assert (result.digest.commentary.title, result.digest.commentary.text) == ("赛事之后", "第一段\n第二段")
    assert result.digest.lede == "本周导语"


def test_edits_whose_target_vanished_are_orphaned_not_lost() -> None:
    digest = saved_digest()
    without_gz = replace(digest, sections=(
        replace(digest.sections[0], items=tuple(i for i in digest.sections[0].items if i.city != "广州")),
        *digest.sections[1:]))
    edits = [{"op": "summary", "article": GZ_GAMES, "text": "改写", "by": "王"},
             {"op": "move", "article": SZ_GAMES, "section": "不存在的关键词"},
             {"op": "add", "article": "no-such-article", "section": GAMES, "city": "广州", "text": "x"}]
    result = apply_edits(without_gz, edits)
    assert [o.edit for o in result.orphaned] == edits
    assert [o.reason for o in result.orphaned] == [f"no item with article {GZ_GAMES}", "no section 不存在的关键词",
                                                  "article no-such-article is not among the unassigned"]
    # Back in a later rebuild, the same edit applies again.
    again = apply_edits(digest, edits[:1])
    assert again.orphaned == () and next(i for i in again.digest.sections[0].items if i.city == "广州").edited_by


def test_an_edit_on_a_dropped_item_is_orphaned_with_that_reason() -> None:
    result = apply_edits(saved_digest(), [{"op": "drop", "article": GZ_GAMES},
                                          {"op": "move", "article": GZ_GAMES, "section": VILLAGES}])
    assert [o.reason for o in result.orphaned] == ["the item is dropped"]


def test_edits_follow_an_item_when_the_draft_is_rebuilt_in_another_order() -> None:
    digest = saved_digest()
    reversed_draft = replace(digest, sections=tuple(
        Section(s.title, s.keywords, tuple(reversed(s.items))) for s in reversed(digest.sections)))
    edits = [{"op": "move", "article": SZ_GAMES, "section": VILLAGES}, {"op": "drop", "article": GZ_GAMES}]
    result = apply_edits(reversed_draft, edits)
    assert "深圳" in cities(result.digest, VILLAGES) and "广州" not in cities(result.digest, GAMES)


def test_the_diff_shows_what_the_editors_changed() -> None:
    digest = saved_digest()
    result = apply_edits(digest, [{"op": "drop", "article": GZ_GAMES},
                                  {"op": "summary", "article": SZ_GAMES, "text": "新的概述。", "by": "王编辑"}])
    lines = diff(digest, result.digest)
    assert any(line.startswith("-[广州]") for line in lines)
    assert "+[深圳] 新的概述。（王编辑 改写）" in lines


@pytest.mark.parametrize(("edit", "message"), [
    ({"op": "explode"}, "unknown edit 'explode'"),
    ({"op": "drop"}, "drop: 'article' is required"),
    ({"op": "order", "section": GAMES, "articles": []}, "order: 'articles' must be a non-empty list of strings"),
    ({"op": "add", "article": "a", "section": GAMES, "city": "北京", "text": "x"}, "add: unknown city '北京'"),
    ({"op": "merge", "article": "a", "into": "a"}, "merge: an item cannot be merged into itself"),
    ("drop", "an edit is a mapping, got str"),
])
def test_malformed_edits_are_refused_with_a_message(edit: object, message: str) -> None:
    with pytest.raises(EditError, match=message):
        check_edit(edit)
