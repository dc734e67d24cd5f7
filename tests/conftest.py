"""Shared fixtures: the project's paths and a loaded default config; a guard that the checkout stays as it was.

Tests write only into temporary folders: a test that writes into the checkout's `output/`, `config/`,
`examples/` or `templates/`, or adds anything at its top level, fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

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
                               "output": tmp_path_factory.mktemp("output"),
                               # A fresh store per session: articles from earlier runs never leak in.
                               "store": tmp_path_factory.mktemp("store") / "store.sqlite"})


# Made by tools, not by the program: caches that may appear at the top of the checkout.
_TOOL_CACHES = {".pytest_cache", ".hypothesis", ".ruff_cache", "__pycache__", ".venv", ".coverage"}
_WATCHED = ("output", "config", "examples", "templates")
_SQLITE_SIDECARS = ("-shm", "-wal")


def _checkout_state() -> dict[str, tuple[int, int]]:
    """Return every watched file of the checkout with its size and modification time, and its top-level names."""
    state = {f"/{p.name}": (0, 0) for p in ROOT.iterdir() if p.name not in _TOOL_CACHES}
    for folder in _WATCHED:
        for path in (ROOT / folder).rglob("*"):
            if path.name.endswith(_SQLITE_SIDECARS):
                continue  # SQLite's shared-memory and log files appear when a reader opens a store
            if "__pycache__" not in path.parts and not path.is_dir():
                stat = path.stat()
                state[str(path.relative_to(ROOT))] = (stat.st_size, stat.st_mtime_ns)
            elif path.is_dir():
                state[str(path.relative_to(ROOT)) + "/"] = (0, 0)
    return state


@pytest.fixture(autouse=True)
def _checkout_untouched() -> Iterator[None]:
    """Fail the test that writes into the checkout (its outputs, its store, its config)."""
    before = _checkout_state()
    yield
    after = _checkout_state()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        pytest.fail(f"the test wrote into the checkout: {', '.join(changed[:10])}", pytrace=False)


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A working folder set up as the README says, with the bundled config (its paths made absolute)."""
    data = yaml.safe_load((ROOT / "config" / "digest.yaml").read_text(encoding="utf-8"))
    data |= {"templates": str(ROOT / "templates"), "officials": str(ROOT / "config" / "officials.yaml"),
             "sources": [{"name": "样例周", "kind": "folder", "path": str(SAMPLE)}]}
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "digest.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


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
