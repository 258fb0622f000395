"""A page that shows the items stored last time is not read again (reading.items_digest).

Many agency servers send no ETag or Last-Modified, and many pages change on
every request (a token, a clock, a view counter) while their items do not:
such a page is fetched and extracted, and when its items and the settings
that read them are those of the last crawl, nothing is normalised, matched or
stored. Anything that could store something else (an item changed, a topic
edited, a keyword that timed out) reads the page again.
"""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from monitor import digests, reading, readpool
from monitor.store import Store
from tests.crawl_helpers import crawl, listing_source, published, write_config
from tests.httpserver import FixtureServer, Request, Response

ROWS = ["กรมการปกครองประชุมประจำเดือน", "สพร. เปิดบริการใหม่บนแอปทางรัฐ",
        "ประกาศตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565"]


def listing(rows: list[str], token: str = "") -> bytes:
    items = "".join(f'<div class="row"><h3><a href="/n/{n}">{title}</a></h3>'
                    f'<span class="d">{1 + n} พ.ย. 2569</span></div>'
                    for n, title in enumerate(rows))
    return (f"<html><body><form><input type='hidden' name='csrf' value='{token}'></form>"
            f"<div class='list'>{items}</div><footer>ผู้เข้าชม {token}</footer>"
            "</body></html>").encode()


def entry(server: FixtureServer) -> str:
    return listing_source("agency", server.url("/list/"))


