"""Connections that go only where they were checked to go (no DNS rebinding).

Checking a host's addresses and then letting the HTTP client resolve it again
are two lookups: a hostile name server can answer "public" to the first and
"127.0.0.1" to the second, and the request reaches the intranet. Here the one
lookup is checked and the socket is opened to the very address checked. The
URL keeps its host name, so the Host header and the TLS server name (SNI and
certificate check) are the name's, as if the client had resolved it itself.

The transport built on it keeps a small pool of keep-alive connections per
origin (`OriginPools`); its sockets are wrapped in a stream lighter than
httpcore's own (`_Stream`), since a re-crawl of unchanged pages is little but
these requests.
"""

from __future__ import annotations

import select
import socket
import ssl
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import anyio
import anyio.abc
import httpcore
import httpx
from anyio.abc import SocketAttribute
from anyio.streams.tls import TLSAttribute, TLSStream

from monitor.errors import FetchError
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
            with anyio.fail_after(timeout):
                addresses = await resolve_checked(host, port, self._resolve, guard=self._guard)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"cannot resolve {host} in time") from None
        except PrivateAddress:
            raise
        except FetchError as exc:   # a name that does not resolve (now): like a refused connect
            raise httpcore.ConnectError(str(exc)) from None
        failure: Exception | None = None
        for address in addresses:   # as the system's own connect would: each in turn
            try:
                with anyio.fail_after(timeout):
                    stream = await anyio.connect_tcp(address, port, local_host=local_address)
            except TimeoutError as exc:
                failure = _caused(httpcore.ConnectTimeout(exc), exc)
                continue
            except (OSError, anyio.BrokenResourceError) as exc:
                failure = _caused(httpcore.ConnectError(exc), exc)
                continue
            for option in socket_options or ():
                stream.extra(SocketAttribute.raw_socket).setsockopt(*option)
            return _Stream(stream)
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[SocketOption] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used")

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)


def _caused(error: Exception, cause: BaseException) -> Exception:
    """`error` raised from `cause`, also as its context: httpcore's pool re-raises
    with `from None`, and the socket's errno below is what the user reads."""
    error.__cause__ = error.__context__ = cause
    return error


# anyio's failures as httpcore's, which httpx maps to its own (as httpcore does).
_GONE = (anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream)


class _Stream(httpcore.AsyncNetworkStream):
    """httpcore's anyio stream, minus what it cost on every read and write.

    httpcore opens a cancel scope per operation even without a timeout, and builds
    the socket's attributes anew each time the pool asks whether an idle connection
    is still open: together near a tenth of an unchanged re-crawl. The fetcher
    bounds the whole exchange itself (`exchange`), so operations here usually run
    without a timeout; the socket and its peer are looked up once.
    """

    def __init__(self, stream: anyio.abc.ByteStream) -> None:
        self._stream = stream
        self._socket: socket.socket | None = stream.extra(SocketAttribute.raw_socket, None)
        self._peer = stream.extra(SocketAttribute.remote_address, None)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            if timeout is None:
                return await self._stream.receive(max_bytes)
            with anyio.fail_after(timeout):
                return await self._stream.receive(max_bytes)
        except anyio.EndOfStream:
            return b""
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(exc) from exc
        except _GONE as exc:
            raise httpcore.ReadError(exc) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            if timeout is None:
                await self._stream.send(buffer)
                return
            with anyio.fail_after(timeout):
                await self._stream.send(buffer)
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(exc) from exc
        except _GONE as exc:
            raise httpcore.WriteError(exc) from exc

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        try:
            with anyio.fail_after(timeout):
                wrapped = await TLSStream.wrap(self._stream, ssl_context=ssl_context,
                                               hostname=server_hostname,
                                               standard_compatible=False, server_side=False)
        except BaseException as exc:
            await self.aclose()
            if isinstance(exc, TimeoutError):
                raise httpcore.ConnectTimeout(exc) from exc
            if isinstance(exc, (*_GONE, ssl.SSLError)):
                raise httpcore.ConnectError(exc) from exc
            raise
        return _Stream(wrapped)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return _readable(self._socket)
        if info == "server_addr":
            return self._peer
        if info == "socket":
            return self._socket
        if info == "ssl_object":
            return self._stream.extra(TLSAttribute.ssl_object, None)
        if info == "client_addr":
            return self._stream.extra(SocketAttribute.local_address, None)
        return None


def _readable(sock: socket.socket | None) -> bool:
    """Whether a read would return at once: on an idle keep-alive connection, that the
    server closed it (or sent what it should not have); either way it is not reused."""
    if sock is None or sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def pinned_transport(ssl_context: ssl.SSLContext, limits: httpx.Limits,
                     backend: PinnedBackend) -> httpx.AsyncHTTPTransport:
    """httpx's own transport (its request mapping and error translation), over a
    connection pool that connects through `backend`.

    httpx has no public way to pass a network backend, so its pool is replaced;
    httpx is pinned below 1.0 in pyproject.toml, and the fetch tests cover this.
    """
    transport = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False, limits=limits)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=backend,
    )
    return transport


Origin = tuple[bytes, bytes, int | None]


class OriginPools(httpx.AsyncBaseTransport):
    """One small pinned pool per origin (scheme, host, port), the least recently used
    closed beyond `max_origins`.

    httpcore's pool looks at every connection it holds (a system call and a dict built
    per connection) twice per request, so one pool kept warm for 50 hosts cost more
    than the connections it saved. Pools of a few connections each keep that cheap;
    closing whole idle pools bounds the open sockets of a long `monitor run`.
    """

    def __init__(self, ssl_context: Callable[[], ssl.SSLContext], backend: PinnedBackend, *,
                 idle_per_origin: int, max_origins: int) -> None:
        # Called for the first https origin only: loading the public roots takes
        # about 35 ms, a tenth of an unchanged re-crawl of 500 plain-http sources.
        self._ssl_context = ssl_context
        self._backend = backend
        self._limits = httpx.Limits(max_connections=None,
                                    max_keepalive_connections=idle_per_origin)
        self._max_origins = max_origins
        self._pools: OrderedDict[Origin, httpx.AsyncHTTPTransport] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        transport = self._pools.get(key)
        if transport is None:
            await self._make_room()
            transport = self._pools.get(key)   # made by another request while closing
        if transport is None:
            tls = self._ssl_context() if key[0] == b"https" else no_tls()
            transport = pinned_transport(tls, self._limits, self._backend)
            self._pools[key] = transport
        else:
            self._pools.move_to_end(key)
        return await transport.handle_async_request(request)

    async def _make_room(self) -> None:
        """Close the least recently used pools with nothing in flight, down to the cap;
        a pool still busy is kept (in-flight requests are bounded by `concurrency`)."""
        excess = len(self._pools) + 1 - self._max_origins
        if excess <= 0:
            return
        idle = [key for key, transport in self._pools.items() if _is_idle(transport)]
        for key in idle[:excess]:
            await self._pools.pop(key).aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for transport in pools:
            await transport.aclose()


def _is_idle(transport: httpx.AsyncHTTPTransport) -> bool:
    pool = transport._pool
    return all(connection.is_idle() or connection.is_closed()
               for connection in pool.connections)
