"""Retries: which failures are tried again, how long the fetcher waits, what it says at the end."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from monitor.config.settings import FetchSettings
from monitor.errors import FetchError, FetchTimeoutError, HTTPStatusError
from monitor.fetch import Fetcher
from monitor.fetch.retry import RetryPolicy, is_retryable_status, parse_retry_after
from monitor.models import Document
from tests.httpserver import FixtureServer, Response

UA = "thai-egov-monitor/test (+https://example.org/)"
QUICK = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=3, respect_robots=False)


def fetch(url: str, settings: FetchSettings = QUICK, **kwargs: object) -> object:
    async def go() -> object:
        async with Fetcher(user_agent=UA, retry=RetryPolicy(base=0.05)) as fetcher:
            return await fetcher.fetch(url, settings, **kwargs)  # type: ignore[arg-type]
    return asyncio.run(go())


def test_two_server_errors_then_success(server: FixtureServer) -> None:
    server.add("/flaky", [Response(500), Response(500), Response(200, b"ok")])
    doc = fetch(server.url("/flaky"))
    assert isinstance(doc, Document) and doc.text == "ok"
    assert len(server.requests_for("/flaky")) == 3


def test_retry_after_seconds_is_waited_out(server: FixtureServer) -> None:
    server.add("/busy", [Response(429, b"slow down", {"Retry-After": "1"}), Response(200, b"ok")])
    doc = fetch(server.url("/busy"))
    assert isinstance(doc, Document)
    first, second = server.requests_for("/busy")
    assert second.time - first.time >= 1.0


def test_retry_after_http_date_is_waited_out(server: FixtureServer) -> None:
    # The clock the fetcher is given is 1 s behind the date the server names.
    when = datetime(2030, 1, 1, 12, 0, 1, tzinfo=UTC)
    server.add("/busy", [Response(503, b"", {"Retry-After": format_datetime(when, usegmt=True)}),
                         Response(200, b"ok")])

    async def go() -> object:
        fixed = when - timedelta(seconds=1)
        async with Fetcher(user_agent=UA, now=lambda: fixed,
                           retry=RetryPolicy(base=0.05)) as fetcher:
            return await fetcher.fetch(server.url("/busy"), QUICK)

    assert isinstance(asyncio.run(go()), Document)
    first, second = server.requests_for("/busy")
    assert second.time - first.time >= 0.95


def test_retry_after_beyond_cap_gives_up_at_once(server: FixtureServer) -> None:
    server.add("/later", Response(429, b"", {"Retry-After": "3600"}))
    started = time.monotonic()
    with pytest.raises(HTTPStatusError, match=r"HTTP 429 .*Retry-After.*60 s") as info:
        fetch(server.url("/later"))
    assert time.monotonic() - started < 1.0
    assert info.value.status == 429
    assert len(server.requests_for("/later")) == 1


def test_not_found_is_not_retried(server: FixtureServer) -> None:
    with pytest.raises(HTTPStatusError, match=r"^HTTP 404 Not Found from http://") as info:
        fetch(server.url("/missing"))
    assert info.value.status == 404
    assert len(server.requests_for("/missing")) == 1


def test_persistent_server_error_names_attempts(server: FixtureServer) -> None:
    server.add("/down", Response(503, b"down"))
    url = server.url("/down")
    with pytest.raises(HTTPStatusError) as info:
        fetch(url, FetchSettings(min_delay_per_host=0, retries=2, respect_robots=False))
    assert str(info.value) == f"HTTP 503 from {url} after 3 attempts"
    assert len(server.requests_for("/down")) == 3


def test_connection_refused_is_retried_then_reported_without_httpx() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(FetchError, match=r"connection to .* failed.*after 2 attempts") as info:
        fetch(url, FetchSettings(min_delay_per_host=0, retries=1, respect_robots=False))
    assert type(info.value) is FetchError
    chain: list[BaseException] = []
    exc: BaseException | None = info.value
    while exc is not None:
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    assert not [e for e in chain if type(e).__module__.startswith(("httpx", "httpcore"))]


def test_timeout_is_retried(server: FixtureServer) -> None:
    server.add("/slow-once", [Response(200, b"late", delay=1.0), Response(200, b"ok")])
    doc = fetch(server.url("/slow-once"),
                FetchSettings(min_delay_per_host=0, timeout=0.3, retries=1, respect_robots=False))
    assert isinstance(doc, Document) and doc.text == "ok"


def test_timeouts_exhausted_raise_timeout_error(server: FixtureServer) -> None:
    server.add("/slow", Response(200, b"late", delay=1.0))
    with pytest.raises(FetchTimeoutError, match=r"within 0.2 s \(timeout\) after 2 attempts"):
        fetch(server.url("/slow"),
              FetchSettings(min_delay_per_host=0, timeout=0.2, retries=1, respect_robots=False))


@pytest.mark.parametrize(("value", "expected"), [
    ("1", 1.0),
    ("120", 120.0),
    (" 7 ", 7.0),
    ("Wed, 01 Jan 2030 12:00:30 GMT", 30.0),
    ("Wed, 01 Jan 2030 11:00:00 GMT", 0.0),    # in the past: go now
    ("soon", None),
    ("-5", None),
    ("", None),
    (None, None),
])
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(value, now) == expected


@pytest.mark.parametrize(("status", "retry"), [
    (200, False), (304, False), (400, False), (403, False), (404, False), (410, False),
    (429, True), (500, True), (502, True), (503, True), (504, True),
])
def test_retryable_statuses(status: int, retry: bool) -> None:
    assert is_retryable_status(status) is retry


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(base=0.5, max_backoff=4.0)
    for attempt, full in enumerate([0.5, 1.0, 2.0, 4.0, 4.0]):
        waits = {policy.backoff(attempt) for _ in range(50)}
        assert all(full / 2 <= w <= full for w in waits)
        assert len(waits) > 1          # jittered, so hosts are not hit in lockstep


def test_budget_stops_retrying() -> None:
    policy = RetryPolicy(base=10, budget=15)
    assert policy.delay(0, None, waited=0)[0] is not None
    wait, why = policy.delay(0, 10.0, waited=10.0)
    assert wait is None and "budget" in why
