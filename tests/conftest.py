"""Shared fixtures: a loopback HTTP server and paths to test data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.httpserver import FixtureServer

DATA = Path(__file__).parent / "data"


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    srv = FixtureServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def data_dir() -> Path:
    return DATA
