"""A page that sends its visitor elsewhere at once, by `<meta http-equiv="refresh">`
(or the `Refresh` header it stands for) or by a script that only sets `location`.

Sites often answer an old address, or their root, with a stub whose only
content is `<meta http-equiv="refresh" content="0; url=th/">`: a browser is
at the new page before the stub is drawn, so that is the URL a user sees and
expects to be read. Read as it is, the stub has no items, and a
listing moved that way looked `broken`. The fetcher follows such a refresh as
it follows an HTTP redirect, with the same checks on every hop.

Only a refresh that a browser carries out at once counts: a delay of a few
seconds at most (a page that reloads itself every few minutes is content),
and not inside `<noscript>` (a page that works only with JavaScript sends
visitors without it to a page saying so; `render: true` is the way to read it).

The script stub (`<script>window.location.href = "th/index.php";</script>`) is
the same thing written for browsers that run scripts, which all do. It counts
only in a small page (a real page that sends its reader on from some
handler is not a stub) whose one script is that one statement with a written
address; anything computed is left to `render: true`.

The address is read in the page's own encoding, as a browser reads it: an old
site in windows-874 writes `url=ข่าว.php?หมวด=ประกาศ` in TIS-620 bytes, and
the query goes out in those bytes again (`in_page_encoding`), the path in
UTF-8.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from monitor.fetch.decode import choose_codec
from monitor.text.urls import in_page_encoding

HEAD = 32 * 1024   # the tag stands near the top; a whole large page is not searched
MAX_DELAY = 5      # seconds
# Refreshes followed in one fetch. A stub rarely leads to another; a page that
# reloads itself under a new query each time (`?t=...`) would otherwise be
# followed to the hop limit and fail, where a browser shows it.
MAX_REFRESHES = 2
_NOSCRIPT = re.compile(rb"<noscript\b.*?(?:</noscript\s*>|$)", re.IGNORECASE | re.DOTALL)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_REFRESH = re.compile(rb"""\bhttp-equiv\s*=\s*["']?\s*refresh\b""", re.IGNORECASE)
_CONTENT = re.compile(rb"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_VALUE = re.compile(r"""\s*(\d+)(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*?)\2\s*""",
                    re.IGNORECASE | re.DOTALL)
STUB_MOST = 4 * 1024   # bytes: a page larger than this that sets `location` is content
_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
# One statement: `[window. | document. | self. | top.]location[.href] = "URL"` or
# `location.replace("URL")` / `.assign("URL")`, maybe inside an HTML comment.
# The address in quotes (groups 1-2 when assigned, 3-4 when passed), written out:
# no escapes, no spaces, no markup.
_GO = re.compile(rb"""\s*(?:<!--)?\s*(?:(?:window|document|self|top)\.)?location(?:"""
                 rb"""(?:\.href)?\s*=\s*(["'])([^"'<>\\\s]+)\1"""
                 rb"""|\.(?:replace|assign)\s*\(\s*(["'])([^"'<>\\\s]+)\3\s*\))"""
                 rb"""\s*;?\s*(?://\s*)?(?:-->)?\s*""")


def refresh_target(status: int, headers: Mapping[str, str], body: bytes,
                   encoding: str | None = None) -> str | None:
    """The URL an HTML page at once refreshes to, as written (maybe relative), or None.

    `encoding` is the source's own override of the page's encoding, if any."""
    if status != 200:
        return None
    kind = headers.get("content-type", "").lower()
    if kind and "html" not in kind:
        return None
    # The same instruction as an HTTP header (PHP's `header("Refresh: 0; url=th/")`),
    # which browsers carry out before the page is drawn.
    said = _VALUE.fullmatch(headers.get("refresh", ""))
    if said is not None and int(said.group(1)) <= MAX_DELAY and said.group(3).strip():
        return said.group(3).strip()
    head = body[:HEAD]
    if len(body) <= STUB_MOST and b"location" in body:
        found = _script_target(body)
        if found is not None:
            # Script text is not HTML: `&amp;` in it is those five characters.
            return _address(found, body, headers, encoding, unescape=False)
    if b"efresh" not in head and b"EFRESH" not in head:   # nearly every page: no regex
        return None
    head = _NOSCRIPT.sub(b"", head)
    for tag in _META.finditer(head):
        if not _REFRESH.search(tag.group(0)):
            continue
        content = _CONTENT.search(tag.group(0))
        if content is None:
            continue
        raw = next(part for part in content.groups() if part is not None)
        value = _VALUE.fullmatch(_address(raw, body, headers, encoding, unescape=True))
        if value is None or int(value.group(1)) > MAX_DELAY or not value.group(3).strip():
            continue
        return value.group(3).strip()
    return None


def _address(raw: bytes, body: bytes, headers: Mapping[str, str], encoding: str | None, *,
             unescape: bool) -> str:
    """`raw`, written in the page, as text; beyond ASCII, read in the page's encoding
    and its query put back into it (only then is the encoding worked out)."""
    if raw.isascii():
        text = raw.decode("ascii")
        return html.unescape(text) if unescape else text
    codec = choose_codec(body, headers.get("content-type"), encoding)
    text = raw.decode(codec, "replace")
    return in_page_encoding(html.unescape(text) if unescape else text, codec)


def _script_target(page: bytes) -> bytes | None:
    """The written address of a stub page's only script, if that is all it does."""
    scripts = list(_SCRIPT.finditer(_NOSCRIPT.sub(b"", page)))
    if len(scripts) != 1 or b"src" in scripts[0].group(1).lower():
        return None
    go = _GO.fullmatch(scripts[0].group(2))
    return None if go is None else go.group(2) or go.group(4)

