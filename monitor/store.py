"""SQLite storage: the only module that speaks SQL.

WAL mode lets `monitor run` crawl while `publish` or `status` read. Every
write path is one transaction, so a crash loses at most the crawl in progress,
never an item already stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from monitor.dedupe import (
    CANDIDATES,
    COMMON_KEY,
    MIN_SHARED,
    SHARED_PART,
    StoryKey,
    StoryKeyer,
    StorySignature,
    matching_stories,
    sketch,
    story_keyer,
)
from monitor.errors import StoreError
from monitor.health import Health, HealthEvent, as_state, is_transition
from monitor.models import Document, Entry, Item, Prepared, Report, Validators
from monitor.schema import MIGRATIONS, chunks
from monitor.text.urls import as_uri, canonical_url
from monitor.text.words import index_words
from monitor.text.words import primed as words_primed

log = logging.getLogger(__name__)

STORY_WINDOW = timedelta(days=7)
NEW_TARGET_LOOKBACK = timedelta(days=1)   # what a new alert target gets of the past
BUSY_TIMEOUT = 60.0   # seconds
CHECKPOINT_WAIT_MS = 1000   # at close (see Store.close)
SIGNATURE_CACHE = 20_000   # stories' signatures kept in memory (compact: about 2.5 KB each)
COMMON_KEYS_KEPT = 200_000   # common story-index keys remembered (about 40 bytes each)
WAL_CHECKPOINT_PAGES = 10_000   # 4 KB pages: see Store.__init__
CACHE_KB = 32_768   # SQLite's page cache per connection
# Unmatched items deleted per transaction, and at most per call (Store.forget_unmatched):
# a few tens of milliseconds each, so the scheduler's other work is never held up.
FORGET_BATCH = 2_000
FORGET_LIMIT = 20_000
# Items whose story-index rows are deleted per transaction, and at most per call
# (Store.forget_story_keys): about 24 to 48 rows each.
STORY_KEYS_BATCH = 500
STORY_KEYS_LIMIT = 5_000
# The index keeps a day beyond the window: nothing is lost to clocks that disagree.
STORY_KEYS_KEPT = STORY_WINDOW + timedelta(days=1)
# The unmatched items due to be forgotten (Store.forget_unmatched), source by source
# through the index on (source, seen): a scan of all old items would read, every
# crawl, the many that quiet pages still list. CROSS JOIN keeps the sources the
# outer loop. The first finds items of configured sources last seen a day or more
# before their page's last read, the second those of sources no longer configured
# (`temp.configured`, filled by Store.forget_unmatched on this connection).
FORGET_DUE = (
    "SELECT i.id FROM source_reads r CROSS JOIN items i "
    "WHERE r.source IN (SELECT source FROM temp.configured) "
    "AND i.source = r.source AND i.relevant = 0 AND i.seen < "
    "min(:before, strftime('%Y-%m-%dT%H:%M:%S+00:00', r.read, '-1 day'))",
    "SELECT i.id FROM (SELECT source FROM source_health UNION "
    "SELECT source FROM source_reads) k CROSS JOIN items i "
    "WHERE k.source NOT IN (SELECT source FROM temp.configured) "
    "AND i.source = k.source AND i.relevant = 0 AND i.seen < :before",
)
# Source health changes kept (Store.trim_health_events): health.xml shows the last
# 200 and alerts read only those since their last look, but a source that fails
# every other crawl adds two a crawl, for as long as the monitor runs.
HEALTH_EVENTS_KEPT = 10_000


class ItemCounts(NamedTuple):
    total: int     # every item stored, matched or not
    stories: int   # published stories: the matched items that head their story
    matched: int   # items a topic matched (or of keep_all sources), kept for good


@dataclass(frozen=True)
class SaveResult:
    new: int = 0
    updated: int = 0
    new_relevant: int = 0


@dataclass(frozen=True)
class AlertTargetState:
    """What the store remembers of one alert target (by name: its URL is a secret)."""

    target: str
    created: datetime
    last_event: int
    last_attempt: datetime | None
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _why(error: sqlite3.DatabaseError) -> str:
    """SQLite's message, with the remedy a user needs for the common cases."""
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return f"{text} (the `database:` key must name an SQLite file the monitor created)"
    if "locked" in text or "busy" in text:
        return f"{text} (another monitor holds it; try again when it has finished)"
    if "full" in text:
        return f"{text} (free some disk space)"
    return text


def _index_words(text: str | None) -> str:
    return index_words(text or "")


def _story_filters(first: str, topic: str | None, since: datetime | None,
                   until: datetime | None) -> tuple[list[str], list[object]]:
    """WHERE terms on a published item `h` (and its story's topics), with their arguments."""
    where = ["h.relevant = 1", first]
    args: list[object] = []
    if topic is not None:
        where.append("EXISTS (SELECT 1 FROM items m JOIN item_topics t ON t.item_id = m.id "
                     "WHERE m.story = h.story AND t.topic = ?)")
        args.append(topic)
    if since is not None:
        where.append("h.published >= ?")
        args.append(_iso(since))
    if until is not None:
        where.append("h.published < ?")
        args.append(_iso(until))
    return where, args


