"""Unmatched items are forgotten some time after their pages stop listing them, and
old source-health changes after many newer ones.

They are stored only so that a crawl does not take them for new, yet they are
most of what a crawl reads: kept forever, they grew the database without bound.
Real SQLite files throughout, and one real crawl over HTTP for the wiring.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import store as store_module
from monitor.aftercrawl import forget_old
from monitor.cli import main
from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.health import Health
from monitor.models import Item
from monitor.schema import MIGRATIONS
from monitor.store import Store
from tests.crawl_helpers import crawl, listing_source, published, write_config
from tests.httpserver import FixtureServer, Request, Response

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
MATCHED = "สพร. เปิดบริการใหม่บนแอปทางรัฐ"
UNMATCHED = ("ประกาศรับสมัครพนักงานขับรถยนต์", "กำหนดการแข่งขันกีฬาประจำปี",
             "เชิญชวนร่วมบริจาคโลหิต")


def item(n: int, title: str, *, topics: tuple[str, ...] = ()) -> Item:
    url = f"https://example.org/news/{n}"
    return Item(source="dga", url=url, link=url, title=title, summary="", published=NOW,
                date_is_first_seen=False, identity=url, topics=topics,
                matched_keywords=tuple("kw" for _ in topics))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "monitor.sqlite3")


def stored(store: Store) -> dict[str, str | None]:
    """identity -> when last seen, of every item in the database."""
    return {row["identity"]: row["seen"] for row in store.db.execute(
        "SELECT identity, seen FROM items")}


def forget(store: Store, before: datetime, sources: tuple[str, ...] = ("dga",),
           **limit: int) -> int:
    return store.forget_unmatched(before, sources, **limit)


def test_only_unmatched_items_gone_from_their_page_since_the_cutoff_are_forgotten(
        store: Store) -> None:
    store.save_items([item(1, MATCHED, topics=("egov",)), item(2, UNMATCHED[0])], NOW)
    store.save_items([item(4, UNMATCHED[2])], NOW, keep_all=True)
    later = NOW + timedelta(days=5)
    store.save_items([item(1, MATCHED, topics=("egov",)), item(3, UNMATCHED[1]),
                      item(4, UNMATCHED[2])], later)
    store.record_read("dga", later)   # the page no longer lists item 2

    assert forget(store, NOW + timedelta(days=1)) == 1
    assert set(stored(store)) == {f"https://example.org/news/{n}" for n in (1, 3, 4)}
    # The forgotten item's sources went with it (the foreign key's cascade).
    assert store.db.execute("SELECT COUNT(*) FROM item_sources").fetchone()[0] == 3
    assert forget(store, NOW + timedelta(days=1)) == 0


def test_an_item_on_a_page_that_has_not_changed_since_is_kept(store: Store) -> None:
    """A page answering 304 for a year still lists its items: forgotten, they would be
    stored again, their articles fetched again, when it next changed."""
    store.save_items([item(2, UNMATCHED[0])], NOW)
    store.record_read("dga", NOW)
    assert forget(store, NOW + timedelta(days=400)) == 0
    store.record_read("dga", NOW + timedelta(days=401))   # changed, without item 2
    assert forget(store, NOW + timedelta(days=400)) == 1


def test_an_item_whose_source_is_gone_from_the_config_is_forgotten(store: Store) -> None:
    store.save_items([item(2, UNMATCHED[0])], NOW)
    store.record_read("dga", NOW)
    assert forget(store, NOW + timedelta(days=1), sources=("dga", "other")) == 0
    assert forget(store, NOW + timedelta(days=1), sources=("other",)) == 1


def test_reading_an_item_again_counts_as_seen_at_most_once_a_day(store: Store) -> None:
    url = "https://example.org/news/2"
    for hours in (0, 20, 30 * 24):
        store.save_items([item(2, UNMATCHED[0])], NOW + timedelta(hours=hours))
        store.record_read("dga", NOW + timedelta(hours=hours))
        if hours == 20:
            assert stored(store)[url] == NOW.isoformat(), "within the day: nothing written"
    later = NOW + timedelta(days=30)
    assert stored(store)[url] == later.isoformat()
    store.record_read("dga", later + timedelta(days=2))   # and now it is gone

    assert forget(store, later - timedelta(days=1)) == 0, "listed until `later`: kept"
    assert forget(store, later + timedelta(seconds=1)) == 1


def test_an_item_turned_relevant_is_never_forgotten(store: Store) -> None:
    store.save_items([item(2, UNMATCHED[0])], NOW)
    store.save_items([item(2, UNMATCHED[0], topics=("egov",))], NOW + timedelta(hours=1))
    store.record_read("dga", NOW + timedelta(days=401))
    assert forget(store, NOW + timedelta(days=400)) == 0
    assert [e.title for e in store.entries(limit=10)] == [UNMATCHED[0]]


def test_a_forgotten_item_listed_again_is_new_and_published_only_if_it_matches(
        store: Store) -> None:
    store.save_items([item(2, UNMATCHED[0]), item(5, UNMATCHED[1])], NOW)
    store.record_read("dga", NOW + timedelta(days=2))
    assert forget(store, NOW + timedelta(days=1)) == 2
    back = store.save_items([item(2, UNMATCHED[0]),
                             item(5, UNMATCHED[1], topics=("egov",))], NOW + timedelta(days=3))
    assert (back.new, back.new_relevant) == (2, 1)
    assert [e.title for e in store.entries(limit=10)] == [UNMATCHED[1]]


def test_a_backlog_goes_in_batches_up_to_the_limit(store: Store,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "FORGET_BATCH", 3)
    store.save_items([item(n, f"{UNMATCHED[0]} {n}") for n in range(10)], NOW)
    store.record_read("dga", NOW)   # a source since removed from the config
    assert forget(store, NOW + timedelta(days=1), sources=(), limit=5) == 5
    assert len(stored(store)) == 5
    assert forget(store, NOW + timedelta(days=1), sources=()) == 5
    assert stored(store) == {}


def test_items_stored_before_the_upgrade_count_as_seen_at_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.create_function("monitor_words", 1, lambda text: text)
    for migration in MIGRATIONS[:9]:
        db.executescript(migration)
    for n, relevant in ((1, 0), (2, 1)):
        db.execute("INSERT INTO items (id, identity, guid, url, link, title, published, "
                   "source, relevant, first_seen, updated) VALUES "
                   "(?, ?, ?, 'u', 'l', 't', ?, 's', ?, ?, ?)",
                   (n, f"i{n}", f"g{n}", "2020-01-01T00:00:00+00:00", relevant,
                    "2020-01-01T00:00:00+00:00", "2020-01-01T00:00:00+00:00"))
    db.execute("PRAGMA user_version = 9")
    db.commit()
    db.close()

    before = datetime.now(UTC).replace(microsecond=0)
    with Store(path) as upgraded:
        seen = stored(upgraded)
        assert seen["i2"] is None
        assert datetime.fromisoformat(seen["i1"] or "") >= before
        assert forget(upgraded, before - timedelta(days=1), sources=()) == 0


@pytest.mark.parametrize("query", store_module.FORGET_DUE)
def test_forgetting_reads_the_index_source_by_source(store: Store, query: str) -> None:
    """Else every crawl would read all the old items that quiet pages still list."""
    store.forget_unmatched(NOW, ["dga"])   # makes the table of configured sources
    plan = [row[-1] for row in store.db.execute(
        f"EXPLAIN QUERY PLAN {query}", {"before": "x"})]
    assert any("items_unmatched_by_source (source=? AND seen<?)" in step
               for step in plan), plan


def test_what_a_crawl_forgets_is_logged(tmp_path: Path, store: Store,
                                        caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("forget_unmatched_after: 30d\ntopics: []\nsources: []\n", "utf-8")
    store.save_items([item(2, UNMATCHED[0]), item(5, UNMATCHED[1])], NOW)
    store.record_read("dga", NOW)
    with caplog.at_level(logging.INFO, logger="monitor.aftercrawl"):
        forget_old(load_config(path), store, NOW + timedelta(days=31))
    assert caplog.messages == ["forgot 2 unmatched items gone from their pages for 30d"]


def test_the_setting_takes_a_day_or_more_or_never(tmp_path: Path) -> None:
    def config(value: str | None) -> Path:
        setting = f"forget_unmatched_after: {value}\n" if value else ""
        path = tmp_path / "sources.yaml"
        path.write_text(setting + "topics: []\nsources: []\n", "utf-8")
        return path

    assert load_config(config(None)).forget_unmatched_after == 90 * 86400
    assert load_config(config("30d")).forget_unmatched_after == 30 * 86400
    assert load_config(config("never")).forget_unmatched_after is None
    with pytest.raises(ConfigError) as error:
        load_config(config("12h"))
    assert str(error.value).endswith(
        "sources.yaml:1: forget_unmatched_after: must be 1d or longer, or `never`")


def test_all_but_the_newest_health_changes_are_trimmed(store: Store) -> None:
    for n in range(6):   # a source failing every other crawl: each save is a change
        store.save_health(Health("flaky", "failing" if n % 2 == 0 else "ok",
                                 last_attempt=NOW + timedelta(hours=n)))
    assert store.trim_health_events(keep=4) == 2
    events = store.health_events(limit=10)
    assert [e.at for e in events] == [NOW + timedelta(hours=n) for n in (5, 4, 3, 2)]
    assert store.trim_health_events(keep=4) == 0


def listing(*rows: tuple[int, str]) -> str:
    return "<html><body>" + "".join(
        f'<div class="row"><h3><a href="/n/{n}">{title}</a></h3><span class="d">'
        f"9 พ.ย. 2569</span></div>" for n, title in rows) + "</body></html>"


@pytest.mark.parametrize("setting, kept, said", [
    ("", {MATCHED, UNMATCHED[1]}, "forgotten 90d after they left their page"),
    ("forget_unmatched_after: never\n", {MATCHED, *UNMATCHED[:2]}, "kept forever"),
])
def test_a_crawl_forgets_what_no_crawl_has_seen_for_the_setting_and_old_health(
        tmp_path: Path, server: FixtureServer, setting: str, kept: set[str], said: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    server.page("/news", listing((1, MATCHED), (2, UNMATCHED[0])))
    config = write_config(tmp_path, listing_source("agency", server.url("/news")))
    config.write_text(setting + config.read_text("utf-8"), "utf-8")
    assert crawl(config) == 0
    database = tmp_path / "data" / "monitor.sqlite3"
    with sqlite3.connect(database) as db:   # a crawl long ago, as far as the store knows
        db.execute("UPDATE items SET seen = '2020-01-01T00:00:00+00:00' WHERE seen IS NOT NULL")
        db.executemany("INSERT INTO health_events (source, at, state, previous) "
                       "VALUES ('gone', '2020-01-01T00:00:00+00:00', 'failing', 'ok')",
                       [()] * (store_module.HEALTH_EVENTS_KEPT + 5))
    # The old unmatched item has left the page; a new one came.
    server.page("/news", listing((1, MATCHED), (3, UNMATCHED[1])))
    assert crawl(config) == 0
    with sqlite3.connect(database) as db:
        assert {title for (title,) in db.execute("SELECT title FROM items")} == kept
        assert db.execute("SELECT COUNT(*) FROM health_events").fetchone()[0] == (
            store_module.HEALTH_EVENTS_KEPT)
    assert list(published(config)) == [MATCHED]
    assert main(["check", "--config", str(config)]) == 0
    assert f"unmatched   {said}" in capsys.readouterr().out
    assert main(["status", "--config", str(config)]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines()
               if line.startswith("database ")]
    assert line.endswith(f" MB, {len(kept)} items: 1 matched (kept), {len(kept) - 1} "
                         f"unmatched ({said})"), line


def test_a_crawl_answered_304_forgets_nothing_of_the_page(
        tmp_path: Path, server: FixtureServer) -> None:
    page = listing((1, MATCHED), (2, UNMATCHED[0])).encode()

    def answer(request: Request) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304, b"", {"ETag": '"v1"'})
        return Response(200, page, {"Content-Type": "text/html; charset=utf-8",
                                    "ETag": '"v1"'})

    server.add("/news", answer)
    config = write_config(tmp_path, listing_source("agency", server.url("/news")))
    assert crawl(config) == 0
    database = tmp_path / "data" / "monitor.sqlite3"
    with sqlite3.connect(database) as db:   # seen, and read, long ago
        db.execute("UPDATE items SET seen = '2020-01-01T00:00:00+00:00' WHERE seen IS NOT NULL")
        db.execute("UPDATE source_reads SET read = '2020-01-01T06:00:00+00:00'")
    assert crawl(config) == 0
    assert [r.headers.get("if-none-match") for r in server.requests_for("/news")] == [
        None, '"v1"']
    with sqlite3.connect(database) as db:
        assert {t for (t,) in db.execute("SELECT title FROM items")} == {MATCHED, UNMATCHED[0]}


def test_a_page_that_lists_nothing_forgets_nothing(tmp_path: Path,
                                                   server: FixtureServer) -> None:
    """A listing that suddenly shows no item has more likely lost its layout (the
    source turns `broken`) than all its items: they stay until it lists some again."""
    server.page("/news", listing((1, MATCHED), (2, UNMATCHED[0])))
    config = write_config(tmp_path, listing_source("agency", server.url("/news")))
    assert crawl(config) == 0
    database = tmp_path / "data" / "monitor.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("UPDATE items SET seen = '2020-01-01T00:00:00+00:00' WHERE seen IS NOT NULL")
        db.execute("UPDATE source_reads SET read = '2020-01-01T06:00:00+00:00'")
    server.page("/news", "<html><body><p>ปรับปรุงเว็บไซต์</p></body></html>")
    crawl(config)
    with sqlite3.connect(database) as db:
        assert {t for (t,) in db.execute("SELECT title FROM items")} == {MATCHED, UNMATCHED[0]}
