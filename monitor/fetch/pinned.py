"""Connections that go only where they were checked to go (no DNS rebinding).

Checking a host's addresses and then letting the HTTP client resolve it again
are two lookups: a hostile name server can answer "public" to the first and
"127.0.0.1" to the second, and the request reaches the intranet. Here the one
lookup is checked and the socket is opened to the very address checked. The
URL keeps its host name, so the Host header and the TLS server name (SNI and
certificate check) are the name's, as if the client had resolved it itself.

The transport built on it keeps a small pool of keep-alive connections per
origin (`OriginPools`); its connections are asyncio's own transports under a
stream for httpcore (`_Stream`) lighter than httpcore's anyio one, since a
re-crawl of unchanged pages is little but these requests.
"""

from __future__ import annotations

import asyncio
import itertools
import select
import socket
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Callable, Coroutine, Iterable
from typing import Any

import httpcore
import httpx

from monitor.errors import FetchError
from monitor.fetch import heads
from monitor.fetch.netguard import PrivateAddress, Resolver, resolve_checked
from monitor.fetch.tlstrust import no_tls

SocketOption = Any   # httpcore's own alias is private


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, resolving through `resolve` and, when `guard` is on,
    refusing (netguard.PrivateAddress) before any byte is sent to a private address."""

    def __init__(self, resolve: Resolver, *, guard: bool) -> None:
        self._resolve = resolve
        self._guard = guard

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[SocketOption] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolve_checked(host, port, self._resolve, guard=self._guard)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"cannot resolve {host} in time") from None
        except PrivateAddress:
            raise
        except FetchError as exc:   # a name that does not resolve (now): like a refused connect
            raise httpcore.ConnectError(str(exc)) from None
        async def attempt(address: str) -> _Stream:
            try:
                return await _open_tcp(address, port, local_address, socket_options)
            except OSError as exc:
                # The socket's errno is added to this where the failure is reported.
                raise _caused(httpcore.ConnectError(f"no connection to {address} "
                                                    f"port {port}"), exc) from exc

        try:
            async with asyncio.timeout(timeout):
                if len(addresses) == 1:
                    return await attempt(addresses[0])
                return await _first_of(_interleaved(addresses), attempt)
        except TimeoutError as exc:
            raise _caused(httpcore.ConnectTimeout(exc), exc) from exc

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[SocketOption] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _open_tcp(address: str, port: int, local_address: str | None,
                    socket_options: Iterable[SocketOption] | None) -> _Stream:
    """A TCP connection to one checked address (the caller tries them in turn)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        for option in socket_options or ():
            sock.setsockopt(*option)
        if local_address is not None:
            sock.bind((local_address, 0))
        loop = asyncio.get_running_loop()
        await loop.sock_connect(sock, (address, port))
        transport, receiver = await loop.create_connection(_Receiver, sock=sock)
    except BaseException:
        sock.close()
        raise
    return _Stream(transport, receiver)


# RFC 8305's Connection Attempt Delay: how long one address may take to connect
# before the next is tried beside it.
ATTEMPT_DELAY = 0.25


def _interleaved(addresses: list[str]) -> list[str]:
    """The resolver's order with the families alternating, the first address's first
    (RFC 8305): a host whose IPv6 addresses all fail reaches IPv4 at the second try."""
    first_v6 = ":" in addresses[0]
    same = [a for a in addresses if (":" in a) == first_v6]
    other = [a for a in addresses if (":" in a) != first_v6]
    return [a for pair in itertools.zip_longest(same, other) for a in pair if a is not None]


async def _first_of(addresses: list[str],
                    attempt: Callable[[str], Coroutine[Any, Any, _Stream]]) -> _Stream:
    """The first connection made, as browsers make it (Happy Eyeballs, RFC 8305): each
    address in turn, the next started when one fails or has not connected within
    ATTEMPT_DELAY, the first to connect kept and the rest closed. Tried one at a
    time to the end, an address that swallows packets (an IPv6 route that goes
    nowhere, a dead server left in the DNS) took the fetch's whole time, every
    time, where a browser shows the page a quarter of a second late."""
    waiting = list(addresses)
    pending: set[asyncio.Task[_Stream]] = set()
    failure: BaseException | None = None
    try:
        while waiting or pending:
            if waiting:
                pending.add(asyncio.create_task(attempt(waiting.pop(0))))
            done, pending = await asyncio.wait(
                pending, timeout=ATTEMPT_DELAY if waiting else None,
                return_when=asyncio.FIRST_COMPLETED)
            made = [task.result() for task in done if task.exception() is None]
            if made:
                for extra in made[1:]:   # two connected at once
                    await extra.aclose()
                return made[0]
            for task in done:
                failure = task.exception()
    finally:
        for task in pending:
            task.cancel()
        for stream in await asyncio.gather(*pending, return_exceptions=True):
            if isinstance(stream, _Stream):   # connected as it was cancelled
                await stream.aclose()
    assert failure is not None
    raise failure


