"""The HTTP/1.1 reader (monitor.fetch.http11) against a raw server sending exact bytes.

http.server (tests/httpserver.py) always answers the same tidy way; real servers
chunk, fold, answer HTTP/1.0, send 100 Continue, lie about lengths and hang up
half-way. Each answer here is written byte for byte, and the server records which
connection each request came on, so reuse (or its refusal) is seen too.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from monitor.config.settings import FetchSettings, RequestSettings
from monitor.errors import FetchError
from monitor.fetch import Fetcher
from monitor.models import Document, NotModified, Validators

QUICK = FetchSettings(min_delay_per_host=0.0, timeout=3.0, retries=0, respect_robots=False,
                      allow_private_networks=True)
OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"

# path -> (the bytes answered, whether the server hangs up after them)
Answers = dict[str, tuple[bytes, bool]]


def run(answers: Answers, paths: list[str],
        validators: Validators | None = None) -> tuple[list[object], list[tuple[int, str]]]:
    """Fetch `paths` in turn with one Fetcher; each outcome (a result or the FetchError)
    and the (connection number, raw request head) the server saw for each request."""
    seen: list[tuple[int, str]] = []
    handlers: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        number = len(handlers) + 1
        handlers.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                seen.append((number, head))
                body, hang_up = answers[head.split(" ", 2)[1]]
                writer.write(body)
                await writer.drain()
                if hang_up:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def go() -> list[object]:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        outcomes: list[object] = []
        async with Fetcher(user_agent="test/1", concurrency=2) as fetcher:
            for path in paths:
                try:
                    outcomes.append(await fetcher.fetch(f"http://127.0.0.1:{port}{path}", QUICK,
                                                        validators=validators))
                except FetchError as error:
                    outcomes.append(error)
        # The fetcher has hung up: let every connection's handler see it and end.
        await asyncio.wait(handlers, timeout=2)
        server.close()
        return outcomes

    return asyncio.run(go()), seen


def connections(seen: list[tuple[int, str]]) -> list[int]:
    return [number for number, _ in seen]


def text_of(outcome: object) -> str:
    assert isinstance(outcome, Document), outcome
    return outcome.text


def test_a_chunked_body_with_extensions_and_trailers_is_read_and_the_connection_kept() -> None:
    text = "ข่าว news ข่าว".encode()
    # Chunks cut through characters; the first has an extension, the last a trailer.
    cuts = [0, 7, 17, 19, len(text)]
    pieces = [text[a:b] for a, b in itertools.pairwise(cuts)]
    chunked = (OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n"
               + b"".join(b"%x%s\r\n%s\r\n" % (len(p), b";name=value" if i == 0 else b"", p)
                          for i, p in enumerate(pieces))
               + b"0\r\nX-Trailer: ignored\r\n\r\n")
    outcomes, seen = run({"/a": (chunked, False)}, ["/a", "/a"])
    assert [text_of(o) for o in outcomes] == ["ข่าว news ข่าว"] * 2
    assert connections(seen) == [1, 1]


def test_folded_header_lines_and_bare_line_feeds_are_read() -> None:
    answer = (b"HTTP/1.1 200 OK\nContent-Type: text/plain\nLast-Modified: Mon, 01 Dec\n"
              b"\t2025 00:00:00 GMT\nContent-Length: 2\n\nok")
    outcomes, seen = run({"/f": (answer, False)}, ["/f", "/f"])
    assert isinstance(outcomes[0], Document)
    assert outcomes[0].last_modified == "Mon, 01 Dec 2025 00:00:00 GMT"
    assert text_of(outcomes[1]) == "ok" and connections(seen) == [1, 1]


def test_an_http_1_0_answer_ends_with_its_connection_and_is_not_reused() -> None:
    answer = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nread to the end"
    outcomes, seen = run({"/old": (answer, True)}, ["/old", "/old"])
    assert [text_of(o) for o in outcomes] == ["read to the end"] * 2
    assert connections(seen) == [1, 2]


def test_informational_answers_are_skipped() -> None:
    answer = (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
              + OK_HEAD + b"Content-Length: 5\r\n\r\nfinal")
    outcomes, _ = run({"/i": (answer, False)}, ["/i"])
    assert text_of(outcomes[0]) == "final"


def test_connection_close_and_bytes_beyond_the_answer_cost_the_connection() -> None:
    closing = OK_HEAD + b"Connection: close\r\nContent-Length: 2\r\n\r\nok"
    # A 304 has no body, whatever follows it: extra bytes must not be taken for the
    # next answer on the same connection.
    junk = b'HTTP/1.1 304 Not Modified\r\nETag: "v"\r\nContent-Length: 9\r\n\r\nnot a body'
    outcomes, seen = run({"/c": (closing, True), "/j": (junk, False)},
                         ["/c", "/c", "/j", "/j"], Validators(etag='"v"'))
    assert [text_of(o) for o in outcomes[:2]] == ["ok", "ok"]
    assert all(isinstance(o, NotModified) for o in outcomes[2:])
    assert connections(seen) == [1, 2, 3, 4]


@pytest.mark.parametrize(("answer", "why"), [
    (OK_HEAD + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "Content-Length"),
    (OK_HEAD + b"Content-Length: 50\r\n\r\nonly this much", "complete message body"),
    (OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhel", "complete message body"),
    (OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", "chunk size"),
    (OK_HEAD + b"Transfer-Encoding: gzip\r\n\r\nhello", "Transfer-Encoding"),
    (OK_HEAD + b"X-Big: " + b"x" * 200_000 + b"\r\n\r\n", "too large"),
    (b"SPDY/3 200 OK\r\n\r\n", "status line"),
    (OK_HEAD + b"Bad Header Name: 1\r\n\r\n", "malformed header"),
    (b"", "disconnected"),
])
def test_a_broken_answer_is_one_clear_error(answer: bytes, why: str) -> None:
    outcomes, _ = run({"/b": (answer, True)}, ["/b"])
    assert isinstance(outcomes[0], FetchError)
    assert why in str(outcomes[0])


def test_a_header_value_cannot_smuggle_a_second_header_into_the_request() -> None:
    answer = OK_HEAD + b"Content-Length: 2\r\n\r\nok"
    outcomes, seen = run({"/s": (answer, False)}, ["/s"],
                         Validators(etag='"v"\r\nX-Smuggled: yes'))
    assert isinstance(outcomes[0], FetchError) and "illegal header" in str(outcomes[0])
    assert not any("x-smuggled" in head.lower() for _, head in seen)


def test_a_post_form_body_is_sent_whole() -> None:
    received: list[str] = []
    answer = OK_HEAD + b"Content-Length: 2\r\n\r\nok"

    async def go() -> object:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            length = next(int(line.split(":")[1]) for line in head.split("\r\n")
                          if line.lower().startswith("content-length:"))
            received.append((await reader.readexactly(length)).decode())
            writer.write(answer)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with Fetcher(user_agent="test/1") as fetcher:
            result = await fetcher.fetch(
                f"http://127.0.0.1:{port}/form", QUICK,
                request=RequestSettings(method="POST", form=(("q", "ข่าว"), ("page", "1"))))
        server.close()
        return result

    assert text_of(asyncio.run(go())) == "ok"
    assert received == ["q=%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7&page=1"]
