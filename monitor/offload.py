"""CPU-heavy steps (extract, normalise, match) run off the event loop.

Why threads here: the point is isolation of the schedule, not parallelism.
A large crawl also reads ordinary pages in worker processes for parallelism
(monitor.readpool); the heavy pages that come here stay in threads, where a
hostile one can hold up one of WORKERS threads but never a process's queue.
While a worker thread holds the GIL, the event loop gets it back at least
every switch interval (5 ms), so fetches, timers and SIGTERM keep being
served. Only large steps go to a worker (see `step`). Lexbor (selectolax)
holds the GIL while it parses; `regex` releases it during a search
(`concurrent=True`). What keeps a single
step short is bounding its input (see monitor.extract.bounds, max_items, the
regex time limit); a `Budget` stops a source between steps and items.

The workers are daemon threads, so a step still running when the loop stops
never delays the exit (asyncio's default executor would be joined at exit).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from monitor.errors import ExtractError

T = TypeVar("T")
WORKERS = 4     # a hostile source occupies one; the others keep going

_jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
_started = 0
_start_lock = threading.Lock()


class BudgetExceeded(ExtractError):
    """A source's reading took longer than its time budget."""


class Budget:
    """A per-source deadline that the CPU steps check between items."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.cancelled = False

    def check(self) -> None:
        if self.cancelled:
            raise BudgetExceeded("stopped: the crawl was cancelled")
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"reading the source took longer than its budget of "
                                 f"{self.seconds:g} s; it was stopped")


def _worker() -> None:
    while True:
        _jobs.get()()


def _ensure_workers() -> None:
    global _started
    with _start_lock:
        while _started < WORKERS:
            threading.Thread(target=_worker, name=f"offload-{_started}", daemon=True).start()
            _started += 1


async def off_loop(budget: Budget | None, fn: Callable[..., T], *args: object) -> T:
    """`fn(*args)` in a worker thread; cancelling the caller cancels the budget too."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def job() -> None:
        try:
            result = fn(*args)
        except BaseException as error:  # handed to the awaiting task, whatever it is
            def fail(error: BaseException = error) -> None:
                settle(lambda: future.set_exception(error))
            _call_soon(loop, fail)
        else:
            _call_soon(loop, lambda: settle(lambda: future.set_result(result)))

    _ensure_workers()
    _jobs.put(job)
    try:
        return await future
    except asyncio.CancelledError:
        if budget is not None:
            budget.cancelled = True
        raise


async def step(budget: Budget, heavy: bool, fn: Callable[..., T], *args: object) -> T:
    """`fn(*args)`: in a worker when `heavy`, else right here.

    Small steps (an ordinary page, a few dozen items) stay on the loop: handing
    them to a thread costs more than they do, because every GIL-releasing call
    the loop makes (a socket, SQLite) then waits for the worker's switch
    interval.
    """
    if heavy:
        return await off_loop(budget, fn, *args)
    budget.check()
    return fn(*args)


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
    with contextlib.suppress(RuntimeError):   # a closed loop: nobody is waiting any more
        loop.call_soon_threadsafe(callback)
