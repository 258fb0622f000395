"""Cookies come back to the host (or the site) that set them, and the jar stays small.

A crawl of thousands of agency sites meets thousands of session cookies: kept
in one jar, each request looked at every site's (monitor.fetch.session), so
they are kept per site, for a bounded number of sites and cookies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from monitor.config.settings import FetchSettings
from monitor.fetch import Fetcher, session
from tests.httpserver import FixtureServer, Response
from tests.tlsfixtures import Resolver

QUICK = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0, respect_robots=False)
FEED = {"Content-Type": "application/rss+xml"}


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    started = FixtureServer().start()
    started.add("/feed", Response(200, b"<rss/>", FEED))
    started.add("/sets", Response(200, b"<rss/>", {**FEED, "Set-Cookie": "session=abc; Path=/"}))
    started.add("/sets-many", Response(200, b"<rss/>", FEED, repeated=tuple(
        ("Set-Cookie", f"c{n}=v{n}; Path=/") for n in range(3))))
    started.add("/sets-for-site", Response(200, b"<rss/>", {
        **FEED, "Set-Cookie": "lang=th; Domain=agency.test; Path=/"}))
    started.add("/sets-for-other-site", Response(200, b"<rss/>", {
        **FEED, "Set-Cookie": "track=1; Domain=other.test; Path=/"}))
    for name in "abc":
        started.add(f"/sets-{name}", Response(200, b"<rss/>", {
            **FEED, "Set-Cookie": f"{name}=1; Path=/"}))
    yield started
    started.stop()


def cookies_sent(server: FixtureServer, urls: list[str], names: tuple[str, ...] = ()
                 ) -> list[tuple[str, str | None]]:
    """(Host header, Cookie header) of each request, the URLs fetched in order by one
    Fetcher, as a crawl does; `names` are host names that lead to the server."""
    async def go() -> None:
        resolve = Resolver({name: ["127.0.0.1"] for name in ("localhost", *names)})
        async with Fetcher(user_agent="test/1", concurrency=2, resolve=resolve) as fetcher:
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


def test_a_cookie_set_for_the_site_goes_to_its_other_hosts_only(server: FixtureServer) -> None:
    """A portal sets its language or session cookie for its whole domain and sends the
    visitor on to another of its hosts, which expects it, as browsers send it. A
    cookie a host sets for itself stays its own, and none reaches another site."""
    www, news, elsewhere = "www.agency.test", "news.agency.test", "www.other.test"
    sent = cookies_sent(server, [server.url("/sets-for-site", host=www),
                                 server.url("/sets", host=www),
                                 server.url("/feed", host=news),
                                 server.url("/feed", host=elsewhere),
                                 server.url("/feed", host=www)],
                        names=(www, news, elsewhere))
    assert sent == [(www, None), (www, "lang=th"), (news, "lang=th"), (elsewhere, None),
                    (www, "lang=th; session=abc")]


def test_a_cookie_a_site_sets_for_another_is_refused(server: FixtureServer) -> None:
    www, other = "www.agency.test", "www.other.test"
    sent = cookies_sent(server, [server.url("/sets-for-other-site", host=www),
                                 server.url("/feed", host=other), server.url("/feed", host=www)],
                        names=(www, other))
    assert sent == [(www, None), (other, None), (www, None)]
