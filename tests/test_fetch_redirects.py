"""Redirects followed by hand, and the guards every hop passes: scheme and private networks."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, unquote_to_bytes

import pytest

from monitor.config.settings import FetchSettings
from monitor.errors import FetchError, NotAllowedError
from monitor.fetch import Fetcher
from monitor.fetch.netguard import address_kind
from monitor.models import Document
from tests.httpserver import FixtureServer, Request, Response

UA = "thai-egov-monitor/test (+https://example.org/)"
PRIVATE_OK = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0,
                           respect_robots=False, allow_private_networks=True)
GUARDED = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0,
                        respect_robots=True, allow_private_networks=False)


def fetch(url: str, settings: FetchSettings = PRIVATE_OK, *, trusted: bool = True,
          encoding: str | None = None) -> object:
    async def go() -> object:
        async with Fetcher(user_agent=UA) as fetcher:
            return await fetcher.fetch(url, settings, trusted=trusted, encoding=encoding)
    return asyncio.run(go())


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, b"", {"Location": location})


def test_redirect_is_followed_and_final_url_kept(server: FixtureServer) -> None:
    server.add("/old", redirect("/new", 301))
    server.page("/new", "moved here")
    doc = fetch(server.url("/old"))
    assert isinstance(doc, Document)
    assert doc.url == server.url("/new") and doc.text == "moved here"


@pytest.mark.parametrize(("location", "path"), [
    ("\\th\\news list.asp", "/th/news%20list.asp"),   # as an ASP page on IIS writes it
    ("th\\news.asp?q=a\\b", "/th/news.asp?q=a\\b"),   # the query keeps its backslash
])
def test_a_redirect_is_read_as_browsers_read_its_address(
        server: FixtureServer, location: str, path: str) -> None:
    server.add("/old", redirect(location))
    server.page(path.split("?")[0], "moved here")
    doc = fetch(server.url("/old"))
    assert isinstance(doc, Document)
    assert doc.url == server.url(path) and doc.text == "moved here"


@pytest.mark.parametrize(("sent", "other"), [
    ("ข่าว ประกาศ".encode("cp874"), b""),            # an old site's own encoding
    ("ข่าว ประกาศ".encode(), b""),
    # UTF-8, beside a header that is not (httpx then reads every header as Latin-1).
    ("ข่าว ประกาศ".encode(), "สำนักงาน".encode("cp874")),
])
def test_a_redirect_in_bytes_beyond_ascii_is_followed_with_those_bytes(
        server: FixtureServer, sent: bytes, other: bytes) -> None:
    asked: list[bytes] = []

    def target(request: Request) -> Response:
        asked.append(unquote_to_bytes(request.path.split("?q=", 1)[1]))
        return Response(200, b"moved here", {"Content-Type": "text/plain"})

    # http.server writes a header's text as Latin-1: these are the bytes as given.
    headers = {"Location": (b"/new?q=" + sent).decode("latin-1")}
    if other:
        headers["X-Agency"] = other.decode("latin-1")
    server.add("/old", Response(302, b"", headers))
    server.add("/new", target)
    doc = fetch(server.url("/old"))
    assert isinstance(doc, Document) and doc.text == "moved here"
    assert asked == [sent]


def test_a_refresh_to_an_address_with_backslashes_is_read_as_browsers_read_it(
        server: FixtureServer) -> None:
    server.page("/", stub("0; url=th\\news.asp"), "text/html")
    server.page("/th/news.asp", "<p>ข่าว</p>", "text/html")
    doc = fetch(server.url("/"))
    assert isinstance(doc, Document) and doc.url == server.url("/th/news.asp")


def test_redirect_loop_is_detected(server: FixtureServer) -> None:
    server.add("/a", redirect("/b"))
    server.add("/b", redirect("/a"))
    with pytest.raises(FetchError, match=r"redirect loop: .*/b redirects back to .*/a"):
        fetch(server.url("/a"))
    assert len(server.requests_for("/a")) == 1 and len(server.requests_for("/b")) == 1


@pytest.mark.parametrize("back_to", ["/news", "/check?next=/news"])
def test_a_cookie_check_that_sends_the_visitor_back_is_not_a_loop(
        server: FixtureServer, back_to: str) -> None:
    """A site that sets a cookie and sends the visitor back to ask again with it
    (directly, or through a checking page): browsers follow it, and so does the fetcher."""
    def news(request: Request) -> Response:
        if "visited=1" in (request.headers.get("cookie") or ""):
            return Response(200, "<p>ข่าว</p>".encode(), {"Content-Type": "text/html"})
        return Response(302, b"", {"Location": back_to, "Set-Cookie": "visited=1; path=/"})
    server.add("/news", news)
    server.add("/check", redirect("/news"))
    doc = fetch(server.url("/news"))
    assert isinstance(doc, Document) and "ข่าว" in doc.text
    assert [r.headers.get("cookie") for r in server.requests_for("/news")] == [None, "visited=1"]


def test_a_server_that_always_sets_a_cookie_and_sends_back_stops_at_the_hop_limit(
        server: FixtureServer) -> None:
    counter = iter(range(100))

    def news(request: Request) -> Response:
        return Response(302, b"", {"Location": "/news",
                                   "Set-Cookie": f"n={next(counter)}; path=/"})
    server.add("/news", news)
    with pytest.raises(FetchError, match=r"more than \d+ redirects"):
        fetch(server.url("/news"))


def test_too_many_redirects(server: FixtureServer) -> None:
    for i in range(12):
        server.add(f"/r{i}", redirect(f"/r{i + 1}"))
    with pytest.raises(FetchError, match=r"more than 10 redirects, starting at .*/r0"):
        fetch(server.url("/r0"))
    assert len([r for r in server.log if r.path.startswith("/r")]) == 11


def test_ten_redirects_are_fine(server: FixtureServer) -> None:
    for i in range(10):
        server.add(f"/r{i}", redirect(f"/r{i + 1}"))
    server.page("/r10", "end")
    doc = fetch(server.url("/r0"))
    assert isinstance(doc, Document) and doc.text == "end"


@pytest.mark.parametrize("how", ["redirect", "meta refresh"])
def test_redirect_to_loopback_from_other_host_is_refused(server: FixtureServer, how: str) -> None:
    # A source configured as http://localhost:PORT redirects to 127.0.0.1: a
    # different host, so the target counts as content-derived.
    target = server.url("/internal", host="127.0.0.1")
    server.add("/jump", redirect(target) if how == "redirect" else
               Response(200, stub(f"0; url={target}"), {"Content-Type": "text/html"}))
    server.page("/internal", "intranet")
    with pytest.raises(NotAllowedError, match=r"127\.0\.0\.1, a loopback address"):
        fetch(server.url("/jump", host="localhost"), GUARDED)
    assert server.requests_for("/internal") == []


def test_redirect_to_loopback_allowed_when_private_networks_allowed(
        server: FixtureServer) -> None:
    server.add("/jump", redirect(server.url("/internal", host="127.0.0.1")))
    server.page("/internal", "intranet")
    doc = fetch(server.url("/jump", host="localhost"), PRIVATE_OK)
    assert isinstance(doc, Document) and doc.text == "intranet"


def test_same_origin_redirect_of_trusted_url_stays_trusted(server: FixtureServer) -> None:
    server.add("/jump", redirect("/here"))
    server.page("/here", "fine")
    doc = fetch(server.url("/jump"), GUARDED, trusted=True)
    assert isinstance(doc, Document) and doc.text == "fine"


def test_untrusted_loopback_url_is_refused_before_any_request(server: FixtureServer) -> None:
    server.page("/article", "x")
    with pytest.raises(NotAllowedError, match=r"fetch\.allow_private_networks"):
        fetch(server.url("/article"), GUARDED, trusted=False)
    assert server.log == []


def test_untrusted_loopback_url_allowed_when_private_networks_allowed(
        server: FixtureServer) -> None:
    server.page("/article", "x")
    doc = fetch(server.url("/article"), PRIVATE_OK, trusted=False)
    assert isinstance(doc, Document)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "ftp://example.org/file",
    "data:text/html,<h1>x</h1>",
    "//example.org/no-scheme",
    "http:///no-host",
])
def test_non_http_urls_are_refused(url: str) -> None:
    with pytest.raises(NotAllowedError, match=r"only http and https|no host"):
        fetch(url, PRIVATE_OK, trusted=False)


def test_redirect_to_file_url_is_refused(server: FixtureServer) -> None:
    server.add("/jump", redirect("file:///etc/passwd"))
    with pytest.raises(NotAllowedError, match="not file:"):
        fetch(server.url("/jump"))


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),     # cloud metadata service
    ("fe80::1", "link-local"),
    ("fc00::1", "private"),
    ("0.0.0.0", "private"),
    ("100.64.0.1", "non-global"),          # carrier-grade NAT
    ("224.0.0.1", "multicast"),
    ("8.8.8.8", None),
    ("2001:4860:4860::8888", None),
    ("164.115.41.1", None),
])
def test_address_kind(address: str, kind: str | None) -> None:
    assert address_kind(address) == kind


# -- <meta http-equiv="refresh">: a stub that sends the visitor on at once ---------------

def stub(content: str, *, around: str = "{}") -> bytes:
    meta = f'<meta http-equiv="Refresh" content="{content}">'
    return (f"<html><head>{around.format(meta)}<title>กำลังไปยังหน้าใหม่</title></head>"
            "<body></body></html>").encode()


def test_an_immediate_refresh_is_followed_like_a_redirect(server: FixtureServer) -> None:
    server.page("/", stub("0; url=th/news.php"), "text/html")
    server.page("/th/news.php", "<p>ข่าว</p>", "text/html")
    doc = fetch(server.url("/"))
    assert isinstance(doc, Document)
    assert doc.url == server.url("/th/news.php") and "ข่าว" in doc.text


@pytest.mark.parametrize(("header", "followed"), [
    ("0; url=th/news.php", True),         # PHP's header("Refresh: 0; url=th/news.php")
    ("0;URL='th/news.php'", True),
    ("300; url=th/news.php", False),      # a session's timeout: content
    ("5", False),                         # reloads itself
])
def test_a_refresh_header_is_followed_as_the_meta_tag_is(
        server: FixtureServer, header: str, followed: bool) -> None:
    server.add("/", Response(200, b"<html><body></body></html>",
                             {"Content-Type": "text/html", "Refresh": header}))
    server.page("/th/news.php", "<p>ข่าว</p>", "text/html")
    doc = fetch(server.url("/"))
    assert isinstance(doc, Document)
    assert doc.url == server.url("/th/news.php" if followed else "/")


@pytest.mark.parametrize(("content", "around"), [
    ("300", "{}"),                              # reloads itself: content
    ("600; url=/th/news.php", "{}"),            # a session's timeout, not a stub
    ("0; url=/th/news.php", "<noscript>{}</noscript>"),   # for visitors without script
])
def test_a_refresh_a_browser_would_not_follow_at_once_is_content(
        server: FixtureServer, content: str, around: str) -> None:
    server.page("/", stub(content, around=around), "text/html")
    server.page("/th/news.php", "<p>ข่าว</p>", "text/html")
    doc = fetch(server.url("/"))
    assert isinstance(doc, Document) and doc.url == server.url("/")
    assert server.requests_for("/th/news.php") == []


@pytest.mark.parametrize("script", [
    '<script type="text/javascript">window.location.href = "th/news.php";</script>',
    "<script language='javascript'>\n<!--\nlocation.replace('/th/news.php');\n//-->\n</script>",
    '<script>document.location="th/news.php"</script><p>กำลังไปยังหน้าใหม่</p>',
])
def test_a_stub_whose_one_script_sets_the_location_is_followed(
        server: FixtureServer, script: str) -> None:
    server.page("/", f"<html><head>{script}</head><body></body></html>", "text/html")
    server.page("/th/news.php", "<p>ข่าว</p>", "text/html")
    doc = fetch(server.url("/"))
    assert isinstance(doc, Document)
    assert doc.url == server.url("/th/news.php") and "ข่าว" in doc.text


# An old site's stub, in windows-874: the address is written in TIS-620 bytes.
LEGACY_PATH, LEGACY_QUERY = "ข่าว/รายการ.php", "หมวด=ประกาศ&ปี=2569"


@pytest.mark.parametrize(("declared", "header", "override"), [
    ("<meta charset='windows-874'>", "text/html", None),
    ("", "text/html; charset=tis-620", None),
    ("", "text/html", "windows-874"),     # the source's `encoding:`
])
@pytest.mark.parametrize("how", [
    '<meta http-equiv="refresh" content="0; url=/{path}?{query}">',
    "<script>window.location.href = '/{path}?{query}';</script>",
])
def test_a_legacy_stubs_address_is_read_in_its_pages_encoding(
        server: FixtureServer, declared: str, header: str, override: str | None,
        how: str) -> None:
    asked: list[tuple[bytes, bytes]] = []

    def target(request: Request) -> Response:
        path, _, query = request.path.partition("?")
        asked.append((unquote_to_bytes(path), unquote_to_bytes(query)))
        return Response(200, "<p>ข่าว</p>".encode("cp874"),
                        {"Content-Type": "text/html; charset=windows-874"})

    page = (f"<html><head>{declared}{how.format(path=LEGACY_PATH, query=LEGACY_QUERY)}"
            "</head><body></body></html>")
    server.add("/", Response(200, page.encode("cp874"), {"Content-Type": header}))
    server.add(quote("/" + LEGACY_PATH), target)
    doc = fetch(server.url("/"), encoding=override)
    assert isinstance(doc, Document) and "ข่าว" in doc.text
    # As a browser sends it: the path in UTF-8, the query in the page's encoding.
    assert asked == [(f"/{LEGACY_PATH}".encode(), LEGACY_QUERY.encode("cp874"))]


@pytest.mark.parametrize("page", [
    '<script>function go() { location.href = "/th/news.php"; }</script><a onclick="go()">ไป</a>',
    '<script>if (screen.width < 600) location.href = "/th/news.php";</script>',
    '<script>location.href = "/th/news.php?lang=" + navigator.language;</script>',
    '<script src="/app.js"></script><script>location.href = "/th/news.php";</script>',
    '<script>location.href = "/th/news.php";</script><script>count(visits);</script>',
    '<noscript><script>location.href = "/th/news.php";</script></noscript>',
    '<script>location.href = "/th/news.php";</script>' + "<p>ข่าวเก่า</p>" * 400,
])
def test_a_page_that_only_may_send_its_reader_on_is_content(
        server: FixtureServer, page: str) -> None:
    server.page("/", f"<html><body>{page}</body></html>", "text/html")
    server.page("/th/news.php", "<p>ข่าว</p>", "text/html")
    doc = fetch(server.url("/"))
    assert isinstance(doc, Document) and doc.url == server.url("/")
    assert server.requests_for("/th/news.php") == []


def test_a_page_refreshing_to_itself_is_content_and_a_refresh_loop_an_error(
        server: FixtureServer) -> None:
    server.page("/self", stub("0; url=/self#top"), "text/html")
    doc = fetch(server.url("/self"))
    assert isinstance(doc, Document) and len(server.requests_for("/self")) == 1
    server.page("/a", stub("0; url=/b"), "text/html")
    server.page("/b", stub("0; url=/a"), "text/html")
    with pytest.raises(FetchError, match=r"redirect loop"):
        fetch(server.url("/a"))


def test_a_page_reloading_itself_under_a_new_query_is_content_not_a_loop(
        server: FixtureServer) -> None:
    counter = iter(range(100))

    def ticking(request: Request) -> Response:
        return Response(200, stub(f"2; url=/ticker?t={next(counter)}") + "<p>ข่าว</p>".encode(),
                        {"Content-Type": "text/html"})
    server.add("/ticker", ticking)
    doc = fetch(server.url("/ticker"))
    assert isinstance(doc, Document) and "ข่าว" in doc.text
    asked = [r.path for r in server.log if r.path.startswith("/ticker")]
    assert asked == ["/ticker", "/ticker?t=0", "/ticker?t=1"]   # two refreshes at most
