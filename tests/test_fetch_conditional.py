"""Conditional GET and the headers every request carries, proven by the server log."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from monitor.config.settings import FetchSettings
from monitor.errors import HTTPStatusError
from monitor.fetch import Fetcher
from monitor.models import Document, NotModified, Validators
from tests.httpserver import FixtureServer, Request, Response

UA = "thai-egov-monitor/test (+https://example.org/)"
QUICK = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0)
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 09 Nov 2022 07:00:00 GMT"
FIXED = datetime(2025, 6, 1, tzinfo=UTC)


def feed(request: Request) -> Response:
    if request.headers.get("if-none-match") == ETAG:
        return Response(304, b"", {"ETag": ETAG})
    return Response(200, b"<rss/>", {"Content-Type": "application/rss+xml", "ETag": ETAG,
                                     "Last-Modified": LAST_MODIFIED})


def fetch(url: str, validators: Validators | None = None,
          settings: FetchSettings = QUICK) -> object:
    async def go() -> object:
        async with Fetcher(user_agent=UA, now=lambda: FIXED) as fetcher:
            return await fetcher.fetch(url, settings, validators=validators)
    return asyncio.run(go())


def test_second_fetch_is_conditional_and_not_modified(server: FixtureServer) -> None:
    server.add("/feed", feed)
    first = fetch(server.url("/feed"))
    assert isinstance(first, Document)
    assert (first.etag, first.last_modified) == (ETAG, LAST_MODIFIED)
    assert first.fetched_at == FIXED and first.status == 200
    second = fetch(server.url("/feed"), Validators(first.etag, first.last_modified))
    assert second == NotModified(url=server.url("/feed"))
    one, two = server.requests_for("/feed")
    assert "if-none-match" not in one.headers
    assert two.headers["if-none-match"] == ETAG
    assert two.headers["if-modified-since"] == LAST_MODIFIED


def test_changed_resource_is_fetched_again(server: FixtureServer) -> None:
    server.add("/feed", feed)
    doc = fetch(server.url("/feed"), Validators(etag='"old"'))
    assert isinstance(doc, Document) and doc.etag == ETAG


def test_unasked_304_is_an_error(server: FixtureServer) -> None:
    server.add("/odd", Response(304, b""))
    with pytest.raises(HTTPStatusError) as info:      # nothing was asked, so nothing to reuse
        fetch(server.url("/odd"))
    assert info.value.status == 304


def test_every_request_carries_the_user_agent(server: FixtureServer) -> None:
    server.add("/robots.txt", Response(200, b"User-agent: *\nAllow: /\n"))
    server.add("/go", Response(302, b"", {"Location": "/feed"}))
    server.add("/feed", feed)
    fetch(server.url("/go"))
    assert [r.path for r in server.log] == ["/robots.txt", "/go", "/feed"]
    assert {r.headers.get("user-agent") for r in server.log} == {UA}
    assert all("gzip" in r.headers.get("accept-encoding", "") for r in server.log)
