"""Shared fixtures: the project's paths and a loaded default config."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from weeklydigest.build import build_issue, write_outputs
from weeklydigest.config import Config, load_config
from weeklydigest.model import Digest
from weeklydigest.week import parse_week

from .postgres import fresh_database, postgres_url, require_server

__all__ = ["postgres_url"]  # a fixture for every test module

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-week"
GOLD = ROOT / "examples" / "gold" / "sample-week.json"


@pytest.fixture(scope="session")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    loaded = load_config(ROOT / "config" / "digest.yaml")
    # Paths in the config are relative to the project folder.
    sources = tuple(s.__class__(**{**s.__dict__, "path": ROOT / s.path}) if s.path else s for s in loaded.sources)
    return loaded.__class__(**{**loaded.__dict__, "templates": ROOT / "templates", "sources": sources,
                               "output": ROOT / "output",
                               # A fresh store per session: articles from earlier runs never leak in.
                               "store": tmp_path_factory.mktemp("store") / "store.sqlite"})


FIXED_NOW = datetime(2025, 11, 17, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="session")
def sample_digest(config: Config) -> Digest:
    """The sample week's digest, built once for the session at a fixed time."""
    return build_issue(config, week=parse_week("2025-W46"), now=FIXED_NOW)


@pytest.fixture(scope="session")
def sample_outputs(sample_digest: Digest, config: Config, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """All four outputs of the sample week, rendered once into a temporary folder."""
    return write_outputs(sample_digest, config, out=tmp_path_factory.mktemp("out"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh store's location on each backend: an SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite")
    else:
        yield from fresh_database(require_server())
