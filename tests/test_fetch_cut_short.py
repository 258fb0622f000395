"""A page the server ends early is read as far as it came, as browsers show it.

Some servers close the connection before the length they announced (a
Content-Length counted before the page was rewritten, a proxy that gives up)
or end a chunked page without its last chunk. Failing the fetch would lose the
items that did arrive, every crawl, for a server that always does it. What
arrived is read; the crawl line says the page was cut short; and because what
did not arrive may hold items, nothing is kept that would stop the next crawl
from reading the page again: no validators, no digest of its items, and no
record that the page was read in full (items missing from it have not left it).

The servers are real (tests.httpserver on 127.0.0.1), writing exactly the
bytes given and then closing.
"""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest

from monitor.models import Document
from tests import test_fetch_heads
from tests.crawl_helpers import crawl, published, write_config
from tests.httpserver import FixtureServer, Response
from tests.test_same_items import ROWS, entry, listing

PAGE = listing(ROWS)
CUT_AT = PAGE.index(b"</div><footer>")   # after the last item's row, before the footer


def cut_short(body: bytes, *, chunked: bool = False, etag: str = '"v1"',
              encoding: str | None = None) -> Response:
    """An answer announcing `body` whole but sending only its start (every item's
    row, not the footer and closing tags), then closing the connection."""
    headers = {"Content-Type": "text/html; charset=utf-8", "ETag": etag,
               "Connection": "close"}
    if encoding:
        headers["Content-Encoding"] = encoding
    if chunked:
        sent = body[: len(body) - 40]
        headers["Transfer-Encoding"] = "chunked"
        return Response(200, iter([b"%x\r\n%s\r\n" % (len(sent), sent)]), headers)
    headers["Content-Length"] = str(len(body))
    return Response(200, body[: len(body) - 40] if encoding else body[:CUT_AT], headers)


@pytest.mark.parametrize("how", ["short of its Content-Length", "no last chunk", "gzip"])
def test_what_arrived_is_the_page(server: FixtureServer, how: str) -> None:
    if how == "gzip":
        answer = cut_short(gzip.compress(PAGE, mtime=0), encoding="gzip")
    else:
        answer = cut_short(PAGE, chunked=how == "no last chunk")
    server.add("/list/", answer)
    [doc] = test_fetch_heads.fetch_all([server.url("/list/")])
    assert isinstance(doc, Document), doc
    assert doc.cut is not None and "peer closed connection" in doc.cut
    assert all(title in doc.text for title in ROWS)
    assert PAGE.startswith(doc.content) and len(doc.content) < len(PAGE)
    assert doc.etag is None   # the ETag stands for the whole page


def test_a_page_that_came_whole_is_not_cut(server: FixtureServer) -> None:
    server.add("/list/", Response(200, PAGE, {"Content-Type": "text/html; charset=utf-8",
                                              "ETag": '"v1"'}))
    [doc] = test_fetch_heads.fetch_all([server.url("/list/")])
    assert isinstance(doc, Document) and doc.cut is None and doc.etag == '"v1"'


def test_an_answer_ended_before_any_of_its_body_still_fails(server: FixtureServer) -> None:
    server.add("/list/", Response(200, b"", {"Content-Length": "500", "Connection": "close"}))
    [failure] = test_fetch_heads.fetch_all([server.url("/list/")])
    assert not isinstance(failure, Document)
    assert "peer closed connection" in str(failure)


def reads(config: Path) -> list[tuple[str]]:
    with sqlite3.connect(config.parent / "data" / "monitor.sqlite3") as db:
        return db.execute("SELECT source FROM source_reads").fetchall()


def test_a_crawl_keeps_what_arrived_and_reads_the_page_again_next_time(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.add("/list/", cut_short(PAGE))
    config = write_config(tmp_path, entry(server))
    assert crawl(config) == 0
    line = capsys.readouterr().out
    assert "read what arrived: the server ended" in line, line
    assert set(ROWS[1:]) <= set(published(config))   # the relevant ones
    assert reads(config) == []   # not known to be read in full

    assert crawl(config) == 0   # the same page cut the same way: read again, not "unchanged"
    line = capsys.readouterr().out
    assert "unchanged" not in line and "read what arrived" in line, line
    assert [("if-none-match" in r.headers) for r in server.requests_for("/list/")] == [
        False, False]

    server.add("/list/", Response(200, PAGE, {"Content-Type": "text/html; charset=utf-8",
                                              "ETag": '"v1"'}))
    assert crawl(config) == 0   # whole at last: known read, and conditional from now on
    assert "read what arrived" not in capsys.readouterr().out
    assert reads(config) == [("agency",)]
    assert crawl(config) == 0
    assert "if-none-match" in server.requests_for("/list/")[-1].headers
