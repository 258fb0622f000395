"""A host with several addresses is reached as browsers reach it (Happy Eyeballs).

A name may have an address that swallows packets: an IPv6 route that leads
nowhere from this machine, a dead server left in a round-robin record. Tried
one at a time, each to its end, such an address took the fetch's whole time,
on every crawl, where a browser shows the page a quarter of a second late. The
next address now starts when one fails or has not connected within 250 ms
(RFC 8305), and the first connection made is used.

The addresses are real sockets on loopback (127.0.0.0/8 all reach this
machine): a listener whose one-place queue is full never answers a SYN, as a
black hole does; a port with no listener refuses at once.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest

from monitor.config.settings import FetchSettings
from monitor.errors import FetchError
from monitor.fetch import Fetcher
from monitor.fetch.pinned import _interleaved
from monitor.models import Document
from tests.tlsfixtures import Resolver

SETTINGS = FetchSettings(min_delay_per_host=0.0, timeout=3.0, retries=0, respect_robots=False,
                         allow_private_networks=True)
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


@pytest.fixture
def port() -> Iterator[int]:
    """A port just free on 127.0.0.1; the other loopback addresses' servers bind it too
    (a clash there fails the test loudly, never silently)."""
    probe = socket.create_server(("127.0.0.1", 0))
    number = probe.getsockname()[1]
    probe.close()
    yield number


def black_hole(port: int) -> list[socket.socket]:
    """127.0.0.2:`port`, where a connection is never accepted nor refused."""
    listener = socket.socket()
    listener.bind(("127.0.0.2", port))
    listener.listen(0)
    filler = socket.create_connection(("127.0.0.2", port))   # takes the queue's one place
    return [listener, filler]


def fetch(addresses: list[str], port: int, served: dict[str, int]) -> Document | FetchError:
    """GET http://site.test:`port`/ with the name resolving to `addresses`; `served`
    counts the connections each address's server accepted."""
    async def go() -> Document | FetchError:
        async def server_at(address: str) -> asyncio.Server:
            async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                served[address] = served.get(address, 0) + 1
                await reader.readuntil(b"\r\n\r\n")
                writer.write(ANSWER)
                await writer.drain()
                writer.close()
            return await asyncio.start_server(serve, address, port)

        servers = [await server_at(a) for a in served]
        try:
            async with Fetcher(user_agent="test/1",
                               resolve=Resolver({"site.test": addresses})) as fetcher:
                try:
                    doc = await fetcher.fetch(f"http://site.test:{port}/", SETTINGS)
                    assert isinstance(doc, Document)
                    return doc
                except FetchError as exc:
                    return exc
        finally:
            for server in servers:
                server.close()
    return asyncio.run(go())


def test_an_address_that_never_answers_does_not_keep_the_next_from_serving(port: int) -> None:
    hole = black_hole(port)
    try:
        served = {"127.0.0.1": 0}
        doc = fetch(["127.0.0.2", "127.0.0.1"], port, served)
    finally:
        for sock in hole:
            sock.close()
    assert isinstance(doc, Document), doc
    assert doc.text == "ok" and served == {"127.0.0.1": 1}


def test_an_address_that_refuses_passes_to_the_next_at_once(port: int) -> None:
    served = {"127.0.0.1": 0}
    doc = fetch(["127.0.0.3", "127.0.0.1"], port, served)
    assert isinstance(doc, Document) and doc.text == "ok"


def test_the_first_address_that_connects_is_the_only_connection(port: int) -> None:
    served = {"127.0.0.1": 0, "127.0.0.2": 0}
    doc = fetch(["127.0.0.2", "127.0.0.1"], port, served)
    assert isinstance(doc, Document)
    assert served == {"127.0.0.2": 1, "127.0.0.1": 0}


def test_when_every_address_fails_the_failure_says_why(port: int) -> None:
    failure = fetch(["127.0.0.3", "127.0.0.4"], port, {})
    assert isinstance(failure, FetchError)
    assert "Connection refused" in str(failure), failure


def test_when_every_address_swallows_the_fetch_times_out(port: int) -> None:
    hole = black_hole(port)
    try:
        failure = fetch(["127.0.0.2", "127.0.0.2"], port, {})
    finally:
        for sock in hole:
            sock.close()
    assert isinstance(failure, FetchError) and "timeout" in str(failure), failure


@pytest.mark.parametrize(("given", "tried"), [
    (["2001:db8::1", "2001:db8::2", "192.0.2.1"], ["2001:db8::1", "192.0.2.1", "2001:db8::2"]),
    (["192.0.2.1", "192.0.2.2", "2001:db8::1"], ["192.0.2.1", "2001:db8::1", "192.0.2.2"]),
    (["192.0.2.1", "192.0.2.2"], ["192.0.2.1", "192.0.2.2"]),
])
def test_the_families_alternate_from_the_first(given: list[str], tried: list[str]) -> None:
    assert _interleaved(given) == tried
