"""Issue 3 at the level a user sees: one crawl, many sources, some of them hostile.

Each test runs a real crawl against a loopback server and reads the server's
request log, the published feed and `monitor status`.
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from monitor.cli import main
from tests.crawl_helpers import crawl, published, rss, write_config
from tests.httpserver import FixtureServer, Request, Response

ACT = "ร่างกฎกระทรวงตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์"
APP = "สพร. เพิ่มบริการบนแอปทางรัฐ"


def source(name: str, url: str, kind: str = "feed", extra: str = "") -> str:
    return f"  - name: {name}\n    url: \"{url}\"\n    type: {kind}\n{extra}"


def test_retries_through_two_500s(server: FixtureServer, tmp_path: Path) -> None:
    ok = Response(200, rss((ACT, server.url("/a/1"))), {"Content-Type": "application/rss+xml"})
    server.add("/feed", [Response(500), Response(500), ok])
    config = write_config(tmp_path, source("flaky", server.url("/feed"), extra="    retries: 2\n"))
    assert crawl(config) == 0
    assert len(server.requests_for("/feed")) == 3
    assert ACT in published(config)


def test_slow_and_oversize_sources_fail_quickly_and_the_others_publish(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.page("/good", rss((ACT, server.url("/a/1"))), "application/rss+xml")
    server.add("/slow", Response(200, rss((APP, server.url("/a/2"))), delay=3))
    chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
    server.add("/huge", lambda _: Response(200, (chunk for _ in range(600)),
                                           {"Content-Type": "application/rss+xml"}))
    config = write_config(tmp_path, "".join([
        source("good", server.url("/good")),
        source("slow", server.url("/slow"), extra="    timeout: 1s\n"),
        source("huge", server.url("/huge"), extra="    max_bytes: 1MB\n"),
    ]))
    started = time.monotonic()
    assert crawl(config) == 0
    assert time.monotonic() - started < 8
    out = capsys.readouterr().out
    assert any(line.startswith("slow") and "failing" in line for line in out.splitlines())
    assert any(line.startswith("huge") and "failing" in line and "max_bytes" in line
               for line in out.splitlines())
    assert list(published(config)) == [ACT]


def test_robots_disallowed_source_is_never_requested(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    server.page("/private/feed", rss((ACT, server.url("/a/1"))), "application/rss+xml")
    server.page("/public/feed", rss((APP, server.url("/a/2"))), "application/rss+xml")
    config = write_config(tmp_path, source("private", server.url("/private/feed"))
                          + source("public", server.url("/public/feed")))
    assert crawl(config) == 0
    assert server.requests_for("/private/feed") == []
    assert "robots.txt" in capsys.readouterr().out
    assert list(published(config)) == [APP]


def _conditional(body: bytes, etag: str) -> object:
    def route(request: Request) -> Response:
        if request.headers.get("if-none-match") == etag:
            return Response(304, b"", {"ETag": etag})
        return Response(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})
    return route


def test_second_crawl_of_unchanged_sources_is_all_304s(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.add("/one", _conditional(rss((ACT, server.url("/a/1"))), '"v1"'))  # type: ignore[arg-type]
    server.add("/two", _conditional(rss((APP, server.url("/a/2"))), '"v2"'))  # type: ignore[arg-type]
    config = write_config(tmp_path, source("one", server.url("/one"))
                          + source("two", server.url("/two")))
    assert crawl(config) == 0
    feed = config.parent / "out" / "feed.xml"
    first = feed.read_bytes()
    capsys.readouterr()
    server.log.clear()
    assert crawl(config) == 0
    statuses = [r.headers.get("if-none-match") for r in server.log
                if r.path in ("/one", "/two")]
    assert statuses == ['"v1"', '"v2"'] or sorted(statuses) == ['"v1"', '"v2"']
    out = capsys.readouterr().out
    assert out.count("not modified") == 2
    assert published(config) == {ACT: server.url("/a/1"), APP: server.url("/a/2")}
    assert feed.read_bytes().count(b"<item>") == first.count(b"<item>")


def test_article_link_redirecting_to_loopback_is_refused(
        server: FixtureServer, tmp_path: Path) -> None:
    # The feed's own URL is configured (trusted); its article link is content and
    # resolves to 127.0.0.1, which is refused without allow_private_networks.
    server.page("/feed", rss((APP + " ข่าวใหม่", server.url("/article/1", host="localhost"))),
                "application/rss+xml")
    server.add("/article/1", Response(302, b"", {"Location": server.url("/secret")}))
    server.page("/secret", "<html><body>การปฏิบัติราชการทางอิเล็กทรอนิกส์</body></html>")
    config = write_config(
        tmp_path, source("news", server.url("/feed"), extra="    fetch_article: true\n"),
        fetch="\n  min_delay_per_host: 0s\n  retries: 0\n  allow_private_networks: false\n")
    assert crawl(config) == 0
    assert server.requests_for("/secret") == []
    assert server.requests_for("/article/1") == []
    assert list(published(config)) == [APP + " ข่าวใหม่"], "the item itself is kept"


HOSTILE_FEEDS = {
    "laughs": """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>t</title><link>http://x.example/</link>
