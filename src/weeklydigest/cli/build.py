"""The build & inspect group: `build`, `inspect`, `eval`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from .. import clock
from ..collect.folder import SUFFIXES, read_file
from ..collect.guard import describe, one_line
from ..config import SourceConfig
from ..errors import DigestError, EmptyWeek, UsageError
from ..evaluate import MEASURES
from ..lock import issue_lock
from ..model import DateSpan
from ..render import FORMATS
from ..store import StoreLocation, open_store
from ..store.runlog import finish_run, start_run
from ..understand.sections import best_section, score_sections
from ..week import parse_week
from .common import (
    _date,
    _folder_sources,
    _progress_display,
    _share,
    add_config_options,
    failed_sources,
    load,
    print_skipped,
    resolve_week,
)


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the build, inspect, eval commands."""
    build = commands.add_parser("build", help="collect and build the issue of one week")
    add_config_options(build)
    when = build.add_mutually_exclusive_group()
    when.add_argument("--week", help="issue week like 2025-W46 (default: the last complete week)")
    when.add_argument("--date", type=_date, help="any day of the week to build, YYYY-MM-DD")
    build.add_argument("--source", type=Path, action="append", default=[],
                       help="build from this folder only (repeatable), read directly; the store is not used")
    build.add_argument("--out", type=Path, help="output folder (default: the config's, output/)")
    build.add_argument("--format", default=",".join(FORMATS),
                       help="comma-separated formats among html,pdf,md,json")
    # The daemon logs its own runs of build; its child processes must not log them twice.
    build.add_argument("--no-run-log", action="store_true", help=argparse.SUPPRESS)
    build.set_defaults(handler=cmd_build)

    inspect = commands.add_parser("inspect", help="show what the program understands of one article")
    inspect.add_argument("path", type=Path)
    add_config_options(inspect)
    inspect.add_argument("--date", type=_date,
                         help="the day the article is read on (places a month and day, never gives a year)")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    inspect.set_defaults(handler=cmd_inspect)

    evaluate = commands.add_parser("eval", help="build a week and score it against a gold file")
    evaluate.add_argument("--gold", type=Path, required=True, help="gold JSON (examples/gold/*.json)")
    add_config_options(evaluate)
    evaluate.add_argument("--week", help="issue week (default: the gold file's 'week')")
    evaluate.add_argument("--source", type=Path, action="append", default=[],
                          help="folder to read (repeatable; default: the gold file's 'source')")
    for measure in MEASURES:
        evaluate.add_argument(f"--min-{measure}", type=_share, metavar="SHARE",
                              help=f"fail when {measure} accuracy is below this share (0..1)")
    evaluate.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    evaluate.set_defaults(handler=cmd_eval)


def cmd_build(args: argparse.Namespace) -> int:
    from ..build import build_issue, refuse_empty, write_outputs

    config = load(args)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format {', '.join(unknown) or '(none)'}: expected some of {','.join(FORMATS)}")
    week = resolve_week(config, week=args.week, day=args.date)
    out = args.out or config.output
    if out.exists() and not out.is_dir():
        option = "--out" if args.out else f"output in {args.config}"
        raise UsageError(f"{option} {out} is a file, not a folder: name a folder for the issues")
    sources = _folder_sources(args.source)
    with issue_lock(out, week.issue, store=config.store, edition=config.edition):
        _refuse_published(out / week.issue / "digest.json", week.issue)
        # A one-off build of --source folders neither reads nor writes the store, its run log included.
        log = not args.no_run_log and sources is None
        if log:
            run = start_run(config.store, kind="build", trigger="manual", issue=week.issue,
                            started=clock.now(config.tz), edition=config.edition)
        try:
            with _progress_display() as progress:
                digest = build_issue(config, week=week, sources=sources, progress=progress)
            # An empty week is not an issue: nothing is written, numbered or announced.
            refuse_empty(digest, sources=sources or config.sources, store=None if sources else config.store)
            written = write_outputs(digest, config, out=out, formats=formats)
        except BaseException as exc:
            if log:
                outcome = ("abandoned" if isinstance(exc, KeyboardInterrupt) else
                           "skipped" if isinstance(exc, EmptyWeek) else "failed")
                finish_run(config.store, run, ended=clock.now(config.tz), outcome=outcome, error=str(exc) or outcome,
                           edition=config.edition)
            raise
        if log:
            counts = {k: v for k, v in digest.stats.items() if isinstance(v, int)}
            finish_run(config.store, run, ended=clock.now(config.tz), outcome="ok", counts=counts,
                       edition=config.edition)
    print_skipped(digest.skipped)
    stats = digest.stats
    print(f"{digest.issue} ({digest.period.start} – {digest.period.end}): "
          f"{stats['items']} items in {len(digest.sections)} sections from {stats['in_week']} "
          f"articles of the week ({stats['articles_seen']} collected, {stats['duplicates']} duplicates, "
          f"{len(digest.unassigned)} unassigned, {stats['skipped']} skipped)")
    for fmt, path in written.items():
        print(f"{fmt}: {path}")
    failed = stats.get("sources_failed") or []
    if failed:
        print(f"error: {failed_sources(failed, len(sources or config.sources))}; the issue "
              "was written from the other sources and earlier collections", file=sys.stderr)
        return 1
    return 0


