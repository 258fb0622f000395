"""What follows new items being stored: after `monitor crawl`, and in `monitor run`
each time its coalesced publish runs (at most every 30 s while crawls finish).

One function, so anything that must happen after new items are stored
(publishing now) is added once and both commands get it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from monitor.config.settings import Config
from monitor.errors import MonitorError
from monitor.pipeline import SourceResult
from monitor.publish import publish_all
from monitor.store import Store


def after_crawl(config: Config, store: Store, results: Sequence[SourceResult],
                now: datetime) -> list[str]:
    """Rewrite the outputs from the store; returns the names written.

    The hook point for work that reacts to a crawl's results (such as sending
    alerts for new matched items): add it here, not in the callers.
    """
    return publish(config, store, now)


def publish(config: Config, store: Store, now: datetime) -> list[str]:
    """publish_all, with a full disk (or a read-only one) as one line naming the folder."""
    try:
        return publish_all(config, store, now=now)
    except OSError as error:
        raise MonitorError(f"cannot write the outputs to {config.output_dir}: "
                           f"{error.strerror or error}") from None
