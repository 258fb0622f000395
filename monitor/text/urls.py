"""Canonical URLs: one URL, one item, across all sources.

Two links are the same item when they differ only in scheme or host case,
a default port, a fragment, tracking parameters, query order or a trailing
slash. w3lib (Scrapy's) does the percent-encoding and query sorting; the
rules it leaves out (ports, tracking, trailing slash) are added here.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

PUBLISHABLE_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that identify a campaign or a click, never the page.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|"
    r"_ga|_gl|ref_src|ref_url|cmpid|spm|at_medium|at_campaign|s_cid|ncid)$",
    re.IGNORECASE,
)


def is_publishable(url: str) -> bool:
    """Only http and https links reach a feed: never javascript:, data:, file:."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in PUBLISHABLE_SCHEMES and bool(parts.hostname)


def host_of(url: str | None) -> str:
    """The lower-case host of a URL read from a page or a message, "" when it has none.

    urlsplit raises on a malformed IPv6 literal (`http://[::1`), which any
    page may carry: a host looked up for a note or a check must not fail the
    source that showed it.
    """
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


def canonical_url(url: str) -> str:
    """The identity of a link; not meant to be shown (it may reorder the query)."""
    try:
        url = canonicalize_url(url.strip())
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if not _TRACKING.match(k)]
    )
    path = parts.path.rstrip("/") or "/"
    # http and https versions of one page are one item.
    if scheme in _DEFAULT_PORTS:
        scheme = "https"
    return urlunsplit((scheme, netloc, path, query, ""))
