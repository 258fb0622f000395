"""One HTTP/1.1 client connection: what httpcore's own does, read by hand instead of h11.

httpcore's connection parses every response through h11's state machine, behind
locks and cancel scopes of its own: about half the CPU of a request that is
answered 304, and a crawl of unchanged sources is little but such requests.
This one reads the same protocol in a few passes over a buffer, and keeps
httpcore's connection interface (the pool in `monitor.fetch.pinned` holds it)
and its exceptions (httpx's transport maps them to its own, which
`monitor.fetch.exchange` turns into FetchErrors).

What it reads, as RFC 9112 says a client must: a status line and header fields
(obsolete line folding joined, bare LF line ends accepted, at most MAX_HEAD
bytes); informational (1xx) answers skipped; the body framed by
Transfer-Encoding: chunked, else Content-Length (a list of equal values
allowed, differing ones refused), else the connection's end; no body after a
HEAD request, a 204 or a 304. The connection is reused only after an HTTP/1.1
response read to its end, with no `Connection: close` either way, and nothing
sent beyond it.
"""

from __future__ import annotations

import contextlib
import enum
import re
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable

import anyio
import httpcore

READ_SIZE = 64 * 1024
MAX_HEAD = 100 * 1024          # status line and header fields, as httpcore allows h11
MAX_CHUNK_LINE = 4 * 1024      # a chunk's size line, extensions included
_STATUS = re.compile(rb"HTTP/(\d)\.(\d) (\d{3})(?: (.*))?")
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_UNSAFE = re.compile(rb"[\r\n\x00]")
_NO_BODY_STATUS = (204, 304)


class _State(enum.Enum):
    NEW = 0
    ACTIVE = 1
    IDLE = 2
    CLOSED = 3


Trace = Callable[[str, dict[str, object]], Awaitable[None]]


