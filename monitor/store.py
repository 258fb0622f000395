"""SQLite storage: the only module that speaks SQL.

WAL mode lets `monitor run` crawl while `publish` or `status` read. Every
write path is one transaction, so a crash loses at most the crawl in progress,
never an item already stored.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.dedupe import StoryKey, StorySignature, band_keys, first_story, story_keyer
from monitor.errors import StoreError
from monitor.health import Health
from monitor.models import Document, Entry, Item, Report, Validators
from monitor.schema import MIGRATIONS

STORY_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class SaveResult:
    new: int = 0
    updated: int = 0
    new_relevant: int = 0


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


def make_guid(identity: str) -> str:
    """Derived once from the identity and then stored, so it never changes with a title."""
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return f"urn:thai-egov-monitor:{digest}"


# The story index migration (found by content, so renumbering cannot break it):
# items stored before it get their story keys and index bands when it runs.
_STORY_INDEX_MIGRATION = next(number for number, script in enumerate(MIGRATIONS, start=1)
                              if "CREATE TABLE story_index" in script)


class Store:
    def __init__(self, path: Path | str, *, synonyms: Sequence[Sequence[str]] = ()) -> None:
        """`synonyms` are the config's extra equivalence groups, folded into story keys."""
        self.path = Path(path)
        self._story_key = story_keyer(tuple(tuple(g) for g in synonyms))
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot use the database: {_why(error)}") from None

    def close(self) -> None:
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
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits on its own; BEGIN inside keeps the migration atomic.
            self.db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
            if number == _STORY_INDEX_MIGRATION and version > 0:
                self._rebuild_story_index()

    def _rebuild_story_index(self) -> None:
        """Key and index the last window's relevant items of a database from before the index."""
        with self._transaction():
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
                self._index_story(row["id"], StorySignature.of(key))

    # -- fetch state -------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        row = self.db.execute(
            "SELECT etag, last_modified FROM fetch_state WHERE url = ?", (url,)).fetchone()
        if row is None or not (row["etag"] or row["last_modified"]):
            return None
        return Validators(etag=row["etag"], last_modified=row["last_modified"])

    def save_validators(self, url: str, doc: Document, now: datetime) -> None:
        self.db.execute(
            "INSERT INTO fetch_state (url, etag, last_modified, fetched) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, fetched = excluded.fetched",
            (url, doc.etag, doc.last_modified, _iso(now)))

    def forget_validators(self, url: str) -> None:
        """After a failed parse the next crawl must fetch the whole body again."""
        self.db.execute("DELETE FROM fetch_state WHERE url = ?", (url,))

    # -- items -------------------------------------------------------------

    def known(self, identities: Iterable[str]) -> set[str]:
        ids = list(identities)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.db.execute(
                f"SELECT identity FROM items WHERE identity IN ({marks})", chunk))
        return found

    def save_items(self, items: Sequence[Item], now: datetime, *, keep_all: bool = False
                   ) -> SaveResult:
        """Insert new items, update changed titles in place (guid kept), record every source."""
        new = updated = new_relevant = 0
        with self._transaction():
            for item in items:
                relevant = keep_all or bool(item.topics)
                row = self.db.execute(
                    "SELECT id, title, summary, text, story_key, relevant FROM items "
                    "WHERE identity = ?",
                    (item.identity,)).fetchone()
                if row is None:
                    item_id = self._insert(item, relevant, now)
                    new += 1
                    new_relevant += relevant
                else:
                    item_id = row["id"]
                    if row["title"] != item.title and item.title:
                        key = self._story_key(item.title, item.summary or row["summary"],
                                              item.text or row["text"])
                        self.db.execute(
                            "UPDATE items SET title = ?, story_key = ?, "
                            "summary = CASE WHEN ? = '' THEN summary ELSE ? END, updated = ? "
                            "WHERE id = ?",
                            (item.title, key.dumps(), item.summary, item.summary,
                             _iso(now), item_id))
                        if relevant or row["relevant"]:
                            # The story stays; the new wording joins its index entries.
                            self._index_story(item_id, StorySignature.of(key))
                        updated += 1
                    if relevant and not row["relevant"]:
                        self.db.execute("UPDATE items SET relevant = 1 WHERE id = ?", (item_id,))
                        self._index_story(item_id, StorySignature.of(
                            StoryKey.loads(row["story_key"])))
                for topic, keyword in zip(item.topics, item.matched_keywords, strict=False):
                    self.db.execute(
                        "INSERT OR IGNORE INTO item_topics (item_id, topic, keyword) "
                        "VALUES (?, ?, ?)", (item_id, topic, keyword))
                self.db.execute(
                    "INSERT OR IGNORE INTO item_sources (item_id, source, link, outlet, seen) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (item_id, item.source, item.link, item.outlet, _iso(now)))
        return SaveResult(new=new, updated=updated, new_relevant=new_relevant)

    def _insert(self, item: Item, relevant: bool, now: datetime) -> int:
        key = self._story_key(item.title, item.summary, item.text)
        signature = StorySignature.of(key)
        bands = band_keys(signature) if relevant else []
        story = self._find_story(item, signature, bands, now) if relevant else None
        cursor = self.db.execute(
            "INSERT INTO items (identity, guid, story, story_key, url, link, title, summary, "
            "text, published, date_is_first_seen, date_text, source, outlet, relevant, "
            "first_seen, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item.identity, make_guid(item.identity), story, key.dumps(), item.url, item.link,
             item.title, item.summary, item.text, _iso(item.published),
             int(item.date_is_first_seen), item.date_text, item.source, item.outlet,
             int(relevant), _iso(now), _iso(now)))
        item_id = int(cursor.lastrowid or 0)
        if story is None:
            self.db.execute("UPDATE items SET story = id WHERE id = ?", (item_id,))
        else:
            # A later outlet joining changes the story's entry: readers see `updated` move.
            self.db.execute("UPDATE items SET updated = ? WHERE id = ?", (_iso(now), story))
        self._index_bands(item_id, bands)
        return item_id

    def _find_story(self, item: Item, signature: StorySignature, bands: list[int],
                    now: datetime) -> int | None:
        """The story of the last window that a new relevant item belongs to, via the index.

        Candidates are the relevant items sharing a band with it; each is
        verified with the exact measure. An aggregator's items come from many
        outlets: the outlet, not the aggregator, is the reporter, so two
        outlets seen through Google News can form one story.
        """
        if not bands:
            return None
        since = _iso(now - STORY_WINDOW)
        marks = ",".join("?" * len(bands))
        rows = self.db.execute(
            "SELECT DISTINCT i.story, i.story_key, COALESCE(i.outlet, i.source) AS origin "
            f"FROM story_index x JOIN items i ON i.id = x.item WHERE x.band IN ({marks}) "
            "AND i.relevant = 1 AND i.first_seen >= ?", (*bands, since)).fetchall()
        return first_story(
            signature, item.outlet or item.source,
            ((r["story"], StorySignature.of(StoryKey.loads(r["story_key"])), r["origin"])
             for r in rows))

    def _index_story(self, item_id: int, signature: StorySignature) -> None:
        self._index_bands(item_id, band_keys(signature))

    def _index_bands(self, item_id: int, bands: list[int]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO story_index (band, item) VALUES (?, ?)",
                            [(band, item_id) for band in bands])

    def entries(self, *, limit: int, topic: str | None = None,
                since: datetime | None = None, until: datetime | None = None) -> list[Entry]:
        """Published stories, newest first; a story's topics and reports gather all its items."""
        where = ["h.relevant = 1", "h.id = h.story"]
        args: list[object] = []
        if topic is not None:
            where.append("EXISTS (SELECT 1 FROM items m JOIN item_topics t ON t.item_id = m.id "
                         "WHERE m.story = h.id AND t.topic = ?)")
            args.append(topic)
        if since is not None:
            where.append("h.published >= ?")
            args.append(_iso(since))
        if until is not None:
            where.append("h.published < ?")
            args.append(_iso(until))
        rows = self.db.execute(
            f"SELECT * FROM items h WHERE {' AND '.join(where)} "
            "ORDER BY h.published DESC, h.id DESC LIMIT ?", (*args, limit)).fetchall()
        return [self._entry(row) for row in rows]

    def _entry(self, row: sqlite3.Row) -> Entry:
        topics = tuple(r[0] for r in self.db.execute(
            "SELECT DISTINCT t.topic FROM item_topics t JOIN items m ON m.id = t.item_id "
            "WHERE m.story = ? ORDER BY t.topic", (row["id"],)))
        reports = tuple(
            Report(r["source"], r["link"], r["outlet"]) for r in self.db.execute(
                "SELECT s.source, s.link, s.outlet FROM item_sources s JOIN items m "
                "ON m.id = s.item_id WHERE m.story = ? AND m.relevant = 1 "
                "ORDER BY m.id, s.seen, s.source", (row["id"],)))
        return Entry(
            id=row["id"], guid=row["guid"], title=row["title"], link=row["link"],
            summary=row["summary"], published=_dt(row["published"]) or datetime.now(UTC),
            date_is_first_seen=bool(row["date_is_first_seen"]),
            first_seen=_dt(row["first_seen"]) or datetime.now(UTC),
            topics=topics, reports=reports)

    def count_items(self) -> tuple[int, int]:
        """(all items seen, published stories)."""
        total = self.db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        stories = self.db.execute(
            "SELECT COUNT(*) FROM items WHERE relevant = 1 AND id = story").fetchone()[0]
        return int(total), int(stories)

    # -- health ------------------------------------------------------------

    def health(self, source: str) -> Health | None:
        row = self.db.execute(
            "SELECT * FROM source_health WHERE source = ?", (source,)).fetchone()
        return None if row is None else self._health(row)

    def all_health(self) -> dict[str, Health]:
        return {r["source"]: self._health(r)
                for r in self.db.execute("SELECT * FROM source_health")}

    @staticmethod
    def _health(row: sqlite3.Row) -> Health:
        return Health(
            source=row["source"], state=row["state"],
            last_attempt=_dt(row["last_attempt"]), last_success=_dt(row["last_success"]),
            last_error=row["last_error"], consecutive_failures=row["consecutive_failures"],
            items_last=row["items_last"], items_ever=row["items_ever"])

    def save_health(self, health: Health) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO source_health (source, state, last_attempt, last_success, "
            "last_error, consecutive_failures, items_last, items_ever) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (health.source, health.state,
             _iso(health.last_attempt) if health.last_attempt else None,
             _iso(health.last_success) if health.last_success else None,
             health.last_error, health.consecutive_failures, health.items_last,
             health.items_ever))

    # -- digests -------------------------------------------------------------

    def digest_sent(self, week: str, recipient: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM digests_sent WHERE week = ? AND recipient = ?",
            (week, recipient)).fetchone() is not None

    def mark_digest_sent(self, week: str, recipient: str, now: datetime) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO digests_sent (week, recipient, sent) VALUES (?, ?, ?)",
            (week, recipient, _iso(now)))

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
