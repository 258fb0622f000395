"""The whole database schema, as numbered migrations.

`PRAGMA user_version` records how many migrations a database has had; each
migration runs in its own transaction, so a crash leaves either the old or
the new schema, never half of one. Append new migrations; never edit old ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

MIGRATIONS: tuple[str, ...] = (
    # 1: items, their topics and sources, fetch state, source health, digests sent.
    """
    CREATE TABLE items (
        id                 INTEGER PRIMARY KEY,
        identity           TEXT NOT NULL UNIQUE,  -- canonical URL or aggregator key
        guid               TEXT NOT NULL UNIQUE,  -- fixed at first sight, forever
        story              INTEGER,               -- id of the first item of the same story
        story_key          TEXT NOT NULL DEFAULT '',  -- normalised title, to find the story
        url                TEXT NOT NULL,         -- canonical URL
        link               TEXT NOT NULL,         -- the link shown to readers
        title              TEXT NOT NULL,
        summary            TEXT NOT NULL DEFAULT '',
        text               TEXT NOT NULL DEFAULT '',  -- main text, when fetched
        published          TEXT NOT NULL,         -- ISO 8601, UTC
        date_is_first_seen INTEGER NOT NULL DEFAULT 0,
        date_text          TEXT,
        source             TEXT NOT NULL,         -- the source that saw it first
        outlet             TEXT,
        relevant           INTEGER NOT NULL DEFAULT 0,  -- matched a topic or keep_all
        first_seen         TEXT NOT NULL,
        updated            TEXT NOT NULL
    );
    CREATE INDEX items_published ON items (relevant, published DESC);
    CREATE INDEX items_story ON items (story);

    CREATE TABLE item_topics (
        item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        topic    TEXT NOT NULL,
        keyword  TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (item_id, topic)
    );
    CREATE INDEX item_topics_topic ON item_topics (topic);

    CREATE TABLE item_sources (
        item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        source   TEXT NOT NULL,
        link     TEXT NOT NULL,
        outlet   TEXT,
        seen     TEXT NOT NULL,
        PRIMARY KEY (item_id, source)
    );

    CREATE TABLE fetch_state (
        url            TEXT PRIMARY KEY,
        etag           TEXT,
        last_modified  TEXT,
        fetched        TEXT NOT NULL
    );

    CREATE TABLE source_health (
        source               TEXT PRIMARY KEY,
        state                TEXT NOT NULL DEFAULT 'ok',
        last_attempt         TEXT,
        last_success         TEXT,
        last_error           TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        items_last           INTEGER,
        items_ever           INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE digests_sent (
        week       TEXT NOT NULL,
        recipient  TEXT NOT NULL,
        sent       TEXT NOT NULL,
        PRIMARY KEY (week, recipient)
    );
    """,
    # 2: health transitions (for health.xml), alerts sent per story and target, and
    # each alert target's last outcome (for `status`).
    """
    CREATE TABLE health_events (
        id        INTEGER PRIMARY KEY,
        source    TEXT NOT NULL,
        at        TEXT NOT NULL,           -- ISO 8601, UTC
        state     TEXT NOT NULL,           -- the new state: ok (recovered), failing, ...
        previous  TEXT NOT NULL,           -- the state before, 'new' for a first crawl
        error     TEXT
    );
    CREATE INDEX health_events_at ON health_events (at DESC);

    CREATE TABLE alerts_sent (
        target   TEXT NOT NULL,            -- the target's name, never its URL (a secret)
        item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        sent     TEXT NOT NULL,
        PRIMARY KEY (target, item_id)
    );

    CREATE TABLE alert_targets (
        target                TEXT PRIMARY KEY,
        created               TEXT NOT NULL,    -- stories first seen before are not sent
        last_event            INTEGER NOT NULL DEFAULT 0,  -- last health_events id sent
        last_attempt          TEXT,
        last_success          TEXT,
        last_error            TEXT,
        consecutive_failures  INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 3: full-text search over published items (monitor.search). FTS5 has no Thai
    # tokenizer, so it indexes text pre-segmented by monitor_words() (registered
    # by Store on each connection: monitor.text.words.index_words), with unicode61
    # keeping Thai vowel and tone marks inside tokens. Triggers keep it in sync
    # whatever code writes `items`; only relevant items are indexed.
    """
    CREATE VIRTUAL TABLE items_fts USING fts5 (
        title, summary, text,
        tokenize = "unicode61 remove_diacritics 0 tokenchars '\u0e31\u0e34\u0e35\u0e36\u0e37\
\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e'"
    );
    INSERT INTO items_fts (rowid, title, summary, text)
        SELECT id, monitor_words(title), monitor_words(summary), monitor_words(text)
        FROM items WHERE relevant = 1;
    CREATE TRIGGER items_fts_insert AFTER INSERT ON items WHEN new.relevant = 1 BEGIN
        INSERT INTO items_fts (rowid, title, summary, text)
        VALUES (new.id, monitor_words(new.title), monitor_words(new.summary),
                monitor_words(new.text));
    END;
    CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary, text, relevant ON items
    BEGIN
        DELETE FROM items_fts WHERE rowid = old.id;
        INSERT INTO items_fts (rowid, title, summary, text)
        SELECT new.id, monitor_words(new.title), monitor_words(new.summary),
               monitor_words(new.text)
        WHERE new.relevant = 1;
    END;
    CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        DELETE FROM items_fts WHERE rowid = old.id;
    END;
    """,
    # 4: the story index: bottom-k sketch keys of each relevant item's title and lede
    # (monitor.dedupe.band_keys), so a new item finds its story's candidates by lookup.
    # items.story_key now holds the folded title and lede (StoryKey.dumps); keys of
    # older items are rebuilt by the store right after this migration.
    """
    CREATE TABLE story_index (
        band  INTEGER NOT NULL,   -- one sketch key: a shingle hash, salted by title or lede
        item  INTEGER NOT NULL,   -- items.id (no foreign key: items are never deleted,
                                  -- and a check per band row would cost every insert)
        PRIMARY KEY (band, item)
    ) WITHOUT ROWID;
    """,
    # 5: the story index's sketch keys are hashes of 7-character shingles, not 5
    # (monitor.dedupe.SKETCH_SHINGLE): keys of the old length would never meet a new
    # item's, so they go, and the store indexes the last window again right after.
    """
    DELETE FROM story_index;
    """,
    # 6: the published-date index holds relevant items only. Every query through it
    # asks for relevant items (feeds, page, digest, alerts, counts), while a crawl
    # stores many more of the others, and each one's entry landed at a random place
    # in it: a tenth of the time spent storing a first crawl (benchmarks/crawl.py's
    # web, 2% relevant). The queries' plans are unchanged.
    """
    DROP INDEX items_published;
    CREATE INDEX items_published_relevant ON items (published DESC) WHERE relevant = 1;
    """,
    # 7: robots.txt answers kept across processes (monitor.fetch.robots): a crawl run
    # by cron asked every site for its robots.txt again each time, a second request
    # per source of an unchanged re-crawl. Only answers RFC 9309 lets a crawler keep
    # for a day (2xx, 4xx) are stored.
    """
    CREATE TABLE robots (
        origin   TEXT PRIMARY KEY,   -- scheme://host[:port], as the fetcher names it
        status   INTEGER NOT NULL,
        body     BLOB NOT NULL,      -- the robots.txt of a 2xx answer, else empty
        fetched  TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 8: the digest of the items last read from a source's URL (monitor.reading.
    # items_digest), the monitor's own validator for the many agency servers that
    # send no ETag or Last-Modified, or a page that changes on every request (a
    # token, a clock, a view counter) while its items do not.
    """
    ALTER TABLE fetch_state ADD COLUMN items_digest TEXT;
    """,
    # 9: the settings a source's validators were stored under (monitor.digests): after
    # an edit (a selector, a topic) a conditional request would be answered 304 and
    # the page never read under the new settings until the site changed it.
    """
    ALTER TABLE fetch_state ADD COLUMN read_with TEXT;
    """,
    # 10: when an unmatched item (relevant = 0) was last seen on its source, recorded
    # at most daily (Store.save_items), so that such items are forgotten some time
    # after they leave every page (Store.forget_unmatched): kept forever they were
    # most of the database, growing without bound. Those stored before are counted
    # as seen now (their index is made by migration 12). The index on alerts_sent lets
    # a deleted item's cascade find its rows without reading the whole table. Unmatched
    # items have no story_index rows (only relevant items are indexed), so the index's
    # missing foreign key (migration 4) still holds.
    """
    ALTER TABLE items ADD COLUMN seen TEXT;
    UPDATE items SET seen = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') WHERE relevant = 0;
    CREATE INDEX alerts_sent_item ON alerts_sent (item_id);
    """,
    # 11: a Joomla article is known without the menu item and category it was linked
    # under (monitor.text.urls). Stored identities are rewritten by the program's own
    # rule, monitor_canonical() (registered by Store on each connection), so that an
    # article seen again is not taken for new; where both forms were stored, both stay.
    """
    UPDATE OR IGNORE items SET identity = monitor_canonical(identity),
                               url = monitor_canonical(url)
        WHERE instr(identity, 'option=com_') > 0 AND instr(identity, '#') = 0;
    """,
    # 12: when each source's page was last read in full with items on it (Store.
    # record_read): an unmatched item is forgotten only once a read of its source at
    # least a day after it was last seen no longer listed it. A page that answers 304
    # for months still lists its items, which were forgotten and stored again, every
    # article of a quiet sitemap fetched again, when it next changed.
    # The unmatched items are indexed by source and `seen`, so that forgetting reads
    # only what is due, source by source, however many old items quiet pages still
    # list. (An index on `seen` alone, made by migration 10 in a development version,
    # goes if it is there.)
    """
    CREATE TABLE source_reads (
        source  TEXT PRIMARY KEY,
        read    TEXT NOT NULL          -- ISO 8601, UTC
    ) WITHOUT ROWID;
    DROP INDEX IF EXISTS items_unmatched_seen;
    CREATE INDEX items_unmatched_by_source ON items (source, seen) WHERE relevant = 0;
    """,
    # 13: how far the story index has been emptied of items older than the story
    # window (Store.forget_story_keys): their rows can never find a candidate again,
    # yet counted towards a key's commonness, so a notice an agency repeats each
    # week turned its own keys common, and today's copies of it no longer met;
    # and they grew the index by some 24 to 48 rows per matched item.
    # A key-value table for the store's own bookkeeping.
    """
    CREATE TABLE store_state (
        name   TEXT PRIMARY KEY,
        value  INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
)

# The one read a page-reading worker makes (monitor.held), on a read-only
# connection of its own: which of a page's items are stored relevant, and under
# which title. Kept here so that the schema is known in one place; {marks} is
# one "?" per identity.
HELD_ITEMS = "SELECT identity, title FROM items WHERE identity IN ({marks}) AND relevant = 1"

T = TypeVar("T")


def chunks(values: Sequence[T], size: int = 500) -> list[list[T]]:
    """Slices short enough for SQLite's limit on bound parameters (999 in old builds),
    for the `IN (...)` reads of the store and of a page worker (monitor.held)."""
    return [list(values[i:i + size]) for i in range(0, len(values), size)]
