"""Checking the set-up: `doctor` (what a build needs, and how to fix it) and `config-schema`."""

from __future__ import annotations

import argparse
import ctypes.util
import json
import os
import shutil
from pathlib import Path

from ..errors import ConfigError
from ..store import Store, StoreError
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


def cmd_doctor(args: argparse.Namespace) -> int:
    from ..render.pdf import missing_cjk_fonts

    problems = 0

    def report(ok: bool, what: str, fix: str = "") -> None:
        nonlocal problems
        problems += not ok
        print(f"[{'ok' if ok else 'MISSING'}] {what}" + ("" if ok else f" — {fix}"))

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
    try:
        config = load(args)
        report(True, f"config {args.config}: {len(config.sections)} sections, {len(config.sources)} sources")
        for source in config.sources:
            if source.kind == "folder" and source.path is not None:
                report(source.path.is_dir(), f"source {source.name}: folder {source.path}",
                       "folder not found")
        store_dir = config.store.parent if str(config.store.parent) else Path(".")
        writable = os.access(store_dir if store_dir.exists() else store_dir.parent or Path("."), os.W_OK)
        report(writable, f"store {config.store} (folder writable)", f"cannot write to {store_dir}")
        if config.store.exists():
            try:
                with Store(config.store) as store:
                    check, counts = store.integrity(), store.counts()
                report(check == "ok", f"store {config.store}: {counts['articles']} articles, integrity {check}",
                       "the store is damaged; move it aside and collect again")
            except StoreError as exc:
                report(False, f"store {config.store}", str(exc))
    except ConfigError as exc:
        for problem in exc.problems:
            report(False, "config", problem)
    print("all good" if problems == 0 else f"{problems} problem(s) found")
    return 0 if problems == 0 else 1
