"""What follows new items being stored: after `monitor crawl`, and in `monitor run`
each time its coalesced publish runs (at most every 30 s while crawls finish).

One function, so anything that must happen after new items are stored
(forgetting what no output reads, publishing) is added once and both commands get it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from monitor.config.settings import Config
from monitor.config.units import format_duration
from monitor.errors import MonitorError

if TYPE_CHECKING:   # the publishers (jinja2, feedgen, lxml) load only when they write
    from monitor.pipeline import SourceResult
    from monitor.store import Store

log = logging.getLogger(__name__)

# Written by every publish; its age tells whether the outputs predate sources.yaml.
MARKER = "index.html"


def after_crawl(config: Config, store: Store, results: Sequence[SourceResult],
                now: datetime) -> list[str]:
    """Rewrite the outputs from the store; returns the names written (none when
    nothing changed).

    The hook point for work that reacts to a crawl's results (such as sending
    alerts for new matched items): add it here, not in the callers. No results
    (the scheduler's coalesced publish) always publishes.
    """
    forget_old(config, store, now)
    if results and not worth_publishing(config, results):
        return []
    return publish(config, store, now)


def forget_old(config: Config, store: Store, now: datetime) -> None:
    """Delete what no output reads any more, so the database stops growing but for
    the archive of matched items: the unmatched items not seen for
    `forget_unmatched_after`, the story index's rows of items older than the story
    window, and all but the newest health changes. Here, since `crawl` and `run`
    both come here after storing, and nothing published changes."""
    if config.forget_unmatched_after is not None:
        forgotten = store.forget_unmatched(
            now - timedelta(seconds=config.forget_unmatched_after),
            [source.name for source in config.sources])
        if forgotten:
            log.info("forgot %d unmatched items gone from their pages for %s", forgotten,
                     format_duration(config.forget_unmatched_after))
    store.forget_story_keys(now)
    store.trim_health_events()


def worth_publishing(config: Config, results: Sequence[SourceResult]) -> bool:
    """Whether these results may change the outputs: a source read something or changed
    state, or the outputs are missing or older than sources.yaml.

    An hour of 304s rewriting every feed would make readers fetch them all again.
    """
    return any(r.changed for r in results) or not _outputs_current(config)


def _outputs_current(config: Config) -> bool:
    """The outputs exist and were written after sources.yaml last changed (a new topic
    or feed title must reach them even when no source did)."""
    try:
        written = (config.output_dir / MARKER).stat().st_mtime
    except OSError:
        return False
    try:
        return written >= config.path.stat().st_mtime
    except OSError:
        return True   # a config read from elsewhere (tests, `discover`): the outputs stand


def publish(config: Config, store: Store, now: datetime) -> list[str]:
    """publish_all, with a full disk (or a read-only one) as one line naming the folder."""
    from monitor.publish import publish_all

    try:
        return publish_all(config, store, now=now)
    except OSError as error:
        raise MonitorError(f"cannot write the outputs to {config.output_dir}: "
                           f"{error.strerror or error}") from None
