"""Response heads h11 would refuse whole, read as browsers read them (monitor.fetch.heads).

The end-to-end tests serve the malformed lines from a real HTTP server on
127.0.0.1 (Python's http.server writes a header exactly as given) and fetch
them through the fetcher's own connections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import h11
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config.settings import FetchSettings
from monitor.errors import FetchError
from monitor.fetch.heads import head_end, tidy
from monitor.models import Document
from tests import test_fetch_tls as fetch_tls
from tests.httpserver import FixtureServer, Response

SETTINGS = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0,
                         respect_robots=False, allow_private_networks=True)


def fetch_all(urls: list[str]) -> list[Document | FetchError]:
    """One Fetcher for all: the second request to an origin reuses the connection."""
    return fetch_tls.fetch_all(urls, SETTINGS)


HEAD = (b"HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 09:00:00 GMT\r\nServer: Apache\r\n"
        b"Content-Type: text/html; charset=UTF-8\r\nSet-Cookie: PHPSESSID=abc; path=/\r\n"
        b"X-Long:  folded\r\n  on two lines\r\nContent-Length: 10\r\n\r\n")


@pytest.mark.parametrize("head", [
    HEAD,
    HEAD.replace(b"\r\n", b"\n"),
    b"HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n",
    b"HTTP/1.1 204\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nServer:\r\nTransfer-Encoding: chunked\r\n\r\n",
])
def test_a_head_h11_accepts_is_passed_on_as_it_is(head: bytes) -> None:
    assert tidy(head) is head


@pytest.mark.parametrize(("head", "tidied"), [
    (b"HTTP/1.1 200 OK\r\nX Powered By: PHP\r\nContent-Length: 2\r\n\r\n",
     b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"),
    (b"HTTP/1.1 200 OK\r\nContent-Type : text/html; charset=tis-620\r\n\r\n",
     b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=tis-620\r\n\r\n"),
    (b"HTTP/1.1 200 OK\r\nget-ban-to-cache-result/forum.php: userdata not support\r\n"
     b"ETag: \"1\"\r\n\r\n", b"HTTP/1.1 200 OK\r\nETag: \"1\"\r\n\r\n"),
    (b"HTTP/1.1 200 OK\r\n: nameless\r\n  continues nothing\r\nA: 1\r\n  folded\r\n\r\n",
     b"HTTP/1.1 200 OK\r\nA: 1\r\n  folded\r\n\r\n"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
     b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
    (b"HTTP/1.1 200 OK\nX-\xe0\xb8\x82: 1\nA: b\x00c\nB: 2\n\n",
     b"HTTP/1.1 200 OK\r\nB: 2\r\n\r\n"),
])
def test_the_lines_h11_would_refuse_are_mended_or_left_out(head: bytes, tidied: bytes) -> None:
    assert tidy(head) == tidied


# Header lines as servers get them wrong: any bytes but the line ends, often with
# a colon somewhere, often starting with a blank; and right ones among them.
_LINES = st.one_of(
    st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b),
    st.builds(lambda n, v: n + b":" + v,
              st.sampled_from([b"ETag", b"X Powered By", b"Content-Type ", b"a/b", b"", b" A"]),
              st.binary(max_size=20).filter(lambda b: b"\n" not in b and b"\r" not in b)),
    st.sampled_from([b"Transfer-Encoding: chunked, chunked", b" folded", b"Server:",
                     b"Content-Length: 0"]))


@given(st.lists(_LINES, max_size=12), st.sampled_from([b"\r\n", b"\n"]))
def test_whatever_the_lines_h11_refuses_none_of_them_in_the_tidied_head(
        lines: list[bytes], end: bytes) -> None:
    head = b"HTTP/1.1 200 OK" + end + b"".join(line + end for line in lines) + end
    tidied = tidy(head)
    assert tidied == head or tidied.endswith(b"\r\n\r\n")
    client = h11.Connection(h11.CLIENT)
    client.send(h11.Request(method="GET", target="/", headers=[("Host", "a.go.th")]))
    client.send(h11.EndOfMessage())
    client.receive_data(tidied)
    try:
        assert isinstance(client.next_event(), h11.Response)
    except h11.RemoteProtocolError as exc:
        # Framing that contradicts itself (a length that is two numbers, a coding h11
        # cannot decode) is left to h11, which refuses it as browsers do; a line is not.
        assert re.search(rb"(?im)^(content-length|transfer-encoding)", tidied), exc
        assert "header line" not in str(exc) and "continuation line" not in str(exc), exc


def test_a_head_ends_at_its_first_blank_line_of_either_kind() -> None:
    assert head_end(b"HTTP/1.1 200 OK\r\nA: 1\r\n\r\nbody\r\n\r\n") == 25
    assert head_end(b"HTTP/1.1 200 OK\nA: 1\n\nbody") == 22
    assert head_end(b"HTTP/1.1 200 OK\r\nA: 1\r\n") == -1


@pytest.fixture
def odd(server: FixtureServer) -> Iterator[FixtureServer]:
    server.add("/spaced", Response(200, b"<p>ok</p>", {
        "Content-Type": "text/html; charset=utf-8", "X Powered By": "PHP/5.2",
        "ETag ": '"v1"'}))
    server.add("/slash", Response(200, b"<p>ok</p>", {
        "Content-Type": "text/html; charset=utf-8",
        "get-ban-to-cache-result/forum.php": "userdata not support"}))
    chunks = iter([b"4\r\n<p>o\r\n", b"5\r\nk</p>\r\n", b"0\r\n\r\n"])   # written by hand
    server.add("/chunked", Response(200, chunks, {
        "Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked, chunked"}))
    yield server


def test_pages_whose_heads_h11_refuses_are_read(odd: FixtureServer) -> None:
    spaced, slash, chunked = fetch_all([odd.url(p) for p in ("/spaced", "/slash", "/chunked")])
    for doc in (spaced, slash, chunked):
        assert isinstance(doc, Document), doc
        assert doc.text == "<p>ok</p>"
    assert spaced.etag == '"v1"'   # the line with a space before its colon was read, not dropped


def test_every_response_on_a_kept_connection_is_mended(odd: FixtureServer) -> None:
    results = fetch_all([odd.url("/spaced")] * 3)
    assert all(isinstance(r, Document) and r.text == "<p>ok</p>" for r in results), results
    assert {r.peer for r in odd.requests_for("/spaced")} == {odd.requests_for("/spaced")[0].peer}
