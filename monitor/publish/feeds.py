"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 from stored entries.

feedgen builds RSS and Atom and lxml escapes what it writes, but that is
only XML escaping: RSS 2.0's <description> is *HTML* once the XML is read, so
scraped plain text must be HTML-escaped first or `<img onerror=...>` in a
summary becomes a live element in every reader. Atom summaries are written as
type="text" and JSON Feed carries only content_text, so neither needs it.

Every entry names each outlet that reported its story: RSS in <source> and
the description, Atom and JSON Feed as authors.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from monitor.config.settings import Config, Topic
from monitor.models import Entry, Report

GENERATOR = "thai-egov-monitor"


def outlet_name(report: Report, source_titles: Mapping[str, str]) -> str:
    """The aggregator's outlet if it named one, else the configured source title."""
    return report.outlet or source_titles.get(report.source, report.source)


def description(entry: Entry, source_titles: Mapping[str, str]) -> str:
    lines = [entry.summary] if entry.summary else []
    if len(entry.reports) > 1:
        others = ", ".join(f"{outlet_name(r, source_titles)} ({r.link})"
                           for r in entry.reports[1:])
        lines.append(f"รายงานโดย {outlet_name(entry.reports[0], source_titles)}; "
                     f"also reported by: {others}")
    return "\n\n".join(lines) or entry.title


def description_html(text: str) -> str:
    """Plain text as the HTML that RSS's <description> holds: escaped, and nothing added."""
    return html.escape(text, quote=False)


def _generator(config: Config, title: str, self_path: str, description_text: str
               ) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(urljoin(config.feed.link, self_path))
    fg.title(title)
    fg.description(html.escape(description_text))
    fg.subtitle(description_text)
    fg.language(config.feed.language)
    # feedgen keeps RSS's one channel <link> from the last link set: self first.
    fg.link(href=urljoin(config.feed.link, self_path), rel="self")
    fg.link(href=config.feed.link, rel="alternate")
    fg.generator(GENERATOR)
    return fg


def _add_entries(fg: FeedGenerator, entries: Sequence[Entry], config: Config,
                 source_titles: Mapping[str, str], *, rss: bool) -> None:
    source_urls = {s.name: s.public_url for s in config.sources}
    for entry in entries:
        fe = fg.add_entry(order="append")
        fe.id(entry.guid)
        fe.guid(entry.guid, permalink=False)
        fe.title(entry.title)
        fe.link(href=entry.link)
        published = entry.published.astimezone(config.timezone)
        fe.published(published)
        fe.updated(published)
        text = description(entry, source_titles)
        # RSS: HTML by definition; Atom: declared text, so the plain text is exact.
        fe.summary(description_html(text) if rss else text)
        for topic in entry.topics:
            fe.category(term=topic)
        for report in entry.reports:
            fe.author(name=outlet_name(report, source_titles), uri=report.link)
        if entry.reports:
            # <source> names the channel the item came from, not the item.
            first = entry.reports[0]
            fe.source(url=source_urls.get(first.source, first.link),
                      title=outlet_name(first, source_titles))


def _source_titles(config: Config) -> dict[str, str]:
    return {s.name: s.display_title for s in config.sources}


def rss(config: Config, entries: Sequence[Entry], *, topic: Topic | None = None) -> bytes:
    path = f"topics/{topic.id}.xml" if topic else "feed.xml"
    title = f"{config.feed.title}: {topic.title}" if topic else config.feed.title
    fg = _generator(config, title, path, config.feed.description)
    _add_entries(fg, entries, config, _source_titles(config), rss=True)
    data: bytes = fg.rss_str(pretty=True)
    return data


def atom(config: Config, entries: Sequence[Entry]) -> bytes:
    fg = _generator(config, config.feed.title, "atom.xml", config.feed.description)
    _add_entries(fg, entries, config, _source_titles(config), rss=False)
    data: bytes = fg.atom_str(pretty=True)
    return data


def json_feed(config: Config, entries: Sequence[Entry]) -> str:
    titles = _source_titles(config)
    items = []
    for entry in entries:
        item: dict[str, object] = {
            "id": entry.guid,
            "url": entry.link,
            "title": entry.title,
            "content_text": description(entry, titles),
            "date_published": entry.published.astimezone(config.timezone).isoformat(),
            "tags": list(entry.topics),
            "authors": [{"name": outlet_name(r, titles), "url": r.link} for r in entry.reports],
        }
        if entry.summary:
            item["summary"] = entry.summary
        if entry.date_is_first_seen:
            item["_monitor"] = {"date_is_first_seen": True}
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": config.feed.title,
        "home_page_url": config.feed.link,
        "feed_url": urljoin(config.feed.link, "feed.json"),
        "description": config.feed.description,
        "language": config.feed.language,
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2)
