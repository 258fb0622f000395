"""Every output is rewritten from the store alone, so `publish` can always rebuild it."""

from __future__ import annotations

from datetime import datetime

from monitor.publish import feeds
from monitor.publish.atomic import write_atomic
from monitor.settings import Config
from monitor.store import Store


def publish_all(config: Config, store: Store, *, now: datetime | None = None) -> list[str]:
    """Write feed.xml, atom.xml, feed.json and topics/<id>.xml; returns the files written."""
    out = config.output_dir
    limit = config.feed.max_items
    entries = store.entries(limit=limit)
    written = {
        "feed.xml": feeds.rss(config, entries),
        "atom.xml": feeds.atom(config, entries),
        "feed.json": feeds.json_feed(config, entries),
    }
    for topic in config.topics:
        written[f"topics/{topic.id}.xml"] = feeds.rss(
            config, store.entries(limit=limit, topic=topic.id), topic=topic)
    for name, data in written.items():
        write_atomic(out / name, data)
    return sorted(written)
