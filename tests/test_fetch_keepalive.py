"""Connections are reused across fetches, per host, and the idle ones stay bounded.

Each FixtureServer is its own origin (its own port); the server log records the
client's address, which differs per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
from collections.abc import Iterator

import httpcore
import pytest

from monitor.config.settings import FetchSettings
from monitor.fetch import Fetcher, client, pinned
from monitor.fetch.netguard import system_resolve
from monitor.models import Document, NotModified, Validators
from tests.httpserver import FixtureServer, Request, Response

QUICK = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0, respect_robots=False)
ETAG = '"v1"'
# An answer of two bytes that leaves its connection open for the next request.
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


def unchanged(request: Request) -> Response:
    if request.headers.get("if-none-match") == ETAG:
        # A body on a 304 breaks the rule, but some servers send one: it must not
        # cost the connection either.
        return Response(304, b"", {"ETag": ETAG})
    return Response(200, b"<rss/>", {"Content-Type": "application/rss+xml", "ETag": ETAG})


@pytest.fixture
def servers() -> Iterator[list[FixtureServer]]:
    started = [FixtureServer().start() for _ in range(20)]
    for server in started:
        server.add("/feed", unchanged)
        server.add("/moved", Response(301, b"<a href=/feed>moved</a>", {"Location": "/feed"}))
    yield started
    for server in started:
        server.stop()


def crawl(urls: list[str], validators: Validators | None) -> list[object]:
    """The URLs fetched in order, a few at a time, by one Fetcher (as a crawl does)."""
    async def go() -> list[object]:
        async with Fetcher(user_agent="test/1", concurrency=4) as fetcher:
            return [await fetcher.fetch(url, QUICK, validators=validators) for url in urls]
    return asyncio.run(go())


def peers(server: FixtureServer) -> set[tuple[str, int]]:
    return {r.peer for r in server.log}


def test_unchanged_answers_keep_their_connection_across_many_hosts(
        servers: list[FixtureServer]) -> None:
    # Host after host, three rounds: more hosts than the fetcher's concurrency.
    urls = [s.url("/feed") for _ in range(3) for s in servers]
    results = crawl(urls, Validators(etag=ETAG))
    assert all(isinstance(r, NotModified) for r in results)
    for server in servers:
        assert len(server.log) == 3
        assert len(peers(server)) == 1, "each 304 should leave its connection reusable"


def test_a_redirect_keeps_its_connection(servers: list[FixtureServer]) -> None:
    server = servers[0]
    crawl([server.url("/moved"), server.url("/moved")], Validators(etag=ETAG))
    assert [r.path for r in server.log] == ["/moved", "/feed", "/moved", "/feed"]
    assert len(peers(server)) == 1


def test_pools_beyond_the_cap_are_closed(servers: list[FixtureServer],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "MAX_ORIGINS", 2)
    a, b, c = servers[:3]
    crawl([a.url("/feed"), b.url("/feed"), c.url("/feed"), a.url("/feed"), c.url("/feed")],
          Validators(etag=ETAG))
    assert len(peers(a)) == 2, "a's pool, least recently used, was closed to make room for c's"
    assert len(peers(c)) == 1, "c's pool, recently used, was kept"


def test_a_cookie_set_by_a_server_is_sent_back_and_none_is_made_up(
        servers: list[FixtureServer]) -> None:
    # The jar looks only at responses that set a cookie (monitor.fetch.session):
    # one that does is still remembered for the host, as httpx's own jar would.
    server = servers[0]
    server.add("/plain", Response(200, b"<rss/>", {"Content-Type": "application/rss+xml"}))
    server.add("/sets", Response(200, b"<rss/>", {"Content-Type": "application/rss+xml",
                                                   "Set-Cookie": "session=abc; Path=/"}))
    crawl([server.url("/plain"), server.url("/feed"), server.url("/sets"),
           server.url("/feed")], None)
    sent = [r.headers.get("cookie") for r in server.log]
    assert sent == [None, None, None, "session=abc"]


def test_a_connection_idle_past_its_keepalive_is_not_reused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Servers drop idle connections after a few seconds; one dropped while a request
    is on its way fails that request, so an idle one is reused for a while only."""
    monkeypatch.setattr(pinned, "KEEPALIVE_SECONDS", 1.0)
    seen: list[int] = []

    async def go() -> list[str]:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            number = len(set(seen)) + 1
            try:
                while True:
                    await reader.readuntil(b"\r\n\r\n")
                    seen.append(number)
                    writer.write(ANSWER)
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/k"
        texts = []
        async with Fetcher(user_agent="test/1") as fetcher:
            for pause in (0.0, 0.0, 1.5, 0.0):   # margins for a loaded machine
                await asyncio.sleep(pause)
                fetched = await fetcher.fetch(url, QUICK)
                assert isinstance(fetched, Document)
                texts.append(fetched.text)
        await asyncio.sleep(0.05)
        server.close()
        return texts

    assert asyncio.run(go()) == ["ok"] * 4
    assert seen == [1, 1, 2, 2]   # the third request came after the keep-alive ran out


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    """A server may close an idle connection without saying so: the pool sees the
    close and opens a new one, and no request fails."""
    connections: list[int] = []

    async def go() -> list[str]:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            connections.append(1)
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
                await reader.readuntil(b"\r\n\r\n")
                writer.write(ANSWER)   # keep-alive implied, then closed all the same
                await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/c"
        texts = []
        async with Fetcher(user_agent="test/1") as fetcher:
            for _ in range(3):
                fetched = await fetcher.fetch(url, QUICK)
                assert isinstance(fetched, Document)
                texts.append(fetched.text)
                await asyncio.sleep(0.2)   # the close reaches the client
        server.close()
        return texts

    assert asyncio.run(go()) == ["ok"] * 3
    assert len(connections) == 3


