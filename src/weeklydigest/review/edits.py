"""Editors' edits as data, layered over the machine's draft. Pure functions, no I/O.

An edit is a plain dict with an "op" and its arguments. Items are targeted by the id of one of their
source articles, which stays the same when the draft is rebuilt with late articles; sections by title.

    {"op": "drop", "article": id}                 leave the item out
    {"op": "restore", "article": id}              take a dropped item back
    {"op": "move", "article": id, "section": t}   put the item under another section (at its end)
    {"op": "order", "section": t, "articles": [id, …]}   these items first, in this order
    {"op": "order_sections", "sections": [t, …]}  these sections first, in this order
    {"op": "summary", "article": id, "text": s, "by": name}   the editor's own summary
    {"op": "merge", "article": id, "into": id}    fold the first item into the second
    {"op": "add", "article": id, "section": t, "city": c, "text": s, "by": name}   an unassigned article
    {"op": "commentary", "title": s, "text": s}   政观谈
    {"op": "lede", "text": s, "by": name}         the editor's own lede
    {"op": "headline", "text": s, "by": name}     the editor's own headline
    {"op": "accept", "field": "headline" | "lede", "by": name}   keep the machine's draft as it is
    {"op": "theme_accept", "phrase": p, "by": name}   print a proposed theme as a section above the keywords
    {"op": "theme_rename", "phrase": p, "title": t, "by": name}   give a theme the editor's title
    {"op": "theme_drop", "phrase": p, "by": name}     leave a proposed theme out

Themes are targeted by their shared phrase, which a rebuild finds again.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Any

from ..model import (
    ACCEPTED,
    CITIES,
    DROPPED,
    EDITED,
    PROVINCE,
    Commentary,
    Digest,
    Draft,
    Item,
    Section,
    SourceRef,
    Theme,
    Unassigned,
)

OPS = ("drop", "restore", "move", "order", "order_sections", "summary", "merge", "add", "commentary", "lede",
       "headline", "accept", "theme_accept", "theme_rename", "theme_drop")
_FIELDS: dict[str, tuple[str, ...]] = {
    "drop": ("article",), "restore": ("article",), "move": ("article", "section"),
    "order": ("section", "articles"), "order_sections": ("sections",), "summary": ("article", "text"),
    "merge": ("article", "into"), "add": ("article", "section", "city", "text"), "commentary": ("text",),
    "lede": ("text",), "headline": ("text",), "accept": ("field",), "theme_accept": ("phrase",),
    "theme_rename": ("phrase", "title"), "theme_drop": ("phrase",),
}
DRAFTED = ("headline", "lede")  # the parts of an issue the machine drafts for editors to accept or rewrite


class EditError(ValueError):
    """An edit that is malformed in itself (not one whose target is missing)."""


@dataclass(frozen=True)
class Orphan:
    """An edit whose target is not in this draft; it is kept and applies again when the target returns."""

    edit: dict[str, Any]
    reason: str


def check_edit(edit: Any) -> dict[str, Any]:
    """Return the edit if it is well formed; raise EditError naming what is wrong."""
    if not isinstance(edit, dict):
        raise EditError(f"an edit is a mapping, got {type(edit).__name__}")
    op = edit.get("op")
    if op not in OPS:
        raise EditError(f"unknown edit {op!r}: expected one of {', '.join(OPS)}")
    for name in _FIELDS[op]:
        value = edit.get(name)
        if name in ("articles", "sections"):
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                raise EditError(f"{op}: '{name}' must be a non-empty list of strings")
        elif not isinstance(value, str) or not value.strip():
            raise EditError(f"{op}: '{name}' is required")
    if op == "add" and edit["city"] not in (PROVINCE, *CITIES):
        raise EditError(f"add: unknown city {edit['city']!r}")
    if op == "merge" and edit["article"] == edit["into"]:
        raise EditError("merge: an item cannot be merged into itself")
    if op == "accept" and edit["field"] not in DRAFTED:
        raise EditError(f"accept: 'field' must be one of {', '.join(DRAFTED)}, got {edit['field']!r}")
    return edit


def item_ids(item: Item) -> list[str]:
    """Return the article ids an item is known by: its sources in order."""
    return [s.id for s in item.sources]


def item_key(item: Item) -> str:
    """Return the id that names the item in edits: its first source article."""
    return item.sources[0].id if item.sources else ""


@dataclass
class _Slot:
    item: Item
    section: str


@dataclass(frozen=True)
class Edited:
    """The result of applying edits: the edited digest, the edits that found no target, the dropped items."""

    digest: Digest
    orphaned: tuple[Orphan, ...]
    dropped: tuple[tuple[str, Item], ...]  # (section title, item)


def apply_edits(digest: Digest, edits: list[dict[str, Any]]) -> Edited:
    """Return the digest with the edits applied in order, and the edits whose target is missing."""
    titles = [s.title for s in digest.sections]
    keywords = {s.title: s.keywords for s in digest.sections}
    slots: list[_Slot] = [_Slot(item, s.title) for s in digest.sections for item in s.items]
    dropped: dict[int, _Slot] = {}
    unassigned = {u.id: u for u in digest.unassigned}
    orphaned: list[Orphan] = []
    commentary, lede, headline = digest.commentary, digest.lede, digest.headline
    drafts = dict(digest.drafts)
    themes = list(digest.themes)

    def find(article: str) -> _Slot | None:
        return next((slot for slot in slots if article in item_ids(slot.item)), None)

    def find_dropped(article: str) -> _Slot | None:
        return next((slot for slot in dropped.values() if article in item_ids(slot.item)), None)

    for edit in edits:
        op = edit.get("op")
        if op == "commentary":
            commentary = Commentary(title=str(edit.get("title", "")).strip(), text=str(edit["text"]).strip())
            continue
        if op in ("lede", "headline"):
            text = str(edit["text"]).strip()
            if op == "lede":
                lede = text
            else:
                headline = text
            drafts[op] = Draft(status=EDITED, by=str(edit.get("by", "")) or "editor")
            continue
        if op == "accept":
            field, draft = edit["field"], drafts.get(edit["field"])
            if draft is None or not (headline if field == "headline" else lede):
                orphaned.append(Orphan(edit, f"no machine draft of the {field}"))
            else:
                drafts[field] = replace(draft, status=ACCEPTED, by=str(edit.get("by", "")) or "editor")
            continue
        if op.startswith("theme_"):
            at = next((n for n, t in enumerate(themes) if t.phrase == edit["phrase"]), None)
            if at is None:
                orphaned.append(Orphan(edit, f"no theme {edit['phrase']}"))
            else:
                themes[at] = _theme_edit(themes[at], edit)
            continue
        if op == "order_sections":
            missing = [t for t in edit["sections"] if t not in titles]
            if missing:
                orphaned.append(Orphan(edit, f"no section {'、'.join(missing)}"))
            wanted = [t for t in edit["sections"] if t in titles]
            titles = wanted + [t for t in titles if t not in wanted]
            continue
        if op == "order":
            if edit["section"] not in titles:
                orphaned.append(Orphan(edit, f"no section {edit['section']}"))
                continue
            slots = _reorder(slots, edit["section"], edit["articles"])
            continue
        if op == "restore":
            slot = find_dropped(edit["article"])
            if slot is None:
                orphaned.append(Orphan(edit, f"no dropped item with article {edit['article']}"))
                continue
            del dropped[id(slot)]
            slots.append(slot)
            continue
        if op == "add":
            if edit["section"] not in titles:
                orphaned.append(Orphan(edit, f"no section {edit['section']}"))
                continue
            slot = find(edit["article"])
            if slot is not None:  # the machine has placed it since: the editor's section still wins
                slot.section = edit["section"]
                continue
            article = unassigned.pop(edit["article"], None)
            if article is None:
                orphaned.append(Orphan(edit, f"article {edit['article']} is not among the unassigned"))
                continue
            by = str(edit.get("by", "")) or "editor"
            slots.append(_Slot(Item(
                city=edit["city"], officials=(), dates=(), summary=edit["text"].strip(), sentences=(),
                sources=(SourceRef(id=article.id, title=article.title, url="", published=None),),
                why=(f"added by {by} from the unassigned articles",), edited_by=by,
            ), edit["section"]))
            continue
        slot = find(edit["article"])
        if slot is None:
            gone = find_dropped(edit["article"])
            reason = "the item is dropped" if gone else f"no item with article {edit['article']}"
            orphaned.append(Orphan(edit, reason))
            continue
        if op == "drop":
            slots.remove(slot)
            dropped[id(slot)] = slot
        elif op == "move":
            if edit["section"] not in titles:
                orphaned.append(Orphan(edit, f"no section {edit['section']}"))
                continue
            slots.remove(slot)
            slot.section = edit["section"]
            slots.append(slot)
        elif op == "summary":
            by = str(edit.get("by", "")) or "editor"
            slot.item = replace(slot.item, summary=edit["text"].strip(), edited_by=by)
        elif op == "merge":
            target = find(edit["into"])
            if target is None:
                orphaned.append(Orphan(edit, f"no item with article {edit['into']}"))
                continue
            if target is slot:
                continue  # already one item
            slots.remove(slot)
            target.item = _merge(target.item, slot.item)

    sections = tuple(
        Section(title=t, keywords=keywords[t], items=tuple(s.item for s in slots if s.section == t)) for t in titles
    )
    stats = dict(digest.stats)
    stats["items"] = sum(len(s.items) for s in sections)
    edited = replace(
        digest, sections=sections, unassigned=tuple(unassigned.values()), commentary=commentary, lede=lede,
        stats=stats, headline=headline, drafts=drafts, themes=tuple(themes),
    )
    return Edited(edited, tuple(orphaned), tuple((s.section, s.item) for s in dropped.values()))


def _theme_edit(theme: Theme, edit: dict[str, Any]) -> Theme:
    """Return the theme as one theme edit leaves it: accepted, renamed or dropped, and by whom."""
    by = str(edit.get("by", "")) or "editor"
    if edit["op"] == "theme_accept":
        return replace(theme, status=ACCEPTED, by=by)
    if edit["op"] == "theme_rename":
        return replace(theme, title=str(edit["title"]).strip(), by=by)
    return replace(theme, status=DROPPED, by=by)


def _reorder(slots: list[_Slot], section: str, articles: list[str]) -> list[_Slot]:
    """Return the slots with the section's named items first, in the order given; the rest keep theirs."""
    ranked: list[_Slot] = []
    for article in articles:
        slot = next((s for s in slots if s.section == section and article in item_ids(s.item)), None)
        if slot is not None and slot not in ranked:
            ranked.append(slot)
    rest = [s for s in slots if s not in ranked]
    return ranked + rest