def _caused(error: Exception, cause: BaseException) -> Exception:
    """`error` raised from `cause`, also as its context: httpcore's pool re-raises
    with `from None`, and the socket's errno below is what the user reads."""
    error.__cause__ = error.__context__ = cause
    return error


# Bytes held for httpcore before the socket is no longer read (and read again below
# the second): a response body is read as it comes, so this is rarely reached.
_HELD_HIGH = 256 * 1024
_HELD_LOW = 64 * 1024
# How the head of every request the fetcher sends begins (it sends no others).
_REQUEST_LINES = (b"GET ", b"POST ", b"HEAD ")


class _Receiver(asyncio.Protocol):
    """One connection's side of asyncio: what arrived and not yet read, whether it
    ended (and why), and whether the kernel will take more of our writes."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None   # the TLS one once upgraded
        self.held = bytearray()
        self.ended = False
        self.error: Exception | None = None
        self.write_paused = False
        # A request was sent and the head of its response not yet read (heads.tidy).
        self.head_due = False
        self._read_paused = False
        self._reading: asyncio.Future[None] | None = None
        self._writing: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport   # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.held += data
        if len(self.held) > _HELD_HIGH and self.transport is not None:
            self.transport.pause_reading()
            self._read_paused = True
        _wake(self._reading)

    def eof_received(self) -> bool:
        self.ended = True
        _wake(self._reading)
        return False   # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        self.error = exc
        _wake(self._reading)
        _wake(self._writing)

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        _wake(self._writing)

    async def arrival(self, beyond: int = 0) -> None:
        """Until more than `beyond` bytes are held or the connection ends."""
        while len(self.held) <= beyond and not self.ended:
            self._reading = asyncio.get_running_loop().create_future()
            try:
                await self._reading
            finally:
                self._reading = None

    async def room(self) -> None:
        """Until the kernel takes writes again or the connection ends."""
        while self.write_paused and not self.ended:
            self._writing = asyncio.get_running_loop().create_future()
            try:
                await self._writing
            finally:
                self._writing = None

    def mend_head(self) -> bool:
        """Mend what h11 would refuse in the response head held, and in the final
        head after interim ones (`103 Early Hints`); False if they are not all here
        yet (and may still come)."""
        start = 0
        for _ in range(heads.INTERIM_MOST + 1):
            end = heads.head_end(self.held, start)
            if end < 0 and not self.ended and len(self.held) < heads.HEAD_MOST:
                return False
            if end < 0:
                break
            if not heads.acceptable(self.held, end, start):
                mended = heads.tidy(bytes(self.held[start:end]))
                self.held[start:end] = mended
                end = start + len(mended)
            if not heads.interim(self.held, start):
                break
            start = end
        self.head_due = False
        return True

    async def whole_head(self) -> None:
        """Until the response head has arrived, mended."""
        while not self.mend_head():
            await self.arrival(len(self.held))

    def take(self, most: int) -> bytes:
        data = bytes(self.held[:most])
        del self.held[:most]
        if self._read_paused and len(self.held) < _HELD_LOW and self.transport is not None:
            self.transport.resume_reading()
            self._read_paused = False
        return data


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


class _Stream(httpcore.AsyncNetworkStream):
    """httpcore's network stream straight over an asyncio transport.

    httpcore's own streams go through anyio, whose socket stream takes cancel
    scopes and checkpoints on every read and write, and whose connection is built
    from the socket's attributes anew. Straight over asyncio, an unchanged re-crawl
    of 2,000 sources on as many hosts took 1.66 s against 1.94 s (benchmarks/ab.py,
    six runs each). The fetcher bounds the whole exchange itself (`exchange`), so
    operations here usually run without a timeout of their own.
    """

    def __init__(self, transport: asyncio.Transport, receiver: _Receiver) -> None:
        self._transport = transport
        self._receiver = receiver
        self._socket = transport.get_extra_info("socket")
        self._peer = transport.get_extra_info("peername")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        receiver = self._receiver
        if not receiver.held and not receiver.ended:
            await _within(timeout, receiver.arrival(), httpcore.ReadTimeout)
        if receiver.head_due and not receiver.mend_head():
            await _within(timeout, receiver.whole_head(), httpcore.ReadTimeout)
        if receiver.held:
            return receiver.take(max_bytes)
        if receiver.error is not None:
            raise httpcore.ReadError(receiver.error) from receiver.error
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        receiver = self._receiver
        if receiver.ended or self._transport.is_closing():
            raise httpcore.WriteError(receiver.error or "the connection is closed")
        if buffer.startswith(_REQUEST_LINES):   # h11 writes a request's head in one piece
            receiver.head_due = True
        self._transport.write(buffer)
        if receiver.write_paused:
            await _within(timeout, receiver.room(), httpcore.WriteTimeout)
            if receiver.ended:
                raise httpcore.WriteError(receiver.error or "the connection is closed")

    async def aclose(self) -> None:
        # At once: asyncio's close() first sends what is still buffered (to a server
        # that stopped reading, never) and, over TLS, waits up to 30 s for the
        # server's close_notify. httpcore closes a connection only when done with it.
        self._transport.abort()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(self._transport, self._receiver, ssl_context,
                                                 server_hostname=server_hostname)
        except BaseException as exc:
            self._transport.abort()
            if isinstance(exc, TimeoutError):
                raise httpcore.ConnectTimeout(exc) from exc
            if isinstance(exc, OSError):   # ssl.SSLError and the socket's own
                raise httpcore.ConnectError(exc) from exc
            raise
        if transport is None:   # the loop says it cannot happen for TCP; typing says it can
            raise httpcore.ConnectError("the TLS handshake left no connection")
        self._receiver.transport = transport
        return _Stream(transport, self._receiver)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            receiver = self._receiver
            return receiver.ended or bool(receiver.held) or _readable(self._socket)
        if info == "server_addr":
            return self._peer
        if info == "socket":
            return self._socket
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        return None


async def _within(timeout: float | None, wait: Coroutine[Any, Any, None],
                  timed_out: type[httpcore.TimeoutException]) -> None:
    """`wait`, raising `timed_out` past `timeout` (None, the usual case: no timer)."""
    try:
        if timeout is None:
            await wait
            return
        async with asyncio.timeout(timeout):
            await wait
    except TimeoutError as exc:
        raise timed_out(exc) from exc


def _readable(sock: socket.socket | None) -> bool:
    """Whether a read would return at once: on an idle keep-alive connection, that the
    server closed it (or sent what it should not have) before the loop has seen it;
    either way it is not reused."""
    if sock is None or sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


Origin = tuple[bytes, bytes, int | None]
# An idle connection older than this is closed rather than reused (httpx's default):
# servers drop idle ones after a few seconds, and one dropped while a request is on
# its way fails that request.
KEEPALIVE_SECONDS = 5.0


class OriginPools(httpx.AsyncBaseTransport):
    """A few keep-alive connections per origin (scheme, host, port), the least recently
    used origin's closed beyond `max_origins`.

    httpx's own transport maps requests, responses and errors; under it, in place of
    httpcore's pool, sit httpcore's HTTP/1.1 connections, kept here in a list per
    origin. httpcore's pool looked at every connection it held twice per request,
    behind locks and events of its own, and one pool per origin (as before) still
    cost a transport, a pool and a connection wrapper per request: about a fifth of
    an unchanged re-crawl, which is little but these requests.
    """

    def __init__(self, ssl_context: Callable[[], ssl.SSLContext], backend: PinnedBackend, *,
                 idle_per_origin: int, max_origins: int) -> None:
        self._connections = _Connections(ssl_context, backend, idle_per_origin=idle_per_origin,
                                         max_origins=max_origins)
        # The transport's own pool is replaced: httpx has no public way to pass one.
        # httpx is pinned below 1.0 in pyproject.toml, and the fetch tests cover this.
        self._transport = httpx.AsyncHTTPTransport(verify=no_tls(), trust_env=False)
        self._transport._pool = self._connections   # type: ignore[assignment]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self._connections.aclose()


class _Connections:
    """What httpx's transport asks of httpcore's pool: handle_async_request, aclose."""

    def __init__(self, ssl_context: Callable[[], ssl.SSLContext], backend: PinnedBackend, *,
                 idle_per_origin: int, max_origins: int) -> None:
        # Called for the first https origin only: loading the public roots takes
        # about 35 ms, a tenth of an unchanged re-crawl of 500 plain-http sources.
        self._ssl_context = ssl_context
        self._backend = backend
        self._idle_per_origin = idle_per_origin
        self._max_origins = max_origins
        # Origins in order of use, each with its idle connections and requests in flight.
        self._origins: OrderedDict[Origin, _Origin] = OrderedDict()

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        url = request.url
        key = (url.scheme, url.host, url.origin.port)
        origin = self._origins.get(key)
        if origin is None:
            await self._make_room()
            origin = self._origins.setdefault(key, _Origin())
        self._origins.move_to_end(key)
        origin.in_flight += 1
        try:
            while True:
                connection = await origin.take_idle()
                if connection is None:
                    stream = await self._connect(request)
                    connection = httpcore.AsyncHTTP11Connection(
                        url.origin, stream, keepalive_expiry=KEEPALIVE_SECONDS)
                try:
                    response = await connection.handle_async_request(request)
                except httpcore.ConnectionNotAvailable:   # taken meanwhile: another one
                    continue
                break
        except BaseException:
            origin.in_flight -= 1
            raise
        body = response.stream
        assert isinstance(body, AsyncIterable)
        return httpcore.Response(status=response.status, headers=response.headers,
                                 content=_Returned(body, connection, origin,
                                                   self._idle_per_origin),
                                 extensions=response.extensions)

    async def _connect(self, request: httpcore.Request) -> httpcore.AsyncNetworkStream:
        """As httpcore's own connection connects, through the pinned backend."""
        url = request.url
        timeout = request.extensions.get("timeout", {}).get("connect")
        stream = await self._backend.connect_tcp(url.host.decode("ascii"), url.origin.port,
                                                 timeout=timeout)
        if url.scheme == b"https":
            context = self._ssl_context()
            context.set_alpn_protocols(["http/1.1"])
            server_name = request.extensions.get("sni_hostname") or url.host.decode("ascii")
            stream = await stream.start_tls(context, server_hostname=server_name,
                                            timeout=timeout)
        return stream

    async def _make_room(self) -> None:
        """Close the least recently used origins with nothing in flight, down to the cap;
        one still busy is kept (in-flight requests are bounded by `concurrency`)."""
        excess = len(self._origins) + 1 - self._max_origins
        if excess <= 0:
            return
        # Chosen and removed before the first await: requests making room at the same
        # time (a crawl of more origins than the cap) must not pick the same ones.
        # The least recently used come first, so the scan stops after a few of them.
        idle = list(itertools.islice(
            (key for key, origin in self._origins.items() if not origin.in_flight), excess))
        closing = [self._origins.pop(key) for key in idle]
        for origin in closing:
            await origin.aclose()

    async def aclose(self) -> None:
        origins, self._origins = list(self._origins.values()), OrderedDict()
        for origin in origins:
            await origin.aclose()


