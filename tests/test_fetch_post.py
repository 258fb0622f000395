"""`request: {method: POST, form: ...}`: sites that list only after a form is sent
(ASP.NET postbacks, intro pages), with conditional requests and robots.txt still kept."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import parse_qs

from monitor.config.settings import FetchSettings, RequestSettings
from monitor.fetch import Fetcher
from monitor.models import Document, NotModified
from tests.crawl_helpers import crawl, published, write_config
from tests.httpserver import FixtureServer, Request, Response

UA = "thai-egov-monitor/test (+https://example.org/)"
INTRO = "<html><body><form method=post><input name=__VIEWSTATE value=abc></form></body></html>"
LISTING = """<html><body><ul>
<li class=news><a href="/news/1">ทางรัฐ เพิ่มบริการใหม่</a></li>
<li class=news><a href="/news/2">สพร. เปิดระบบ e-Service</a></li>
</ul></body></html>"""
FORM = {"__EVENTTARGET": "btnList", "__VIEWSTATE": "abc", "ddlYear": "2569"}


def aspnet(request: Request) -> Response:
    """Lists only after the postback, and answers 304 to a repeated one."""
    if request.method != "POST":
        return Response(200, INTRO.encode(), {"Content-Type": "text/html; charset=utf-8"})
    fields = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
    if fields != FORM:
        return Response(200, INTRO.encode(), {"Content-Type": "text/html; charset=utf-8"})
    if request.headers.get("if-none-match") == '"v1"':
        return Response(304, b"", {"ETag": '"v1"'})
    return Response(200, LISTING.encode(), {"Content-Type": "text/html; charset=utf-8",
                                            "ETag": '"v1"'})


def source_yaml(url: str) -> str:
    return f"""  - name: aspnet-news
    url: "{url}"
    type: html
    select: {{item: "li.news", title: "a", link: "a::attr(href)"}}
    request:
      method: POST
      form: {{__EVENTTARGET: btnList, __VIEWSTATE: abc, ddlYear: 2569}}
"""


def test_a_site_that_lists_only_after_a_post_is_read(server: FixtureServer,
                                                     tmp_path: Path) -> None:
    server.add("/news.aspx", aspnet)
    server.page("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    config = write_config(tmp_path, source_yaml(server.url("/news.aspx")))
    assert crawl(config) == 0
    assert set(published(config)) == {"ทางรัฐ เพิ่มบริการใหม่", "สพร. เปิดระบบ e-Service"}
    post = server.requests_for("/news.aspx")[0]
    assert post.method == "POST"
    assert post.headers["content-type"] == "application/x-www-form-urlencoded"
    # the second crawl asks conditionally, and the unchanged listing is not read again
    assert crawl(config) == 0
    again = server.requests_for("/news.aspx")[-1]
    assert again.method == "POST" and again.headers.get("if-none-match") == '"v1"'


def test_robots_txt_still_applies_to_a_post(server: FixtureServer, tmp_path: Path) -> None:
    server.add("/news.aspx", aspnet)
    server.page("/robots.txt", "User-agent: *\nDisallow: /news.aspx\n", "text/plain")
    config = write_config(tmp_path, source_yaml(server.url("/news.aspx")))
    assert crawl(config) == 1
    assert server.requests_for("/news.aspx") == []


def test_a_post_redirected_with_303_is_followed_with_a_get(server: FixtureServer) -> None:
    server.add("/search", Response(303, b"", {"Location": "/results"}))
    server.page("/results", "found")
    settings = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0,
                             respect_robots=False)

    async def go() -> Document | NotModified:
        async with Fetcher(user_agent=UA) as fetcher:
            return await fetcher.fetch(server.url("/search"), settings,
                                       request=RequestSettings("POST", (("q", "ทางรัฐ"),)))

    doc = asyncio.run(go())
    assert isinstance(doc, Document) and doc.text == "found"
    assert [(r.method, r.path) for r in server.log] == [("POST", "/search"),
                                                         ("GET", "/results")]
    assert parse_qs(server.log[0].body.decode()) == {"q": ["ทางรัฐ"]}
