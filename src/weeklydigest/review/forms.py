"""The edit a review form asks for: form fields to the edit dicts of review/edits.py."""

from __future__ import annotations

from typing import Any

from ..errors import DigestError
from .edits import item_ids, item_key
from .workflow import Review

_FIELDS = ("article", "section", "into", "city", "title", "phrase", "field")


def edit_from_form(review: Review, issue: str, form: Any, *, by: str) -> dict[str, Any]:
    """Return the edit a review form asks for; the up buttons become the full new order."""
    op = form.get("op", "")
    text = form.get("text", "")
    if op == "up":
        state = review.state(issue)
        article = form.get("article", "")
        section = next((s for s in state.edited.sections if any(article in item_ids(i) for i in s.items)), None)
        if section is None:
            raise DigestError(f"{issue}: no item with article {article}")
        order = [item_key(i) for i in section.items]
        at = next(n for n, i in enumerate(section.items) if article in item_ids(i))
        if at > 0:
            order[at - 1], order[at] = order[at], order[at - 1]
        # `article` names the item that moved, for the edit log; the order alone decides.
        return {"op": "order", "section": section.title, "articles": order, "article": item_key(section.items[at])}
    if op == "section_up":
        titles = [s.title for s in review.state(issue).edited.sections]
        title = form.get("section", "")
        if title not in titles:
            raise DigestError(f"{issue}: no section {title}")
        at = titles.index(title)
        if at > 0:
            titles[at - 1], titles[at] = titles[at], titles[at - 1]
        return {"op": "order_sections", "sections": titles}
    fields = {name: form.get(name, "") for name in _FIELDS if form.get(name) is not None}
    edit: dict[str, Any] = {"op": op, **fields}
    if op in ("summary", "add", "commentary", "lede", "headline"):
        edit["text"] = text.replace("\r\n", "\n")
    if op in ("summary", "add", "lede", "headline", "accept", "theme_accept", "theme_rename", "theme_drop"):
        edit["by"] = by
    return edit
