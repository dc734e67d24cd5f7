"""What the issue page shows: items with what needs an editor's decision, the filters, the edit log in words.

Pure functions over an `IssueReview`; the template lays them out. A new block of the page (themes, the
headline) adds its own entry here and its own template block, without touching the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Item
from . import labels
from .edits import item_ids, item_key
from .workflow import IssueReview

FILTERS = {"decide": "待决定", "edited": "已修改", "all": "全部"}
DEFAULT_FILTER = "all"
# Section scores are scaled so that min_score is the boundary of the fitted model (understand/sections.py):
# an item under twice that is a close call.
WEAK_FACTOR = 2.0


@dataclass(frozen=True)
class ItemRow:
    """An item of the page with what the editor should look at."""

    item: Item
    key: str
    section: str
    first: bool  # the first of its section (no "up" button)
    decide: tuple[str, ...]  # why it needs a decision, empty if it does not
    edited: bool


@dataclass
class SectionRows:
    title: str
    first: bool
    total: int
    rows: list[ItemRow] = field(default_factory=list)


@dataclass(frozen=True)
class IssuePage:
    show: str
    sections: list[SectionRows]
    counts: dict[str, int]  # items per filter
    edit_lines: list[tuple[Any, str]]  # (edit record, what it did in words)
    incomplete: tuple[str, ...]  # what the issue lacks before publication (导语, 政观谈)


def decisions(item: Item, *, min_score: float) -> tuple[str, ...]:
    """Return why an item needs an editor's decision (empty when it does not)."""
    reasons = [f"待核对：{labels.warning(w)}" for w in item.warnings]
    if not item.edited_by and item.score < min_score * WEAK_FACTOR:
        reasons.append(f"归类把握不大（栏目得分 {item.score:g}，入选线 {min_score:g}）")
    if not item.dates:
        reasons.append("没有找到日期")
    if not item.officials:
        reasons.append("没有找到人物")
    return tuple(reasons)


def edited_articles(state: IssueReview) -> set[str]:
    """Return the ids of the articles the edits name (the item an editor moved, rewrote, merged, added)."""
    ids: set[str] = set()
    for record in state.edits:
        for name in ("article", "into"):
            value = record.edit.get(name)
            if isinstance(value, str):
                ids.add(value)
    return ids


def incomplete(state: IssueReview) -> tuple[str, ...]:
    """Return what an issue should have before it is published and does not."""
    missing = []
    if not state.edited.lede.strip():
        missing.append("导语")
    if not (state.edited.commentary and state.edited.commentary.text.strip()):
        missing.append("政观谈")
    return tuple(missing)


def issue_page(state: IssueReview, *, show: str, min_score: float) -> IssuePage:
    """Return the page's sections with the items the filter `show` keeps, and the counts of every filter."""
    show = show if show in FILTERS else DEFAULT_FILTER
    touched = edited_articles(state)
    sections: list[SectionRows] = []
    counts = dict.fromkeys(FILTERS, 0)
    for n, section in enumerate(state.edited.sections):
        rows = SectionRows(section.title, first=n == 0, total=len(section.items))
        for i, item in enumerate(section.items):
            row = ItemRow(item=item, key=item_key(item), section=section.title, first=i == 0,
                          decide=decisions(item, min_score=min_score),
                          edited=bool(item.edited_by) or bool(touched.intersection(item_ids(item))))
            keep = {"all": True, "decide": bool(row.decide), "edited": row.edited}
            for name, kept in keep.items():
                counts[name] += kept
            if keep[show]:
                rows.rows.append(row)
        sections.append(rows)
    targets = _targets(state)
    lines = [(record, edit_line(record.edit, targets)) for record in state.edits]
    return IssuePage(show=show, sections=sections, counts=counts, edit_lines=lines, incomplete=incomplete(state))


def edit_line(edit: dict[str, Any], targets: dict[str, str]) -> str:
    """Return an edit in words: `改写概述：深圳（十五运会和残特奥会）`."""
    op = str(edit.get("op", ""))
    name = labels.edit_op(op)

    def target(article: Any) -> str:
        return targets.get(str(article), f"报道 {article}")

    if op in ("drop", "restore", "summary"):
        return f"{name}：{target(edit.get('article'))}"
    if op == "move":
        return f"{name}：{target(edit.get('article'))} → {edit.get('section', '')}"
    if op == "order":
        moved = f"{target(edit['article'])} 上移" if edit.get("article") else "重新排序"
        return f"{name}：{edit.get('section', '')}，{moved}"
    if op == "order_sections":
        return f"{name}：{'、'.join(edit.get('sections', []))}"
    if op == "merge":
        return f"{name}：{target(edit.get('article'))} 并入 {target(edit.get('into'))}"
    if op == "add":
        return f"{name}：{target(edit.get('article'))} → {edit.get('section', '')}（{edit.get('city', '')}）"
    if op == "accept":
        return f"{name}：{labels.DRAFTED.get(str(edit.get('field')), edit.get('field'))}"
    if op == "theme_rename":
        return f"{name}：{edit.get('phrase', '')} → {edit.get('title', '')}"
    if op in ("theme_accept", "theme_drop"):
        return f"{name}：{edit.get('phrase', '')}"
    if op == "commentary":
        title = str(edit.get("title", "")).strip()
        return f"{name}：{title}" if title else name
    return name


def _targets(state: IssueReview) -> dict[str, str]:
    """Return how to name each article the edits may point at: its item's city and section, or its title."""
    names: dict[str, str] = {}
    for digest in (state.machine, state.edited):
        for article in digest.unassigned:
            names.setdefault(article.id, f"“{article.title}”")
        for section in digest.sections:
            for item in section.items:
                for article in item_ids(item):
                    names[article] = f"{item.city}（{section.title}）"
    for section, item in state.dropped:
        for article in item_ids(item):
            names.setdefault(article, f"{item.city}（{section}）")
    return names
