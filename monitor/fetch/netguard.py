"""Which URLs may be fetched at all: http(s) only, and no private networks for links.

A link found in fetched content (or a redirect) is chosen by whoever wrote
that content. Without this guard a hostile page could make the monitor probe
the intranet it runs in (SSRF) and publish what it finds. A source's own
configured URL is the user's choice and may point anywhere.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpx

from monitor.errors import FetchError, NotAllowedError

ALLOWED_SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# Every hop asks for its URL's origin and host several times (trust, politeness,
# its pool); parsing it each time was a tenth of an unchanged re-crawl's fetching.
@functools.lru_cache(maxsize=4096)
def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the default port filled in: the unit of trust."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme, parsed.host, port


def host_key(url: str) -> str:
    """`hostname:port`, the unit of politeness."""
    _, host, port = origin(url)
    return f"{host}:{port}"


def check_scheme(url: str) -> None:
    """Refuse file:, javascript:, ftp: and anything else that is not a web page,
    and URLs the HTTP client could not even parse (before anything else touches them)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise NotAllowedError(f"not a valid URL: {url!r}", url=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}:" if scheme else "no scheme"
        raise NotAllowedError(f"only http and https URLs are fetched, not {shown} ({url})",
                              url=url)
    if not parts.hostname:
        raise NotAllowedError(f"URL has no host: {url}", url=url)
    try:
        origin(url)   # what parses here, httpx parses too
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise FetchError(f"not a valid URL: {url} ({exc})", url=url) from None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")          # RFC 6052, the well-known prefix
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")   # RFC 8215, local use: never public


def _embedded(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, if it is one of the forms that
    reach it: ::ffff:127.0.0.1 is 127.0.0.1 in disguise, and so are its 6to4,
    NAT64, Teredo and (deprecated) IPv4-compatible spellings."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.teredo is not None:
        return ip.teredo[1]
    if int(ip) >> 32 == 0 and int(ip) > 1:    # ::a.b.c.d (but not :: or ::1)
        return ipaddress.IPv4Address(int(ip))
    return None


def _kind_of(ip: IPAddress) -> str | None:
    for kind, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("private", ip.is_private), ("multicast", ip.is_multicast),
                       ("unspecified", ip.is_unspecified), ("reserved", ip.is_reserved)):
        if flag:
            return kind
    return None if ip.is_global else "non-global"


def address_kind(address: str) -> str | None:
    """None for a public address, else a word for what it is (for the error message)."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return "unparseable"
    inner = _embedded(ip)
    if inner is not None:
        return _kind_of(inner)
    if isinstance(ip, ipaddress.IPv6Address) and ip in _NAT64_LOCAL:
        return "private"
    return _kind_of(ip)


def refusal(url: str, address: str, kind: str) -> NotAllowedError:
    return NotAllowedError(
        f"{url} resolves to {address}, a {kind} address; links from fetched content may not "
        "reach private networks (fetch.allow_private_networks: false)", url=url)


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address of `host`, in the system resolver's order; an IP literal is itself."""
    bare = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(bare))]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(bare, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class PrivateAddress(NotAllowedError):
    """Raised where the URL is not known (at connect time); exchange() adds the URL."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        self.host, self.address, self.kind = host, address, kind
        super().__init__(f"{host} resolves to {address}, a {kind} address")


async def resolve_checked(host: str, port: int, resolve: Resolver, *, guard: bool) -> list[str]:
    """The addresses to connect to, all of them checked first when `guard` is on.

    Every address is checked, not just the first, because a connection may
    fall back to any of them.
    """
    try:
        addresses = await resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    if not addresses:
        raise FetchError(f"cannot resolve {host}: no address")
    if guard:
        for address in addresses:
            kind = address_kind(address)
            if kind:
                raise PrivateAddress(host, address, kind)
    return addresses


async def check_public(url: str, timeout: float, resolve: Resolver = system_resolve) -> None:
    """Refuse early, before robots.txt and the host's turn, if the host is private.

    Only an early, readable refusal: the guarantee is the check at connect
    time (`monitor.fetch.pinned`), which connects to the very address checked.
    """
    _, host, port = origin(url)
    try:
        async with asyncio.timeout(timeout):
            await resolve_checked(host, port, resolve, guard=True)
    except TimeoutError:
        raise FetchError(f"cannot resolve {host} for {url} within {timeout:g} s",
                         url=url) from None
    except PrivateAddress as exc:
        raise refusal(url, exc.address, exc.kind) from None
    except FetchError as exc:
        raise FetchError(f"{exc} (for {url})", url=url) from None


def check_peer(url: str, response: httpx.Response) -> None:
    """Refuse a response whose connection ended up at a private address.

    A second line of defence: the connection is made only to an address
    checked first (`monitor.fetch.pinned`), so this should never fire; if it
    does, the body is still neither read nor used.
    """
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        return
    address = str(peer[0])
    kind = address_kind(address)
    if kind:
        raise refusal(url, address, kind)
