"""The connection stream under httpcore (monitor.fetch.pinned): reads, the end of a
connection, timeouts and flow control both ways, over real loopback sockets.

The fetch tests exercise it through whole requests; these hold it to what httpcore
expects of a network stream where a request alone would not show a fault: a
stream that stops reading the socket while a large body waits must read it again,
and a write the peer does not take must wait, not pile the bytes up in memory.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpcore
import pytest

from monitor.fetch import pinned
from monitor.fetch.netguard import system_resolve

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def connected(handle: Handler) -> AsyncIterator[httpcore.AsyncNetworkStream]:
    """A stream to a loopback server that runs `handle` on the connection."""
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    backend = pinned.PinnedBackend(system_resolve, guard=False)
    stream = await backend.connect_tcp("127.0.0.1", server.sockets[0].getsockname()[1],
                                       timeout=5)
    try:
        yield stream
    finally:
        await stream.aclose()
        await asyncio.sleep(0.05)   # the server sees the close and ends its handler
        server.close()


async def read_all(stream: httpcore.AsyncNetworkStream) -> bytes:
    received = bytearray()
    while chunk := await stream.read(65536, timeout=5):
        received += chunk
    return bytes(received)


def test_a_body_larger_than_what_is_held_is_read_whole() -> None:
    # Past pinned._HELD_HIGH unread bytes the socket is no longer read; reading them
    # must start it again, or the rest of the body never comes.
    body = bytes(range(256)) * (4 * pinned._HELD_HIGH // 256)

    async def send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(body)
        await writer.drain()
        writer.close()

    async def go() -> bytes:
        async with connected(send) as stream:
            await asyncio.sleep(0.2)   # all of it arrives before the first read
            return await read_all(stream)

    assert asyncio.run(go()) == body


def test_the_end_of_the_connection_reads_as_empty() -> None:
    async def send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"last words")
        await writer.drain()
        writer.close()

    async def go() -> tuple[bytes, bytes, bool]:
        async with connected(send) as stream:
            whole = await read_all(stream)
            again = await stream.read(1024)
            return whole, again, stream.get_extra_info("is_readable")

    assert asyncio.run(go()) == (b"last words", b"", True)


def test_a_read_that_gets_nothing_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()   # until the client closes
        writer.close()

    async def go() -> None:
        async with connected(silent) as stream:
            assert stream.get_extra_info("is_readable") is False, "an open, quiet connection"
            with pytest.raises(httpcore.ReadTimeout):
                await stream.read(1024, timeout=0.2)

    asyncio.run(go())


def test_a_write_the_peer_does_not_take_waits_and_times_out() -> None:
    # The peer reads nothing: once the kernel's buffers are full, a write must wait
    # for room (here, until its timeout) rather than hold the rest in memory, and
    # closing the stream then must not wait for those bytes to go out.
    async def go() -> None:
        listener = socket.create_server(("127.0.0.1", 0))
        backend = pinned.PinnedBackend(system_resolve, guard=False)
        stream = await backend.connect_tcp("127.0.0.1", listener.getsockname()[1], timeout=5)
        deaf, _ = listener.accept()
        try:
            with pytest.raises(httpcore.WriteTimeout):
                await stream.write(bytes(64 * 1024 * 1024), timeout=0.3)
            await stream.aclose()
            await asyncio.sleep(0.05)
            assert stream.get_extra_info("socket").fileno() == -1, "closed, not flushing"
        finally:
            deaf.close()
            listener.close()

    asyncio.run(go())


def test_a_write_after_the_peer_left_fails_as_a_write_error() -> None:
    async def gone(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    async def go() -> None:
        async with connected(gone) as stream:
            assert await read_all(stream) == b""
            with pytest.raises(httpcore.WriteError):
                await stream.write(b"GET / HTTP/1.1\r\n\r\n")

    asyncio.run(go())