# What a server sends past its first answer's end: a PHP page whose Content-Length
# counted characters, not UTF-8's bytes; a 304 sent with the page as its body.
OVERRUNS = {
    "length counted in characters": (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                     b"Content-Length: 2\r\n\r\nok", b", and more of the page"),
    "a body on a 304": (b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n", b"<rss/>"),
}


@pytest.mark.parametrize("later", [False, True], ids=["in one write", "a moment later"])
@pytest.mark.parametrize("overrun", OVERRUNS)
def test_an_answer_longer_than_it_said_does_not_fail_the_next_request(
        overrun: str, later: bool) -> None:
    """Bytes past an answer's end would be read as the next answer's head ("illegal
    status line"): the next source on the same site would fail for this one's
    fault. The connection is closed instead, as browsers do, whether the excess came
    with the answer or after it."""
    head, excess = OVERRUNS[overrun]
    connections: list[int] = []

    async def go() -> list[object]:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            connections.append(1)
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
                first = await reader.readuntil(b"\r\n\r\n")
                if first.startswith(b"GET /overrun "):
                    writer.write(head if later else head + excess)
                    await writer.drain()
                    if later:
                        await asyncio.sleep(0.1)
                        writer.write(excess)
                        await writer.drain()
                else:
                    writer.write(ANSWER)
                while True:
                    await reader.readuntil(b"\r\n\r\n")
                    writer.write(ANSWER)
                    await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        results: list[object] = []
        async with Fetcher(user_agent="test/1") as fetcher:
            for path in ("/overrun", "/next", "/last"):
                try:
                    results.append(await fetcher.fetch(base + path, QUICK,
                                                       validators=Validators(etag=ETAG)))
                except Exception as error:   # what the crawl would report as failing
                    results.append(error)
                if later:
                    await asyncio.sleep(0.2)   # the excess has come by the next request
        server.close()
        return results

    first, *rest = asyncio.run(go())
    assert isinstance(first, (Document, NotModified))
    assert [r.text if isinstance(r, Document) else r for r in rest] == ["ok", "ok"]
    assert len(connections) == 2, "the overrun connection was not closed, or the next one not kept"


def test_more_origins_than_the_cap_fetched_at_once_all_succeed(
        servers: list[FixtureServer], monkeypatch: pytest.MonkeyPatch) -> None:
    """A crawl of every agency site meets thousands of origins, many at once: making
    room for one must not trip over another request making room at the same time."""
    monkeypatch.setattr(client, "MAX_ORIGINS", 4)
    urls = [s.url("/feed") for _ in range(3) for s in servers]

    async def go() -> list[object]:
        async with Fetcher(user_agent="test/1", concurrency=8) as fetcher:
            async def one(url: str) -> object:
                try:
                    return await fetcher.fetch(url, QUICK)
                except Exception as error:   # what the crawl would report as failing
                    return error
            return await asyncio.gather(*(one(url) for url in urls))
    results = asyncio.run(go())
    assert all(isinstance(r, Document) for r in results), [r for r in results
                                                         if not isinstance(r, Document)][:3]



def test_a_pool_closed_while_its_answer_finishes_does_not_get_the_connection_back() -> None:
    """Making room for a new origin closes the least recently used one with nothing in
    flight. An answer still being closed counts as in flight: were its origin closed
    meanwhile, its connection would go back to a pool no longer held, and nothing
    would ever close it."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(ANSWER)
                await writer.drain()
        writer.close()

    def get(host: str) -> httpcore.Request:
        return httpcore.Request("GET", f"http://{host}/", headers=[(b"Host", host.encode())])

    async def go() -> httpcore.AsyncHTTP11Connection:
        servers = [await asyncio.start_server(serve, "127.0.0.1", 0) for _ in range(2)]
        first, second = (f"127.0.0.1:{s.sockets[0].getsockname()[1]}" for s in servers)
        pools = pinned._Connections(ssl.create_default_context,
                                    pinned.PinnedBackend(system_resolve, guard=False),
                                    idle_per_origin=1, max_origins=1)
        response = await pools.handle_async_request(get(first))
        returned = response.stream
        assert isinstance(returned, pinned._Returned)
        async for _ in returned:
            pass
        connection = returned._connection
        # The second origin's request runs while the first answer's close waits.
        other = asyncio.create_task(pools.handle_async_request(get(second)))
        await returned.aclose()
        await (await other).aclose()
        await pools.aclose()
        await asyncio.sleep(0.05)   # the servers see the closes and end their handlers
        for server in servers:
            server.close()
        return connection

    assert asyncio.run(go()).is_closed(), "a connection was left open after the pools closed"



def test_a_connection_reset_as_it_opens_is_a_network_error() -> None:
    """A server may reset a connection the moment it is accepted (an overloaded or
    filtering front end): the next read must fail as httpcore's network error, which
    the fetcher retries and reports, with the socket's reset as its cause."""
    async def go() -> BaseException:
        listener = socket.create_server(("127.0.0.1", 0))
        backend = pinned.PinnedBackend(system_resolve, guard=False)
        stream = await backend.connect_tcp("127.0.0.1", listener.getsockname()[1], timeout=5)
        accepted, _ = listener.accept()
        accepted.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        accepted.close()   # with a zero linger: a reset, not a close
        listener.close()
        await asyncio.sleep(0.05)
        try:
            with pytest.raises(httpcore.ReadError) as failed:
                await stream.read(1024)
        finally:
            await stream.aclose()
        return failed.value

    failure = asyncio.run(go())
    assert isinstance(failure.__cause__, ConnectionResetError)
