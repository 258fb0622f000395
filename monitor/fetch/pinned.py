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
