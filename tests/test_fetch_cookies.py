"""Cookies come back to the host that set them, and the jar stays small.

A crawl of thousands of agency sites meets thousands of session cookies: kept
in one jar, each request looked at every site's (monitor.fetch.session), so
they are kept per host, for a bounded number of hosts and cookies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from monitor.config.settings import FetchSettings
from monitor.fetch import Fetcher, session
from tests.httpserver import FixtureServer, Response

QUICK = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0, respect_robots=False)
FEED = {"Content-Type": "application/rss+xml"}


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    started = FixtureServer().start()
    started.add("/feed", Response(200, b"<rss/>", FEED))
    started.add("/sets", Response(200, b"<rss/>", {**FEED, "Set-Cookie": "session=abc; Path=/"}))
    started.add("/sets-many", Response(200, b"<rss/>", FEED, repeated=tuple(
        ("Set-Cookie", f"c{n}=v{n}; Path=/") for n in range(3))))
    for name in "abc":
        started.add(f"/sets-{name}", Response(200, b"<rss/>", {
            **FEED, "Set-Cookie": f"{name}=1; Path=/"}))
    yield started
    started.stop()


def cookies_sent(server: FixtureServer, urls: list[str]) -> list[tuple[str, str | None]]:
    """(Host header, Cookie header) of each request, the URLs fetched in order by one
    Fetcher, as a crawl does."""
    async def go() -> None:
        async with Fetcher(user_agent="test/1", concurrency=2) as fetcher:
            for url in urls:
                await fetcher.fetch(url, QUICK)
    asyncio.run(go())
    return [(r.host.split(":")[0], r.headers.get("cookie")) for r in server.log]


def test_a_cookie_goes_back_to_its_host_and_no_other(server: FixtureServer) -> None:
    sent = cookies_sent(server, [server.url("/sets"), server.url("/feed", host="localhost"),
                                 server.url("/feed")])
    assert sent == [("127.0.0.1", None), ("localhost", None), ("127.0.0.1", "session=abc")]


def test_the_least_recently_used_hosts_cookies_are_forgotten_beyond_the_cap(
        server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session, "MAX_SITES", 1)
    sent = cookies_sent(server, [
        server.url("/sets"), server.url("/sets", host="localhost"),
        server.url("/feed", host="localhost"), server.url("/feed")])
    assert sent[2:] == [("localhost", "session=abc"), ("127.0.0.1", None)]


def test_a_host_setting_too_many_cookies_at_once_keeps_none(
        server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session, "MAX_COOKIES_PER_SITE", 2)
    sent = cookies_sent(server, [server.url("/sets-many"), server.url("/feed"),
                                 server.url("/sets"), server.url("/feed")])
    assert sent == [("127.0.0.1", None), ("127.0.0.1", None), ("127.0.0.1", None),
                    ("127.0.0.1", "session=abc")]


def test_a_host_setting_too_many_cookies_one_by_one_keeps_none(
        server: FixtureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session, "MAX_COOKIES_PER_SITE", 2)
    sent = cookies_sent(server, [server.url("/sets-a"), server.url("/sets-b"),
                                 server.url("/feed"), server.url("/sets-c"), server.url("/feed")])
    assert [cookie for _, cookie in sent] == [None, "a=1", "a=1; b=1", "a=1; b=1", None]
