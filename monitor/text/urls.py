"""Canonical URLs: one URL, one item, across all sources.

Two links are the same item when they differ only in scheme or host case,
a default port, a fragment, tracking parameters, a session id, query order, a
trailing slash, or the menu a Joomla article was linked under. w3lib
(Scrapy's) does the percent-encoding and query sorting; the rules it leaves
out (ports, tracking, sessions, trailing slash, Joomla) are added here.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

PUBLISHABLE_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that identify a campaign or a click, never the page.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|"
    r"_ga|_gl|ref_src|ref_url|cmpid|spm|at_medium|at_campaign|s_cid|ncid)$",
    re.IGNORECASE,
)
# A server that cannot yet rely on a cookie carries its visitor's session in
# every link it writes: Java servlet containers (`/news.do;jsessionid=...` on
# the first answer of a session), PHP's trans_sid, osCommerce, Zen Cart,
# ASP.NET's cookieless sessions (`/(S(...))/page.aspx`). A crawl begins a new
# session, so each crawl saw every item under a new address; and the id is a
# credential of the monitor's session, not something to publish.
_PATH_SESSION = re.compile(r";jsessionid=[^/?#;]*", re.IGNORECASE)
_COOKIELESS = re.compile(r"/\((?:[A-Z]\([^()/?#]*\))+\)(?=/)")
_SESSION_PARAM = re.compile(r"(?:jsessionid|phpsessid|aspsessionid\w*|oscsid|zenid)$",
                            re.IGNORECASE)
# Names that some sites also give to a page's own number (a parliament's
# session, a story id): only a value that looks like a token is a session.
_MAYBE_SESSION_PARAM = re.compile(r"(?:sessionid|session_id|sessid|sid)$", re.IGNORECASE)
_TOKEN = re.compile(r"(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{16,}")
# Joomla, which many provincial and departmental sites run, names an article by
# `option=com_content&view=article&id=N` (`task=view` before 1.6; K2's
# `option=com_k2&view=item`) and adds the menu item and category that the link
# was reached through. One article listed under two menus, or on the home page
# and a news page, had two addresses: stored twice, from one outlet, so story
# dedupe never joined them.
_JOOMLA_ARTICLES = {("com_content", "article"), ("com_content", "view"), ("com_k2", "item")}
_JOOMLA_ROUTING = ("itemid", "catid")


# Codecs whose pages' links carry their query in UTF-8 (WHATWG URL: UTF-16 pages too).
_UTF = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                  "utf-32-le", "utf-32-be", "ascii"})


def in_page_encoding(url: str, codec: str) -> str:
    """`url`, a link read from an HTML page decoded with `codec`, with its query
    percent-encoded in that codec, as a browser encodes it (WHATWG URL: the path
    is always UTF-8, the query takes the page's encoding, and a character the
    encoding lacks is sent as `&#N;`). An old Thai site in windows-874 that links
    `download.php?file=ประกาศ.pdf` expects the file's name in TIS-620 bytes; sent
    in UTF-8, the link opens the wrong page or none."""
    if url.isascii() or codec in _UTF:
        return url
    head, question, rest = url.partition("?")
    query, hash_mark, fragment = rest.partition("#")
    if not question or query.isascii():
        return url
    encoded = "".join(ch if ch.isascii() else
                      quote(ch.encode(codec, "xmlcharrefreplace"), safe="")
                      for ch in query)
    return f"{head}?{encoded}{hash_mark}{fragment}"


# Addresses of files (documents, archives, pictures, videos), not of pages.
_FILE_PATH = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|jpe?g|png|gif|mp4)$", re.IGNORECASE)


def names_a_file(url: str) -> bool:
    """Whether `url`'s path ends in a file's extension (a PDF, a picture): such a link
    leads to no page to read."""
    return _FILE_PATH.search(urlsplit(url).path) is not None


def is_publishable(url: str) -> bool:
    """Only http and https links reach a feed: never javascript:, data:, file:."""
    if is_plain(url):
        return True
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in PUBLISHABLE_SCHEMES and bool(parts.hostname)


# Second-level labels under a two-letter country code that are a suffix, not a site:
# `go.th`, `co.th`, `ac.th`, `or.th`, `in.th`, `mi.th`, `co.uk`, `com.au`.
GENERIC_SLD = frozenset({"co", "or", "go", "ac", "in", "mi", "net", "com", "org", "gov", "edu"})


def registrable_domain(host: str) -> str:
    """The registrable domain, with two-level suffixes (`go.th`, `co.uk`) kept whole:
    `www.dga.or.th` and `dga.or.th` are one site, `dga.or.th` and `etda.or.th` two."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) < 2 or labels[-1].isdigit() or ":" in host:
        return host.lower()
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in GENERIC_SLD else 2
    return ".".join(labels[-keep:])


