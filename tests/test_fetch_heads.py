"""Response heads h11 would refuse whole, read as browsers read them (monitor.fetch.heads).

The end-to-end tests serve the malformed lines from a real HTTP server on
127.0.0.1 (Python's http.server writes a header exactly as given) and fetch
them through the fetcher's own connections.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator

import h11
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config.settings import FetchSettings
from monitor.errors import FetchError
from monitor.fetch.heads import head_end, interim, tidy
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


@pytest.mark.parametrize(("line", "mended"), [
    (b"HTTP/1.1 200OK", b"HTTP/1.1 200 OK"),             # an embedded server's
    (b"HTTP/1.1  200 OK", b"HTTP/1.1 200 OK"),
    (b"http/1.1 200 OK", b"HTTP/1.1 200 OK"),
    (b"HTTP/1 200 OK", b"HTTP/1.0 200 OK"),               # as Chromium reads a lone digit
    (b"HTTP/1.0 304", b"HTTP/1.0 304"),                   # h11's own: as it was
    (b"HTTP/1.1 200 \x0bOK\x00", b"HTTP/1.1 200 OK"),
    (b"HTTP/1.1 404 \xe0\xb9\x84\xe0\xb8\xa1\xe0\xb9\x88\xe0\xb8\x9e\xe0\xb8\x9a",
     b"HTTP/1.1 404 \xe0\xb9\x84\xe0\xb8\xa1\xe0\xb9\x88\xe0\xb8\x9e\xe0\xb8\x9a"),
    (b"ICY 200 OK", b"ICY 200 OK"),                       # not HTTP: left for h11 to refuse
    (b"HTTP/1.1 2000 OK", b"HTTP/1.1 2000 OK"),
])
def test_a_status_line_is_read_as_browsers_read_it(line: bytes, mended: bytes) -> None:
    head = line + b"\r\nContent-Length: 2\r\n\r\n"
    assert tidy(head) == mended + b"\r\nContent-Length: 2\r\n\r\n"


def test_interim_heads_are_told_from_final_ones() -> None:
    assert interim(b"HTTP/1.1 103 Early Hints\r\n") and interim(b"HTTP/1.1 100 Continue")
    assert not interim(b"HTTP/1.1 101 Switching Protocols") and not interim(b"HTTP/1.1 200 OK")
    assert interim(b"<p>HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 100\r\n", 22)


@given(st.binary(max_size=30).filter(lambda b: b"\n" not in b and b"\r" not in b))
def test_whatever_the_status_line_it_is_mended_to_h11s_or_left_as_it_was(line: bytes) -> None:
    head = b"HTTP/1.1 " + line + b"\r\nA: 1\r\n\r\n"
    tidied = tidy(head)
    client = h11.Connection(h11.CLIENT)
    client.send(h11.Request(method="GET", target="/", headers=[("Host", "a.go.th")]))
    client.send(h11.EndOfMessage())
    client.receive_data(tidied)
    try:
        client.next_event()
    except h11.RemoteProtocolError:
        assert tidied.split(b"\r\n")[0] == head.split(b"\r\n")[0], tidied


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


# Answers written byte for byte, as servers h11 is strict with send them.
RAW = {
    "/status": b"HTTP/1.1 200OK\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n<p>ok</p>",
    # Early hints before a final head h11 would refuse (a spaced name).
    "/hints": b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
              b"HTTP/1.1 200 OK\r\nX Powered By: PHP\r\nContent-Type: text/html\r\n"
              b"Content-Length: 9\r\n\r\n<p>ok</p>",
    # ... and an interim head that is itself mended.
    "/continue": b"HTTP/1.1 100Continue\r\n\r\nHTTP/1.1  200 OK\r\nContent-Length: 9\r\n"
                 b"\r\n<p>ok</p>",
}


@contextlib.contextmanager
def raw_server(answer: Callable[[socket.socket, str], None]
               ) -> Iterator[tuple[str, list[int]]]:
    """A server on 127.0.0.1 that writes, for each request on a connection, what
    `answer(connection, path)` sends, byte for byte; and the connections it accepted."""
    listener = socket.create_server(("127.0.0.1", 0))
    connections: list[int] = []

    def serve(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            held = b""
            while True:
                while b"\r\n\r\n" not in held:
                    data = conn.recv(65536)
                    if not data:
                        return
                    held += data
                head, _, held = held.partition(b"\r\n\r\n")
                answer(conn, head.split(b" ")[1].decode())

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = listener.accept()
                connections.append(1)
                threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    finally:
        listener.close()


def test_answers_with_a_status_line_or_interim_head_h11_refuses_are_read() -> None:
    def answer(conn: socket.socket, path: str) -> None:
        data = RAW[path]
        if path == "/hints":   # the final head comes a moment later
            split = data.index(b"\r\n\r\n") + 4
            conn.sendall(data[:split])
            time.sleep(0.05)
            data = data[split:]
        conn.sendall(data)

    with raw_server(answer) as (base, connections):
        results = fetch_all([base + path for path in [*RAW, *RAW]])
    assert [r.text if isinstance(r, Document) else r for r in results] == ["<p>ok</p>"] * 6
    assert len(connections) == 1     # and the connection was kept for the next answer


def test_endless_interim_heads_are_left_to_h11_after_a_few() -> None:
    """A hostile server's stream of `100 Continue` heads: the mender looks at a few
    and then leaves them to h11, which reads them one by one."""
    def answer(conn: socket.socket, path: str) -> None:
        for _ in range(300):
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        conn.sendall(RAW["/status"])

    with raw_server(answer) as (base, _):
        [result] = fetch_all([base + "/"])
    # h11 reads the interim heads and then refuses the final one's status line:
    # past INTERIM_MOST the mender does not look, which is the bound.
    assert isinstance(result, FetchError), result
