"""Every output is rewritten from the store alone, so `publish` can always rebuild it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.config.settings import Config
from monitor.health import Health
from monitor.publish import feeds, jsonapi
from monitor.publish.atomic import write_atomic
from monitor.publish.digest import write_archive
from monitor.publish.healthfeed import HEALTH_FEED, MAX_EVENTS, health_rss
from monitor.publish.html_page import PER_TOPIC, Section, index_html
from monitor.publish.labels import labels
from monitor.publish.opml import OPML_FILE, opml

if TYPE_CHECKING:   # publish only reads what the store hands it
    from monitor.store import Store


def publish_all(config: Config, store: Store, *, now: datetime | None = None) -> list[str]:
    """Write every output (feeds, health.xml, subscriptions.opml, items.json and
    sources.json with their schemas, index.html); returns their names."""
    now = now or datetime.now(UTC)
    out = config.output_dir
    limit = config.feed.max_items
    entries = store.entries(limit=limit)
    written: dict[str, bytes | str | Iterable[str]] = {
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
    health = public_health(config, store)
    written["index.html"] = index_html(config, sections, health, now, entries)
    written[HEALTH_FEED] = health_rss(config, store.health_events(limit=MAX_EVENTS))
    written[OPML_FILE] = opml(config, now)
    written[jsonapi.ITEMS_FILE] = jsonapi.items_json(
        config, entries, store.story_details([e.id for e in entries]), now)
    written[jsonapi.ITEMS_SCHEMA] = jsonapi.items_schema(config)
    written[jsonapi.SOURCES_FILE] = jsonapi.sources_json(config, health, now)
    written[jsonapi.SOURCES_SCHEMA] = jsonapi.sources_schema(config)
    for name, data in written.items():
        write_atomic(out / name, data)
    write_archive(config)   # index.html links it: it exists even before the first digest
    _remove_former_topics(out, {topic.id for topic in config.topics})
    return sorted([*written, "digests/index.html"])


def _remove_former_topics(out: Path, current: set[str]) -> None:
    """A topic removed or renamed in sources.yaml leaves no feed behind: a feed that
    never changes again would tell its subscribers that nothing happens, while a
    missing one tells their reader to look (subscriptions.opml lists the new ones)."""
    folder = out / "topics"
    if not folder.is_dir():
        return
    for feed in folder.glob("*.xml"):
        if feed.stem not in current:
            feed.unlink(missing_ok=True)


def public_health(config: Config, store: Store) -> dict[str, Health]:
    """Every source's health with its secrets masked: errors saved by an older
    version, before the crawl masked them, may still quote a keyed URL."""
    health = store.all_health()
    for source in config.sources:
        h = health.get(source.name)
        if h is not None and h.last_error and source.secrets:
            health[source.name] = replace(h, last_error=source.redact(h.last_error))
    return health
