"""Connections that go only where they were checked to go (no DNS rebinding).

Checking a host's addresses and then letting the HTTP client resolve it again
are two lookups: a hostile name server can answer "public" to the first and
"127.0.0.1" to the second, and the request reaches the intranet. Here the one
lookup is checked and the socket is opened to the very address checked. The
URL keeps its host name, so the Host header and the TLS server name (SNI and
certificate check) are the name's, as if the client had resolved it itself.
"""

from __future__ import annotations

import ssl
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import anyio
import httpcore
import httpx

from monitor.errors import FetchError
from monitor.fetch.netguard import PrivateAddress, Resolver, resolve_checked

SocketOption = Any   # httpcore's own alias is private


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, resolving through `resolve` and, when `guard` is on,
    refusing (netguard.PrivateAddress) before any byte is sent to a private address."""

    def __init__(self, resolve: Resolver, *, guard: bool) -> None:
        self._resolve = resolve
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

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
                return await self._inner.connect_tcp(address, port, timeout=timeout,
                                                     local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[SocketOption] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


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

    def __init__(self, ssl_context: ssl.SSLContext, backend: PinnedBackend, *,
                 idle_per_origin: int, max_origins: int) -> None:
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
            transport = pinned_transport(self._ssl_context, self._limits, self._backend)
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
