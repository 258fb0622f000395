"""The SQLite store on real files: identity, guid stability, stories, health, migrations."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.errors import StoreError
from monitor.health import Health
from monitor.models import Document, Item
from monitor.schema import MIGRATIONS
from monitor.store import Store

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def item(n: int, title: str, *, source: str = "dga", topics: tuple[str, ...] = ("egov-act",),
         hours: int = 0, link: str | None = None) -> Item:
    url = link or f"https://example.org/news/{n}"
    return Item(source=source, url=url, link=url, title=title, summary=f"สรุป {n}",
                published=NOW - timedelta(hours=hours), date_is_first_seen=False,
                identity=url, topics=topics, matched_keywords=tuple("kw" for _ in topics))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "db" / "monitor.sqlite3")


def test_new_items_are_counted_once_and_known_afterwards(store: Store) -> None:
    first = store.save_items([item(1, "ก"), item(2, "ข", topics=())], NOW)
    assert (first.new, first.new_relevant) == (2, 1)
    again = store.save_items([item(1, "ก"), item(2, "ข", topics=())], NOW)
    assert (again.new, again.updated) == (0, 0)
    assert store.known(["https://example.org/news/1", "https://x/none"]) == {
        "https://example.org/news/1"}
    assert [e.title for e in store.entries(limit=10)] == ["ก"], "unmatched items never publish"


def test_keep_all_publishes_unmatched_items(store: Store) -> None:
    store.save_items([item(3, "ข่าวทั่วไปของหน่วยงาน", topics=())], NOW, keep_all=True)
    (entry,) = store.entries(limit=10)
    assert entry.topics == ()


def test_changed_title_is_updated_in_place_with_the_same_guid(store: Store) -> None:
    store.save_items([item(1, "ร่างประกาศ")], NOW)
    (before,) = store.entries(limit=10)
    result = store.save_items([item(1, "ประกาศฉบับจริง")], NOW + timedelta(hours=1))
    assert result.updated == 1 and result.new == 0
    (after,) = store.entries(limit=10)
    assert after.guid == before.guid and after.title == "ประกาศฉบับจริง"


def test_guids_are_unique_and_follow_the_order_items_were_first_seen(store: Store) -> None:
    # New guids sort after every stored one, so each insert appends to the guid
    # index (see store.make_guid); an item's guid never moves.
    store.save_items([item(n, f"ข่าว {n}") for n in (5, 3, 9)], NOW)
    store.save_items([item(n, f"ข่าว {n}") for n in (1, 7)], NOW + timedelta(hours=1))
    store.save_items([item(3, "ข่าว 3 แก้ไข")], NOW + timedelta(hours=2))
    rows = store.db.execute("SELECT identity, guid FROM items ORDER BY id").fetchall()
    guids = [guid for _, guid in rows]
    assert [identity.rsplit("/", 1)[1] for identity, _ in rows] == ["5", "3", "9", "1", "7"]
    assert guids == sorted(guids) and len(set(guids)) == 5
    assert all(g.startswith("urn:thai-egov-monitor:") for g in guids)
    assert len({g.rsplit("-", 1)[1] for g in guids}) == 5, "each carries its identity's hash"


def test_same_story_from_two_outlets_is_one_entry_naming_both(store: Store) -> None:
    title = "ครม.อนุมัติร่างพระราชกฤษฎีกาตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์"
    store.save_items([item(1, title, source="matichon")], NOW)
    store.save_items([item(2, title.replace("ครม.", "ครม. "), source="khaosod",
                           topics=("digital-government",))], NOW)
    store.save_items([item(3, "ข่าวอื่นที่ไม่เกี่ยวข้องกันเลยสักนิด", source="khaosod")], NOW)
    entries = store.entries(limit=10)
    assert len(entries) == 2
    story = next(e for e in entries if e.title == title)
    assert [r.source for r in story.reports] == ["matichon", "khaosod"]
    assert story.topics == ("digital-government", "egov-act")
    assert [e.title for e in store.entries(limit=10, topic="digital-government")] == [title]


def test_entries_newest_first_limited_and_windowed(store: Store) -> None:
    store.save_items([item(n, f"เรื่องที่ {n} ไม่ซ้ำกันเลย {'ก' * n}", hours=n)
                      for n in range(1, 6)], NOW)
    entries = store.entries(limit=3)
    assert [e.published for e in entries] == sorted((e.published for e in entries),
                                                     reverse=True)
    assert len(entries) == 3
    window = store.entries(limit=10, since=NOW - timedelta(hours=3, minutes=30),
                           until=NOW - timedelta(hours=1, minutes=30))
    assert len(window) == 2


def test_a_failed_save_loses_nothing_already_stored(store: Store) -> None:
    store.save_items([item(1, "ก")], NOW)
    broken = replace(item(2, "ข"), published=None)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        store.save_items([item(3, "ค"), broken], NOW)
    assert store.known(["https://example.org/news/1", "https://example.org/news/3"]) == {
        "https://example.org/news/1"}, "the whole failed batch is rolled back"


def test_validators_and_health_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite3"
    with Store(path) as store:
        doc = Document(url="https://x/feed", content=b"", text="", encoding="utf-8",
                       etag='"abc"', last_modified="Tue, 10 Nov 2026 00:00:00 GMT")
        store.save_validators("https://x/feed", doc, NOW)
        store.save_health(Health("dga", "broken", NOW, NOW, "no items", 0, 0, 12))
    with Store(path) as store:
        validators = store.validators("https://x/feed")
        assert validators is not None and validators.etag == '"abc"'
        assert store.health("dga") == Health("dga", "broken", NOW, NOW, "no items", 0, 0, 12)
        assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_newer_schema_is_refused_with_a_remedy(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="upgrade"):
        Store(path)


def test_committed_items_survive_a_killed_process_before_any_checkpoint(tmp_path: Path) -> None:
    """The WAL is checkpointed rarely (WAL_CHECKPOINT_PAGES); what was committed is
    in it, so a process that dies without closing the database loses none of it."""
    import subprocess
    import sys

    db = tmp_path / "monitor.sqlite3"
    script = (
        "import os, sys\n"
        "from datetime import UTC, datetime\n"
        "from monitor.models import Item\n"
        "from monitor.store import Store\n"
        "store = Store(sys.argv[1])\n"
        "now = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)\n"
        "for n in range(20):\n"
        "    url = f'https://example.org/news/{n}'\n"
        "    store.save_items([Item(source='dga', url=url, link=url, title=f'ข่าว {n}',\n"
        "                           summary='', published=now, date_is_first_seen=False,\n"
        "                           identity=url)], now)\n"
        "os._exit(0)   # no close, no checkpoint\n")
    subprocess.run([sys.executable, "-c", script, str(db)], check=True, timeout=60)
    assert (tmp_path / "monitor.sqlite3-wal").stat().st_size > 0, "the items are in the WAL"
    with Store(db) as reopened:
        assert reopened.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] > 1000
        assert len(reopened.known(f"https://example.org/news/{n}" for n in range(20))) == 20


def test_a_new_database_held_by_another_monitor_is_waited_for(tmp_path: Path) -> None:
    """Switching a new file to WAL is refused at once while another connection writes
    to it (SQLite skips the busy timeout there): two monitors opening a new database
    together made one fail. The store waits for it as for any other lock."""
    path = tmp_path / "new.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE other_monitor (x)")
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    try:
        with Store(path) as store:
            mode = store.db.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        release.join()
        holder.close()
    assert mode == "wal"
    assert time.monotonic() - started >= 0.25   # it did wait for the other writer


def test_the_published_index_holds_relevant_items_only_and_orders_the_entries(
        store: Store) -> None:
    store.save_items([item(n, f"ข่าวที่ {n} {'ข' * n}", hours=n, topics=("egov-act",) * (n % 2))
                      for n in range(1, 9)], NOW)
    indexed = store.db.execute(
        "SELECT COUNT(*) FROM items INDEXED BY items_published_relevant "
        "WHERE relevant = 1").fetchone()[0]
    assert indexed == 4
    plan = " ".join(r[3] for r in store.db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM items h WHERE h.relevant = 1 AND h.id = h.story "
        "ORDER BY h.published DESC, h.id DESC LIMIT 3"))
    assert "items_published_relevant" in plan
    assert [e.title for e in store.entries(limit=3)] == [f"ข่าวที่ {n} {'ข' * n}"
                                                          for n in (1, 3, 5)]
    # Turning relevant later puts an item into the index, and so into the entries.
    store.save_items([item(2, "ข่าวที่ 2 ขข")], NOW)
    assert [e.title for e in store.entries(limit=2)] == ["ข่าวที่ 1 ข", "ข่าวที่ 2 ขข"]


def test_a_monitor_that_read_an_old_version_never_migrates_over_a_newer_one(
        tmp_path: Path) -> None:
    """Two monitors start on a new database: one migrates it all while the other has
    read version 0. The other must skip what is done, not run it again (which set
    the version back, and failed on a migration that drops an index)."""
    path = tmp_path / "monitor.sqlite3"
    with Store(path) as first:
        first.save_items([item(1, "ข่าวที่หนึ่ง")], NOW)
    with Store(path) as late:
        late._apply_migrations(after=0)
        assert late.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert [e.title for e in late.entries(limit=5)] == ["ข่าวที่หนึ่ง"]


def test_closing_copies_the_log_into_the_file_but_a_reader_never_waits(tmp_path: Path) -> None:
    """A store that wrote checkpoints at close, so the database file alone holds what
    it stored; one that only read (a /search request) does not wait for a writer."""
    import shutil

    path = tmp_path / "monitor.sqlite3"
    with Store(path) as first:
        first.save_items([item(1, "ประกาศ ก")], NOW)
        keeper = sqlite3.connect(path)   # another connection: this close is not the last
        keeper.execute("SELECT 1 FROM items").fetchall()
    shutil.copyfile(path, tmp_path / "copy.sqlite3")
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 1
    keeper.execute("BEGIN IMMEDIATE")   # a writer holds the database
    keeper.execute("INSERT INTO digests_sent (week, recipient, sent) VALUES ('w', 'r', 's')")
    reader = Store(path)
    counts = reader.count_items()
    assert (counts.total, counts.stories) == (1, 1)
    started = time.monotonic()
    reader.close()
    assert time.monotonic() - started < 0.5
    keeper.rollback()
    keeper.close()
