"""The `site` fixture (a pytest plugin, named in `pytest_plugins` by the tests that serve HTTP)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .servers import Site


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    yield server
    server.close()
