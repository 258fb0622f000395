"""Shared fixtures: a loopback HTTP server and paths to test data."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.httpserver import FixtureServer

DATA = Path(__file__).parent / "data"

# Property tests draw the same examples on every machine, and are not timed: a
# random draw once sent `test_literals` into minutes of hypothesis filtering for
# a regex it could hardly satisfy, and a busy CI machine can make any example
# slower than hypothesis's default deadline. A failure shows the same on a
# second run and in CI. `HYPOTHESIS_PROFILE=explore` draws anew (to hunt).
settings.register_profile("repeatable", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_local(host: object) -> bool:
    if host is None:
        return True   # a passive (bind) lookup
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_real_hosts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Tests never touch a real website: a lookup of any name but loopback fails.

    Test code names real agency hosts as data (links in fixtures, host names
    given to a test resolver); this makes sure none of them is ever resolved by
    the system, so none can be fetched. The refusal alone could pass unseen (a
    crawl reports a source's failed fetch and carries on), so every refused
    name is also recorded, and a test that asked for one fails when it ends.
    Subprocesses are not covered. Yields the record (a test of the guard
    itself empties it).
    """
    real = socket.getaddrinfo
    refused: list[str] = []

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host):
            refused.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield refused
    if refused:
        pytest.fail(f"the test tried to resolve {', '.join(sorted(set(refused)))}: tests "
                    "never reach a real host", pytrace=False)


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    srv = FixtureServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def sites() -> Iterator[Callable[[], FixtureServer]]:
    """Servers made on demand, each its own site (its own port), all stopped after."""
    servers: list[FixtureServer] = []

    def make() -> FixtureServer:
        servers.append(FixtureServer().start())
        return servers[-1]

    yield make
    for made in servers:
        made.stop()


@pytest.fixture
def data_dir() -> Path:
    return DATA
