"""The project's config for a benchmark run, with a store and output of its own (never the checkout's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "digest.yaml"


def write_config(work: Path, *, store: str = "", sources: list[dict[str, Any]] | None = None) -> Path:
    """Write the project's config into `work` with its store (SQLite in `work` unless given) and output there.

    Paths of the checkout (templates, roster, places, folder sources) are made absolute; `sources`
    replaces the project's sources; the daemon's schedule is left out.
    """
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config |= {"store": store or str(work / "store.sqlite"), "output": str(work / "output"),
               "templates": str(ROOT / config.get("templates", "templates")),
               "officials": str(ROOT / config.get("officials", "config/officials.yaml"))}
    if isinstance(config.get("places"), str):
        config["places"] = str(ROOT / config["places"])
    if sources is not None:
        config["sources"] = sources
    for source in config.get("sources", []):
        if source.get("path"):
            source["path"] = str(ROOT / source["path"])
    config.pop("schedule", None)
    path = work / "digest.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
