"""One HTTP request and its response, bounded in time and size, with httpx kept inside.

Everything httpx can raise becomes one of our FetchErrors here, with one
readable line, so no caller ever sees (or has to know) an httpx exception.
`Transient` marks the failures another attempt may cure.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass

import httpx

from monitor.errors import FetchError, FetchTimeoutError, TooLargeError
from monitor.fetch import netguard
from monitor.fetch.challenge import SNIFF
from monitor.fetch.limits import describe_size, inflate_stray_gzip, read_bounded
from monitor.fetch.session import Session
from monitor.fetch.tlstrust import CertificateError, verification_failure

REDIRECTS = (301, 302, 303, 307, 308)
# A 304 or a redirect is read to its end (its body, if any, is thrown away) so that
# its connection goes back to the pool: one left unread is closed, and every
# re-crawl of an unchanged source paid a new connection. Beyond this it is cheaper
# to let the connection go.
DRAIN_BYTES = 64 * 1024


@dataclass(frozen=True)
class Reply:
    """A response: body read in full for 2xx, in part for errors, not at all for 304
    and redirects (nothing in them is used). `cut` says why a 2xx body is only what
    arrived before the server ended it early (None: it came whole)."""

    url: str
    status: int
    reason: str
    headers: httpx.Headers
    body: bytes = b""
    cut: str | None = None

    @property
    def location(self) -> str | None:
        """Where a redirect points, its bytes beyond ASCII percent-encoded as they came,
        as browsers send them: a Location in TIS-620 bytes (an old PHP or ASP site)
        read as text came out as Latin-1, and so did one in UTF-8 whenever any other
        header of the answer was not UTF-8 (httpx decodes all headers alike)."""
        if self.status not in REDIRECTS:
            return None
        raw = next((value for name, value in self.headers.raw if name.lower() == b"location"),
                   b"")
        if raw.isascii():
            return raw.decode("ascii") or None
        return "".join(chr(byte) if byte < 0x80 else f"%{byte:02X}" for byte in raw)


class Transient(FetchError):
    """A failure another attempt may cure (connection refused or reset, a timeout)."""

    def __init__(self, message: str, *, url: str, timed_out: bool) -> None:
        self.timed_out = timed_out
        super().__init__(message, url=url)


# What a bare socket error with no message means (asyncio raises ConnectionResetError()
# when a server hangs up during the TLS handshake): httpx's wrapper says only "ConnectError".
_BARE: dict[type[BaseException], str] = {
    ConnectionResetError: "the server closed the connection",
    ConnectionAbortedError: "the connection was aborted",
    BrokenPipeError: "the server closed the connection"}


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or _bare_reason(exc)
    # httpx wraps the socket's error ("no connection to 10.0.0.1 port 443"); the errno
    # underneath (Connection refused, No route to host) is what a person can act on.
    for inner in _under(exc):
        # (an SSLError's errno is OpenSSL's code, not the system's)
        if (isinstance(inner, OSError) and not isinstance(inner, ssl.SSLError)
                and inner.errno and inner.errno > 0):
            words = os.strerror(inner.errno)   # asyncio's own strerror names no cause
            return text if words in text else f"{text} ({words})"
    return text


def _bare_reason(exc: Exception) -> str:
    """The first message in the chain under a wrapper that has none, else its name."""
    for inner in _under(exc):
        if str(inner).strip():
            return str(inner).strip()
        if type(inner) in _BARE:
            return _BARE[type(inner)]
    return type(exc).__name__


def _under(exc: BaseException) -> Iterator[BaseException]:
    """The exceptions `exc` was raised from or during, nearest first (at most 8)."""
    inner = exc.__cause__ or exc.__context__
    for _ in range(8):
        if inner is None:
            return
        yield inner
        inner = inner.__cause__ or inner.__context__


@dataclass(frozen=True)
class Ask:
    """What to send: a GET, a POST of form fields (sites that list only after one), or
    whatever a rendered page's own script sends (`content`)."""

    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()
    content: bytes | None = None


GET = Ask()


