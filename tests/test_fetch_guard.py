"""The private-network guard at connect time (DNS rebinding), mapped address forms,
and one deadline for a whole redirect chain."""

from __future__ import annotations

import asyncio
import time

import pytest

from monitor.config.settings import FetchSettings
from monitor.errors import FetchError, FetchTimeoutError, NotAllowedError
from monitor.fetch import Fetcher
from monitor.fetch.netguard import address_kind
from monitor.models import Document
from tests.httpserver import FixtureServer, Response
from tests.tlsfixtures import Resolver

UA = "thai-egov-monitor/test (+https://example.org/)"
GUARDED = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0,
                        respect_robots=False, allow_private_networks=False)


class Rebinding:
    """A hostile name server: a public address for the first lookup, loopback after."""

    def __init__(self) -> None:
        self.answers: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        answer = "93.184.215.14" if not self.answers else "127.0.0.1"
        self.answers.append(answer)
        return [answer]


def test_a_rebinding_name_never_delivers_a_request(server: FixtureServer) -> None:
    server.page("/admin", "secret")
    resolver = Rebinding()

    async def go() -> None:
        async with Fetcher(user_agent=UA, resolve=resolver) as fetcher:
            await fetcher.fetch(f"http://rebind.test:{server.port}/admin", GUARDED,
                                trusted=False)

    with pytest.raises(NotAllowedError, match=r"127\.0\.0\.1, a loopback address"):
        asyncio.run(go())
    assert resolver.answers == ["93.184.215.14", "127.0.0.1"], "checked, then connected"
    assert server.log == [], "no request reached the loopback server"


def test_the_connection_goes_to_the_address_checked(server: FixtureServer) -> None:
    # The name is looked up by the fetcher, once per connection, and the Host
    # header keeps the name: the server sees a normal request for its site.
    server.page("/news", "ok")
    resolver = Resolver({"www.ocs.test": ["127.0.0.1"]})

    async def go() -> Document:
        async with Fetcher(user_agent=UA, resolve=resolver) as fetcher:
            doc = await fetcher.fetch(f"http://www.ocs.test:{server.port}/news", GUARDED,
                                      trusted=True)
            assert isinstance(doc, Document)
            return doc

    assert asyncio.run(go()).text == "ok"
    assert server.log[0].host == f"www.ocs.test:{server.port}"
    assert resolver.lookups == ["www.ocs.test"]


@pytest.mark.parametrize(("address", "kind"), [
    ("2002:7f00:1::", "loopback"),             # 6to4 of 127.0.0.1
    ("2002:a00:1::1", "private"),              # 6to4 of 10.0.0.1
    ("2002:808:808::", None),                  # 6to4 of 8.8.8.8
    ("64:ff9b::7f00:1", "loopback"),           # NAT64 of 127.0.0.1
    ("64:ff9b::c0a8:101", "private"),          # NAT64 of 192.168.1.1
    ("64:ff9b::808:808", None),                # NAT64 of 8.8.8.8
    ("64:ff9b:1::a00:1", "private"),           # local-use NAT64 prefix
    ("::ffff:a9fe:a9fe", "link-local"),        # IPv4-mapped 169.254.169.254 (cloud metadata)
    ("::127.0.0.1", "loopback"),               # IPv4-compatible (deprecated)
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),   # Teredo carrying 127.0.0.1
])
def test_mapped_forms_of_private_addresses_are_private(address: str, kind: str | None
                                                       ) -> None:
    assert address_kind(address) == kind


def test_the_timeout_covers_every_redirect_hop(server: FixtureServer) -> None:
    # Each hop answers within the timeout; together they do not.
    for hop in range(6):
        server.add(f"/hop{hop}", Response(302, b"", {"Location": f"/hop{hop + 1}"},
                                          delay=0.5))
    server.page("/hop6", "arrived")
    settings = FetchSettings(min_delay_per_host=0.0, timeout=1.2, retries=0,
                             respect_robots=False)

    async def go() -> None:
        async with Fetcher(user_agent=UA) as fetcher:
            await fetcher.fetch(server.url("/hop0"), settings)

    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match=r"within 1.2 s \(timeout\)"):
        asyncio.run(go())
    assert time.monotonic() - started < 1.2 + 1.0
    assert server.requests_for("/hop6") == []


def test_retries_share_the_chain_so_the_worst_case_is_bounded(server: FixtureServer) -> None:
    for hop in range(8):
        server.add(f"/hop{hop}", Response(302, b"", {"Location": f"/hop{hop + 1}"},
                                          delay=0.35))
    server.page("/hop8", "arrived")
    settings = FetchSettings(min_delay_per_host=0.0, timeout=1.0, retries=1,
                             respect_robots=False)

    async def go() -> None:
        async with Fetcher(user_agent=UA) as fetcher:
            await fetcher.fetch(server.url("/hop0"), settings)

    started = time.monotonic()
    with pytest.raises(FetchError, match="timeout"):
        asyncio.run(go())
    # (retries + 1) x timeout, plus one backoff and scheduling slack
    assert time.monotonic() - started < 2 * 1.0 + 1.5