def _refuse_published(path: Path, issue: str) -> None:
    from ..schedule import saved_status

    if (saved_status(path) or {}).get("status") == "published":
        raise DigestError(f"{issue} is published; its outputs are never overwritten (publish a correction instead)")


def cmd_inspect(args: argparse.Namespace) -> int:
    config = load(args)
    path: Path = args.path
    if not path.is_file():
        raise DigestError(f"{path}: no such file")
    if path.suffix.lower() not in SUFFIXES:
        raise DigestError(f"{path}: not an article file (expected {', '.join(sorted(SUFFIXES))})")
    try:
        documents, skipped = read_file(path, source="inspect", tz=config.tz, limits=config.limits)
    except Exception as exc:  # the folder reader guards each file; this is the edge for anything it lets through
        raise DigestError(f"{one_line(str(path))}: cannot be read: {describe(exc)}") from None
    if not documents:
        raise DigestError(f"{path}: {skipped[0].reason if skipped else 'no article found'}")
    from ..analysed import analyses_of

    fallback = args.date or date.today()
    reports = []
    for document in documents:
        try:
            # The store's analysis when it holds this very file, analysed as the config says otherwise.
            ((article, how),) = analyses_of(config, [document], fallback=fallback)
            scores = score_sections(article, config.sections, set_phrases=config.set_phrases,
                                    set_patterns=config.set_patterns, weights=config.section_weights)
        except Exception as exc:  # e.g. a date no calendar holds: one line, as for a file that cannot be read
            raise DigestError(f"{one_line(document.origin)}: cannot be understood: {describe(exc)}") from None
        best = best_section(scores, min_score=config.min_score)
        reports.append({
            "origin": document.origin,
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "text": article.text,
            "removed": [{"text": r.text, "reason": r.reason, "detail": r.detail} for r in article.removed],
            "dates": [{"text": d.text, "start": d.start.isoformat(), "end": d.end.isoformat(), "offset": d.offset,
                       "year_known": d.year_known} | ({"kind": d.kind} if d.kind else {}) for d in article.dates],
            "event_date": article.event_date.isoformat() if article.event_date else None,
            "event_end": article.event_end.isoformat() if article.event_end else None,
            "cities": list(article.cities),
            "city": article.city,
            "officials": [{"name": o.name, "title": o.title, "city": o.city, "note": o.note, "role": o.role}
                          for o in article.officials],
            "mentioned": [{"name": o.name, "title": o.title, "city": o.city, "role": o.role}
                          for o in article.mentioned],
            "unnamed": [{"title": o.title, "city": o.city, "note": o.note} for o in article.unnamed],
            "publication": article.publication.isoformat() if article.publication else None,
            "undated_guess": _undated_guess(article.undated),
            "sections": [{"title": s.title, "score": s.score, "why": list(s.why)} for s in scores],
            "section": best.title if best else None,
            "warnings": list(article.warnings),
            "flagged": [{"start": start, "end": end, "text": article.text[start:end]}
                        for start, end in article.flagged],
            "analysis": how,
        })
    if args.json:
        payload = reports[0] if len(reports) == 1 else {"articles": reports}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for report in reports:
        _print_inspection(report)
    return 0


def _undated_guess(span: DateSpan | None) -> dict[str, str] | None:
    """Return the month and day of an event whose year is unknown (ISO `--MM-DD`), for editors."""
    if span is None:
        return None
    return {"text": span.text, "start": f"--{span.start:%m-%d}", "end": f"--{span.end:%m-%d}"}