# What a published link may hold as it is: printable ASCII but the characters the
# URL standard escapes in a path (a space, quotes, angle brackets, a backtick).
_URI_AS_IS = re.compile(r"[!#-;=?-_a-~]*")


def as_uri(url: str) -> str:
    """A link as a URI, as browsers send it: a Thai host in IDNA (`xn--...`), Thai
    and other characters of the path, query and fragment percent-encoded in UTF-8
    (escapes already there, such as a TIS-620 query's, kept). RSS and JSON Feed
    take URLs, which are ASCII; an address with Thai in it was published as it was
    read, which feed validators flag and some chat apps cut short when they make it
    a link. Anything but an http(s) URL is returned unchanged."""
    if _URI_AS_IS.fullmatch(url) or not url[:8].lower().startswith(("http://", "https://")):
        return url          # most links: no parse, no import
    # httpx's URL model follows the WHATWG URL standard, as browsers do.
    import httpx

    try:
        return str(httpx.URL(url))
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return url


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


def without_session(url: str) -> str:
    """`url` without a session id a server wrote into it; anything else as it was."""
    lower = url.lower()     # plain tests: every item's link passes here, twice
    if not (";" in url or "/(" in url or "sess" in lower or "sid" in lower
            or "zenid" in lower):
        return url
    head, hash_mark, fragment = url.partition("#")
    path, question_mark, query = head.partition("?")
    path = _COOKIELESS.sub("", _PATH_SESSION.sub("", path))
    if query:
        kept = [pair for pair in query.split("&") if not _is_session(pair)]
        if len(kept) < len(query.split("&")):
            query = "&".join(kept)
            question_mark = "?" if query else ""
    return path + question_mark + query + hash_mark + fragment


def _is_session(pair: str) -> bool:
    name, _, value = pair.partition("=")
    return bool(_SESSION_PARAM.match(name)
                or (_MAYBE_SESSION_PARAM.match(name) and _TOKEN.fullmatch(value)))


# A link written only with these characters (a lower-case host whose last label is a
# name, or an IPv4 address as it is always written; a path of unreserved characters;
# no query, session or fragment) is one w3lib would leave as it is: most links are,
# and canonical_url skips its work for them (a third of a feed item's normalising).
# A host that ends in a number is an address to w3lib, as to browsers ("0" is
# 0.0.0.0). tests/test_urls.py holds the two ways to one result.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_PLAIN = re.compile(
    rf"(https?)://((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\.?|(?:{_OCTET}\.){{3}}{_OCTET})"
    r"(?::([0-9]{1,5}))?(/[A-Za-z0-9._~/-]*)?", re.ASCII)


def _plain_parts(url: str) -> tuple[str, str, int | None, str] | None:
    """Scheme, host, port and path of a plain link (see _PLAIN); None for any other."""
    plain = _PLAIN.fullmatch(url)
    if plain is None or "/." in url or "//" in url[8:]:   # dot segments, empty ones
        return None
    scheme, host, port, path = plain.groups()
    number = int(port) if port else None
    if number is not None and number > 65535:
        return None
    return scheme, host, number, path or ""


def is_plain(url: str) -> bool:
    """Whether `url` is an http(s) link with a host, written so that resolving,
    checking or canonicalising it changes nothing: a feed's links nearly always are,
    and each of those steps parsed every link again."""
    return _plain_parts(url) is not None


def canonical_url(url: str) -> str:
    """The identity of a link; not meant to be shown (it may reorder the query)."""
    url = url.strip()
    plain = _plain_parts(url)
    return _identity(*plain, "") if plain is not None else _canonical(url)


def _canonical(url: str) -> str:
    try:
        url = canonicalize_url(without_session(url))
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url.strip()
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k)]
    query = urlencode(_without_joomla_routing(pairs) if "option=com_" in parts.query else pairs)
    return _identity(parts.scheme.lower(), (parts.hostname or "").lower(), port, parts.path,
                     query)


def _identity(scheme: str, host: str, port: int | None, path: str, query: str) -> str:
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    # http and https versions of one page are one item.
    if scheme in _DEFAULT_PORTS:
        scheme = "https"
    return urlunsplit((scheme, netloc, path.rstrip("/") or "/", query, ""))


def _without_joomla_routing(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A Joomla article's query without the menu item and category it was linked under."""
    given = {k.lower(): v.lower() for k, v in pairs}
    shown = given.get("view") or given.get("task", "")
    if (given.get("option", ""), shown) not in _JOOMLA_ARTICLES or not given.get("id"):
        return pairs
    return [(k, v) for k, v in pairs if k.lower() not in _JOOMLA_ROUTING]
