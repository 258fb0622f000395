"""Every output is rewritten from the store alone, so `publish` can always rebuild it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from monitor.config.settings import Config
from monitor.publish import feeds
from monitor.publish.atomic import write_atomic
from monitor.publish.digest import write_archive
from monitor.publish.html_page import PER_TOPIC, Section, index_html
from monitor.publish.labels import labels

if TYPE_CHECKING:   # publish only reads what the store hands it
    from monitor.store import Store


def publish_all(config: Config, store: Store, *, now: datetime | None = None) -> list[str]:
    """Write feed.xml, atom.xml, feed.json, topics/<id>.xml and index.html; returns their names."""
    now = now or datetime.now(UTC)
    out = config.output_dir
    limit = config.feed.max_items
    entries = store.entries(limit=limit)
    written: dict[str, bytes | str] = {
        "feed.xml": feeds.rss(config, entries),
        "atom.xml": feeds.atom(config, entries),
        "feed.json": feeds.json_feed(config, entries),
    }
    words = labels(config.feed.language)
    sections = []
    for topic in config.topics:
        chosen = store.entries(limit=limit, topic=topic.id)
        written[f"topics/{topic.id}.xml"] = feeds.rss(config, chosen, topic=topic)
        sections.append(Section(topic.id, topic.title, chosen[:PER_TOPIC]))
    untagged = [e for e in entries if not e.topics][:PER_TOPIC]
    if untagged:
        sections.append(Section("other", words["other"], untagged))
    written["index.html"] = index_html(config, sections, store.all_health(), now, entries)
    for name, data in written.items():
        write_atomic(out / name, data)
    write_archive(config)   # index.html links it: it exists even before the first digest
    return sorted([*written, "digests/index.html"])
