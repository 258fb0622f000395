"""Which URLs may be fetched at all: http(s) only, and no private networks for links.

A link found in fetched content (or a redirect) is chosen by whoever wrote
that content. Without this guard a hostile page could make the monitor probe
the intranet it runs in (SSRF) and publish what it finds. A source's own
configured URL is the user's choice and may point anywhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import httpx

from monitor.errors import FetchError, NotAllowedError

ALLOWED_SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


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
        httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise FetchError(f"not a valid URL: {url} ({exc})", url=url) from None


def _unmapped(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1 in disguise
    return ip


def address_kind(address: str) -> str | None:
    """None for a public address, else a word for what it is (for the error message)."""
    try:
        ip = _unmapped(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:
        return "unparseable"
    for kind, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("private", ip.is_private), ("multicast", ip.is_multicast),
                       ("unspecified", ip.is_unspecified), ("reserved", ip.is_reserved)):
        if flag:
            return kind
    return None if ip.is_global else "non-global"


def _refusal(url: str, address: str, kind: str) -> NotAllowedError:
    return NotAllowedError(
        f"{url} resolves to {address}, a {kind} address; links from fetched content may not "
        "reach private networks (fetch.allow_private_networks: false)", url=url)


async def check_public(url: str, timeout: float) -> None:
    """Resolve the host and refuse if ANY address is not public.

    Every address is checked, not just the first, because the HTTP client may
    connect to any of them.
    """
    _, host, port = origin(url)
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        raise FetchError(f"cannot resolve {host} for {url} within {timeout:g} s",
                         url=url) from None
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host} for {url}: {exc}", url=url) from None
    for info in infos:
        address = str(info[4][0])
        kind = address_kind(address)
        if kind:
            raise _refusal(url, address, kind)


def check_peer(url: str, response: httpx.Response) -> None:
    """Refuse a response whose connection ended up at a private address.

    Resolution before the request and the client's own resolution are two
    lookups; a DNS answer that changes in between (rebinding) is caught here,
    before the body is read or used.
    """
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        return
    address = str(peer[0])
    kind = address_kind(address)
    if kind:
        raise _refusal(url, address, kind)
