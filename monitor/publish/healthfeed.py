"""health.xml: an RSS entry each time a source goes wrong, and one when it recovers.

Operators subscribe to it in the reader they already use; each entry says what
went wrong and what to do. Errors are plain text, escaped for RSS's HTML
<description> like every other scraped or fetched string.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from monitor.config.settings import Config
from monitor.health import REMEDIES, HealthEvent

HEALTH_FEED = "health.xml"
MAX_EVENTS = 200

STATE_WORDS = {
    "failing": "ล้มเหลว (failing)",
    "broken": "ไม่พบรายการ (broken)",
    "blocked": "ถูกบล็อก (blocked)",
    "ok": "กลับมาใช้ได้ (recovered)",
}


def event_title(event: HealthEvent, source_title: str) -> str:
    return f"{source_title}: {STATE_WORDS.get(event.state, event.state)}"


def event_text(event: HealthEvent, source_title: str, public_url: str) -> str:
    """The entry's body as plain text: state change, error, and the remedy."""
    lines = [f"{source_title} ({public_url}): {event.previous} -> {event.state}"]
    if event.error and not event.recovered:
        lines.append(f"Error: {event.error}")
    lines.append("What to do: " + REMEDIES.get(event.state, "").replace(
        "NAME", event.source))
    return "\n\n".join(lines)


def health_rss(config: Config, events: Sequence[HealthEvent]) -> bytes:
    sources = {s.name: s for s in config.sources}
    self_url = urljoin(config.feed.link, HEALTH_FEED)
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(f"{config.feed.title}: สถานะแหล่งข้อมูล (source health)")
    fg.description("When a monitored source starts failing, breaks or is blocked, "
                   "and when it recovers.")
    fg.language(config.feed.language)
    fg.link(href=self_url, rel="self")
    fg.link(href=config.feed.link, rel="alternate")
    fg.generator("thai-egov-monitor")
    for event in events:
        source = sources.get(event.source)
        title = source.display_title if source else event.source
        public_url = source.public_url if source else ""
        text = event_text(event, title, public_url)
        if source is not None:
            text = source.redact(text)
        fe = fg.add_entry(order="append")
        guid = f"urn:thai-egov-monitor:health:{event.id}"
        fe.id(guid)
        fe.guid(guid, permalink=False)
        fe.title(event_title(event, title))
        fe.link(href=config.feed.link)
        fe.published(event.at)
        fe.updated(event.at)
        fe.category(term=event.state)
        fe.summary(html.escape(text, quote=False))   # RSS description is HTML
    data: bytes = fg.rss_str(pretty=True)
    return data
