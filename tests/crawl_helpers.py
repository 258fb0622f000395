"""Building a sources.yaml around a fixture server, and running one crawl in-process.

TOPICS is the one small topic set every test config uses, so tests agree on
what "relevant" means without depending on the shipped topics.
"""

from __future__ import annotations

import io
from pathlib import Path

import feedparser

from monitor.cli import main
from tests.httpserver import Request, Response

TOPICS = """
synonyms:
  - ["สำนักงานพัฒนารัฐบาลดิจิทัล", "สพร.", "DGA"]
topics:
  - id: egov-act
    title: "พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์"
    any: ["การปฏิบัติราชการทางอิเล็กทรอนิกส์", "Electronic Government Operations Act"]
  - id: digital-government
    title: "รัฐบาลดิจิทัล"
    any: ["ทางรัฐ", "สำนักงานพัฒนารัฐบาลดิจิทัล", "สารบรรณอิเล็กทรอนิกส์", "e-Service"]
    none: ["ดิจิทัลวอลเล็ต"]
"""


def rss(*items: tuple[str, str], extra: str = "") -> bytes:
    """A small RSS 2.0 document of (title, link) pairs."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link>"
        f"<pubDate>Tue, 10 Nov 2026 09:{n:02d}:00 +0700</pubDate></item>"
        for n, (title, link) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?>{extra}<rss version="2.0"><channel>'
            f"<title>t</title><link>http://x.example/</link><description>d</description>"
            f"{body}</channel></rss>").encode()


def write_config(tmp_path: Path, sources: str, *, fetch: str = "") -> Path:
    fetch_block = fetch or """
  min_delay_per_host: 0s
  retries: 0
  timeout: 5s
  allow_private_networks: true
"""
    path = tmp_path / "sources.yaml"
    path.write_text(f"output_dir: out\nfetch:{fetch_block}{TOPICS}\nsources:\n{sources}",
                    "utf-8")
    return path


def listing_source(name: str, url: str, *, summary: str | None = None) -> str:
    """A sources.yaml entry for an html listing of `div.row` items: the title and link
    in `h3 a`, the date in `span.d` (and the summary in `summary`, if given)."""
    extra = f'\n      summary: "{summary}"' if summary else ""
    return f"""
  - name: {name}
    url: "{url}"
    type: html
    respect_robots: false
    select:
      item: "div.row"
      title: "h3 a"
      link: "h3 a::attr(href)"
      date: "span.d"{extra}
"""


def agency_source(url: str, kind: str) -> str:
    """A sources.yaml entry named `agency` of `kind`: `auto`, or `html` with selectors
    for a `li.item` list (title in `a`, date in `span.date`, the link by default: the
    first link's address, or what its script opens)."""
    select = """
    select:
      item: "li.item"
      title: "a"
      date: "span.date\"""" if kind == "html" else ""
    return f"""
  - name: agency
    url: "{url}"
    type: {kind}
    respect_robots: false{select}
"""


def crawl(config: Path, *extra: str) -> int:
    return main(["crawl", "--config", str(config), *extra])


def published(config: Path) -> dict[str, str]:
    """title -> link of every entry in feed.xml, which must be a valid feed."""
    parsed = feedparser.parse(io.BytesIO((config.parent / "out" / "feed.xml").read_bytes()))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {e.title: e.link for e in parsed.entries}


ETAG = '"v1"'
FEED = rss(("ทางรัฐ เปิดบริการใหม่", "http://x.example/1"), ("ข่าวอื่น", "http://x.example/2"))


def conditional(request: Request) -> Response:
    """FEED with an ETag, and 304 to a request that names it: an unchanged source."""
    if request.headers.get("if-none-match") == ETAG:
        return Response(304, b"", {"ETag": ETAG})
    return Response(200, FEED, {"Content-Type": "application/rss+xml", "ETag": ETAG})
