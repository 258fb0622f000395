"""Links on a page in windows-874 carry their query in windows-874, as browsers send it.

The URL standard encodes a link's query in its page's encoding (its path is
always UTF-8). An old Thai site in windows-874 that links
`detail.php?file=ประกาศ` decodes the query as TIS-620: sent in UTF-8, as the
monitor sent it, the article was not found and the feed's link opened the
wrong page. The server here is real and decodes the query as such a site does.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

import pytest

from monitor.text.urls import in_page_encoding
from tests.crawl_helpers import crawl, published, write_config
from tests.httpserver import FixtureServer, Request, Response

TITLE = "สพร. ประกาศมาตรฐานบริการทางรัฐ ฉบับที่ 2"
NAME = "ประกาศ สพร."
ARTICLE = ("<html><head><meta charset='windows-874'><title>" + TITLE + "</title></head>"
           "<body><article><h1>" + TITLE + "</h1><p>" + "รายละเอียดประกาศ " * 20
           + "</p></article></body></html>").encode("cp874")


def listing() -> bytes:
    rows = [(NAME, TITLE), ("คำสั่ง ก.พ.ร.", "ก.พ.ร. ออกคำสั่งเรื่องการให้บริการทางรัฐ"),
            ("ระเบียบ", "ระเบียบว่าด้วยการปฏิบัติราชการทางอิเล็กทรอนิกส์")]
    return ("<html><head><meta http-equiv='Content-Type' content='text/html; "
            "charset=windows-874'></head><body>" + "".join(
                f"<div class='row'><h3><a href='detail.php?file={name}&amp;id={n}#top'>"
                f"{title}</a></h3><span class='d'>{n + 1} ธ.ค. 2569</span></div>"
                for n, (name, title) in enumerate(rows)) + "</body></html>").encode("cp874")


def detail(request: Request) -> Response:
    """The article, when the query's `file` is NAME in TIS-620, as an old PHP site reads it."""
    query = urlsplit(request.path).query
    raw = [unquote_to_bytes(pair.split("=", 1)[1]) for pair in query.split("&")
           if pair.startswith("file=")]
    if raw and raw[0].decode("cp874", "replace") == NAME:
        return Response(200, ARTICLE, {"Content-Type": "text/html; charset=windows-874"})
    return Response(404, b"no such file", {"Content-Type": "text/plain"})


@pytest.mark.parametrize("kind", ["html", "auto"])
def test_a_legacy_pages_link_reaches_its_article_and_is_published_as_browsers_send_it(
        server: FixtureServer, tmp_path: Path, kind: str) -> None:
    server.add("/list/", Response(200, listing(), {"Content-Type": "text/html"}))
    server.add("/list/detail.php", detail)
    select = """
    select:
      item: "div.row"
      title: "h3 a"
      link: "h3 a::attr(href)"
      date: "span.d\"""" if kind == "html" else ""
    config = write_config(tmp_path, f"""
  - name: agency
    url: "{server.url('/list/')}"
    type: {kind}
    fetch_article: true
    respect_robots: false{select}
""")
    assert crawl(config) == 0
    asked = [r.path for r in server.log if r.path.startswith("/list/detail.php")]
    assert len(asked) == 3
    link = published(config)[TITLE]
    assert parse_qs(urlsplit(link).query, encoding="cp874")["file"] == [NAME], link
    assert any(link.split("#")[0].endswith(path) for path in asked), (link, asked)
    # The article was found: its text, not the listing's alone, is the summary.
    assert "รายละเอียดประกาศ" in published_summary(config, TITLE)


def published_summary(config: Path, title: str) -> str:
    feed = (config.parent / "out" / "feed.json").read_text("utf-8")
    [entry] = [e for e in json.loads(feed)["items"] if e["title"] == title]
    return str(entry.get("content_text") or entry.get("summary") or "")


@pytest.mark.parametrize(("url", "codec", "sent"), [
    ("https://a.go.th/dl.php?file=ก ข&x=1", "cp874", "https://a.go.th/dl.php?file=%A1 %A2&x=1"),
    # The path stays as it is (UTF-8 when it is encoded), and so does the fragment.
    ("https://a.go.th/ข่าว/?q=ก#ส่วน", "cp874", "https://a.go.th/ข่าว/?q=%A1#ส่วน"),
    # A character windows-874 lacks goes as a character reference, as browsers send it.
    ("https://a.go.th/?q=ก€中", "cp874", "https://a.go.th/?q=%A1%80%26%2320013%3B"),
    ("https://a.go.th/?q=ก", "utf-8", "https://a.go.th/?q=ก"),
    ("https://a.go.th/?q=ก", "utf-16", "https://a.go.th/?q=ก"),
    ("https://a.go.th/ข่าว", "cp874", "https://a.go.th/ข่าว"),
    ("https://a.go.th/?q=a#ก", "cp874", "https://a.go.th/?q=a#ก"),
])
def test_only_the_query_takes_the_pages_encoding(url: str, codec: str, sent: str) -> None:
    assert in_page_encoding(url, codec) == sent
