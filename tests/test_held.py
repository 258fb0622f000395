"""The page-reading worker's question to the database (monitor.held): which of a
page's relevant items are stored as they are, so that nothing is prepared for them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from monitor.held import HeldItems
from monitor.store import Store
from tests.test_store import NOW, item


def test_only_items_stored_relevant_under_the_same_title_are_held(tmp_path: Path) -> None:
    path = tmp_path / "monitor.sqlite3"
    with Store(path) as store:
        store.save_items([item(1, "ประกาศ ก"), item(2, "ประกาศ ข"),
                          item(3, "ข่าวทั่วไป", topics=())], NOW)
        held = HeldItems(path)
        page = [item(1, "ประกาศ ก"),                 # as stored
                item(2, "ประกาศ ข ฉบับแก้ไข"),        # renamed: the store re-indexes it
                item(3, "ข่าวทั่วไป"),                  # turning relevant: indexed now
                item(4, "ประกาศ ง")]                   # new
        assert held(page) == {"https://example.org/news/1"}
        # What another connection commits is seen by the next lookup.
        store.save_items([item(4, "ประกาศ ง")], NOW)
        assert held(page) == {"https://example.org/news/1", "https://example.org/news/4"}
        # Many identities at once are asked in pieces.
        many = [replace(item(1, "ประกาศ ก"), identity=f"x{n}") for n in range(1_200)]
        assert held([*many, page[0]]) == {"https://example.org/news/1"}
        held.close()


def test_a_database_that_cannot_be_read_holds_nothing(tmp_path: Path) -> None:
    """The worker then prepares every item, as before: the store needs nothing else."""
    missing = HeldItems(tmp_path / "none" / "monitor.sqlite3")
    assert missing([item(1, "ประกาศ ก")]) == set()
    assert not (tmp_path / "none").exists(), "a read-only lookup creates nothing"
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not a database" * 100)
    assert HeldItems(damaged)([item(1, "ประกาศ ก")]) == set()
    # And once the database exists, the same lookup finds it.
    (tmp_path / "none").mkdir()
    with Store(tmp_path / "none" / "monitor.sqlite3") as store:
        store.save_items([item(1, "ประกาศ ก")], NOW)
    assert missing([item(1, "ประกาศ ก")]) == {"https://example.org/news/1"}