def make_guid(identity: str, item_id: int) -> str:
    """Made once, at first sight, and then stored, so it never changes with a title.

    It begins with the row number, so new guids sort after every stored one and
    each insert appends to the guid index: a guid of the identity's hash alone
    landed on a random page of that index per item, which a 10,000-source
    first crawl paid on every one of its 300,000 inserts (inserting 300,000
    rows took 6.5 s with hash-only guids, 2.9 s with these, 2.4 s with no guid
    index). The hash keeps guids apart across databases.
    """
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]
    return f"urn:thai-egov-monitor:{item_id:010d}-{digest}"


# The story index migrations (found by content, so renumbering cannot break them):
# a database from before the latest gets the last window's story keys and index
# keys rebuilt when it runs.
_STORY_INDEX_MIGRATION = max(number for number, script in enumerate(MIGRATIONS, start=1)
                             if "CREATE TABLE story_index" in script
                             or "DELETE FROM story_index" in script)


class Store:
    def __init__(self, path: Path | str, *, synonyms: Sequence[Sequence[str]] = ()) -> None:
        """`synonyms` are the config's extra equivalence groups, folded into story keys."""
        self.path = Path(path)
        self._synonyms = tuple(tuple(g) for g in synonyms)
        self._keyer: StoryKeyer | None = None
        self._signatures: dict[str, StorySignature] = {}
        self._common: set[int] = set()   # story-index keys known to be common
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # A second monitor (a `crawl` beside `run`) waits up to BUSY_TIMEOUT for
            # the other's write transaction, which is one source's batch at most.
            self.db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
            self._transactions = _Transaction(self.db)
            self.db.row_factory = sqlite3.Row
            # The search index's triggers segment Thai text in Python (schema migration 2).
            self.db.create_function("monitor_words", 1, _index_words, deterministic=True)
            # Identities are rewritten by the program's rule (schema migration 11).
            self.db.create_function("monitor_canonical", 1, _canonical_or_same,
                                    deterministic=True)
            self._use_wal()
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = NORMAL")
            # A checkpoint copies every page changed since the last one and syncs: at
            # SQLite's default of 1,000 pages it ran every few dozen sources of a
            # first crawl and was half the cost of a commit. Every commit is still
            # in the WAL at once (a crash loses nothing committed); the WAL grows to
            # about 40 MB before it is copied back.
            self.db.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
            # The story index is written and read at random places: with SQLite's
            # default 2 MB of cache its inserts cost a quarter more CPU time.
            self.db.execute(f"PRAGMA cache_size = -{CACHE_KB}")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot use the database: {_why(error)}") from None

    @property
    def _story_key(self) -> StoryKeyer:
        """Built when an item is first keyed (it compiles the synonym groups): a crawl
        that stores nothing new never needs it."""
        if self._keyer is None:
            self._keyer = story_keyer(self._synonyms)
        return self._keyer

    def _use_wal(self) -> None:
        """Switch the file to WAL, waiting as for any other lock.

        SQLite answers "database is locked" at once, without the busy timeout, when
        another connection holds the file while the mode changes: two monitors
        opening a new database together (a `crawl` beside `run`) made one fail.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def close(self) -> None:
        """Copy the write-ahead log into the database file, then close, when this
        connection wrote anything.

        The last connection to a database does this itself, and deletes the
        log. A page-reading worker's read-only connection (monitor.held) can
        outlive this one, and the database file alone must still hold all that
        was stored (a copy of it is a backup). A checkpoint that cannot finish
        within a second, because another monitor is writing, is left to it. A
        connection that only read (a `/search` request, `monitor status`) leaves
        the log to the writers: it must not wait for them.
        """
        if self.db.total_changes:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this program knows "
                f"({len(MIGRATIONS)}): upgrade the monitor")
        self._apply_migrations(after=version)
        # After every migration, so the index is written in its latest shape.
        if 0 < version < _STORY_INDEX_MIGRATION:
            self._rebuild_story_index()

    def _apply_migrations(self, after: int) -> None:
        """The migrations past `after`, each in its own transaction, all or nothing.

        A second monitor started at the same moment may have migrated first, since
        this one read `after`: the version is read again under the write lock, and
        a migration never runs over a later one (it would set the version back,
        and a migration that drops what an earlier one made would then fail).
        """
        for number, script in enumerate(MIGRATIONS[after:], start=after + 1):
            with self.transaction():
                if self.db.execute("PRAGMA user_version").fetchone()[0] >= number:
                    continue
                for statement in _statements(script):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    def _rebuild_story_index(self) -> None:
        """Key and index the last window's relevant items of a database from before the index."""
        with self.transaction():
            latest = self.db.execute("SELECT max(first_seen) FROM items").fetchone()[0]
            if latest is None:
                return
            since = _iso(datetime.fromisoformat(latest) - STORY_WINDOW)
            rows = self.db.execute(
                "SELECT id, title, summary, text FROM items WHERE relevant = 1 "
                "AND first_seen >= ?", (since,)).fetchall()
            for row in rows:
                key = self._story_key(row["title"], row["summary"], row["text"])
                self.db.execute("UPDATE items SET story_key = ? WHERE id = ?",
                                (key.dumps(), row["id"]))
                self._index_story(row["id"], key)

    # -- fetch state -------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        return self.validators_of([url]).get(url)

    def validators_of(self, urls: Sequence[str]) -> dict[str, Validators]:
        """`validators` for many URLs in a few queries: a crawl asks for all at once."""
        found = {}
        for chunk in chunks(sorted(set(urls))):
            for row in self.db.execute(
                    "SELECT url, etag, last_modified, items_digest, read_with, fetched "
                    f"FROM fetch_state WHERE url IN ({', '.join('?' * len(chunk))})", chunk):
                if row["etag"] or row["last_modified"] or row["items_digest"]:
                    found[row["url"]] = Validators(etag=row["etag"],
                                                   last_modified=row["last_modified"],
                                                   items_digest=row["items_digest"],
                                                   read_with=row["read_with"],
                                                   answered=_dt(row["fetched"]))
        return found

    def save_validators(self, url: str, doc: Document, now: datetime,
                        items_digest: str | None = None, read_with: str | None = None) -> None:
        """`items_digest`: of the items just stored from `url`; `read_with`: the settings
        that read them. Either None when the next crawl must read the page again
        whatever it is (see pipeline)."""
        self.db.execute(
            "INSERT INTO fetch_state (url, etag, last_modified, fetched, items_digest, "
            "read_with) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, fetched = excluded.fetched, "
            "items_digest = excluded.items_digest, read_with = excluded.read_with",
            (url, doc.etag, doc.last_modified, _iso(now), items_digest, read_with))

    def robots_answer(self, origin: str) -> tuple[int, bytes, datetime] | None:
        """The robots.txt answer kept for `origin`: (status, body, when it was fetched).

        A cache: a database that cannot answer means the site is asked again."""
        try:
            row = self.db.execute("SELECT status, body, fetched FROM robots WHERE origin = ?",
                                  (origin,)).fetchone()
        except sqlite3.DatabaseError as error:
            log.warning("robots.txt of %s not read from the database: %s", origin, _why(error))
            return None
        if row is None:
            return None
        return row["status"], bytes(row["body"]), datetime.fromisoformat(row["fetched"])

    def save_robots_answer(self, origin: str, status: int, body: bytes,
                           fetched: datetime) -> None:
        """Keep a robots.txt answer for the next process (see `robots_answer`)."""
        try:
            self.db.execute(
                "INSERT INTO robots (origin, status, body, fetched) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (origin) DO UPDATE SET status = excluded.status, "
                "body = excluded.body, fetched = excluded.fetched",
                (origin, status, body, _iso(fetched)))
        except sqlite3.DatabaseError as error:
            log.warning("robots.txt of %s not kept in the database: %s", origin, _why(error))

    def forget_validators(self, url: str) -> None:
        """After a failed parse the next crawl must fetch the whole body again."""
        self.db.execute("DELETE FROM fetch_state WHERE url = ?", (url,))

    # -- items -------------------------------------------------------------

    def known(self, identities: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(list(identities)):
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.db.execute(
                f"SELECT identity FROM items WHERE identity IN ({marks})", chunk))
        return found

    def record_read(self, source: str, now: datetime) -> None:
        """`source`'s page was read in full and listed items: those it did not list are
        now known to have left it (see forget_unmatched)."""
        self.db.execute("INSERT INTO source_reads (source, read) VALUES (?, ?) "
                        "ON CONFLICT (source) DO UPDATE SET read = excluded.read",
                        (source, _iso(now)))

    def forget_unmatched(self, before: datetime, sources: Collection[str], *,
                         limit: int = FORGET_LIMIT) -> int:
        """Delete up to `limit` items that matched no topic, were last seen before
        `before`, and are known to have left their page: a read of their source at
        least a day later did not list them, or no source of that name is configured
        (`sources`). Returns how many.

        They are kept only so that a listing's old items are not taken for new, and
        they are most of what a crawl stores. An item on a page that has answered 304
        since is still listed, so it stays. One that shows up again is stored again,
        as new: published only if a topic now matches it, as it would have been when
        its page was next read in full. Deleted a batch per transaction, so that a
        backlog (a shorter setting, a long pause) never holds the write lock long.
        """
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS configured "
                        "(source TEXT PRIMARY KEY) WITHOUT ROWID")
        self.db.execute("DELETE FROM temp.configured")
        self.db.executemany("INSERT OR IGNORE INTO temp.configured (source) VALUES (?)",
                            ((name,) for name in sources))
        forgotten = 0
        for query in FORGET_DUE:
            while forgotten < limit:
                batch = min(FORGET_BATCH, limit - forgotten)
                with self.transaction():
                    gone = self.db.execute(
                        f"DELETE FROM items WHERE id IN ({query} LIMIT :batch)",
                        {"before": _iso(before), "batch": batch}).rowcount
                forgotten += gone
                if gone < batch:
                    break
        return forgotten

    def forget_story_keys(self, now: datetime, *, limit: int = STORY_KEYS_LIMIT) -> int:
        """Delete the story-index rows of up to `limit` matched items first seen before
        the window (STORY_KEYS_KEPT); returns how many items.

        A lookup never takes such an item as a candidate, but its rows still counted
        towards a key's commonness (COMMON_KEY): kept, they made the keys of a
        notice an agency repeats each week common after 64 weeks, so that two
        outlets' copies of it no longer met, and the index grew without bound. The
        rows are found by their keys, worked out again from the stored story key (as
        they were written), and items are taken in the order they were stored,
        from where the last call stopped (`store_state`), so each is read once.
        Rows an item's earlier wording left (a renamed headline keeps them) stay.
        """
        before = _iso(now - STORY_KEYS_KEPT)
        forgotten = 0
        done = self._state("story_keys_forgotten_upto")
        while forgotten < limit:
            rows = self.db.execute(
                "SELECT id, story_key, first_seen FROM items WHERE id > ? AND relevant = 1 "
                "ORDER BY id LIMIT ?",
                (done, min(STORY_KEYS_BATCH, limit - forgotten))).fetchall()
            due = list(itertools.takewhile(lambda row: row["first_seen"] < before, rows))
            if not due:
                break
            with self.transaction():
                self.db.executemany(
                    "DELETE FROM story_index WHERE band = ? AND item = ?",
                    ((band, row["id"]) for row in due if row["story_key"]
                     for band in sketch(StoryKey.loads(row["story_key"]))))
                done = due[-1]["id"]
                self._set_state("story_keys_forgotten_upto", done)
            forgotten += len(due)
            if len(due) < len(rows):
                break       # the rest are in the window still
        if forgotten:
            self._common.clear()    # what was common may be no longer
        return forgotten

    def _state(self, name: str) -> int:
        row = self.db.execute("SELECT value FROM store_state WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else 0

    def _set_state(self, name: str, value: int) -> None:
        self.db.execute("INSERT INTO store_state (name, value) VALUES (?, ?) "
                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))

    def save_items(self, items: Sequence[Item], now: datetime, *, keep_all: bool = False,
                   prepared: Prepared | None = None) -> SaveResult:
        """Insert new items, update changed titles in place (guid kept), record every source.

        One query finds the items already stored; the topics and sources go in
        with executemany: a crawl of a known page costs a few statements, not
        several per item. `prepared` is what a page-reading worker computed for
        these items (index words, story keys): used instead of computing them
        here, for this save only.
        """
        new = updated = new_relevant = 0
        stamp = _iso(now)
        with self.transaction(), self._using(prepared):
            stored: dict[str, sqlite3.Row] = {}
            for chunk in chunks([item.identity for item in items]):
                marks = ",".join("?" * len(chunk))
                stored.update((row["identity"], row) for row in self.db.execute(
                    f"SELECT id, identity, title, summary, text, story_key, relevant, seen "
                    f"FROM items "
                    f"WHERE identity IN ({marks})", chunk))
            topics: list[tuple[int, str, str]] = []
            reports: list[tuple[int, str, str, str | None, str]] = []
            renamed: list[tuple[str, str, str, str, str, int]] = []
            now_relevant: list[tuple[int]] = []
            sighted: list[tuple[str, int]] = []
            day_ago = _iso(now - timedelta(days=1))
            # New items' ids, chosen as SQLite would (the largest plus one) while the
            # write lock is held, so one starting its own story names itself in its
            # INSERT: a second statement per new item was a sixth of storing a crawl.
            next_id = int(self.db.execute("SELECT IFNULL(MAX(id), 0) + 1 FROM items")
                          .fetchone()[0])
            for item in items:
                relevant = keep_all or bool(item.topics)
                row = stored.get(item.identity)
                if row is None:
                    item_id = next_id
                    next_id += 1
                    self._insert(item, relevant, now, stamp, item_id)
                    new += 1
                    new_relevant += relevant
                else:
                    item_id = row["id"]
                    if row["title"] != item.title and item.title:
                        key = self._story_key(item.title, item.summary or row["summary"],
                                              item.text or row["text"])
                        renamed.append((item.title, key.dumps(), item.summary,
                                        item.summary, stamp, item_id))
                        if relevant or row["relevant"]:
                            # The story stays; the new wording joins its index entries.
                            self._index_story(item_id, key)
                        updated += 1
                    if not relevant and not row["relevant"] and (row["seen"] or "") < day_ago:
                        sighted.append((stamp, item_id))   # see forget_unmatched
                    if relevant and not row["relevant"]:
                        now_relevant.append((item_id,))
                        turned = (StoryKey.loads(row["story_key"]) if row["story_key"] else
                                  self._story_key(row["title"], row["summary"], row["text"]))
                        self.db.execute("UPDATE items SET story_key = ? WHERE id = ?",
                                        (turned.dumps(), item_id))
                        self._index_story(item_id, turned)
                topics.extend((item_id, topic, keyword) for topic, keyword
                              in zip(item.topics, item.matched_keywords, strict=False))
                reports.append((item_id, item.source, item.link, item.outlet, stamp))
            self.db.executemany(
                "UPDATE items SET title = ?, story_key = ?, "
                "summary = CASE WHEN ? = '' THEN summary ELSE ? END, updated = ? "
                "WHERE id = ?", renamed)
            self.db.executemany("UPDATE items SET relevant = 1 WHERE id = ?", now_relevant)
            self.db.executemany("UPDATE items SET seen = ? WHERE id = ?", sighted)
            self.db.executemany(
                "INSERT OR IGNORE INTO item_topics (item_id, topic, keyword) VALUES (?, ?, ?)",
                topics)
            self.db.executemany(
                "INSERT OR IGNORE INTO item_sources (item_id, source, link, outlet, seen) "
                "VALUES (?, ?, ?, ?, ?)", reports)
        return SaveResult(new=new, updated=updated, new_relevant=new_relevant)

    @contextlib.contextmanager
    def _using(self, prepared: Prepared | None) -> Iterator[None]:
        with contextlib.ExitStack() as scope:
            if prepared is not None:
                scope.enter_context(words_primed(prepared.index_words))
                if prepared.story_keys:   # else the keyer need not even be built
                    scope.enter_context(self._story_key.primed(prepared.story_keys))
            yield

    def _insert(self, item: Item, relevant: bool, now: datetime, stamp: str,
                item_id: int) -> None:
        """`stamp` is `now` as stored, formatted once per save: a crawl inserts thousands."""
        # Only relevant items take part in stories: most crawled items are not, and
        # folding their text would be most of the work (an item turning relevant
        # later gets its key then).
        key = self._story_key(item.title, item.summary, item.text) if relevant else None
        bands = sketch(key) if key else []
        stories = self._find_stories(item, key, bands, now) if key else []
        story = stories[0] if stories else None
        self.db.execute(
            "INSERT INTO items (id, identity, guid, story, story_key, url, link, title, "
            "summary, text, published, date_is_first_seen, date_text, source, outlet, "
            "relevant, first_seen, updated, seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item_id, item.identity, make_guid(item.identity, item_id),
             item_id if story is None else story, key.dumps() if key else "",
             item.url, item.link,
             item.title, item.summary, item.text, _iso(item.published),
             int(item.date_is_first_seen), item.date_text, item.source, item.outlet,
             int(relevant), stamp, stamp, None if relevant else stamp))
        if story is not None:
            # A later outlet joining changes the story's entry: readers see `updated` move.
            self.db.execute("UPDATE items SET updated = ? WHERE id = ?", (stamp, story))
            self._merge_stories(story, stories[1:])
        self._index_bands(item_id, bands)

    def _merge_stories(self, story: int, later: Sequence[int]) -> None:
        """Fold the `later` stories that a new item of `story` also matched into it.

        Outlets rewrite one event in words too unlike to merge two by two, and a
        third outlet's wording may match both (on the labelled coverage this
        took store-level recall from 0.542 to 0.615, precision 0.980 to 0.977).
        The first story keeps its guid and lists every outlet; a later one's
        entry leaves the feeds, and where it was alerted the first counts as
        alerted too, so no target hears of the event twice. Stories sharing an
        outlet stay apart, as one outlet's own items always do (`matching_stories`).
        """
        if not later:
            return
        origins = self._origins(story)
        for other in later:
            theirs = self._origins(other)
            if theirs & origins:
                continue
            origins |= theirs
            self.db.execute("UPDATE items SET story = ? WHERE story = ?", (story, other))
            self.db.execute("INSERT OR IGNORE INTO alerts_sent (target, item_id, sent) "
                            "SELECT target, ?, sent FROM alerts_sent WHERE item_id = ?",
                            (story, other))

    def _origins(self, story: int) -> set[str]:
        return {origin for (origin,) in self.db.execute(
            "SELECT COALESCE(outlet, source) FROM items WHERE story = ?", (story,))}

    def _find_stories(self, item: Item, key: StoryKey, bands: list[int],
                      now: datetime) -> list[int]:
        """The stories of the last window that a new relevant item belongs to, via the
        index, earliest first.

        Candidates are the relevant items of the window sharing at least
        MIN_SHARED of its sketch keys (see `sketch`), and at least one in
        SHARED_PART, common keys not counted (see COMMON_KEY); each is verified
        with the exact measure. An aggregator's items come from many outlets:
        the outlet, not the aggregator, is the reporter, so two outlets seen
        through Google News can form one story.
        """
        if not bands:
            return []
        # A key's count is read from the index itself, but never more than
        # COMMON_KEY rows of it: the cost stays bounded however common it is.
        # A key once common stays so (the only items ever removed, unmatched ones, are
        # never indexed), so it is kept.
        unsure = [band for band in bands if band not in self._common]
        if unsure:
            keys = ",".join("(?)" for _ in unsure)
            if len(self._common) >= COMMON_KEYS_KEPT:
                self._common.clear()
            self._common.update(band for (band,) in self.db.execute(
                f"WITH k(band) AS (VALUES {keys}) SELECT band FROM k WHERE (SELECT COUNT(*) "
                "FROM (SELECT 1 FROM story_index s WHERE s.band = k.band LIMIT ?)) >= ?",
                (*unsure, COMMON_KEY, COMMON_KEY)))
        rare = [band for band in bands if band not in self._common]
        if len(rare) < MIN_SHARED:
            return []
        marks = ",".join("?" * len(rare))
        least = max(MIN_SHARED, -(-len(rare) // SHARED_PART))
        # The candidates sharing the most keys are the likeliest copies: verifying
        # at most CANDIDATES of them keeps the work per item fixed. The item's own
        # origin's items are never its story (see matching_stories), and an outlet's own
        # look-alikes share the most keys: they must not take the places.
        origin = item.outlet or item.source
        rows = self.db.execute(
            "SELECT i.story, i.story_key, COALESCE(i.outlet, i.source) AS origin, i.published "
            f"FROM (SELECT item, COUNT(*) AS shared FROM story_index WHERE band IN ({marks}) "
            "GROUP BY item HAVING shared >= ?) x JOIN items i ON i.id = x.item "
            "WHERE i.relevant = 1 AND i.first_seen >= ? AND COALESCE(i.outlet, i.source) != ? "
            "ORDER BY x.shared DESC, i.id LIMIT ?",
            (*rare, least, _iso(now - STORY_WINDOW), origin, CANDIDATES)).fetchall()
        if not rows:
            return []       # most items: no comparison shingles built at all
        # Dates as read (or first seen): how far apart two items are decides how alike
        # they must be (dedupe.CLOSE).
        return matching_stories(self._own_signature(key), origin, item.published,
                                ((r["story"], self._signature(r["story_key"]), r["origin"],
                                  datetime.fromisoformat(r["published"])) for r in rows))

    def _signature(self, stored_key: str) -> StorySignature:
        """A stored story key's shingles; kept, as the same stories meet many new items."""
        found = self._signatures.get(stored_key)
        if found is None:
            found = StorySignature.of(StoryKey.loads(stored_key)).compact()
            self._keep(stored_key, found)
        return found

    def _own_signature(self, key: StoryKey) -> StorySignature:
        """A new item's shingles, kept too: the item will be a candidate of the items
        after it, and building its signature again then was a third of all built in a
        first crawl (benchmarks/stories.py (b): 8,307, then 5,436)."""
        signature = StorySignature.of(key)
        self._keep(key.dumps(), signature.compact())
        return signature

    def _keep(self, stored_key: str, signature: StorySignature) -> None:
        if len(self._signatures) >= SIGNATURE_CACHE:
            self._signatures.clear()   # crude, bounded; rebuilt from the keys on demand
        self._signatures[stored_key] = signature

    def _index_story(self, item_id: int, key: StoryKey) -> None:
        self._index_bands(item_id, sketch(key))

    def _index_bands(self, item_id: int, bands: list[int]) -> None:
        # A key known to be common is skipped by every lookup, and stays common: more
        # rows of it would be written for nothing. In a first crawl of press releases
        # most rows were such (benchmarks/stories.py (c): 212,000 of 237,000).
        rows = [(band, item_id) for band in bands if band not in self._common]
        if rows:
            self.db.executemany("INSERT OR IGNORE INTO story_index (band, item) VALUES (?, ?)",
                                rows)

    def entries(self, *, limit: int, topic: str | None = None,
                since: datetime | None = None, until: datetime | None = None) -> list[Entry]:
        """Published stories, newest first; a story's topics and reports gather all its items."""
        where, args = _story_filters("h.id = h.story", topic, since, until)
        rows = self.db.execute(
            f"SELECT * FROM items h WHERE {' AND '.join(where)} "
            "ORDER BY h.published DESC, h.id DESC LIMIT ?", (*args, limit)).fetchall()
        return [self._entry(row) for row in rows]

    def _entry(self, row: sqlite3.Row) -> Entry:
        topics = tuple(r[0] for r in self.db.execute(
            "SELECT DISTINCT t.topic FROM item_topics t JOIN items m ON m.id = t.item_id "
            "WHERE m.story = ? ORDER BY t.topic", (row["id"],)))
        # An entry is what is published: its links as URIs (see `as_uri`).
        reports = tuple(
            Report(r["source"], as_uri(r["link"]), r["outlet"]) for r in self.db.execute(
                "SELECT s.source, s.link, s.outlet FROM item_sources s JOIN items m "
                "ON m.id = s.item_id WHERE m.story = ? AND m.relevant = 1 "
                "ORDER BY m.id, s.seen, s.source", (row["id"],)))
        return Entry(
            id=row["id"], guid=row["guid"], title=row["title"], link=as_uri(row["link"]),
            summary=row["summary"], published=_dt(row["published"]) or datetime.now(UTC),
            date_is_first_seen=bool(row["date_is_first_seen"]),
            first_seen=_dt(row["first_seen"]) or datetime.now(UTC),
            topics=topics, reports=reports)

    def count_items(self) -> ItemCounts:
        """What the database holds, in one pass over the items."""
        row = self.db.execute("SELECT COUNT(*), IFNULL(SUM(relevant = 1 AND id = story), 0), "
                              "IFNULL(SUM(relevant = 1), 0) FROM items").fetchone()
        return ItemCounts(int(row[0]), int(row[1]), int(row[2]))

    def search(self, match: str, *, topic: str | None = None, since: datetime | None = None,
               limit: int = 50) -> list[tuple[Entry, float]]:
        """Published stories whose item text matches an FTS5 expression, best first.

        `match` is built by monitor.search from quoted terms only; it is bound as a
        parameter, never pasted into the SQL.
        """
        where, filters = _story_filters("1", topic, since, None)
        args: list[object] = [match, *filters]
        rows = self.db.execute(
            # MATERIALIZED: bm25() works only in the FTS query itself, not once flattened.
            "WITH found AS MATERIALIZED (SELECT rowid AS id, "
            "bm25(items_fts, 10.0, 3.0, 1.0) AS rank FROM items_fts WHERE items_fts MATCH ?) "
            "SELECT s.*, MIN(found.rank) AS rank FROM found "
            "JOIN items h ON h.id = found.id JOIN items s ON s.id = h.story "
            f"WHERE {' AND '.join(where)} GROUP BY s.id ORDER BY rank, s.published DESC "
            "LIMIT ?", (*args, limit)).fetchall()
        return [(self._entry(row), float(row["rank"])) for row in rows]

    # -- health ------------------------------------------------------------

    def health(self, source: str) -> Health | None:
        row = self.db.execute(
            "SELECT * FROM source_health WHERE source = ?", (source,)).fetchone()
        return None if row is None else self._health(row)

    def health_of(self, sources: Sequence[str]) -> dict[str, Health]:
        """`health` for many sources in a few queries; those never crawled are absent."""
        found = {}
        for chunk in chunks(sorted(set(sources))):
            for row in self.db.execute("SELECT * FROM source_health WHERE source IN "
                                       f"({', '.join('?' * len(chunk))})", chunk):
                found[row["source"]] = self._health(row)
        return found

    def all_health(self) -> dict[str, Health]:
        return {r["source"]: self._health(r)
                for r in self.db.execute("SELECT * FROM source_health")}

    @staticmethod
    def _health(row: sqlite3.Row) -> Health:
        return Health(
            source=row["source"], state=as_state(row["state"]),
            last_attempt=_dt(row["last_attempt"]), last_success=_dt(row["last_success"]),
            last_error=row["last_error"], consecutive_failures=row["consecutive_failures"],
            items_last=row["items_last"], items_ever=row["items_ever"])

    def save_health(self, health: Health) -> None:
        self._record_transition(health)
        self.db.execute(
            "INSERT OR REPLACE INTO source_health (source, state, last_attempt, last_success, "
            "last_error, consecutive_failures, items_last, items_ever) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (health.source, health.state,
             _iso(health.last_attempt) if health.last_attempt else None,
             _iso(health.last_success) if health.last_success else None,
             health.last_error, health.consecutive_failures, health.items_last,
             health.items_ever))

    def _record_transition(self, health: Health) -> None:
        row = self.db.execute("SELECT state FROM source_health WHERE source = ?",
                              (health.source,)).fetchone()
        previous = row["state"] if row else None
        if is_transition(previous, health.state):
            self.db.execute(
                "INSERT INTO health_events (source, at, state, previous, error) "
                "VALUES (?, ?, ?, ?, ?)",
                (health.source, _iso(health.last_attempt or datetime.now(UTC)), health.state,
                 previous or "new", health.last_error))

    def trim_health_events(self, keep: int = HEALTH_EVENTS_KEPT) -> int:
        """Delete all but the newest `keep` health changes; returns how many went."""
        with self.transaction():
            return self.db.execute(
                "DELETE FROM health_events WHERE id <= "
                "(SELECT MAX(id) FROM health_events) - ?", (keep,)).rowcount

    def health_events(self, *, limit: int, after_id: int = 0) -> list[HealthEvent]:
        """Newest first; `after_id` gives only those recorded since an earlier look."""
        return [HealthEvent(r["id"], r["source"], _dt(r["at"]) or datetime.now(UTC),
                            r["state"], r["previous"], r["error"])
                for r in self.db.execute(
                    "SELECT * FROM health_events WHERE id > ? ORDER BY id DESC LIMIT ?",
                    (after_id, limit))]

    def story_details(self, story_ids: Sequence[int]
                      ) -> dict[int, tuple[str | None, list[tuple[str, str]]]]:
        """Per story: its date as read, and each (topic, keyword) that matched any of its items."""
        details: dict[int, tuple[str | None, list[tuple[str, str]]]] = {}
        for chunk in chunks(story_ids):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(
                    f"SELECT id, date_text FROM items WHERE id IN ({marks})", chunk):
                details[r["id"]] = (r["date_text"], [])
            for r in self.db.execute(
                    "SELECT DISTINCT m.story, t.topic, t.keyword FROM item_topics t "
                    f"JOIN items m ON m.id = t.item_id WHERE m.story IN ({marks}) "
                    "ORDER BY m.story, t.topic, t.keyword", chunk):
                if r["story"] in details:
                    details[r["story"]][1].append((r["topic"], r["keyword"]))
        return details

    # -- alerts --------------------------------------------------------------

    def alert_target(self, target: str, now: datetime, *,
                     lookback: timedelta = NEW_TARGET_LOOKBACK) -> AlertTargetState:
        """A target's record, created on first sight. A new target starts with the
        stories first seen within `lookback` (those of the crawl that just ran, at
        least), never the whole history, nor old health events."""
        self.db.execute(
            "INSERT OR IGNORE INTO alert_targets (target, created, last_event) "
            "VALUES (?, ?, (SELECT COALESCE(MAX(id), 0) FROM health_events))",
            (target, _iso(now - lookback)))
        return self._alert_target(self.db.execute(
            "SELECT * FROM alert_targets WHERE target = ?", (target,)).fetchone())

    def alert_targets(self) -> dict[str, AlertTargetState]:
        return {r["target"]: self._alert_target(r)
                for r in self.db.execute("SELECT * FROM alert_targets")}

    @staticmethod
    def _alert_target(row: sqlite3.Row) -> AlertTargetState:
        return AlertTargetState(
            target=row["target"], created=_dt(row["created"]) or datetime.now(UTC),
            last_event=row["last_event"], last_attempt=_dt(row["last_attempt"]),
            last_success=_dt(row["last_success"]), last_error=row["last_error"],
            consecutive_failures=row["consecutive_failures"])

    def unalerted(self, target: str, since: datetime, topics: Sequence[str] | None,
                  *, limit: int) -> list[Entry]:
        """Stories first seen since `since` not yet sent to `target`, oldest first;
        with `topics`, only stories with one of them."""
        where = ["h.relevant = 1", "h.id = h.story", "h.first_seen >= ?",
                 "NOT EXISTS (SELECT 1 FROM alerts_sent a WHERE a.target = ? "
                 "AND a.item_id = h.id)"]
        args: list[object] = [_iso(since), target]
        if topics is not None:
            marks = ",".join("?" * len(topics))
            where.append("EXISTS (SELECT 1 FROM items m JOIN item_topics t ON t.item_id = m.id "
                         f"WHERE m.story = h.id AND t.topic IN ({marks}))")
            args.extend(topics)
        rows = self.db.execute(
            f"SELECT * FROM items h WHERE {' AND '.join(where)} "
            "ORDER BY h.first_seen, h.id LIMIT ?", (*args, limit)).fetchall()
        return [self._entry(row) for row in rows]

    def mark_alerted(self, target: str, story_ids: Iterable[int], now: datetime) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT OR IGNORE INTO alerts_sent (target, item_id, sent) VALUES (?, ?, ?)",
                [(target, story, _iso(now)) for story in story_ids])

    def save_alert_outcome(self, target: str, now: datetime, *, error: str | None,
                           last_event: int | None = None) -> None:
        """One attempt's outcome: success resets the failure count, failure bumps it."""
        if error is None:
            self.db.execute(
                "UPDATE alert_targets SET last_attempt = ?, last_success = ?, last_error = NULL, "
                "consecutive_failures = 0, last_event = COALESCE(?, last_event) "
                "WHERE target = ?", (_iso(now), _iso(now), last_event, target))
        else:
            self.db.execute(
                "UPDATE alert_targets SET last_attempt = ?, last_error = ?, "
                "consecutive_failures = consecutive_failures + 1 WHERE target = ?",
                (_iso(now), error, target))

    # -- digests -------------------------------------------------------------

    def digest_sent(self, week: str, recipient: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM digests_sent WHERE week = ? AND recipient = ?",
            (week, recipient)).fetchone() is not None

    def mark_digest_sent(self, week: str, recipient: str, now: datetime) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO digests_sent (week, recipient, sent) VALUES (?, ?, ?)",
            (week, recipient, _iso(now)))

    def transaction(self) -> _Transaction:
        """One write transaction; nested uses join the outermost one."""
        return self._transactions



def _canonical_or_same(identity: str) -> str:
    """canonical_url for a migration: a stored identity it cannot read stays as it is,
    rather than leaving a database that no version of the program can open."""
    try:
        return canonical_url(identity)
    except Exception:   # any failure keeps the row as it was
        return identity


def _statements(script: str) -> Iterable[str]:
    """A migration's statements one by one (executescript would commit first, outside
    the transaction that checked the version); a trigger's body stays whole."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip():
        yield pending


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.depth = 0

    def __enter__(self) -> None:
        if self.depth == 0:
            # IMMEDIATE takes the write lock now, so a busy database makes us wait
            # here (busy timeout) rather than fail half-way through.
            self.db.execute("BEGIN IMMEDIATE")
        self.depth += 1

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
