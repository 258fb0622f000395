"""Reading a response body within `max_bytes`, counted after decompression.

httpx's decoded stream hands zlib a whole network chunk at a time and keeps
whatever it inflates to, so a few hundred KB of gzip can become hundreds of MB
in memory before any size check runs. Here the raw bytes are inflated in
bounded steps (`max_length`), so memory never grows by more than one step
beyond the limit, whatever the compression ratio.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import AsyncIterator, Iterator

from monitor.errors import FetchError, TooLargeError

STEP = 64 * 1024          # most bytes one inflate call may produce
MAX_ENCODINGS = 3          # "gzip, gzip" is legal; a long chain is an attack
GZIP_MAGIC = b"\x1f\x8b"    # a gzip file's first bytes


def describe_size(n: int) -> str:
    """Say a byte count the way sources.yaml writes it (5MB, 512KB)."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= size:
            return f"{n // size} {unit}" if n % size == 0 else f"{n / size:.3g} {unit}"
    return f"{n} bytes"


class _Inflater:
    """One gzip or deflate layer, inflated at most STEP bytes per call.

    `deflate` in the wild is either zlib-wrapped (as RFC 9110 says) or raw
    deflate (what old IIS sent), so the first failure switches to raw.
    """

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(self._wbits)
        self._started = False
        self._members = 1
        self._done = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while not self._done:
            try:
                out = self._obj.decompress(data, STEP)
            except zlib.error:
                if self._members > 1:
                    self._done = True   # junk after a complete gzip stream: ignored, as
                    break               # browsers do
                if self._gzip or self._started:
                    raise
                self._wbits = -zlib.MAX_WBITS
                self._obj = zlib.decompressobj(self._wbits)
                self._started = True
                continue
            self._started = True
            if out:
                yield out
            data = self._obj.unconsumed_tail
            if self._obj.eof:
                rest = self._obj.unused_data
                if self._gzip and rest.lstrip(b"\0"):
                    # A gzip file may hold several members, one after the other.
                    self._obj = zlib.decompressobj(self._wbits)
                    self._members += 1
                    data = rest
                    continue
                self._done = True
                break
            if not data and len(out) < STEP:
                break  # input used up and no output held back

    def flush(self) -> Iterator[bytes]:
        if not self._done:
            out = self._obj.flush()
            if out:
                yield out


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


_Layer = _Inflater | _Identity


def decoders_for(content_encoding: str, url: str) -> list[_Layer]:
    """Layers to undo, outermost first; an encoding we never asked for is an error."""
    names = [n.strip().lower() for n in content_encoding.split(",") if n.strip()]
    names = [n for n in names if n != "identity"]
    if len(names) > MAX_ENCODINGS:
        raise FetchError(f"{url} is encoded {len(names)} times over ({content_encoding})",
                         url=url)
    layers: list[_Layer] = []
    for name in reversed(names):
        if name in ("gzip", "x-gzip"):
            layers.append(_Inflater(gzip=True))
        elif name == "deflate":
            layers.append(_Inflater(gzip=False))
        else:
            raise FetchError(f"{url} answered with Content-Encoding {name!r}, which this "
                             "program did not ask for and cannot read", url=url)
    return layers or [_Identity()]


def _through(layers: list[_Layer], chunk: bytes, final: bool) -> Iterator[bytes]:
    """Push a chunk through every layer, lazily: one compressed network chunk can
    inflate to a thousand times its size, so pieces are produced (at most STEP
    each) only as fast as the caller takes and counts them."""
    first, rest = layers[0], layers[1:]
    pieces = itertools.chain(first.feed(chunk) if chunk else (),
                             first.flush() if final else ())
    if not rest:
        yield from pieces
        return
    for piece in pieces:
        yield from _through(rest, piece, final=False)
    if final:
        yield from _through(rest, b"", final=True)


async def read_bounded(raw: AsyncIterator[bytes], content_encoding: str, limit: int, *,
                       url: str, truncate: bool = False) -> bytes:
    """Inflate and collect a body, failing (or, with `truncate`, stopping) past `limit`.

    `truncate` is for bodies only looked at in part: robots.txt (RFC 9309 asks
    for the first 500 KiB) and error pages inspected for anti-bot walls.
    """
    layers = decoders_for(content_encoding, url)
    buf = bytearray()
    try:
        async for chunk in raw:
            if _take(buf, _through(layers, chunk, final=False), limit, url, truncate):
                return bytes(buf)
        _take(buf, _through(layers, b"", final=True), limit, url, truncate)
    except zlib.error as exc:
        if truncate:
            return bytes(buf)
        raise FetchError(f"{url} sent a corrupt compressed body ({exc})", url=url) from None
    return bytes(buf)


def _take(buf: bytearray, pieces: Iterator[bytes], limit: int, url: str,
          truncate: bool) -> bool:
    """Add `pieces` to `buf` up to `limit`: True when `truncate` stopped there, and
    TooLargeError past it otherwise."""
    for piece in pieces:
        if len(buf) + len(piece) > limit:
            if truncate:
                buf.extend(piece[: limit - len(buf)])
                return True
            raise TooLargeError(
                f"body of {url} is larger than {describe_size(limit)} (max_bytes)", url=url)
        buf.extend(piece)
    return False


def inflate_stray_gzip(body: bytes, limit: int, *, url: str) -> bytes:
    """`body` inflated, within `limit`, while it is still a gzip file once HTTP's own
    encodings are undone.

    Servers send `.gz` sitemaps and feeds without Content-Encoding, and a caching
    plugin's compressed feed compressed again by the server arrives gzipped once
    over (feed readers show it as binary garbage). Inflated here, every reader sees
    the document, whichever type the source names, and `max_bytes` counts what it
    inflates to, as it does for HTTP's encodings."""
    for _ in range(MAX_ENCODINGS):
        if not body.startswith(GZIP_MAGIC):
            break
        buf = bytearray()
        try:
            _take(buf, _through([_Inflater(gzip=True)], body, final=True), limit, url,
                  truncate=False)
        except zlib.error as exc:
            raise FetchError(f"{url} sent a gzip file that cannot be inflated ({exc})",
                             url=url) from None
        body = bytes(buf)
    return body