class _Origin:
    """One origin's idle connections (the most recently used last) and requests in flight."""

    def __init__(self) -> None:
        self.idle: list[httpcore.AsyncHTTP11Connection] = []
        self.in_flight = 0

    async def take_idle(self) -> httpcore.AsyncHTTP11Connection | None:
        """An idle connection the server has not closed meanwhile; those it has are closed."""
        while self.idle:
            connection = self.idle.pop()
            if connection.is_available() and not connection.has_expired():
                return connection
            await connection.aclose()
        return None

    async def aclose(self) -> None:
        idle, self.idle = self.idle, []
        for connection in idle:
            await connection.aclose()


class _Returned:
    """A response body that gives its connection back to its origin once closed (if the
    exchange left it reusable and the origin has room for another idle one)."""

    def __init__(self, body: AsyncIterable[bytes], connection: httpcore.AsyncHTTP11Connection,
                 origin: _Origin, idle_per_origin: int) -> None:
        self._body = body
        self._connection = connection
        self._origin: _Origin | None = origin
        self._idle_per_origin = idle_per_origin

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._body:
            yield chunk

    async def aclose(self) -> None:
        origin, self._origin = self._origin, None
        if origin is None:
            return
        # In flight until the connection is placed: closing the body waits, and an
        # origin with nothing in flight may meanwhile be closed to make room, after
        # which a connection put back in it would never be closed.
        try:
            await self._body.aclose()   # type: ignore[attr-defined]
        finally:
            try:
                if (self._connection.is_idle() and not _overran(self._connection)
                        and len(origin.idle) < self._idle_per_origin):
                    origin.idle.append(self._connection)
                elif not self._connection.is_closed():
                    await self._connection.aclose()
            finally:
                origin.in_flight -= 1


def _overran(connection: httpcore.AsyncHTTP11Connection) -> bool:
    """Whether the server sent more than its answer: a body longer than its
    Content-Length (a length counted in characters, not bytes), or a body on a 304.
    h11 holds the excess for the next answer, which it would then fail to read, so
    the next request on this connection (the site's next page, another source's)
    would fail for this one's fault.
    Browsers do not reuse such a connection either. (httpcore keeps its h11
    connection private; without it, this cannot tell and says no.)"""
    trailing = getattr(getattr(connection, "_h11_state", None), "trailing_data", None)
    return bool(trailing and trailing[0])
