"""Several sources' writes in one SQLite transaction, committed every BATCH_SECONDS.

A crawl wrote each source in a transaction of its own, and a commit (the
changed pages of every table and index written to the WAL) cost as much as
inserting the source's 30 items: at thousands of sources a tenth of the
crawl's CPU, and an unchanged re-crawl committed once per source just to
record its health. Sources now join one open transaction, committed when it
is BATCH_SECONDS old and when the last crawl in progress on the store ends,
so a crawl returns with everything committed, and a second monitor on the
same database waits at most about BATCH_SECONDS for the write lock.

A source's writes (items, validators, health) still go in together: a crash
loses at most the last batch, items and the validators that would skip them
alike, so the next crawl fetches and stores them again. A write that fails
rolls the whole batch back, for the same reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Iterator

from monitor.store import Store

BATCH_SECONDS = 0.5   # 0.1 s: 10,000 sources took 70 s, not 58 to 62 s (commits and checkpoints)

_batches: weakref.WeakKeyDictionary[Store, WriteBatch] = weakref.WeakKeyDictionary()


class WriteBatch:
    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)   # the registry's key must stay collectable
        self._open: contextlib.ExitStack | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._active = 0
        self._failed = False

    def join(self) -> None:
        """Before a source's writes: they go into the open batch, or begin one.

        Outside any crawl (a task still finishing after its crawl failed) the
        writes commit on their own, as each source's did before batches.
        """
        if self._open is not None or self._active == 0:
            return
        store = self._store()
        if store is None:
            return
        stack = contextlib.ExitStack()
        stack.enter_context(store.transaction())
        self._open = stack
        with contextlib.suppress(RuntimeError):   # no running loop: the crawl's end commits
            self._timer = asyncio.get_running_loop().call_later(BATCH_SECONDS, self.commit)

    def commit(self) -> None:
        """Commit the open batch (roll it back if a write in it failed)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        stack, self._open = self._open, None
        failed, self._failed = self._failed, False
        if stack is None:
            return
        if failed:
            stack.__exit__(RuntimeError, RuntimeError("a write failed"), None)
        else:
            stack.close()

    @contextlib.contextmanager
    def crawling(self) -> Iterator[None]:
        """Around one crawl: the last one to end commits what is still open."""
        self._active += 1
        try:
            yield
        except asyncio.CancelledError:   # shutdown: the sources written are whole
            raise
        except BaseException:
            self._failed = self._open is not None
            raise
        finally:
            self._active -= 1
            if self._active == 0:
                self.commit()


def batch_for(store: Store) -> WriteBatch:
    batch = _batches.get(store)
    if batch is None:
        batch = _batches[store] = WriteBatch(store)
    return batch