def cmd_eval(args: argparse.Namespace) -> int:
    from ..evaluate import evaluate_build, load_gold

    config = load(args)
    gold = load_gold(args.gold)
    week_id = args.week or gold.get("week")
    if not week_id:
        raise DigestError(f"gold file {args.gold}: no 'week'; give --week")
    week = parse_week(week_id, week_starts=config.week_starts)
    folders = args.source or ([_gold_source(args.gold, gold["source"])] if gold.get("source") else [])
    if not folders:
        raise DigestError(f"gold file {args.gold}: no 'source' folder; give --source")
    sources = tuple(SourceConfig(name=p.name, kind="folder", path=p) for p in folders)
    learned = None
    if StoreLocation.of(config.store).exists():
        from ..understand.learn import learn

        # The editors' section corrections of earlier weeks, as a build of this week would use them.
        with open_store(config) as store:
            learned = learn(store.examples(before=week.issue))
    evaluation = evaluate_build(config, gold, week=week, sources=sources, learned=learned)
    without = evaluate_build(config, gold, week=week, sources=sources) if learned else None
    thresholds = {m: getattr(args, f"min_{m}") for m in MEASURES if getattr(args, f"min_{m}") is not None}
    failed = evaluation.below(thresholds)
    effect = ""
    if learned and without:
        n = learned.total
        effect = (f"learned from {n} editor correction{'s' if n != 1 else ''}: section "
                  f"{evaluation.scores['section'].accuracy:.1%} ({without.scores['section'].accuracy:.1%} without)")
    if args.json:
        payload = evaluation.to_json(thresholds)
        if learned and without:
            payload["learned"] = {"corrections": learned.total, "section": evaluation.scores["section"].accuracy,
                                  "section_without": without.scores["section"].accuracy}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(f"{week.issue} ({week.start} – {week.end}) against {args.gold}")
        print(evaluation.table(thresholds))
        if effect:
            print(effect)
        for line in evaluation.miss_lines():
            print(f"  miss: {line}")
    for measure in failed:
        score = evaluation.scores[measure]
        print(f"error: {measure} {score.accuracy:.1%} is below {thresholds[measure]:.1%}", file=sys.stderr)
    return 1 if failed else 0


def _gold_source(gold_path: Path, source: str) -> Path:
    """Return the gold file's source folder: as given when it exists, else relative to the project."""
    path = Path(source)
    if path.is_absolute() or path.exists():
        return path
    root = gold_path.resolve().parents[2] if len(gold_path.resolve().parents) > 2 else Path.cwd()
    return root / path


def _date_line(found: dict) -> str:  # type: ignore[type-arg]
    """Return one found date as `text → start..end`; a day without a known year as `--MM-DD`, with its kind."""
    start, end = found["start"], found["end"]
    if not found.get("year_known", True):
        start, end = f"--{start[5:]}", f"--{end[5:]}"
    kind = f" ({found['kind']})" if found.get("kind") else ""
    return f"{found['text']} → {start}" + ("" if end == start else f"..{end}") + kind


def _print_inspection(report: dict) -> None:  # type: ignore[type-arg]
    print(f"title:     {report['title']}")
    print(f"published: {report['published'] or '-'}")
    guess = report["undated_guess"]
    event = report["event_date"] or (f"- (year not on the page: {guess['text']}, {guess['start']})" if guess else "-")
    print(f"event:     {event}   city: {report['city'] or '-'}")
    print("dates:     " + ("; ".join(_date_line(d) for d in report["dates"]) or "-"))
    print("cities:    " + ("、".join(report["cities"]) or "-"))
    officials = [f"{o['title']} {o['name']} ({o['city'] or '?'}{', ' + o['note'] if o['note'] else ''})"
                 for o in report["officials"]]
    print("officials: " + ("；".join(officials) or "-"))
    if report["unnamed"]:
        print("unnamed:   " + "；".join(f"{o['city']}{o['title']}" + (f" ({o['note']})" if o["note"] else "")
                                        for o in report["unnamed"]))
    if report["mentioned"]:
        print("mentioned: " + "；".join(f"{o['title']} {o['name']} ({o['role']})" for o in report["mentioned"]))
    for warning in report["warnings"]:
        print(f"warning:   {warning}")
    for flagged in report["flagged"]:
        print(f"flagged:   {flagged['text'][:80]} (text lost in a garble; check against the source)")
    print(f"analysis:  {report['analysis']}")
    print("sections:")
    for s in report["sections"]:
        mark = "→" if s["title"] == report["section"] else " "
        print(f"  {mark} {s['title']}: {s['score']:g} ({'; '.join(s['why'])})")
    print(f"removed ({len(report['removed'])}):")
    for r in report["removed"]:
        detail = f" ({r['detail']})" if r["detail"] else ""
        print(f"  [{r['reason']}]{detail} {r['text'][:80]}")
    print("text:")
    for paragraph in report["text"].split("\n"):
        print(f"  {paragraph}")
