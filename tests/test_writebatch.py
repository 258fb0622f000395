"""Sources' writes batched in one transaction (monitor.writebatch): fewer commits,
everything committed when the crawl returns, and a failed write rolls its batch back."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
from pathlib import Path

import pytest

from monitor.config.loader import load_config
from monitor.pipeline import crawl
from monitor.store import Store
from tests.crawl_helpers import rss, write_config
from tests.httpserver import FixtureServer, Response

SOURCES = 30


def sources(server: FixtureServer) -> str:
    entries = []
    for n in range(SOURCES):
        server.add(f"/f/{n}.xml", Response(200, rss((f"ข่าว {n} ทางรัฐ", f"http://x.example/{n}")),
                                           {"Content-Type": "application/rss+xml"}))
        entries.append(f"""
  - name: f{n}
    url: "{server.url(f'/f/{n}.xml')}"
    type: feed
    respect_robots: false
""")
    return "".join(entries)


def committed_items(database: Path) -> int:
    with sqlite3.connect(database) as other:   # another connection sees commits only
        return int(other.execute("SELECT COUNT(*) FROM items").fetchone()[0])


def test_a_crawl_commits_in_batches_and_returns_with_everything_committed(
        server: FixtureServer, tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, sources(server)))
    with Store(config.database, synonyms=config.synonyms) as store:
        statements: list[str] = []
        store.db.set_trace_callback(statements.append)
        results = asyncio.run(crawl(config, store))
        assert [r.new for r in results] == [1] * SOURCES
        assert committed_items(config.database) == SOURCES
        commits = sum(s.strip().upper() == "COMMIT" for s in statements)
        assert 1 <= commits < SOURCES / 2, commits


# The failed write aborts the crawl with other sources' connections half-open; their
# coroutines are dropped when the loop closes, which is what this filter quiets.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_failed_write_rolls_back_its_batch_and_nothing_is_half_stored(
        server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(write_config(tmp_path, sources(server)))
    with Store(config.database, synonyms=config.synonyms) as store:
        real = store.save_validators

        def failing(url: str, *args: object) -> None:
            if url.endswith("/7.xml"):
                raise sqlite3.OperationalError("disk I/O error")
            real(url, *args)   # type: ignore[arg-type]

        monkeypatch.setattr(store, "save_validators", failing)
        with pytest.raises(sqlite3.OperationalError):
            asyncio.run(crawl(config, store))
        gc.collect()   # the dropped coroutines go now, under this test's filter
        assert not store.db.in_transaction
    with sqlite3.connect(config.database) as db:
        items = {r[0] for r in db.execute("SELECT source FROM item_sources")}
        validated = {r[0].rsplit("/", 1)[1].removesuffix(".xml")
                     for r in db.execute("SELECT url FROM fetch_state")}
    assert "f7" not in items, "the failed source's items were rolled back"
    # Whatever was kept was kept whole: items and the validators that skip them.
    assert {name.removeprefix("f") for name in items} == validated
