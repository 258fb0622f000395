"""Reading pages in worker processes, so that a large crawl uses every core.

A first crawl of thousands of sources is CPU-bound: extracting, normalising
and matching a page costs about as much as fetching and storing it, and one
Python process uses one core. Worker processes (spawned, so they share no
locks or threads with the event loop) each build the matcher once and read
whole pages: the page goes in, matched items come out.

What stays the same as reading in-process (monitor.offload):
- the source's time budget: its deadline is a monotonic clock reading, which
  every process on the machine shares, and the worker checks it between items;
- a hostile page holds up only the worker reading it, and the caller stops
  waiting when the budget is spent; a worker still reading it STUCK seconds
  later is killed with its pool, and the pages queued behind it go back to
  their callers;
- a crawl cancelled by SIGTERM does not wait for workers: they are daemons,
  terminated when the program exits, and ignore SIGINT (the parent decides).

Small crawls never start a worker (it costs a few tenths of a second to
start). Until a worker has started, and whenever QUEUED_PER_WORKER pages wait
for each, the caller reads the page itself: no page waits for a worker to
start, and the event loop's own core is never left idle while pages queue.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import itertools
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from monitor.config.settings import Source, Topic
from monitor.held import HeldItems
from monitor.models import Document
from monitor.offload import Budget, BudgetExceeded

if TYPE_CHECKING:   # the reading steps load in the worker, and in a crawl only for a page
    from multiprocessing.pool import Pool  # and so does multiprocessing: 4 ms at start-up

    from monitor.reading import PageRead

# A crawl of fewer sources than this reads in-process: starting a worker costs
# more than it would save.
MIN_SOURCES = 50
WORKERS = max(0, (os.cpu_count() or 1) - 1)   # the event loop's process has the other core
# Pages waiting per worker before the caller reads one itself. A longer queue makes
# sources wait on it while the loop's core idles (500 sources: 32 -> 4.9 s, 1,000 -> 7.2 s).
QUEUED_PER_WORKER = 8
GRACE = 5.0   # seconds past a budget before the caller stops waiting for a worker
STUCK = 5.0   # and seconds after that before a worker still reading the page is killed
HELD_DATABASES = 4   # open read-only connections a worker keeps (see _read)

_pool: Pool | None = None
_ready = threading.Event()   # a worker has started: until then pages are read in-process
_lock = threading.Lock()
_counts = threading.Lock()   # apart from _lock: _stop holds that while the pool's threads end
_in_flight = 0
# Each page in a worker, by a number of its own: how to hand it back to its caller
# should the pool be replaced before it is read (see _replace_if_stuck).
_waiting: dict[int, Callable[[], None]] = {}
_numbers = itertools.count()
# Pages handed to workers, and read by them, in this process's lifetime (for tests).
pages_sent = pages_read = 0


def wanted(source_count: int) -> bool:
    """Whether a crawl of `source_count` sources should read pages in workers."""
    return WORKERS > 0 and source_count >= MIN_SOURCES


def _worker_start() -> None:
    # Ctrl-C reaches the whole process group: the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _started() -> bool:
    return True


# The database each worker looks stored items up in (monitor.held), by path: a
# worker serves every crawl of its process, and tests crawl many databases.
_held: dict[Path, HeldItems] = {}


def _read(doc: Document, source: Source, tz: ZoneInfo, now: datetime, budget: Budget,
          topics: tuple[Topic, ...], synonyms: tuple[tuple[str, ...], ...],
          cap: int, database: Path | None, seed: bytes | None,
          last_digest: str | None) -> PageRead:
    from monitor.reading import matcher_for, read_page

    held = None
    if database is not None:
        held = _held.get(database)
        if held is None:
            if len(_held) >= HELD_DATABASES:
                for stale in _held.values():
                    stale.close()
                _held.clear()
            held = _held[database] = HeldItems(database)
    return read_page(doc, source, tz, now, budget, matcher_for(topics, synonyms), cap,
                     synonyms, held, seed, last_digest)


def _get_pool() -> Pool:
    global _pool
    import multiprocessing
    with _lock:
        if _pool is None:
            _pool = multiprocessing.get_context("spawn").Pool(WORKERS, _worker_start)
            # A worker takes a few tenths of a second to start: a crawl of one source
            # must not wait for it, so pages go to workers once one has answered.
            _pool.apply_async(_started, callback=lambda _: _ready.set())
        return _pool


def start(timeout: float) -> bool:
    """Start the workers now and wait until one answers (tests and benchmarks)."""
    _get_pool()
    return _ready.wait(timeout)


def _stop() -> None:
    """Kill the workers, whatever they are reading: at exit nobody waits for a page."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.terminate()
            _pool = None
            _ready.clear()


