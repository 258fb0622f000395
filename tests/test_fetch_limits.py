"""Bounds: a total deadline per request and max_bytes on the decompressed body."""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from monitor.config.settings import FetchSettings, Source
from monitor.errors import FetchError, FetchTimeoutError, TooLargeError
from monitor.extract import get_extractor
from monitor.fetch import Fetcher
from monitor.fetch.limits import describe_size, read_bounded
from monitor.fetch.retry import RetryPolicy
from monitor.models import Document
from tests.httpserver import FixtureServer, Response

UA = "thai-egov-monitor/test (+https://example.org/)"
MB = 1000 * 1000
TEXT = "ประกาศสำนักงานพัฒนารัฐบาลดิจิทัล ".encode() * 500
ONE_TRY = FetchSettings(min_delay_per_host=0.0, timeout=1.0, retries=0, respect_robots=False)


def fetch(url: str, settings: FetchSettings = ONE_TRY) -> object:
    async def go() -> object:
        async with Fetcher(user_agent=UA, retry=RetryPolicy(base=0.05)) as fetcher:
            return await fetcher.fetch(url, settings)
    return asyncio.run(go())


def zeros(total: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    block = bytes(chunk)
    for _ in range(total // chunk):
        yield block


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 200 KB of gzip that inflates to 200 MB of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    data = b"".join(packer.compress(block) for _ in range(200)) + packer.flush()
    assert len(data) < 250_000
    return data


def test_slow_response_fails_quickly_with_timeout(server: FixtureServer) -> None:
    server.add("/slow", Response(200, b"late", delay=5.0))
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match=r"within 1 s \(timeout\)"):
        fetch(server.url("/slow"))
    assert time.monotonic() - started < 2.0


def test_trickling_body_hits_the_total_deadline(server: FixtureServer) -> None:
    # 64 bytes every 0.1 s: no single read ever waits long enough to trip a
    # per-read timeout, but the whole body would take 4 s.
    server.add("/trickle", Response(200, b"x" * 64 * 40, chunk_delay=0.1))
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        fetch(server.url("/trickle"))
    assert time.monotonic() - started < 2.0


def test_streamed_body_past_max_bytes_fails_quickly(server: FixtureServer) -> None:
    server.add("/huge", Response(200, zeros(50 * MB), {"Content-Type": "text/html"}))
    settings = FetchSettings(min_delay_per_host=0, timeout=10, retries=2, max_bytes=1 * MB,
                             respect_robots=False)
    started = time.monotonic()
    with pytest.raises(TooLargeError) as info:
        fetch(server.url("/huge"), settings)
    assert time.monotonic() - started < 2.0
    assert str(info.value) == (f"body of {server.url('/huge')} is larger than 1 MB "
                               "(max_bytes)")
    assert len(server.requests_for("/huge")) == 1     # too large is not retried


def test_declared_length_past_max_bytes_fails_before_reading(server: FixtureServer) -> None:
    server.add("/big", Response(200, bytes(3 * MB), {"Content-Type": "text/plain"}))
    with pytest.raises(TooLargeError, match="Content-Length 3000000"):
        fetch(server.url("/big"), FetchSettings(max_bytes=MB, min_delay_per_host=0,
                                                respect_robots=False))


def test_body_of_exactly_max_bytes_is_accepted(server: FixtureServer) -> None:
    server.add("/exact", Response(200, gzip.compress(b"a" * 4096),
                                  {"Content-Encoding": "gzip", "Content-Type": "text/plain"}))
    doc = fetch(server.url("/exact"), FetchSettings(max_bytes=4096, min_delay_per_host=0,
                                                    respect_robots=False))
    assert isinstance(doc, Document) and doc.content == b"a" * 4096


def test_gzip_bomb_stops_at_the_limit(server: FixtureServer, bomb: bytes) -> None:
    server.add("/bomb", Response(200, bomb, {"Content-Encoding": "gzip",
                                             "Content-Type": "text/html"}))
    started = time.monotonic()
    with pytest.raises(TooLargeError, match=r"larger than 5 MB \(max_bytes\)"):
        fetch(server.url("/bomb"), FetchSettings(max_bytes=5 * MB, min_delay_per_host=0,
                                                 respect_robots=False))
    assert time.monotonic() - started < 2.0


SITEMAPS = Path(__file__).parent / "fixtures" / "sitemaps"


@pytest.mark.parametrize(("body", "headers"), [
    # a .gz file served as itself, without Content-Encoding
    (gzip.compress(TEXT), {"Content-Type": "application/x-gzip"}),
    # a cache's gzip file gzipped again by the server, which says so only once
    (gzip.compress(gzip.compress(TEXT)), {"Content-Encoding": "gzip"}),
    (gzip.compress(TEXT[:7000]) + gzip.compress(TEXT[7000:]), {}),   # two members
])
def test_a_body_still_gzipped_after_http_arrives_inflated(
        server: FixtureServer, body: bytes, headers: dict[str, str]) -> None:
    server.add("/feed.xml.gz", Response(200, body, headers))
    doc = fetch(server.url("/feed.xml.gz"))
    assert isinstance(doc, Document)
    assert doc.content == TEXT
    assert doc.text.startswith("ประกาศสำนักงานพัฒนารัฐบาลดิจิทัล")


def test_a_gzip_sitemap_without_content_encoding_is_read_as_its_xml(
        server: FixtureServer) -> None:
    server.add("/sitemap.php", Response(200, (SITEMAPS / "urlset.xml.gz").read_bytes(),
                                        {"Content-Type": "application/octet-stream"}))
    doc = fetch(server.url("/sitemap.php"))
    assert isinstance(doc, Document)
    source = Source(name="gz", url=doc.url, type="sitemap")
    links = [item.link for item in get_extractor("sitemap")(doc, source).items]
    assert links == ["https://www.mdes.go.th/news/detail/6003",
                     "https://www.mdes.go.th/news/detail/6001",
                     "https://www.mdes.go.th/news/detail/5990", "https://www.mdes.go.th/about"]


@pytest.mark.parametrize(("size", "ok"), [(4096, True), (4097, False)])
def test_max_bytes_counts_what_a_stray_gzip_inflates_to(server: FixtureServer, size: int,
                                                        ok: bool) -> None:
    server.add("/x.gz", Response(200, gzip.compress(b"a" * size)))
    settings = FetchSettings(max_bytes=4096, min_delay_per_host=0, respect_robots=False)
    if ok:
        doc = fetch(server.url("/x.gz"), settings)
        assert isinstance(doc, Document) and doc.content == b"a" * size
    else:
        with pytest.raises(TooLargeError, match=r"larger than 4.1 KB \(max_bytes\)"):
            fetch(server.url("/x.gz"), settings)


def test_a_stray_gzip_bomb_stops_at_the_limit(server: FixtureServer, bomb: bytes) -> None:
    server.add("/bomb.xml.gz", Response(200, bomb, {"Content-Type": "application/gzip"}))
    started = time.monotonic()
    with pytest.raises(TooLargeError, match=r"larger than 5 MB \(max_bytes\)"):
        fetch(server.url("/bomb.xml.gz"), FetchSettings(max_bytes=5 * MB, min_delay_per_host=0,
                                                        respect_robots=False))
    assert time.monotonic() - started < 2.0


def test_a_body_that_only_begins_like_gzip_is_a_clear_error(server: FixtureServer) -> None:
    server.add("/broken.gz", Response(200, b"\x1f\x8b\x08\x00garbage-not-deflate"))
    with pytest.raises(FetchError, match=r"/broken.gz sent a gzip file that cannot be "
                                         r"inflated \("):
        fetch(server.url("/broken.gz"))


def _peak_growth(run: object) -> int:
    """Peak traced allocation while `run()` executes, above what was live before it."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        with pytest.raises(TooLargeError):
            run()  # type: ignore[operator]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


@pytest.mark.parametrize("kind", ["stream", "bomb", "stray bomb"])
def test_memory_stays_bounded_on_oversize_fetch(server: FixtureServer, bomb: bytes,
                                                kind: str) -> None:
    limit = 5 * MB
    if kind == "bomb":
        server.add("/x", Response(200, bomb, {"Content-Encoding": "gzip"}))
    elif kind == "stray bomb":   # arrives whole (200 KB), is inflated past the limit
        server.add("/x", Response(200, bomb, {"Content-Type": "application/gzip"}))
    else:
        server.add("/x", Response(200, zeros(40 * MB)))
    settings = FetchSettings(max_bytes=limit, min_delay_per_host=0, respect_robots=False,
                             timeout=20)
    growth = _peak_growth(lambda: fetch(server.url("/x"), settings))
    assert growth < limit + 3 * MB, f"peak grew {growth / MB:.1f} MB for a 5 MB limit"


async def _chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i:i + size]


def _deflate_raw(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(("encoding", "body"), [
    ("", TEXT),
    ("identity", TEXT),
    ("gzip", gzip.compress(TEXT)),
    ("x-gzip", gzip.compress(TEXT)),
    ("gzip", gzip.compress(TEXT[:7000]) + gzip.compress(TEXT[7000:])),   # two members
    ("deflate", zlib.compress(TEXT)),                                       # zlib-wrapped
    ("deflate", _deflate_raw(TEXT)),                                        # raw, as IIS sent
    ("gzip, gzip", gzip.compress(gzip.compress(TEXT))),
    ("GZIP", gzip.compress(TEXT) + b"\0\0\0"),                             # padding after
    ("gzip", gzip.compress(TEXT) + b"<!-- junk a proxy appended -->"),
])
def test_read_bounded_undoes_each_encoding(encoding: str, body: bytes) -> None:
    result = asyncio.run(read_bounded(_chunks(body), encoding, 10 * MB, url="u"))
    assert result == TEXT


def test_read_bounded_truncates_when_asked() -> None:
    result = asyncio.run(read_bounded(_chunks(gzip.compress(TEXT)), "gzip", 100, url="u",
                                      truncate=True))
    assert result == TEXT[:100]


@pytest.mark.parametrize(("encoding", "body", "message"), [
    ("br", b"\x0b\x02\x80hello\x03", "Content-Encoding 'br'"),
    ("gzip", b"this is not gzip at all", "corrupt compressed body"),
    ("gzip, gzip, gzip, gzip", b"", "encoded 4 times"),
])
def test_read_bounded_rejects_what_it_cannot_read(encoding: str, body: bytes,
                                                  message: str) -> None:
    with pytest.raises(FetchError, match=message):
        asyncio.run(read_bounded(_chunks(body), encoding, MB, url="u"))


@pytest.mark.parametrize(("n", "text"), [
    (5 * MB, "5 MB"), (512_000, "512 KB"), (1_500_000, "1.5 MB"), (900, "900 bytes"),
])
def test_describe_size(n: int, text: str) -> None:
    assert describe_size(n) == text
