"""Checking the set-up: `doctor` (what a build needs, and how to fix it) and `config-schema`."""

from __future__ import annotations

import argparse
import ctypes.util
import json
import os
import shutil
from pathlib import Path

from ..config import Config
from ..errors import ConfigError
from ..store import Store, StoreError, StoreLocation
from .common import add_config_options, load


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the doctor and config-schema commands."""
    doctor = commands.add_parser("doctor", help="check fonts, HarfBuzz subsetting, config and store")
    add_config_options(doctor)
    doctor.set_defaults(handler=cmd_doctor)

    schema = commands.add_parser("config-schema", help="print the JSON Schema of the config file (for editors' IDEs)")
    schema.add_argument("--keys", action="store_true", help="print the table of keys (Markdown) instead")
    schema.set_defaults(handler=cmd_config_schema)


def cmd_config_schema(args: argparse.Namespace) -> int:
    from ..config.docs import json_schema, key_table

    print(key_table() if args.keys else json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


TEMPLATE_FILES = ("digest.html.j2", "digest.md.j2", "index.html.j2", "digest.css", "screen.css")
SECRET_LENGTH = 16


class _Report:
    """Print one line per check: [ok], [warn] (works, but worth knowing) or [MISSING] with the fix."""

    def __init__(self) -> None:
        self.problems = 0
        self.warnings = 0

    def __call__(self, ok: bool, what: str, fix: str = "") -> None:
        self.problems += not ok
        print(f"[{'ok' if ok else 'MISSING'}] {what}" + ("" if ok else f" — {fix}"))

    def warn(self, what: str, advice: str) -> None:
        self.warnings += 1
        print(f"[warn] {what} — {advice}")


def cmd_doctor(args: argparse.Namespace) -> int:
    report = _Report()
    _check_system(report)
    try:
        config = load(args)
    except ConfigError as exc:
        for problem in exc.problems:
            report(False, "config", problem)
    else:
        report(True, f"config {args.config}: {len(config.sections)} sections, {len(config.sources)} sources")
        for warning in config.warnings:
            report.warn("config", warning)
        _check_build(report, config)
        _check_review(report, config)
        _check_delivery(report, config)
    warned = f" ({report.warnings} warning{'s' if report.warnings != 1 else ''})" if report.warnings else ""
    print(f"all good{warned}" if report.problems == 0 else f"{report.problems} problem(s) found{warned}")
    return 0 if report.problems == 0 else 1


def _check_system(report: _Report) -> None:
    """Fonts, HarfBuzz, Pango, WeasyPrint and poppler: what rendering the PDF needs."""
    from ..render.pdf import missing_cjk_fonts

    missing = missing_cjk_fonts()
    report(not missing, "CJK fonts: Noto Serif CJK SC, Noto Sans CJK SC",
           f"not found: {', '.join(missing)}; apt-get install fonts-noto-cjk")
    report(bool(ctypes.util.find_library("harfbuzz-subset")), "HarfBuzz subsetting (libharfbuzz-subset0)",
           "apt-get install libharfbuzz-subset0 (without it PDF font subsetting is ~50x slower)")
    report(bool(ctypes.util.find_library("pango-1.0")), "Pango (libpango-1.0-0) for WeasyPrint",
           "apt-get install libpango-1.0-0 libpangoft2-1.0-0")
    try:
        import weasyprint

        report(True, f"WeasyPrint {weasyprint.__version__}")
    except (ImportError, OSError) as exc:
        report(False, "WeasyPrint", f"cannot load: {exc}")
    report(bool(shutil.which("pdftotext")), "poppler-utils (pdftotext, pdffonts) for checks",
           "apt-get install poppler-utils")


def _check_build(report: _Report, config: Config) -> None:
    """Templates, roster, sources, the store and the output folder: what `build` needs."""
    from ..understand.roster import load_roster

    templates = config.templates
    if not templates.is_dir():
        report(False, f"templates folder {templates}", "not found: point 'templates' in the config at the "
               "project's templates/ folder or a copy of it")
    else:
        missing = [name for name in TEMPLATE_FILES if not (templates / name).is_file()]
        report(not missing, f"templates folder {templates}",
               f"missing {', '.join(missing)}: copy them from the project's templates/ folder")
    roster_path = _roster_path(config)
    if not roster_path.is_file():
        report.warn(f"roster {config.officials}", "not found: names are not checked against office holders")
    else:
        load_roster.cache_clear()
        try:
            roster = load_roster(roster_path)
        except ConfigError as exc:
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            report(False, f"roster {config.officials}", f"{exc.problems[0]}{more}; fix the file")
        else:
            report(True, f"roster {config.officials}: {len(roster.posts)} office holders")
    for source in config.sources:
        if source.kind == "folder" and source.path is not None:
            report(source.path.is_dir(), f"source {source.name}: folder {source.path}",
                   "folder not found: fix 'path' or create it")
    location = StoreLocation.of(config.store)
    folders = [("output", config.output)] if location.is_database else [("store", location.path.parent),
                                                                           ("output", config.output)]
    for what, path in folders:
        problem = _cannot_create(path)
        shown = config.store if what == "store" else config.output
        report(problem is None, f"{what} {shown} (folder can be written)", f"{problem}: choose another folder")
    if location.is_database or location.path.is_file():
        try:
            with Store(location, edition=config.edition, read_only=True) as store:
                if store.schema_version == 0:
                    report(True, f"store {config.store}: empty (the first collect makes its tables)")
                    return
                check, counts = store.integrity(), store.counts()
            report(check == "ok", f"store {config.store}: {counts['articles']} articles, integrity {check}",
                   "the store is damaged; move it aside and collect again")
        except StoreError as exc:
            report(False, f"store {config.store}", str(exc).removeprefix(f"store {config.store}: "))


def _roster_path(config: Config) -> Path:
    path = config.officials
    if not path.is_absolute() and not path.exists():
        path = Path(__file__).resolve().parents[3] / path  # the project's own config folder, as build does
    return path


def _cannot_create(folder: Path) -> str | None:
    """Return why files cannot be written in `folder` (created if need be), or None if they can."""
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        return f"{existing} is a file, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} cannot be written"
    return None


def _secret(name: str) -> str | None:
    """Return why the environment variable `name` cannot serve as a signing secret, or None."""
    value = os.environ.get(name, "")
    if not value:
        return f"{name} is not set: export {name}=<a random secret of {SECRET_LENGTH}+ characters>"
    if len(value) < SECRET_LENGTH:
        return f"{name} is shorter than {SECRET_LENGTH} characters: use a longer random secret"
    return None


def _check_review(report: _Report, config: Config) -> None:
    """Users and the cookie secret: what `weeklydigest review` needs."""
    users = config.review.users
    if not users:
        report.warn("review app", "no users in review.users: add one with a hash from 'weeklydigest hash-password' "
                    "before running 'weeklydigest review'")
        return
    chiefs = sum(u.role == "chief" for u in users)
    report(True, f"review app: {len(users)} users, {chiefs} chief{'s' if chiefs != 1 else ''}")
    if not chiefs:
        report.warn("review app", "no user with role chief: nobody can publish from the app")
    problem = _secret(config.review.secret_key_env)
    report(problem is None, f"review secret {config.review.secret_key_env}", problem or "")


def _check_delivery(report: _Report, config: Config) -> None:
    """The SMTP password and the unsubscribe secret: what `weeklydigest send` needs."""
    delivery = config.delivery
    if delivery is None:
        return
    smtp = delivery.smtp
    report(True, f"delivery: {smtp.host}:{smtp.port} ({smtp.security}), from {delivery.sender}")
    if smtp.password_env:
        ok = bool(os.environ.get(smtp.password_env))
        report(ok, f"SMTP password {smtp.password_env}",
               f"{smtp.password_env} is not set: export it with the password of {smtp.user or 'the SMTP user'}")
    problem = _secret(delivery.secret_env)
    report(problem is None, f"unsubscribe secret {delivery.secret_env}", problem or "")
    if not (delivery.unsubscribe_url or config.base_url):
        report.warn("delivery", "neither delivery.unsubscribe_url nor base_url is set: messages carry no "
                    "unsubscribe link")
