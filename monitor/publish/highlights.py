"""What mattered in a week: the digest's and index.html's "this week" block.

Instruments come first: items reported by a `kind: regulation` source (the
Royal Gazette, an agency's rules) are what a reader must not miss; then how
many stories each topic had. One function, so the digest and the page agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from monitor.config.settings import Config
from monitor.health import Health
from monitor.models import Entry

MAX_PRIMARY = 20


@dataclass(frozen=True)
class TopicCount:
    id: str
    title: str
    count: int


@dataclass(frozen=True)
class Highlights:
    primary: list[Entry]            # stories from regulation sources, newest first
    counts: list[TopicCount]        # every configured topic, in config order
    failing: list[str]              # display titles of sources not ok when this was built
    sources: int                    # configured sources


def highlights(config: Config, entries: list[Entry], health: dict[str, Health],
               other_title: str, *, succeeded_since: datetime | None = None) -> Highlights:
    """`succeeded_since`: a source with no success since then counts as failing too
    (a digest written after a week in which a source never worked says so)."""
    regulation = {s.name for s in config.sources if s.kind == "regulation"}
    primary = [e for e in entries if any(r.source in regulation for r in e.reports)]
    counts = [TopicCount(t.id, t.title, sum(t.id in e.topics for e in entries))
              for t in config.topics]
    untagged = sum(not e.topics for e in entries)
    if untagged:
        counts.append(TopicCount("other", other_title, untagged))
    def failed(h: Health) -> bool:
        if h.state != "ok":
            return True
        return succeeded_since is not None and (
            h.last_success is None or h.last_success < succeeded_since)

    failing = [s.display_title for s in config.sources
               if (h := health.get(s.name)) is not None and failed(h)]
    return Highlights(primary[:MAX_PRIMARY], counts, failing, len(config.sources))
