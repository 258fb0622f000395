"""Why a source failed, in the user's words: the cause first, the mechanism kept apart.

The fetch layer's messages say how a request failed (`connection to
https://x/robots.txt failed: [Errno -2] Name or service not known); an
unreachable robots.txt means disallow all`); a person reading a log wants the
cause (`host not found: x`). The messages are the one thing that survives into
the stored health, so the cause is read from the text, in this one place, and
the full text stays available for `-v` and `monitor status`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from monitor.text.clean import terminal_safe

_URL = re.compile(r"https?://[^\s()<>'\"]+")

# (pattern in the message, cause); the first that matches wins, so specific before general.
_CAUSES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), cause) for pattern, cause in (
        (r"name or service not known|nodename nor servname|temporary failure in name "
         r"resolution|no address associated|cannot resolve|getaddrinfo failed|name resolution",
         "host not found"),
        (r"connection refused|errno 111\b", "connection refused"),
        # When every address of the host refused or failed without an errno
        # (monitor.fetch.pinned's words; "all connection attempts", anyio's, are in
        # errors that earlier versions recorded)
        (r"no connection to|all connection attempts failed", "cannot connect"),
        (r"connection reset|errno 104\b|the server closed the connection", "connection reset"),
        (r"network is unreachable|no route to host", "network unreachable"),
        (r"\btimed? ?out\b|within [\d.]+ s", "timed out"),
    ))
_TLS = re.compile(r"TLS|SSL|certificate", re.I)
# Most specific first: OpenSSL says "certificate verify failed: self-signed certificate".
_TLS_DETAILS = tuple(re.compile(p, re.I) for p in (
    r"certificate (?:has )?expired", r"self[- ]signed certificate(?: in certificate chain)?",
    r"hostname mismatch", r"unable to get local issuer certificate",
    r"certificate verify failed", r"handshake failure"))
# Handshakes that fail for a reason a person can act on, in words.
_TLS_HANDSHAKES = tuple((re.compile(p, re.I), words) for p, words in (
    (r"alert protocol version|unsupported protocol",
     "the site offers only TLS 1.0 or 1.1, which browsers refuse too"),
    (r"wrong version number", "wrong version number (the port may not speak TLS)")))
# monitor.fetch.tlstrust names the kind of a refused certificate after "not accepted: ".
_TLS_KIND = re.compile(r"not accepted: (expired|not valid yet|wrong host name|self-signed|"
                       r"unknown CA|missing intermediate)", re.I)
_HTTP = re.compile(r"\bHTTP (\d{3})\b")
_HTTP_NAMES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
               410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
               502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _host(text: str) -> str:
    match = _URL.search(text)
    if not match:
        return ""
    try:   # as monitor.text.urls.host_of, without that module's imports: this one loads
        return urlsplit(match.group(0)).hostname or ""   # at start-up (w3lib: 80 ms)
    except ValueError:   # a malformed IPv6 literal quoted from a page or a header
        return ""


def cause(detail: str | None) -> str:
    """The short cause of a failure message, such as `host not found: www.dga.or.th`.

    A message whose cause is not recognised is returned as it was: the
    mechanism is better than nothing.
    """
    if not detail:
        return ""
    text = terminal_safe(detail)
    host = _host(text)
    at = f": {host}" if host else ""
    for pattern, words in _CAUSES:
        if pattern.search(text):
            return f"{words}{at}"
    if _TLS.search(text):
        kind = _TLS_KIND.search(text)   # the fetcher's own verdict, when it gave one
        if kind:
            return f"TLS: {kind.group(1).lower()}{at}"
        said = next((words for p, words in _TLS_HANDSHAKES if p.search(text)), None)
        if said:
            return f"TLS: {said}{at}"
        found = next((m for p in _TLS_DETAILS if (m := p.search(text))), None)
        return f"TLS: {(found.group(0) if found else 'handshake failed').lower()}{at}"
    if text.startswith("robots.txt disallows"):
        return f"disallowed by robots.txt{at}"
    match = _HTTP.search(text)
    if match:
        status = int(match.group(1))
        name = _HTTP_NAMES.get(status, "")
        return f"HTTP {status}{' ' + name if name else ''}{at}"
    return " ".join(text.split())


def cause_first(detail: str) -> str:
    """The cause, then the full message in brackets; the message alone when its
    cause is not recognised (or is the whole message)."""
    why = cause(detail)
    flat = " ".join(terminal_safe(detail).split())
    return flat if why == flat else f"{why} ({flat})"


def shorten(text: str, limit: int = 300) -> str:
    """One line of at most `limit` characters, cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


URL_CHARS = 80      # of each URL in a stored failure message; its host is at the start


def one_line(message: str, limit: int = 300) -> str:
    """A failure message as stored and shown: one line, its URLs cut, then the whole.

    Messages name URLs before the cause ("https://... not fetched: cannot reach
    ..."), and a URL with a percent-encoded Thai query runs to hundreds of
    characters (Google News searches: about 380), so cutting the message alone
    kept the URL and lost the cause. A cut URL keeps its host, which `cause`
    names.
    """
    def cut(match: re.Match[str]) -> str:
        url = match.group(0)
        return url if len(url) <= URL_CHARS else url[: URL_CHARS - 1] + "…"
    return shorten(_URL.sub(cut, message), limit)
