"""index.html: recent items by topic and the health of every source.

Self-contained (inline CSS, no scripts, no external requests) so it can be
served from any static host and read on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from monitor.config.settings import Config
from monitor.health import Health
from monitor.models import Entry, Report
from monitor.publish.feeds import outlet_name
from monitor.publish.render import render

PER_TOPIC = 30


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    entries: list[Entry]


@dataclass(frozen=True)
class HealthRow:
    title: str
    state: str
    last_success: datetime | None
    items_last: int | None
    last_error: str | None


def index_html(config: Config, sections: list[Section], health: dict[str, Health],
               now: datetime) -> str:
    titles = {s.name: s.display_title for s in config.sources}
    rows = []
    for source in config.sources:
        h = health.get(source.name) or Health(source.name, state="new")
        rows.append(HealthRow(source.display_title, h.state, h.last_success, h.items_last,
                              h.last_error))

    def outlet(report: Report) -> str:
        return outlet_name(report, titles)

    return render("index.html", {
        "feed": config.feed, "sections": sections, "health": rows, "now": now,
        "tz": config.timezone, "outlet": outlet,
    })
