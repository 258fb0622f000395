"""The health of a source, as a pure function of its last crawl.

A source that used to yield items and now yields none is `broken` (its
selectors probably no longer fit the site); a challenge page is `blocked`;
any other failure is `failing`. Old items are never touched by any of these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal, cast, get_args

from monitor.errors import BlockedError
from monitor.reasons import one_line

# "new": configured but never crawled (shown, never stored).
SourceState = Literal["new", "ok", "failing", "broken", "blocked"]
STATES: tuple[SourceState, ...] = ("ok", "failing", "broken", "blocked")


def as_state(text: str) -> SourceState:
    """A state read back from the database; an unknown word (a newer version's) reads as failing."""
    return cast(SourceState, text) if text in get_args(SourceState) else "failing"


@dataclass(frozen=True)
class Health:
    source: str
    state: SourceState = "ok"
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    items_last: int | None = None   # items on the last successful crawl
    items_ever: int = 0             # most items any crawl yielded: tells broken from empty


def after_success(prev: Health | None, source: str, now: datetime,
                  items: int | None, why: str | None = None) -> Health:
    """`items` is None when the server said 304: nothing changed, so neither did the count.
    `why` is what the page said of yielding nothing (`no element matched select.item
    ...`), for the error of a source turning broken: health.xml and alerts carry it."""
    prev = prev or Health(source)
    if items is None:
        state = prev.state if prev.state in ("ok", "broken") else "ok"
        return replace(prev, state=state, last_attempt=now, last_success=now,
                       consecutive_failures=0,
                       last_error=None if state == "ok" else prev.last_error)
    broken = items == 0 and prev.items_ever > 0
    return replace(
        prev,
        state="broken" if broken else "ok",
        last_attempt=now,
        last_success=now,
        last_error=(f"yielded no items, though it used to{f' ({why})' if why else ''}: "
                    "the page layout may have changed" if broken else None),
        consecutive_failures=0,
        items_last=items,
        items_ever=max(prev.items_ever, items),
    )


def after_failure(prev: Health | None, source: str, now: datetime, error: Exception,
                  redact: Callable[[str], str] = str) -> Health:
    """`redact` masks the source's secrets in the message before it is cut to one
    line: a cut through a secret would leave a part no mask matches."""
    prev = prev or Health(source)
    return replace(
        prev,
        state="blocked" if isinstance(error, BlockedError) else "failing",
        last_attempt=now,
        last_error=one_line(redact(str(error) or type(error).__name__)),
        consecutive_failures=prev.consecutive_failures + 1,
    )


@dataclass(frozen=True)
class HealthEvent:
    """A source changing state: what health.xml and operator alerts report."""

    id: int
    source: str
    at: datetime
    state: str        # the new state; "ok" after a bad one is a recovery
    previous: str     # "new" when the source had no health yet
    error: str | None

    @property
    def recovered(self) -> bool:
        return self.state == "ok"


BAD_STATES = ("failing", "broken", "blocked")

# What an operator should do about each state, shown in health.xml.
REMEDIES = {
    "failing": "the site did not answer or answered with an error; the monitor retries at "
               "every interval. If it lasts, open the source's address in a browser and run "
               "`monitor status`.",
    "broken": "the page no longer yields items, though it used to: its layout has probably "
              "changed. Run `monitor preview NAME` and fix the source's `select:`.",
    "blocked": "the site answered with a bot challenge. Make the source's `interval` longer, "
               "or ask the site to allow the monitor's user agent.",
    "ok": "it is read normally again; nothing to do.",
}


def is_transition(previous: str | None, state: str) -> bool:
    """Whether a health save is news: becoming failing/broken/blocked, or recovering."""
    before = previous or "ok"
    if state in BAD_STATES:
        return state != before
    return state == "ok" and before in BAD_STATES