@pytest.fixture
def saves(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many items each Store.save_items call was given."""
    calls: list[int] = []
    save = Store.save_items

    def counting(self: Store, items: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(items))
        return save(self, items, *args, **kwargs)

    monkeypatch.setattr(Store, "save_items", counting)
    return calls


def dynamic(rows: list[str]) -> Any:
    """The page with a new token on every request, and no validators."""
    counter = itertools.count()

    def answer(request: Request) -> Response:
        return Response(200, listing(rows, f"t{next(counter)}"),
                        {"Content-Type": "text/html; charset=utf-8"})
    return answer


def digest_of(config: Path) -> str | None:
    with sqlite3.connect(config.parent / "data" / "monitor.sqlite3") as db:
        row = db.execute("SELECT items_digest FROM fetch_state").fetchone()
    return row[0] if row else None


def test_a_page_changing_on_every_request_is_read_once_while_its_items_stay(
        server: FixtureServer, tmp_path: Path, saves: list[int],
        capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(ROWS)
    server.add("/list/", dynamic(rows))
    config = write_config(tmp_path, entry(server))
    assert crawl(config) == 0
    assert saves == [3]
    assert digest_of(config)
    capsys.readouterr()
    assert crawl(config) == 0
    out = capsys.readouterr().out
    assert "agency                       unchanged     seen    3" in out
    assert "nothing changed" in out
    assert saves == [3], "nothing was stored again"
    assert len(server.requests_for("/list/")) == 2, "the page was fetched each time"

    # One more item on the page: read, stored, published.
    rows.insert(0, "สพร. เปิดศูนย์บริการดิจิทัลแห่งใหม่ ทางรัฐ")
    assert crawl(config) == 0
    assert saves == [3, 4]
    assert rows[0] in published(config)
    # A renamed item is read again too.
    rows[2] = rows[2] + " (ฉบับแก้ไข)"
    assert crawl(config) == 0
    assert saves == [3, 4, 4]
    assert rows[2] in published(config)


def test_an_edited_topic_reads_the_same_page_again(
        server: FixtureServer, tmp_path: Path, saves: list[int]) -> None:
    """The settings that read the items are part of the digest: a keyword added to a
    topic finds the items already stored, though the page is as it was."""
    server.add("/list/", Response(200, listing(ROWS), {"Content-Type": "text/html"}))
    config = write_config(tmp_path, entry(server))
    assert crawl(config) == 0
    assert ROWS[0] not in published(config)
    assert crawl(config) == 0
    assert saves == [3]
    text = config.read_text("utf-8")
    config.write_text(text.replace('"e-Service"]', '"e-Service", "กรมการปกครอง"]'), "utf-8")
    assert config.read_text("utf-8") != text, "a keyword was added"
    assert crawl(config) == 0
    assert saves == [3, 3]
    assert ROWS[0] in published(config)


def test_an_edited_source_reads_the_same_page_again(
        server: FixtureServer, tmp_path: Path, saves: list[int]) -> None:
    """So are the source's own settings: with `keep_all` added, every item of the
    unchanged page is published."""
    server.add("/list/", Response(200, listing(ROWS), {"Content-Type": "text/html"}))
    config = write_config(tmp_path, entry(server))
    assert crawl(config) == 0
    assert crawl(config) == 0
    assert saves == [3] and ROWS[0] not in published(config)
    text = config.read_text("utf-8")
    config.write_text(text.replace("    type: html\n", "    type: html\n    keep_all: true\n"),
                      "utf-8")
    assert config.read_text("utf-8") != text, "keep_all was added"
    assert crawl(config) == 0
    assert saves == [3, 3]
    assert ROWS[0] in published(config)


def test_a_keyword_that_timed_out_leaves_no_digest(
        server: FixtureServer, tmp_path: Path, saves: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Such items counted as not matching; the next crawl must match them again."""
    server.add("/list/", Response(200, listing(ROWS), {"Content-Type": "text/html"}))
    config = write_config(tmp_path, entry(server))
    match_all = reading.match_all

    def timing_out(items: Any, source: Any, matcher: Any, budget: Any,
                   warnings: list[str]) -> Any:
        warnings.append("keyword /x/ took longer than 1 s on http://x/ and counted as not "
                        "matching")
        return match_all(items, source, matcher, budget, warnings)

    monkeypatch.setattr(reading, "match_all", timing_out)
    assert crawl(config) == 0
    assert digest_of(config) is None
    monkeypatch.setattr(reading, "match_all", match_all)
    assert crawl(config) == 0
    assert saves == [3, 3]
    assert digest_of(config)


def test_a_page_read_in_a_worker_is_skipped_alike(
        server: FixtureServer, tmp_path: Path, saves: list[int],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(readpool, "MIN_SOURCES", 1)
    monkeypatch.setattr(readpool, "WORKERS", max(1, readpool.WORKERS))
    monkeypatch.setattr(readpool, "QUEUED_PER_WORKER", 1000)   # never read in-process
    assert readpool.start(timeout=60)
    rows = list(ROWS)
    server.add("/list/", dynamic(rows))
    config = write_config(tmp_path, entry(server))
    sent = readpool.pages_sent
    assert crawl(config) == 0
    capsys.readouterr()
    assert crawl(config) == 0
    assert "unchanged" in capsys.readouterr().out
    assert readpool.pages_sent - sent == 2, "both pages went to the worker"
    assert saves == [3]
    rows.append("ประกาศ ทางรัฐ ฉบับที่ 2")
    assert crawl(config) == 0
    assert saves == [3, 4]
    assert rows[-1] in published(config)


def test_no_hash_of_a_secret_is_kept() -> None:
    """A form field from the environment is masked before the settings are hashed;
    any other setting still changes the digest."""
    from zoneinfo import ZoneInfo

    from monitor.config.settings import RequestSettings, Source

    def source(token: str, field: str = "key") -> Source:
        return Source(name="s", url="http://x.example/", type="html",
                      request=RequestSettings("POST", ((field, token),)), secrets=(token,))

    tz = ZoneInfo("Asia/Bangkok")
    assert (digests.digest_seed(source("s3cret-one"), tz, (), ())
            == digests.digest_seed(source("s3cret-two"), tz, (), ()))
    assert (digests.digest_seed(source("s3cret-one"), tz, (), ())
            != digests.digest_seed(source("s3cret-one", "apikey"), tz, (), ()))


def validating(rows: list[str]) -> Any:
    """The page with an ETag, answering 304 to a request that names it."""
    def answer(request: Request) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304, b"", {"ETag": '"v1"'})
        return Response(200, listing(rows), {"Content-Type": "text/html", "ETag": '"v1"'})
    return answer


def test_after_an_edit_a_page_that_answers_304_is_asked_in_full(
        server: FixtureServer, tmp_path: Path, saves: list[int]) -> None:
    """The validators hold under the settings that stored them: a conditional request
    after a topic was edited would be answered 304, and the page not read under the
    new topic until the site changed it."""
    server.add("/list/", validating(ROWS))
    config = write_config(tmp_path, entry(server))
    assert crawl(config) == 0
    assert crawl(config) == 0
    conditional = ["if-none-match" in r.headers for r in server.log if r.path == "/list/"]
    assert conditional == [False, True] and saves == [3]
    text = config.read_text("utf-8")
    config.write_text(text.replace('"e-Service"]', '"e-Service", "กรมการปกครอง"]'), "utf-8")
    assert crawl(config) == 0
    assert crawl(config) == 0
    conditional = ["if-none-match" in r.headers for r in server.log if r.path == "/list/"]
    assert conditional == [False, True, False, True]
    assert saves == [3, 3]
    assert ROWS[0] in published(config)


def test_a_keyword_that_timed_out_sends_no_validators_next_time(
        server: FixtureServer, tmp_path: Path, saves: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    server.add("/list/", validating(ROWS))
    config = write_config(tmp_path, entry(server))
    match_all = reading.match_all

    def timing_out(items: Any, source: Any, matcher: Any, budget: Any,
                   warnings: list[str]) -> Any:
        warnings.append("keyword /x/ took longer than 1 s and counted as not matching")
        return match_all(items, source, matcher, budget, warnings)

    monkeypatch.setattr(reading, "match_all", timing_out)
    assert crawl(config) == 0
    monkeypatch.setattr(reading, "match_all", match_all)
    assert crawl(config) == 0
    assert crawl(config) == 0
    conditional = ["if-none-match" in r.headers for r in server.log if r.path == "/list/"]
    assert conditional == [False, False, True]
    assert saves == [3, 3]