def _merge(into: Item, other: Item) -> Item:
    """Return one item that tells both: sentences, sources, officials and dates of each, the first's city."""
    def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
        return a + tuple(x for x in b if x not in a)

    summary = into.summary if into.edited_by else "".join(s.text for s in (*into.sentences, *other.sentences))
    return replace(
        into,
        officials=union(into.officials, other.officials),
        dates=tuple(sorted(union(into.dates, other.dates))),
        summary=summary,
        sentences=into.sentences + other.sentences,
        sources=into.sources + tuple(s for s in other.sources if s.id not in item_ids(into)),
        why=into.why + tuple(f"merged: {w}" for w in other.why),
        score=max(into.score, other.score),
        warnings=union(into.warnings, other.warnings),
        removed=into.removed + other.removed,
    )


def outline(digest: Digest) -> list[str]:
    """Return the digest as plain lines (sections, cities, summaries) for a readable diff."""
    lines = []
    if digest.headline:
        lines.append(f"标题：{digest.headline}")
    if digest.lede:
        lines.append(f"导语：{digest.lede}")
    for theme in digest.themes:
        if theme.status == ACCEPTED:
            lines.append(f"## 专题：{theme.title}（{'、'.join(theme.cities)}）")
    for section in digest.sections:
        lines.append(f"## 关键词：{section.title}")
        for item in section.items:
            mark = f"（{item.edited_by} 改写）" if item.edited_by else ""
            lines.append(f"[{item.city}] {item.summary}{mark}")
    if digest.commentary:
        lines.append(f"## 政观谈：{digest.commentary.title}")
        lines += [p for p in digest.commentary.text.split("\n") if p.strip()]
    return lines


def diff(machine: Digest, edited: Digest) -> list[str]:
    """Return a unified diff from the machine's draft to the edited issue (no header lines)."""
    lines = difflib.unified_diff(outline(machine), outline(edited), lineterm="", n=1)
    return [line for line in lines if not line.startswith(("---", "+++"))]


def unassigned_article(digest: Digest, article: str) -> Unassigned | None:
    return next((u for u in digest.unassigned if u.id == article), None)
