"""A fast reader for the plainest RSS 2.0, giving what feedparser would give.

feedparser is pure Python and reads a 30-item feed in about 10 ms; most of a
feed crawl went there. Many feeds are plain RSS 2.0: no namespaces, no markup
in titles or descriptions, RFC 822 dates. For those this module reads the
same fields with the C XML parser in a fraction of a millisecond, and hands
back a result shaped like feedparser's, so the feed extractor treats both the
same way.

It is deliberately narrow: anything it is not sure feedparser would read the
same way (a namespace, an attribute, markup or an entity in a text, a relative
or unusual link, a date in another format, a malformed document) makes it
answer None, and feedparser reads the feed as before.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import datetime
from email.utils import parsedate_tz
from typing import Any
from xml.etree.ElementTree import Element

from monitor.errors import ExtractError
from monitor.extract.xmlsafe import parse_xml

# Elements of an item read here; any other (or any repeated) sends the feed to feedparser.
_ITEM_FIELDS = frozenset({"title", "link", "description", "pubDate", "guid", "category",
                          "author", "comments"})
_SINGLE = ("title", "link", "description", "pubDate", "guid")
# An absolute http(s) link with a host right after the slashes: feedparser's
# clean-ups of odd links (extra slashes, other schemes) then have nothing to change.
_PLAIN_LINK = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d+)?(?:[/?#][!-~]*)?")
# RFC 822 as feeds write it, with a four-digit year and a numeric or UTC zone.
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}(?::\d{2})? (?:GMT|UTC|UT|[+-]\d{4})")
# What feedparser may take for HTML, or decode a second time.
_MARKUP = ("<", "&")


class _NotPlain(Exception):
    """This feed is for feedparser."""


def read_plain_rss(text: str) -> dict[str, Any] | None:
    """feedparser's result for `text` (prolog already stripped), or None when unsure."""
    if not text.lstrip().startswith("<rss"):
        return None
    try:
        root = parse_xml(text.encode("utf-8"), "feed")
    except ExtractError:
        return None
    try:
        return _read(root)
    except _NotPlain:
        return None


def _read(root: Element) -> dict[str, Any]:
    if root.tag != "rss" or root.attrib != {"version": "2.0"}:
        raise _NotPlain
    channels = list(root)
    if len(channels) != 1 or channels[0].tag != "channel" or channels[0].attrib:
        raise _NotPlain
    channel = channels[0]
    feed_link = ""
    entries = []
    for child in channel:
        if not isinstance(child.tag, str) or "}" in child.tag:
            raise _NotPlain   # a comment, a processing instruction or a namespace
        if child.tag == "item":
            entries.append(_entry(child))
        elif child.tag == "link":
            feed_link = (child.text or "").strip()
    if not entries:
        raise _NotPlain   # an empty feed costs feedparser little; its notes stay its own
    return {"version": "rss20", "entries": entries, "feed": {"link": feed_link},
            "bozo": False}


def _entry(item: Element) -> dict[str, Any]:
    if item.attrib:
        raise _NotPlain
    fields: dict[str, str] = {}
    for child in item:
        tag = child.tag
        if not isinstance(tag, str) or tag not in _ITEM_FIELDS or len(child):
            raise _NotPlain
        if child.attrib and not (tag == "guid" and set(child.attrib) == {"isPermaLink"}):
            raise _NotPlain
        if tag in _SINGLE:
            if tag in fields:
                raise _NotPlain
            fields[tag] = child.text or ""
    title = fields.get("title", "")
    summary = fields.get("description", "")
    if any(mark in title or mark in summary for mark in _MARKUP):
        raise _NotPlain
    link = fields.get("link", "").strip()
    if not _PLAIN_LINK.fullmatch(link):
        raise _NotPlain
    entry: dict[str, Any] = {"title": title.strip(), "title_detail": {"type": "text/plain"},
                             "link": link}
    if "description" in fields:
        entry["summary"] = summary.strip()
    if "guid" in fields:
        # feedparser resolves a guid like a link (`n2` becomes a URL on the feed's site)
        guid = fields["guid"].strip()
        if not _PLAIN_LINK.fullmatch(guid):
            raise _NotPlain
        entry["id"] = guid
    if "pubDate" in fields:
        raw = fields["pubDate"].strip()
        entry["published"] = raw
        entry["published_parsed"] = _utc_tuple(raw)
    return entry


def _utc_tuple(raw: str) -> time.struct_time:
    """The date in UTC as feedparser gives it (a struct_time)."""
    if not _RFC822.fullmatch(raw):
        raise _NotPlain
    parts = parsedate_tz(raw)
    if parts is None:
        raise _NotPlain
    try:
        datetime(*parts[:6])   # 31 Feb: feedparser gives no date; let it say so
    except ValueError:
        raise _NotPlain from None
    return time.gmtime(calendar.timegm(parts[:9]) - (parts[9] or 0))