async def exchange(client: Session, url: str, headers: Mapping[str, str], *,
                   timeout: float, max_bytes: int, check_peer: bool,
                   truncate: bool = False, on_send: Callable[[], None] | None = None,
                   ask: Ask = GET, shown_timeout: float | None = None) -> Reply:
    """Send one request; the whole exchange, body included, must end within `timeout`.

    httpx's own timeouts apply per network operation, so a server that sends
    one byte a second would never trip them; asyncio.timeout bounds the total.
    `on_send` is called when the request headers start going out. `timeout` is
    what is left of the fetch's deadline; `shown_timeout`, the configured one.
    """
    shown = timeout if shown_timeout is None else shown_timeout
    try:
        if timeout <= 0:
            raise TimeoutError
        async with asyncio.timeout(timeout):
            return await _exchange(client, url, headers, timeout, max_bytes, check_peer,
                                   truncate, on_send, ask)
    except (TimeoutError, httpx.TimeoutException):
        raise Transient(f"no complete response from {url} within {shown:g} s (timeout)",
                        url=url, timed_out=True) from None
    except netguard.PrivateAddress as exc:
        raise netguard.refusal(url, exc.address, exc.kind) from None
    except httpx.ConnectError as exc:
        failure = verification_failure(exc)
        if failure is not None:   # will not cure itself: no retry
            reason = failure.verify_message or _reason(exc)
            raise CertificateError(f"TLS certificate of {url} could not be verified: "
                                   f"{reason}", url=url, code=failure.verify_code or 0,
                                   reason=reason) from None
        raise Transient(f"connection to {url} failed: {_reason(exc)}", url=url,
                        timed_out=False) from None
    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise Transient(f"connection to {url} failed: {_reason(exc)}", url=url,
                        timed_out=False) from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"not a valid URL: {url} ({_reason(exc)})", url=url) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"request to {url} failed: {_reason(exc)}", url=url) from None
    except UnicodeError:
        raise FetchError(f"not a valid host name in {url}", url=url) from None


async def _exchange(client: Session, url: str, headers: Mapping[str, str],
                    timeout: float, max_bytes: int, check_peer: bool, truncate: bool,
                    on_send: Callable[[], None] | None, ask: Ask) -> Reply:
    async def trace(event: str, info: Mapping[str, object]) -> None:
        if on_send is not None and event.endswith("send_request_headers.started"):
            on_send()

    # No timeout per network operation (the session sets none): `exchange` bounds the
    # whole of it, which they are within.
    async with client.stream(ask.method, url, headers=headers,
                             data=dict(ask.form) if ask.form else None, content=ask.content,
                             extensions={"trace": trace} if on_send is not None else None
                             ) as response:
        if check_peer:
            netguard.check_peer(url, response)
        status = response.status_code
        encoding = response.headers.get("content-encoding", "")
        cut: str | None = None
        if status == 304 or (status in REDIRECTS and "location" in response.headers):
            body = b""
            await _drain(response)
        elif 200 <= status < 300:
            _refuse_declared_oversize(url, response.headers, max_bytes, truncate)
            arrived = _Arrived(response, keep=not truncate)
            body = await read_bounded(arrived.chunks(), encoding, max_bytes, url=url,
                                      truncate=truncate)
            if not truncate:
                body = inflate_stray_gzip(body, max_bytes, url=url)
            cut = arrived.cut
        else:
            body = await _error_body(response, url, min(SNIFF, max_bytes))
        return Reply(url=url, status=status, reason=response.reason_phrase,
                     headers=response.headers, body=body, cut=cut)


class _Arrived:
    """A body's raw bytes as they arrive. With `keep`, a server that ends the body
    before its announced end (fewer bytes than its Content-Length, chunks without
    the last one) leaves what arrived, as browsers show what arrived: one that
    always does so would otherwise never be read. Not for what is read only in part
    anyway (`truncate`: robots.txt, whose missing lines could be rules)."""

    def __init__(self, response: httpx.Response, *, keep: bool) -> None:
        self._response = response
        self._keep = keep
        self.cut: str | None = None

    async def chunks(self) -> AsyncIterator[bytes]:
        got = False
        try:
            async for chunk in self._response.aiter_raw():
                got = got or bool(chunk)
                yield chunk
        except httpx.RemoteProtocolError as exc:
            if not (self._keep and got):
                raise
            self.cut = _reason(exc)


async def _drain(response: httpx.Response) -> None:
    """Read an unused body to its end, if it is short; a failure here costs only the
    connection, never the answer, which is complete."""
    read = 0
    try:
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read > DRAIN_BYTES:
                return
    except httpx.HTTPError:
        return


async def _error_body(response: httpx.Response, url: str, limit: int) -> bytes:
    """An error body, read only far enough to recognise an anti-bot wall; one we cannot
    read (an odd encoding) must not hide the status, which is what matters."""
    try:
        return await read_bounded(response.aiter_raw(), response.headers.get(
            "content-encoding", ""), limit, url=url, truncate=True)
    except FetchError:
        return b""


def _refuse_declared_oversize(url: str, headers: httpx.Headers, max_bytes: int,
                              truncate: bool) -> None:
    """Fail before reading when an uncompressed body announces it is too large."""
    if truncate or headers.get("content-encoding", "identity").lower() != "identity":
        return
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLargeError(f"body of {url} is larger than {describe_size(max_bytes)} "
                            f"(max_bytes): Content-Length {declared}", url=url)


def timeout_error(exc: Transient, attempts: int) -> FetchError:
    """The final error after the last attempt, naming how many there were."""
    suffix = f" after {attempts} attempts" if attempts > 1 else ""
    cls = FetchTimeoutError if exc.timed_out else FetchError
    return cls(f"{exc}{suffix}", url=exc.url)
