"""`render: true`: a listing inserted by script, read through the system's headless Chromium.

Skipped only when Chromium is absent and MONITOR_REQUIRE_BROWSER is unset (CI
sets it, so there it can never be skipped). The test of the missing-browser
message runs everywhere.
"""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from monitor.config.settings import FetchSettings
from monitor.fetch import Fetcher
from monitor.fetch.render import chromium_path
from monitor.models import Document, NotModified
from tests.crawl_helpers import crawl, published, rss, write_config
from tests.httpserver import FixtureServer, Request, Response
from tests.tlsfixtures import Resolver

UA = "thai-egov-monitor/test (+https://example.org/)"

NEEDS_BROWSER = pytest.mark.skipif(
    chromium_path() is None and os.environ.get("MONITOR_REQUIRE_BROWSER") != "1",
    reason="Chromium is not installed (apt-get install chromium)")

# The listing is not in the HTML: a script fetches it and builds the list, as the
# Council of State's home page does with its news block.
SHELL = """<!doctype html><html><head><meta charset="utf-8"><title>ข่าว</title></head>
<body><ul id="news"></ul>
<script>
fetch("/api/news.json").then(r => r.json()).then(items => {
  const list = document.getElementById("news");
  for (const item of items) {
    const li = document.createElement("li"); li.className = "news";
    const a = document.createElement("a"); a.href = item.url; a.textContent = item.title;
    li.appendChild(a); list.appendChild(li);
  }
});
fetch("http://localhost:PORT/secret").catch(() => {});
</script></body></html>"""
ITEMS = """[{"title": "ทางรัฐ เปิดบริการใหม่ผ่านแอป", "url": "/news/101"},
 {"title": "สพร. แนะนำระบบสารบรรณอิเล็กทรอนิกส์", "url": "/news/102"}]"""


def render_source(url: str) -> str:
    return f"""  - name: scripted
    url: "{url}"
    type: html
    render: true
    select: {{item: "li.news", title: "a", link: "a::attr(href)"}}
"""


