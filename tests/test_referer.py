"""A page found on another page is asked for as a browser asks for it after a click:
with a Referer, under the default policy (strict-origin-when-cross-origin). Some
agency sites serve a detail page or a file only to a visitor who came from their
list; a source's own URL, typed by its user, carries none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.fetch.client import referer_for
from tests.crawl_helpers import crawl, write_config
from tests.httpserver import FixtureServer, Request, Response
from tests.test_discover import TITLES, _listing
from tests.test_frames import _frameset_site

ARTICLE = ("<html><body><article><h1>{title}</h1><p>" + "รายละเอียดของประกาศฉบับเต็ม " * 12
           + "</p></article></body></html>")


def _detail_for_visitors_from(listing: str) -> object:
    """An old PHP site's detail page: 'direct access is not allowed' without the list
    as its Referer."""
    def detail(request: Request) -> Response:
        if request.headers.get("referer") != listing:
            return Response(403, "ไม่อนุญาตให้เข้าถึงโดยตรง".encode(), {"Content-Type": "text/html"})
        n = int(request.path.rsplit("/", 1)[1])
        return Response(200, ARTICLE.format(title=TITLES[n]).encode(),
                        {"Content-Type": "text/html; charset=utf-8"})
    return detail


def test_an_article_is_asked_for_with_its_listing_as_the_referer(
        server: FixtureServer, tmp_path: Path) -> None:
    listing = server.url("/list/")
    server.page("/list/", _listing("utf-8"))
    for n in range(len(TITLES)):
        server.add(f"/news/{n}", _detail_for_visitors_from(listing))
    config = write_config(tmp_path, f"""
  - name: agency
    url: "{listing}"
    type: auto
    fetch_article: true
    respect_robots: false
""")
    assert crawl(config) == 0
    items = json.loads((tmp_path / "out" / "feed.json").read_text("utf-8"))["items"]
    assert {item["title"] for item in items} == set(TITLES)
    assert all("รายละเอียดของประกาศฉบับเต็ม" in item["content_text"] for item in items), items
    assert [r.headers.get("referer") for r in server.requests_for("/list/")] == [None]


def test_a_frame_is_asked_for_with_its_frameset_as_the_referer(
        server: FixtureServer, tmp_path: Path) -> None:
    _frameset_site(server)
    config = write_config(tmp_path, f"""
  - name: agency
    url: "{server.url('/')}"
    type: auto
    respect_robots: false
""")
    assert crawl(config) == 0
    assert [r.headers.get("referer") for r in server.requests_for("/main.php")] == [
        server.url("/")]


@pytest.mark.parametrize(("referrer", "url", "sent"), [
    ("http://a.go.th/news/list.php?page=1#top", "http://a.go.th/news/view.php?id=1",
     "http://a.go.th/news/list.php?page=1"),                  # same origin: the address
    ("http://user:secret@a.go.th/list", "http://a.go.th/view", "http://a.go.th/list"),
    ("http://a.go.th/news/list.php?page=1", "http://law.go.th/x", "http://a.go.th/"),
    ("https://a.go.th/list", "https://a.go.th:8443/view", "https://a.go.th/"),  # a port
    ("https://a.go.th/list", "http://a.go.th/view", None),   # never from https to http
    ("http://a.go.th/list", "https://a.go.th/view", "http://a.go.th/"),   # another scheme
    (None, "http://a.go.th/view", None),
    ("file:///etc/passwd", "http://a.go.th/view", None),
])
def test_what_referer_a_browser_sends(referrer: str | None, url: str, sent: str | None) -> None:
    assert referer_for(referrer, url) == sent
