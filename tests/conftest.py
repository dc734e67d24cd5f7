"""Shared fixtures: the project's paths and a loaded default config."""

from __future__ import annotations

from pathlib import Path

import pytest

from weeklydigest.config import Config, load_config

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-week"
GOLD = ROOT / "examples" / "gold" / "sample-week.json"


@pytest.fixture(scope="session")
def config() -> Config:
    loaded = load_config(ROOT / "config" / "digest.yaml")
    # Paths in the config are relative to the project folder.
    return loaded.__class__(**{**loaded.__dict__, "templates": ROOT / "templates",
                               "output": ROOT / "output", "store": ROOT / "output" / "store.sqlite"})
