"""Politeness measured from the server's log: spacing per host, parallelism across hosts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from monitor.config.settings import FetchSettings
from monitor.fetch import Fetcher
from monitor.fetch.hosts import HostThrottle
from monitor.fetch.retry import RetryPolicy
from monitor.models import Document
from tests.httpserver import FixtureServer, Request, Response

UA = "thai-egov-monitor/test (+https://example.org/)"
# The server stamps a request when its thread has parsed it, a fraction of a
# millisecond after it left the client; spacing is checked to within this.
JITTER = 0.02
SPACED = FetchSettings(min_delay_per_host=1.0, timeout=5.0, retries=1, respect_robots=False,
                       allow_private_networks=True)


async def fetch_together(urls: list[str], settings: FetchSettings, *,
                         concurrency: int = 16) -> list[object]:
    async with Fetcher(user_agent=UA, concurrency=concurrency,
                       retry=RetryPolicy(base=0.01)) as fetcher:
        return list(await asyncio.gather(*(fetcher.fetch(u, settings) for u in urls)))


def one(log: list[Request], path: str, host: str) -> Request:
    [request] = [r for r in log if r.path == path and r.host.startswith(host)]
    return request


def test_two_urls_on_one_host_are_spaced(server: FixtureServer) -> None:
    server.page("/a", "a")
    server.page("/b", "b")
    asyncio.run(fetch_together([server.url("/a"), server.url("/b")], SPACED))
    first, second = sorted(r.time for r in server.log)
    assert second - first >= 1.0 - JITTER


def test_different_hosts_run_in_parallel_and_slow_host_holds_up_nobody(
        server: FixtureServer) -> None:
    # 127.0.0.1 and localhost are two hosts to the fetcher; the first is slow.
    server.add("/slow", Response(200, b"slow", delay=1.5))
    server.page("/next", "next")
    server.page("/other", "other")
    urls = [server.url("/slow"), server.url("/next"), server.url("/other", host="localhost")]
    results = asyncio.run(fetch_together(urls, SPACED))
    assert all(isinstance(r, Document) for r in results)
    slow = one(server.log, "/slow", "127.0.0.1")
    nxt = one(server.log, "/next", "127.0.0.1")
    other = one(server.log, "/other", "localhost")
    assert abs(other.time - slow.time) < 0.3          # did not wait for the slow host
    assert nxt.time - slow.time >= 1.0 - JITTER       # its own host's spacing still held
    assert nxt.time - slow.time < 1.4                 # spacing is between starts, not ends


def test_retries_count_for_spacing(server: FixtureServer) -> None:
    server.add("/flaky", [Response(503), Response(200, b"ok")])
    settings = FetchSettings(min_delay_per_host=0.5, retries=1, respect_robots=False)
    [doc] = asyncio.run(fetch_together([server.url("/flaky")], settings))
    assert isinstance(doc, Document)
    first, second = server.requests_for("/flaky")
    assert second.time - first.time >= 0.5 - JITTER


@pytest.fixture
def three_servers() -> Iterator[list[FixtureServer]]:
    servers = [FixtureServer().start() for _ in range(3)]
    try:
        yield servers
    finally:
        for srv in servers:
            srv.stop()


def test_global_concurrency_caps_requests_in_flight(three_servers: list[FixtureServer]) -> None:
    for srv in three_servers:
        srv.add("/p", Response(200, b"x", delay=0.5))
    urls = [srv.url("/p") for srv in three_servers]
    settings = FetchSettings(min_delay_per_host=0.0, retries=0, respect_robots=False)
    asyncio.run(fetch_together(urls, settings, concurrency=2))
    times = sorted(srv.log[0].time for srv in three_servers)
    assert times[1] - times[0] < 0.3                  # two at once
    assert times[2] - times[0] >= 0.45                # the third waited for a free slot


def test_retry_after_holds_the_whole_host_and_only_it() -> None:
    async def scenario() -> tuple[float, float]:
        throttle = HostThrottle(4)
        throttle.hold("busy:80", 0.3)
        started = time.monotonic()
        async with throttle.slot("calm:80", 0.0):
            calm = time.monotonic() - started
        async with throttle.slot("busy:80", 0.0):
            busy = time.monotonic() - started
        return calm, busy

    calm, busy = asyncio.run(scenario())
    assert calm < 0.05 and busy >= 0.3


def test_hosts_that_no_longer_constrain_a_request_are_forgotten(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`monitor run` keeps one throttle for months: a host is forgotten once nobody waits
    for it and neither its spacing nor a back-off it asked for is still running (a new
    entry would behave the same); until then it is kept, whatever the table's size."""
    monkeypatch.setattr("monitor.fetch.hosts.MAX_HOSTS", 4)
    now = [0.0]

    async def scenario() -> list[set[str]]:
        throttle = HostThrottle(4, clock=lambda: now[0])
        seen = []
        for n in range(3):
            async with throttle.slot(f"spaced{n}:80", 60.0):
                pass
        throttle.hold("busy:80", 600.0)
        async with throttle.slot("open:80", 0.0):
            # Past the cap at t=0: every host still constrains a request, so all stay.
            async with throttle.slot("new1:80", 0.0):
                seen.append(set(throttle._hosts))
            now[0] = 100.0   # the spacing has run out; the back-off has not
            for n in range(2, 12):
                async with throttle.slot(f"new{n}:80", 0.0):
                    pass
            seen.append(set(throttle._hosts))
        return seen

    at_start, later = asyncio.run(scenario())
    assert at_start == {"spaced0:80", "spaced1:80", "spaced2:80", "busy:80", "open:80",
                        "new1:80"}
    assert {"busy:80", "open:80"} <= later, "a running back-off, a request in flight"
    assert not later & {"spaced0:80", "spaced1:80", "spaced2:80"}
    assert len(later) < 12