<item><title>LAUGH &lol9; การปฏิบัติราชการทางอิเล็กทรอนิกส์</title>
<link>http://x.example/laugh</link></item></channel></rss>""".encode(),
    "xxe": """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><link>http://x.example/</link>
<item><title>XXE &xxe; การปฏิบัติราชการทางอิเล็กทรอนิกส์</title>
<link>http://x.example/xxe</link></item></channel></rss>""".encode(),
    "truncated": rss(("TRUNCATED การปฏิบัติราชการทางอิเล็กทรอนิกส์", "http://x.example/t1"),
                     ("TRUNCATED2 แอปทางรัฐ", "http://x.example/t2"))[:-40],
    "controls": rss(("CONTROL\x01\x08 การปฏิบัติราชการทาง\x0bอิเล็กทรอนิกส์",
                     "http://x.example/c")).replace(b"\x0b", b""),
    "links": rss(("JS การปฏิบัติราชการทางอิเล็กทรอนิกส์", "javascript:alert(1)"),
                 ("FILE การปฏิบัติราชการทางอิเล็กทรอนิกส์", "file:///etc/passwd"),
                 ("SAFE ลิงก์ปกติของประกาศตามการปฏิบัติราชการทางอิเล็กทรอนิกส์", "http://x.example/safe")),
}


def test_hostile_feeds_in_one_crawl(server: FixtureServer, tmp_path: Path) -> None:
    for name, body in HOSTILE_FEEDS.items():
        server.page(f"/{name}", body, "application/rss+xml")
    bomb = gzip.compress(b"<rss>" + b" " * 200_000_000, compresslevel=9)
    server.add("/bomb", Response(200, bomb, {"Content-Type": "application/rss+xml",
                                             "Content-Encoding": "gzip"}))
    server.add("/loop", Response(302, b"", {"Location": server.url("/loop2")}))
    server.add("/loop2", Response(302, b"", {"Location": server.url("/loop")}))
    config = write_config(tmp_path, "".join(
        source(name, server.url(f"/{name}")) for name in [*HOSTILE_FEEDS, "bomb", "loop"]))
    started = time.monotonic()
    assert crawl(config) == 0
    assert time.monotonic() - started < 20
    titles = published(config)
    text = " ".join(titles)
    assert "root:" not in text and "lollollol" not in text
    assert any(t.startswith("TRUNCATED ") for t in titles), "a readable truncated feed is read"
    assert any(t.startswith("CONTROL") for t in titles)
    assert not any(ch in text for ch in "\x01\x08")
    assert "SAFE ลิงก์ปกติของประกาศตามการปฏิบัติราชการทางอิเล็กทรอนิกส์" in titles
    assert not any(link.startswith(("javascript:", "file:")) for link in titles.values())
    assert main(["status", "--config", str(config)]) == 0


def test_one_host_is_spaced_and_two_hosts_run_in_parallel(
        server: FixtureServer, tmp_path: Path) -> None:
    for path in ("/h1", "/h2", "/o1"):
        server.add(path, Response(200, rss((ACT + path, server.url("/a" + path))),
                                  {"Content-Type": "application/rss+xml"}, delay=0.5))
    config = write_config(tmp_path, "".join([
        source("same1", server.url("/h1")),
        source("same2", server.url("/h2")),
        source("other", server.url("/o1", host="localhost")),
    ]), fetch="\n  min_delay_per_host: 1.5s\n  retries: 0\n  allow_private_networks: true\n"
              "  respect_robots: false\n")
    assert crawl(config) == 0
    times = {r.path: r.time for r in server.log}
    same = abs(times["/h1"] - times["/h2"])
    assert same >= 1.4, f"requests to one host {same:.2f}s apart"
    first_same = min(times["/h1"], times["/h2"])
    assert abs(times["/o1"] - first_same) < 1.0, "another host does not wait its turn"


LISTING = """<html><body><div class="list">{items}</div></body></html>"""


def test_broken_and_blocked_sources_keep_their_items(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = "".join(f'<div class="item"><a href="/n/{n}">{ACT} ฉบับที่ {n}</a></div>'
                    for n in range(3))
    server.page("/list", LISTING.format(items=items))
    server.page("/feed", rss((APP, server.url("/a/9"))), "application/rss+xml")
    config = write_config(tmp_path, source(
        "listing", server.url("/list"), "html", '    select:\n      item: "div.item"\n')
        + source("walled", server.url("/feed")))
    assert crawl(config) == 0
    before = published(config)
    assert len(before) == 4

    server.page("/list", LISTING.format(items="<p>เว็บไซต์ใหม่</p>"))   # redesigned
    server.add("/feed", Response(403, b"<html><head><title>Just a moment...</title></head>"
                                 b"<body><div id='challenge-platform'></div></body></html>",
                                 {"Content-Type": "text/html", "Server": "cloudflare",
                                  "cf-mitigated": "challenge"}))
    capsys.readouterr()
    assert crawl(config) == 0, "a broken source is not a failed one: not every source failed"
    assert published(config) == before, "old items stay published"
    assert main(["status", "--config", str(config)]) == 0
    status = capsys.readouterr().out
    rows = {line.split()[0]: line for line in status.splitlines()[1:]}
    assert rows["listing"].split()[1] == "broken"
    assert "(no element matched select.item 'div.item')" in rows["listing"]
    assert rows["walled"].split()[1] == "blocked"
