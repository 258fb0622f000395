"""Search: whole Thai words, any case, hostile queries inert, on a real SQLite store."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from selectolax.lexbor import LexborHTMLParser

from monitor.cli import main
from monitor.config.loader import load_config
from monitor.config.settings import Config
from monitor.models import Item
from monitor.search import fts_query, search, search_handler
from monitor.serve import start_server
from monitor.store import Store
from tests.crawl_helpers import TOPICS

WHEN = datetime(2026, 11, 17, 3, 0, tzinfo=UTC)
HOSTILE = "<script>document.title='pwned'</script> ThaID <img src=x onerror=alert(1)>"


def _item(n: int, title: str, *, summary: str = "", text: str = "",
          topics: tuple[str, ...] = ("digital-government",),
          published: datetime = WHEN) -> Item:
    url = f"https://dga.example.org/news/{n}"
    return Item(source="dga", url=url, link=url, identity=url, title=title, summary=summary,
                text=text, published=published, date_is_first_seen=False, topics=topics,
                matched_keywords=tuple("k" for _ in topics))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "sources.yaml"
    path.write_text(f"""{TOPICS}sources:
  - name: dga
    title: "สพร."
    url: "https://dga.example.org/feed"
    type: feed
""", "utf-8")
    config = load_config(path)
    with Store(config.database) as store:
        store.save_items([
            _item(1, "เปิดบริการใหม่บนแอปทางรัฐ"),
            _item(2, "ทางรัฐบาลยืนยันนโยบายเศรษฐกิจ", topics=()),
            _item(3, "ข่าวสั้น", summary="ประชาชนยื่นคำขอผ่านทางรัฐได้แล้ว"),
            _item(4, "Digital ID: the ThaID app reaches 20 million users",
                  topics=("digital-government",), published=datetime(2026, 10, 1, tzinfo=UTC)),
            _item(5, HOSTILE, text="เนื้อหาเต็ม การปฏิบัติราชการทางอิเล็กทรอนิกส์",
                  topics=("egov-act",)),
            _item(6, "ข่าวไม่เกี่ยวข้อง ทางรัฐ", topics=()),   # not relevant: never published
        ], WHEN)
        # The irrelevant ทางรัฐบาล item becomes relevant through keep_all: indexed then.
        store.save_items([_item(2, "ทางรัฐบาลยืนยันนโยบายเศรษฐกิจ", topics=())], WHEN,
                         keep_all=True)
    return config


def _titles(config: Config, query: str, **kw: object) -> set[str]:
    return {h.entry.title for h in search(config.database, query, **kw)}  # type: ignore[arg-type]


def test_thai_query_finds_whole_words_only(config: Config) -> None:
    found = _titles(config, "ทางรัฐ")
    assert found == {"เปิดบริการใหม่บนแอปทางรัฐ", "ข่าวสั้น"}, found
    assert _titles(config, "ทางรัฐบาล") == {"ทางรัฐบาลยืนยันนโยบายเศรษฐกิจ"}
    assert _titles(config, "ราชการทางอิเล็กทรอนิกส์") == {HOSTILE}, "main text is indexed"
    assert _titles(config, "รัฐบ") == set(), "part of a word finds nothing"


def test_english_query_ignores_case_and_filters(config: Config) -> None:
    assert _titles(config, "thaid") == _titles(config, "THAID") == {
        "Digital ID: the ThaID app reaches 20 million users", HOSTILE}
    assert _titles(config, "thaid", topic="egov-act") == {HOSTILE}
    assert _titles(config, "thaid", since=datetime(2026, 11, 1, tzinfo=UTC)) == {HOSTILE}
    assert _titles(config, "thaid million") == {
        "Digital ID: the ThaID app reaches 20 million users"}, "every term must occur"


def test_update_keeps_the_index_in_sync(config: Config) -> None:
    with Store(config.database) as store:
        store.save_items([_item(1, "แอปทางรัฐเพิ่มบริการ ThaID")], WHEN)
    assert "แอปทางรัฐเพิ่มบริการ ThaID" in _titles(config, "thaid")
    assert "เปิดบริการใหม่บนแอปทางรัฐ" not in _titles(config, "ทางรัฐ")


@pytest.mark.parametrize("query", [
    '"', '""ทางรัฐ', "ทางรัฐ NEAR(ThaID)", "ThaID AND OR NOT", "thaid*", "(((ทางรัฐ",
    "title:thaid", "^thaid", "x" * 10_000, "ทางรัฐ " * 2000, "'; DROP TABLE items; --",
    "\x00", "{title summary}: x",
])
def test_hostile_queries_are_plain_words(config: Config, query: str) -> None:
    expression = fts_query(query)
    assert expression is None or expression.startswith('"')
    search(config.database, query)   # no exception, whatever it finds
    with Store(config.database) as store:
        assert store.count_items()[0] == 6


def test_command_exit_status(config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "ThaID", "--config", str(config.path)]) == 0
    out = capsys.readouterr().out
    assert "https://dga.example.org/news/4" in out and "2026-10-01" in out
    assert main(["search", "ไม่มีคำนี้แน่นอน", "--config", str(config.path)]) == 1
    assert main(["search", "thaid", "--since", "2026-11-01", "--config", str(config.path)]) == 0
    assert "news/4" not in capsys.readouterr().out
    assert main(["search", "x", "--since", "yesterday", "--config", str(config.path)]) == 2
    assert main(["search", "x", "--topic", "nope", "--config", str(config.path)]) == 2


@pytest.fixture
def served(config: Config) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    httpd = start_server(config.output_dir, "127.0.0.1", port, search=search_handler(config))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _get(url: str, accept: str = "text/html") -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read().decode()


def test_search_endpoint_html_and_json(served: str) -> None:
    status, kind, body = _get(f"{served}/search?q=thaid")
    assert status == 200 and kind.startswith("text/html")
    page = LexborHTMLParser(body)
    assert not page.css("body script") and not page.css("img"), "scraped markup stays text"
    assert "&lt;script&gt;" in body and HOSTILE in (page.body.text() if page.body else "")
    _, kind, body = _get(f"{served}/search?q=thaid&format=json")
    assert kind.startswith("application/json")
    data = json.loads(body)
    assert data["count"] == 2 and HOSTILE in [r["title"] for r in data["results"]]
    _, kind, body = _get(f"{served}/search?q={quote('ทางรัฐ')}",
                         accept="application/json")
    assert json.loads(body)["count"] == 2


@pytest.mark.parametrize("query", [
    '"><script>alert(1)</script>', "NEAR(a b", "a AND (b OR", "*", "x" * 10_000, "%00",
])
def test_search_endpoint_survives_hostile_queries(served: str, query: str) -> None:
    status, _, body = _get(f"{served}/search?q={quote(query)}")
    assert status == 200
    assert "<script>alert(1)" not in body
    page = LexborHTMLParser(body)
    field = page.css_first("input[name=q]")
    assert field is not None
    if query != "%00":   # echoed back as inert text (a long one cut short)
        assert query.startswith(field.attributes.get("value") or "-")


def test_quoted_words_are_one_phrase(config: Config) -> None:
    assert _titles(config, '"thaid app"') == {"Digital ID: the ThaID app reaches 20 million users"}
    assert _titles(config, '"app thaid"') == set()
    assert _titles(config, 'app thaid') == {"Digital ID: the ThaID app reaches 20 million users"}


def test_an_existing_database_gets_its_items_indexed(tmp_path: Path) -> None:
    """A database written before the search index: the migration indexes what it holds."""
    import sqlite3

    from monitor.schema import MIGRATIONS
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    db.execute("INSERT INTO items (identity, guid, story, url, link, title, published, source, "
               "relevant, first_seen, updated) VALUES ('u', 'g', 1, 'u', 'https://x.example/1', "
               "'แอปทางรัฐ รุ่นเก่า', '2026-01-01T00:00:00+00:00', 's', 1, "
               "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')")
    db.commit()
    db.close()
    assert [h.entry.title for h in search(path, "ทางรัฐ")] == ["แอปทางรัฐ รุ่นเก่า"]