@NEEDS_BROWSER
def test_a_listing_built_by_script_is_read_with_render(server: FixtureServer,
                                                       tmp_path: Path) -> None:
    server.page("/", SHELL.replace("PORT", str(server.port)))
    server.page("/api/news.json", ITEMS, "application/json")
    server.page("/secret", "intranet")
    server.page("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    # Only the source's own URL may be private: content must not reach other hosts.
    config = write_config(tmp_path, render_source(server.url("/")), fetch="""
  min_delay_per_host: 0s
  retries: 0
  timeout: 30s
  allow_private_networks: false
""")
    assert crawl(config) == 0
    assert published(config) == {
        "ทางรัฐ เปิดบริการใหม่ผ่านแอป": server.url("/news/101"),
        "สพร. แนะนำระบบสารบรรณอิเล็กทรอนิกส์": server.url("/news/102"),
    }
    assert server.requests_for("/secret") == [], "a sub-request reached another private host"
    # The page's own requests were sent by the fetcher (its Accept-Encoding, not
    # Chromium's), so its guard, limits and deadline applied to each of them.
    (api,) = server.requests_for("/api/news.json")
    assert api.headers["accept-encoding"] == "gzip, deflate"
    assert server.requests_for("/robots.txt"), "robots.txt was asked first"


@NEEDS_BROWSER
def test_render_obeys_robots_txt(server: FixtureServer, tmp_path: Path) -> None:
    server.page("/", SHELL)
    server.page("/robots.txt", "User-agent: *\nDisallow: /\n", "text/plain")
    config = write_config(tmp_path, render_source(server.url("/")))
    assert crawl(config) == 1
    assert server.requests_for("/") == []


def test_without_chromium_the_source_fails_in_one_line_and_the_crawl_goes_on(
        server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MONITOR_CHROMIUM", str(tmp_path / "no-such-chromium"))
    server.page("/", SHELL)
    server.page("/feed.xml", rss(("ทางรัฐ ประกาศใหม่", server.url("/n/1"))),
                "application/rss+xml")
    config = write_config(tmp_path, render_source(server.url("/")) + f"""  - name: plain
    url: "{server.url('/feed.xml')}"
    type: feed
""")
    assert crawl(config) == 0   # the crawl went on: one source failed, one is fine
    assert "ทางรัฐ ประกาศใหม่" in published(config)
    err = capsys.readouterr()
    lines = [line for line in (err.out + err.err).splitlines() if "scripted" in line]
    assert any("apt-get install chromium" in line and "pip install '.[render]'" in line
               for line in lines), lines
    assert "Traceback" not in err.out + err.err


@NEEDS_BROWSER
def test_every_request_of_the_page_goes_through_the_fetcher(server: FixtureServer) -> None:
    # `site.test` and `intranet.test` exist only in the fetcher's resolver: Chromium
    # could not even load the page by itself. The intranet name is another host on
    # 127.0.0.1, refused at connect time; an oversize response is cut off by max_bytes.
    shell = SHELL.replace("http://localhost:PORT/secret", f"http://intranet.test:{server.port}"
                          "/secret").replace('fetch("/api/news.json")',
                                             'fetch("/big.json").then(r => r.text())'
                                             '.then(t => document.body.dataset.big = t.length)'
                                             '.catch(() => document.body.dataset.big = "cut"); '
                                             'fetch("/api/news.json")')
    server.page("/", shell)
    server.page("/api/news.json", ITEMS, "application/json")
    server.page("/big.json", "[" + "0," * 300_000 + "0]", "application/json")
    server.page("/secret", "intranet")
    resolver = Resolver({"site.test": ["127.0.0.1"], "intranet.test": ["127.0.0.1"]})
    settings = FetchSettings(min_delay_per_host=0.0, timeout=30.0, retries=0,
                             respect_robots=False, max_bytes=100_000)

    async def go() -> Document | NotModified:
        async with Fetcher(user_agent=UA, resolve=resolver) as fetcher:
            return await fetcher.fetch(f"http://site.test:{server.port}/", settings,
                                       render=True)

    doc = asyncio.run(go())
    assert isinstance(doc, Document)
    assert "ทางรัฐ เปิดบริการใหม่ผ่านแอป" in doc.text and 'class="news"' in doc.text
    assert 'data-big="cut"' in doc.text, "the oversize response never reached the page"
    assert server.requests_for("/secret") == []
    assert "intranet.test" in resolver.lookups, "the page's request was checked, and refused"
    assert {r.host for r in server.log} == {f"site.test:{server.port}"}


@NEEDS_BROWSER
def test_at_most_two_browsers_run_at_once(server: FixtureServer) -> None:
    """A crawl of many render sources must not open a browser for each at once (each
    takes a core and a few hundred MB). Each page's script asks for /api/news.json,
    which the server holds until a third page asks too, or 1.5 s: with the bound, no
    third page is loading while two wait, and every page is still read."""
    lock = threading.Condition()
    waiting: list[int] = [0]
    most: list[int] = [0]

    def news(request: Request) -> Response:
        with lock:
            waiting[0] += 1
            most[0] = max(most[0], waiting[0])
            lock.notify_all()
            lock.wait_for(lambda: waiting[0] >= 3, timeout=1.5)
            waiting[0] -= 1
        return Response(200, ITEMS.encode(), {"Content-Type": "application/json"})

    for n in range(4):
        server.page(f"/{n}/", SHELL.replace('fetch("/api/news.json")',
                                             'fetch("/api/news.json?" + location.pathname)'))
    server.add("/api/news.json", news)
    settings = FetchSettings(min_delay_per_host=0.0, timeout=30.0, retries=0,
                             respect_robots=False)

    async def go() -> list[Document | NotModified]:
        async with Fetcher(user_agent=UA) as fetcher:
            return list(await asyncio.gather(*(
                fetcher.fetch(server.url(f"/{n}/"), settings, render=True) for n in range(4))))

    pages = asyncio.run(go())
    assert most[0] == 2, most[0]
    assert all(isinstance(p, Document) and "ทางรัฐ เปิดบริการใหม่ผ่านแอป" in p.text
               for p in pages)
