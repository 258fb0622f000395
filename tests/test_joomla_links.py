"""A Joomla article is one item whichever menu or category it was linked under.

Joomla names an article by `option=com_content&view=article&id=N` and adds the
menu item (`Itemid`) and category (`catid`) the link was reached through, so
one article listed on a news page and on the home page had two addresses:
stored twice, from one outlet, which story dedupe never joins. Provincial and
departmental sites run it (gcc.go.th, nso.go.th, labour.go.th links below are
the shapes such sites write).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor import store as store_module
from monitor.schema import MIGRATIONS
from monitor.store import Store
from monitor.text.urls import canonical_url
from tests.crawl_helpers import crawl, listing_source, published, write_config
from tests.httpserver import FixtureServer

ARTICLE = "สพร. เปิดบริการใหม่บนแอปทางรัฐ"
OTHER = "ประกาศตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565"


@pytest.mark.parametrize(("a", "b"), [
    ("https://gcontact.gcc.go.th/index.php?option=com_content&view=article"
     "&id=20501%3A2011-06-06-02-37-53&catid=4384%3A2011-06-06-00-34-44&Itemid=2",
     "https://gcontact.gcc.go.th/index.php?option=com_content&view=article"
     "&id=20501%3A2011-06-06-02-37-53&Itemid=101"),
    ("http://phuket.nso.go.th/index.php?option=com_content&view=article&id=371&Itemid=635",
     "http://phuket.nso.go.th/index.php?option=com_content&view=article&id=371"),
    # Joomla 1.5, which old agency sites still run; and K2's articles.
    ("http://x.go.th/index.php?option=com_content&task=view&id=12&Itemid=34",
     "http://x.go.th/index.php?option=com_content&task=view&id=12&Itemid=1"),
    ("http://x.go.th/index.php?option=com_k2&view=item&id=12:abc&Itemid=34",
     "http://x.go.th/index.php?option=com_k2&view=item&id=12:abc"),
])
def test_one_article_under_two_menus_is_one(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)
    assert "itemid" not in canonical_url(a).lower()


@pytest.mark.parametrize(("a", "b"), [
    # Two articles.
    ("http://phuket.nso.go.th/index.php?option=com_content&view=article&id=371&Itemid=635",
     "http://phuket.nso.go.th/index.php?option=com_content&view=article&id=372&Itemid=635"),
    # Category pages are what their menu item says they are: not articles.
    ("https://osh.labour.go.th/index.php?option=com_content&view=category&id=11&Itemid=202",
     "https://osh.labour.go.th/index.php?option=com_content&view=category&id=11&Itemid=203"),
    # Other sites' own parameters of those names.
    ("http://x.go.th/page.php?Itemid=3&id=4", "http://x.go.th/page.php?Itemid=5&id=4"),
    ("http://x.go.th/news.php?option=com_content&catid=3&id=4",
     "http://x.go.th/news.php?option=com_content&catid=5&id=4"),
])
def test_what_is_not_one_article_stays_apart(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


def listing(*rows: tuple[int, int, str]) -> str:
    return "<html><body>" + "".join(
        f'<div class="row"><h3><a href="/index.php?option=com_content&amp;view=article'
        f'&amp;id={article}&amp;catid=7&amp;Itemid={menu}">{title}</a></h3>'
        f'<span class="d">9 พ.ย. 2569</span></div>' for article, menu, title in rows
    ) + "</body></html>"


def test_an_article_on_two_listings_of_one_site_is_stored_and_published_once(
        tmp_path: Path, server: FixtureServer) -> None:
    server.page("/news", listing((41, 12, ARTICLE), (40, 12, OTHER)))
    server.page("/home", listing((41, 101, ARTICLE)))
    config = write_config(tmp_path, listing_source("news", server.url("/news"))
                          + listing_source("home", server.url("/home")))
    assert crawl(config) == 0
    with sqlite3.connect(tmp_path / "data" / "monitor.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 2
        (reported,) = db.execute("SELECT COUNT(*) FROM item_sources s JOIN items i "
                                 "ON i.id = s.item_id WHERE i.title = ?", (ARTICLE,)).fetchone()
        assert reported == 2, "both listings are recorded as reporting it"
    links = published(config)
    assert set(links) == {ARTICLE, OTHER}
    # The sources are read at once, so either listing may store it first.
    assert re.search(r"&Itemid=(?:12|101)$", links[ARTICLE]), (
        "readers get the link as the site wrote it")


def database_before_migration_11(path: Path, rows: list[tuple[int, str]]) -> None:
    db = sqlite3.connect(path)
    db.create_function("monitor_words", 1, lambda text: text)
    for migration in MIGRATIONS[:10]:
        db.executescript(migration)
    for n, identity in rows:
        db.execute("INSERT INTO items (id, identity, guid, url, link, title, published, "
                   "source, relevant, first_seen, updated) VALUES "
                   "(?, ?, ?, ?, 'l', 't', 'p', 's', 1, 'f', 'u')",
                   (n, identity, f"g{n}", identity.split("#")[0]))
    db.execute("PRAGMA user_version = 10")
    db.commit()
    db.close()


def test_identities_stored_before_are_rewritten_in_place(tmp_path: Path) -> None:
    """Else every Joomla article still listed would be taken for new, and published again."""
    path = tmp_path / "old.sqlite3"
    base = "https://x.go.th/index.php?"
    rows = [(1, f"{base}Itemid=12&catid=7&id=41&option=com_content&view=article"),
            (2, f"{base}Itemid=101&catid=7&id=41&option=com_content&view=article"),
            (3, f"{base}Itemid=12&catid=7&id=40&option=com_content&view=article#guid=g"),
            (4, "https://x.go.th/page.php?Itemid=3&id=4")]
    database_before_migration_11(path, rows)

    with Store(path) as store:
        after = dict(store.db.execute("SELECT id, identity FROM items").fetchall())
        url = store.db.execute("SELECT url FROM items WHERE id = 1").fetchone()[0]
    bare = f"{base}id=41&option=com_content&view=article"
    assert after[1] == bare and url == bare
    assert after[2] == rows[1][1], "one of two stored forms of one article keeps its own"
    assert after[3] == rows[2][1], "an identity made of link and guid is not a bare link"
    assert after[4] == rows[3][1]


_PARAMS = st.sampled_from(["option", "view", "task", "id", "Itemid", "catid", "utm_source",
                           "page", "lang", "sid"])
_VALUES = st.sampled_from(["com_content", "com_k2", "article", "item", "view", "category",
                           "41", "41:alias", "7", "", "th", "x y", "ก"])


@given(scheme=st.sampled_from(["http", "https", "HTTP"]),
       host=st.sampled_from(["x.go.th", "www.x.go.th", "X.GO.TH:80", "x.go.th:8080"]),
       path=st.sampled_from(["/", "/index.php", "/index.php/", "/ข่าว/1", "/a;b"]),
       query=st.lists(st.tuples(_PARAMS, _VALUES), max_size=6))
def test_a_canonical_url_is_its_own_canonical_url(scheme: str, host: str, path: str,
                                                   query: list[tuple[str, str]]) -> None:
    """Migration 11 rewrites stored identities, made by earlier versions of the rule,
    with the current one: that gives what a new link would get only if the rule
    changes nothing it already made."""
    url = f"{scheme}://{host}{path}?" + "&".join(f"{k}={v}" for k, v in query)
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_an_identity_the_rule_cannot_read_is_left_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migration that raised would leave a database no version of the program opens."""
    path = tmp_path / "old.sqlite3"
    odd = "https://x.go.th/index.php?Itemid=1&id=9&option=com_content&view=article&odd"
    database_before_migration_11(path, [(1, odd)])

    def canonical(url: str) -> str:
        raise ValueError(url)

    monkeypatch.setattr(store_module, "canonical_url", canonical)
    with Store(path) as store:
        assert store.db.execute("SELECT identity FROM items").fetchone()[0] == odd
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