atexit.register(_stop)   # once, however many pools a long run goes through


def _replace_if_stuck(pool: Pool, number: int) -> None:
    """Kill `pool` if page `number` is still being read (a timer's thread, STUCK after
    its caller gave up): a page whose reading overruns its budget inside one call
    never reaches a budget check, and the pages queued behind it would wait for
    their own budgets and fail. Those are handed back to their callers, who read
    them themselves; the next page starts a new pool."""
    global _pool, _in_flight
    with _counts:
        if number not in _waiting:   # read after all
            return
    with _lock:
        if _pool is not pool:   # replaced already
            return
        _pool = None
        _ready.clear()
    with _counts:
        stranded = list(_waiting.values())
        _waiting.clear()
        _in_flight = 0
    for hand_back in stranded:
        hand_back()
    pool.terminate()


async def read_in_worker(doc: Document, source: Source, tz: ZoneInfo, now: datetime,
                         budget: Budget, topics: tuple[Topic, ...],
                         synonyms: tuple[tuple[str, ...], ...], cap: int,
                         database: Path | None = None, seed: bytes | None = None,
                         last_digest: str | None = None) -> PageRead | None:
    """The page read by a worker process, or None when none has started yet, every
    one has QUEUED_PER_WORKER pages waiting, or the pool was replaced before the
    page was read (the caller then reads it itself).

    `database` is the store's file: the worker prepares nothing for the items it
    already holds as they are (monitor.held). With `seed` (digests.digest_seed)
    the items are digested; equal to `last_digest`, that of the items last
    stored from the page, they are not read further."""
    global _in_flight, pages_sent
    pool = _get_pool()
    if not _ready.is_set() or _in_flight >= WORKERS * QUEUED_PER_WORKER:
        return None
    loop = asyncio.get_running_loop()
    future: asyncio.Future[PageRead | None] = loop.create_future()
    number = next(_numbers)

    def settle(outcome: PageRead | BaseException | None) -> None:
        if future.done():   # the caller stopped waiting (budget, cancellation)
            return
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    def answer(outcome: PageRead | BaseException | None) -> None:
        with contextlib.suppress(RuntimeError):   # a closed loop: nobody is waiting
            loop.call_soon_threadsafe(settle, outcome)

    def deliver(outcome: PageRead | BaseException) -> None:   # in the pool's thread
        # Counted here, not on the loop: a result may come after its loop has closed.
        global _in_flight, pages_read
        with _counts:
            if _waiting.pop(number, None) is None:   # handed back when its pool was replaced
                return
            _in_flight -= 1
            pages_read += not isinstance(outcome, BaseException)
        answer(outcome)

    # Readers read the decoded text; the raw bytes would only be copied across.
    doc = replace(doc, content=b"")
    with _counts:
        _waiting[number] = functools.partial(answer, None)
        _in_flight += 1
        pages_sent += 1
    try:
        pool.apply_async(_read, (doc, source, tz, now, budget, topics, synonyms, cap,
                                 database, seed, last_digest),
                         callback=deliver, error_callback=deliver)
    except ValueError:   # the pool was replaced since this call took it: read it here
        with _counts:
            if _waiting.pop(number, None) is not None:
                _in_flight -= 1
        return None
    try:
        return await asyncio.wait_for(
            future, max(0.0, budget.deadline - time.monotonic()) + GRACE)
    except TimeoutError:
        stuck = threading.Timer(STUCK, _replace_if_stuck, (pool, number))
        stuck.daemon = True
        stuck.start()
        raise BudgetExceeded(f"reading the source took longer than its budget of "
                             f"{budget.seconds:g} s; it was stopped") from None
