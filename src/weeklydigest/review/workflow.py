"""The review workflow of an issue: draft → approved → published, with edits kept in the store.

The machine's draft is `output/<issue>/digest.json` as `build` wrote it; the edits are layered over it
whenever the issue is shown or published, so a rebuild with late articles keeps every edit.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import clock
from ..config import Config
from ..errors import DigestError
from ..lock import issue_lock
from ..model import Digest, Item, digest_from_json
from ..store import Store, open_store
from .edits import EditError, Orphan, apply_edits, check_edit, diff, item_ids

logger = logging.getLogger(__name__)

ISSUE_ID = re.compile(r"\d{4}-W\d{2}")
DRAFT, APPROVED, PUBLISHED = "draft", "approved", "published"


def check_issue(issue: str) -> str:
    """Return the issue id if it looks like 2025-W46; anything path-like is refused."""
    if not isinstance(issue, str) or not ISSUE_ID.fullmatch(issue):
        raise DigestError(f"not an issue id like 2025-W46: {issue!r}")
    return issue


@dataclass(frozen=True)
class Event:
    status: str
    revision: int
    by: str
    at: str


@dataclass(frozen=True)
class EditRecord:
    id: int
    edit: dict[str, Any]
    by: str
    at: str


@dataclass(frozen=True)
class IssueReview:
    """Everything an editor sees of one issue."""

    issue: str
    status: str
    revision: int  # the published revision, 0 before publication
    machine: Digest
    edited: Digest  # with the current status
    orphaned: tuple[Orphan, ...]
    dropped: tuple[tuple[str, Item], ...]  # (section title, item) the editors left out
    edits: tuple[EditRecord, ...]
    history: tuple[Event, ...]
    diff: tuple[str, ...]


class Review:
    """The review workflow over a config's output folder and store."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._drafts: dict[Path, tuple[tuple[int, int, int], Digest]] = {}  # parsed drafts by file version

    def _folder(self, issue: str) -> Path:
        return self.config.output / check_issue(issue)

    def issues(self) -> list[str]:
        """Return the issues with a draft in the output folder, newest first."""
        out = self.config.output
        if not out.is_dir():
            return []
        return sorted((p.name for p in out.iterdir() if ISSUE_ID.fullmatch(p.name) and (p / "digest.json").is_file()),
                      reverse=True)

    def machine(self, issue: str, store: Store) -> Digest:
        """Return the machine's draft: of the last published revision once published, else the latest build."""
        revisions = store.revisions(check_issue(issue))
        if revisions:
            return digest_from_json(json.loads(revisions[-1][1]))
        path = self._folder(issue) / "digest.json"
        try:
            stat = path.stat()
            version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            cached = self._drafts.get(path)
            if cached is not None and cached[0] == version:
                return cached[1]  # build writes a new file (rename), so a rebuild changes the version
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DigestError(f"{issue}: no draft yet; run 'weeklydigest build --week {issue}' first") from None
        except (OSError, ValueError) as exc:
            raise DigestError(f"{path}: cannot read the draft: {exc}") from None
        try:
            draft = replace(digest_from_json(data), status=DRAFT)
        except (KeyError, TypeError, ValueError) as exc:
            raise DigestError(f"{path}: not a digest.json: {exc}") from None
        self._drafts[path] = (version, draft)
        return draft

    def state(self, issue: str) -> IssueReview:
        """Return the issue as the editors see it: the machine's draft with every edit applied."""
        with open_store(self.config) as store:
            machine = self.machine(issue, store)
            history = tuple(Event(*row) for row in store.events(issue))
            records = tuple(EditRecord(*row) for row in store.edits(issue))
        status = history[-1].status if history else DRAFT
        revision = max((e.revision for e in history if e.status == PUBLISHED), default=0)
        result = apply_edits(machine, [r.edit for r in records])
        edited = replace(result.digest, status=status, revision=max(revision, 1))
        return IssueReview(issue=issue, status=status, revision=revision, machine=machine, edited=edited,
                           orphaned=result.orphaned, dropped=result.dropped, edits=records, history=history,
                           diff=tuple(diff(machine, result.digest)))

    def edit(self, issue: str, edit: dict[str, Any], *, by: str) -> int:
        """Record an edit; an approved issue goes back to draft. Return the edit's id."""
        try:
            check_edit(edit)
        except EditError as exc:
            raise DigestError(f"{issue}: {exc}") from None
        state = self.state(issue)
        now = clock.now(self.config.tz)
        with open_store(self.config) as store:
            edit_id = store.add_edit(issue, edit, by=by, now=now)
            if state.status == APPROVED:
                store.add_event(issue, DRAFT, revision=state.revision, by=by, now=now)
            if edit["op"] == "move":
                # A section correction is a labelled example for the classifier of later weeks.
                item = next((i for s in state.edited.sections for i in s.items if edit["article"] in item_ids(i)),
                            None)
                if item is not None:
                    text = "\n".join([*(s.title for s in item.sources), item.summary])
                    for article in item_ids(item):
                        store.add_example(article=article, issue=issue, text=text, section=edit["section"], by=by,
                                          now=now)
        return edit_id

    def undo(self, issue: str, edit_id: int, *, by: str) -> None:
        """Forget one edit of a draft."""
        state = self.state(issue)
        with open_store(self.config) as store:
            if not store.remove_edit(issue, edit_id):
                raise DigestError(f"{issue}: no edit {edit_id}")
            if state.status == APPROVED:
                store.add_event(issue, DRAFT, revision=state.revision, by=by, now=clock.now(self.config.tz))

    def approve(self, issue: str, *, by: str) -> None:
        """Mark the edited draft as approved for publication."""
        state = self.state(issue)
        if state.status == PUBLISHED:
            raise DigestError(f"{issue} is already published; publish a correction with --correction")
        if state.status == APPROVED:
            raise DigestError(f"{issue} is already approved")
        with open_store(self.config) as store:
            store.add_event(issue, APPROVED, revision=state.revision, by=by, now=clock.now(self.config.tz))

    def publish(self, issue: str, *, by: str, correction: str | None = None) -> dict[str, Path]:
        """Render the approved issue as published (or, with `correction`, its next revision); return the files."""
        state = self.state(issue)
        if correction is not None:
            correction = correction.strip()
            if not correction:
                raise DigestError(f"{issue}: a correction needs its note (更正) text")
            if state.status != PUBLISHED:
                raise DigestError(f"{issue} is not published yet; a correction is only for a published issue")
        elif state.status == PUBLISHED:
            raise DigestError(f"{issue} is already published; publish a correction with --correction \"…\"")
        elif state.status != APPROVED:
            raise DigestError(f"{issue} is not approved yet: weeklydigest approve {issue}")
        revision = state.revision + 1
        final = replace(state.edited, status=PUBLISHED, revision=revision, correction=correction or "")
        now = clock.now(self.config.tz)
        folder = self._folder(issue)
        with issue_lock(self.config.output, issue, store=self.config.store, edition=self.config.edition):
            if correction is not None:
                # The revision it corrects stays readable next to it.
                keep = folder / f"r{state.revision}"
                keep.mkdir(parents=True, exist_ok=True)
                for path in folder.glob("digest.*"):
                    shutil.copy2(path, keep / path.name)
            from ..build import write_outputs

            written = write_outputs(final, self.config, out=self.config.output)
            with open_store(self.config) as store:
                store.save_revision(issue, revision, draft=json.dumps(state.machine.to_json(), ensure_ascii=False),
                                    published=json.dumps(final.to_json(), ensure_ascii=False),
                                    correction=final.correction, by=by, now=now)
        self._deliver(issue)
        return written

    def _deliver(self, issue: str) -> None:
        """E-mail the issue just published when the config says so; a failure never undoes the publication."""
        from ..deliver import on_published

        try:
            report = on_published(self.config, issue)
        except DigestError as exc:
            logger.warning("%s is published but was not e-mailed: %s; run: weeklydigest send %s", issue, exc, issue)
            return
        if report is not None and not report.complete:
            why = report.error or f"{len(report.failed)} message(s) not accepted yet"
            logger.warning("%s is published but not every e-mail went out: %s; run: weeklydigest send %s",
                           issue, why, issue)