class Connection:
    """httpcore's AsyncConnectionInterface, as far as `monitor.fetch.pinned` uses it."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._buffer = b""
        self._state = _State.NEW

    def is_available(self) -> bool:
        return self._state is _State.IDLE

    def is_idle(self) -> bool:
        return self._state is _State.IDLE

    def is_closed(self) -> bool:
        return self._state is _State.CLOSED

    def has_expired(self) -> bool:
        """An idle connection the server closed (or sent something on) is not reused."""
        return self._state is _State.IDLE and bool(self._stream.get_extra_info("is_readable"))

    async def aclose(self) -> None:
        self._state = _State.CLOSED
        await self._stream.aclose()

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        if self._state not in (_State.NEW, _State.IDLE):
            raise httpcore.ConnectionNotAvailable()
        self._state = _State.ACTIVE
        try:
            timeouts = request.extensions.get("timeout", {})
            trace: Trace | None = request.extensions.get("trace")
            if trace is not None:
                await trace("http11.send_request_headers.started", {"request": request})
            message = await _request_bytes(request)
            # A server may answer before it has read the whole request, and close.
            with contextlib.suppress(httpcore.WriteError):
                await self._stream.write(message, timeouts.get("write"))
            read_timeout = timeouts.get("read")
            while True:
                version, status, reason, headers = await self._read_head(read_timeout)
                if not 100 <= status < 200 or status == 101:
                    break   # an informational answer precedes the real one
            body = _framing(request.method, status, headers)
            reusable = (version == b"1.1" and status != 101
                        and not _says_close(request.headers) and not _says_close(headers)
                        and body[0] != "close")
            return httpcore.Response(
                status=status, headers=headers,
                content=_Body(self, body, reusable, read_timeout),
                extensions={"http_version": b"HTTP/" + version, "reason_phrase": reason,
                            "network_stream": self._stream})
        except BaseException:
            await self._close_shielded()
            raise

    async def _fill(self, timeout: float | None) -> bool:
        """Read more into the buffer; False when the server closed the connection."""
        data = await self._stream.read(READ_SIZE, timeout)
        if not data:
            return False
        self._buffer += data
        return True

    async def _read_head(self, timeout: float | None
                         ) -> tuple[bytes, int, bytes, list[tuple[bytes, bytes]]]:
        searched = 0
        while True:
            end = _HEAD_END.search(self._buffer, max(0, searched - 3))
            if end is not None:
                break
            if len(self._buffer) > MAX_HEAD:
                raise httpcore.RemoteProtocolError("the response's header is too large")
            searched = len(self._buffer)
            if not await self._fill(timeout):
                raise httpcore.RemoteProtocolError(
                    "Server disconnected without sending a response." if not self._buffer
                    else "peer closed connection in the middle of the response's header")
        head, self._buffer = self._buffer[:end.start()], self._buffer[end.end():]
        if len(head) > MAX_HEAD:
            raise httpcore.RemoteProtocolError("the response's header is too large")
        lines = head.split(b"\n")
        status_line = lines[0].rstrip(b"\r")
        found = _STATUS.fullmatch(status_line)
        if found is None:
            raise httpcore.RemoteProtocolError(f"not an HTTP/1.x status line: {status_line[:80]!r}")
        major, minor, code, reason = found.groups()
        if major != b"1":
            raise httpcore.RemoteProtocolError(
                f"unsupported HTTP version {major.decode()}.{minor.decode()}")
        headers: list[tuple[bytes, bytes]] = []
        for raw in lines[1:]:
            line = raw.rstrip(b"\r")
            if line[:1] in (b" ", b"\t"):   # obsolete line folding: part of the last value
                if not headers:
                    raise httpcore.RemoteProtocolError("a folded line before any header field")
                name, value = headers[-1]
                headers[-1] = (name, (value + b" " + line.strip(b" \t")).strip(b" \t"))
                continue
            name, colon, value = line.partition(b":")
            if not colon or _TOKEN.fullmatch(name) is None:
                raise httpcore.RemoteProtocolError(f"malformed header field: {line[:80]!r}")
            if b"\x00" in value:
                raise httpcore.RemoteProtocolError("a NUL byte in a header field")
            headers.append((name, value.strip(b" \t")))
        return b"1." + minor, int(code), reason or b"", headers

    def _finished(self, reusable: bool) -> bool:
        """After the whole body: whether the connection is idle again (else it must close).
        Anything the server sent beyond its answer makes the connection unusable."""
        if reusable and not self._buffer and self._state is _State.ACTIVE:
            self._state = _State.IDLE
            return True
        return False

    async def _close_shielded(self) -> None:
        # Also when the request is cancelled half-way: a half-read connection is
        # never handed out again.
        self._state = _State.CLOSED
        with anyio.CancelScope(shield=True):
            await self._stream.aclose()


def _says_close(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(name.lower() == b"connection" and b"close" in value.lower()
               for name, value in headers)


# How a body ends: ("none",), ("length", n), ("chunked",), ("close",).
Framing = tuple[str, int]


def _framing(method: bytes, status: int, headers: list[tuple[bytes, bytes]]) -> Framing:
    if method == b"HEAD" or status in _NO_BODY_STATUS or 100 <= status < 200:
        return ("none", 0)
    codings = [v.strip().lower() for name, value in headers if name.lower() == b"transfer-encoding"
               for v in value.split(b",") if v.strip()]
    if codings:
        if codings[-1] != b"chunked" or codings.count(b"chunked") > 1:
            raise httpcore.RemoteProtocolError(
                f"unsupported Transfer-Encoding: {b', '.join(codings).decode('latin-1')}")
        if len(codings) > 1:   # e.g. gzip, chunked: the inner coding is not undone here
            raise httpcore.RemoteProtocolError("Transfer-Encoding other than chunked")
        return ("chunked", 0)
    lengths = {v.strip() for name, value in headers if name.lower() == b"content-length"
               for v in value.split(b",")}
    if lengths:
        if len(lengths) > 1 or not all(v.isdigit() for v in lengths):
            raise httpcore.RemoteProtocolError(
                f"invalid Content-Length: {b', '.join(sorted(lengths)).decode('latin-1')[:80]}")
        return ("length", int(lengths.pop()))
    return ("close", 0)


async def _request_bytes(request: httpcore.Request) -> bytes:
    """The request line, header fields and body, refusing what would split the message."""
    parts = [request.method, b" ", request.url.target, b" HTTP/1.1\r\n"]
    chunked = False
    for name, value in request.headers:
        if _UNSAFE.search(name) or _UNSAFE.search(value) or not _TOKEN.fullmatch(name):
            raise httpcore.LocalProtocolError(f"illegal header field {name[:40]!r}")
        chunked = chunked or (name.lower() == b"transfer-encoding"
                              and value.strip().lower() == b"chunked")
        parts += [name, b": ", value, b"\r\n"]
    if _UNSAFE.search(request.method) or _UNSAFE.search(request.url.target) \
            or b" " in request.url.target:
        raise httpcore.LocalProtocolError("illegal request line")
    parts.append(b"\r\n")
    stream = request.stream
    assert isinstance(stream, AsyncIterable)
    async for chunk in stream:
        if chunked and chunk:
            parts += [b"%x\r\n" % len(chunk), chunk, b"\r\n"]
        elif chunk:
            parts.append(chunk)
    if chunked:
        parts.append(b"0\r\n\r\n")
    return b"".join(parts)


class _Body:
    """The response body as it arrives; closing it early closes the connection."""

    def __init__(self, connection: Connection, framing: Framing, reusable: bool,
                 timeout: float | None) -> None:
        self._connection = connection
        self._framing = framing
        self._reusable = reusable
        self._timeout = timeout
        self._done = False
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            kind, length = self._framing
            if kind == "length":
                async for piece in self._sized(length):
                    yield piece
            elif kind == "chunked":
                async for piece in self._chunked():
                    yield piece
            elif kind == "close":
                async for piece in self._until_close():
                    yield piece
            self._done = True
        except BaseException:
            await self.aclose()
            raise

    async def _sized(self, length: int) -> AsyncIterator[bytes]:
        connection = self._connection
        left = length
        while left:
            if not connection._buffer and not await connection._fill(self._timeout):
                raise httpcore.RemoteProtocolError(
                    "peer closed connection without sending complete message body: "
                    f"received {length - left} bytes, expected {length}")
            piece, connection._buffer = connection._buffer[:left], connection._buffer[left:]
            left -= len(piece)
            yield piece

    async def _line(self) -> bytes:
        connection = self._connection
        while True:
            end = connection._buffer.find(b"\n")
            if end >= 0:
                line, connection._buffer = (connection._buffer[:end],
                                            connection._buffer[end + 1:])
                return line.rstrip(b"\r")
            if len(connection._buffer) > MAX_CHUNK_LINE:
                raise httpcore.RemoteProtocolError("a chunk's size line is too long")
            if not await connection._fill(self._timeout):
                raise httpcore.RemoteProtocolError(
                    "peer closed connection without sending complete message body: "
                    "incomplete chunked read")

    async def _chunked(self) -> AsyncIterator[bytes]:
        while True:
            size_text = (await self._line()).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise httpcore.RemoteProtocolError(
                    f"invalid chunk size {size_text[:20]!r}") from None
            if size_text[:1] in (b"-", b"+") or size < 0:
                raise httpcore.RemoteProtocolError(f"invalid chunk size {size_text[:20]!r}")
            if size == 0:
                trailer_bytes = 0
                while await self._line():   # trailer fields, ignored, then the last line
                    trailer_bytes += 1
                    if trailer_bytes > MAX_HEAD // 80:
                        raise httpcore.RemoteProtocolError("too many trailer fields")
                return
            async for piece in self._sized(size):
                yield piece
            if await self._line():
                raise httpcore.RemoteProtocolError("a chunk not followed by its line end")

    async def _until_close(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection._buffer:
            piece, connection._buffer = connection._buffer, b""
            yield piece
        while await connection._fill(self._timeout):
            piece, connection._buffer = connection._buffer, b""
            yield piece

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not (self._done and self._connection._finished(self._reusable)):
            await self._connection._close_shielded()
