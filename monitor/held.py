"""Which of a page's relevant items the database already holds as they are.

A page that changed since the last crawl mostly lists the items stored then,
with one or two new ones on top. The page-reading worker (monitor.readpool)
does two costly things for each relevant item so that the storing process
need not: it segments the item's texts for the search index and folds its
story key, about a millisecond an item (Thai segmentation is most of it). The
store uses them only for the items it inserts, renames or turns relevant, so
for the others the work was thrown away: on a re-crawl of sources with
`keep_all`, thirty items' worth for every changed page.

The worker therefore asks the database first. It opens the file read-only
(WAL readers never wait for the writer and never see a half-written save) and
reads, by the unique identity index, which of the page's items are stored,
relevant, under the same title. Whatever goes wrong (no database yet, a
locked or damaged file) only means the worker prepares every item as before:
the store computes anything not prepared, so the answer can be stale or
missing without changing what is stored.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from monitor.models import Item
from monitor.schema import HELD_ITEMS, chunks

log = logging.getLogger(__name__)

# Seconds a lookup waits on a lock (a WAL reader meets one only while the file
# is being recovered or checkpointed with a restart): not worth more.
TIMEOUT = 1.0


class HeldItems:
    """`held(items)`: the identities of `items` stored relevant under the same title."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._db: sqlite3.Connection | None = None

    def __call__(self, items: Sequence[Item]) -> set[str]:
        if not items:
            return set()
        try:
            db = self._connection()
            titles = {item.identity: item.title for item in items}
            held: set[str] = set()
            for chunk in chunks(list(titles)):
                marks = ",".join("?" * len(chunk))
                held.update(identity for identity, title in db.execute(
                    HELD_ITEMS.format(marks=marks), chunk) if titles.get(identity) == title)
            return held
        except sqlite3.Error as error:
            log.debug("%s: stored items not looked up: %s", self.database, error)
            self.close()   # opened again for the next page
            return set()

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            uri = f"{self.database.resolve().as_uri()}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, timeout=TIMEOUT)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
