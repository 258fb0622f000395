"""subscriptions.opml: every feed the monitor publishes, for one import into a reader.

Lists the RSS feeds only (all stories, each topic, source health): atom.xml
and feed.json carry the same stories as feed.xml, and a reader importing
them too would show every story twice.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

from monitor.config.settings import Config
from monitor.publish.healthfeed import HEALTH_FEED

OPML_FILE = "subscriptions.opml"


def published_feeds(config: Config) -> list[tuple[str, str, str | None]]:
    """(title, path under output_dir, topic group or None) of every published RSS feed."""
    feeds: list[tuple[str, str, str | None]] = [(config.feed.title, "feed.xml", None)]
    feeds += [(f"{config.feed.title}: {t.title}", f"topics/{t.id}.xml", "topics")
              for t in config.topics]
    feeds.append((f"{config.feed.title}: สถานะแหล่งข้อมูล (source health)", HEALTH_FEED, None))
    return feeds


def opml(config: Config, now: datetime) -> bytes:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = config.feed.title
    ET.SubElement(head, "dateCreated").text = format_datetime(now)
    body = ET.SubElement(root, "body")
    topics: ET.Element | None = None
    for title, path, group in published_feeds(config):
        parent = body
        if group == "topics":
            if topics is None:
                topics = ET.SubElement(body, "outline", text="หัวข้อ (topics)",
                                       title="หัวข้อ (topics)")
            parent = topics
        ET.SubElement(parent, "outline", type="rss", text=title, title=title,
                      xmlUrl=urljoin(config.feed.link, path), htmlUrl=config.feed.link)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
