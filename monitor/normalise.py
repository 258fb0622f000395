"""RawItem -> Item: clean text, one publishable link, one identity, one aware date.

Everything an extractor found is untrusted; after this stage titles carry no
control characters, links are http(s) only, and every item has a date, even
if it is only the time it was first seen (and says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from monitor.models import Item, RawItem
from monitor.text.clean import collapse, strip_controls, truncate
from monitor.text.thaidate import is_plausible, parse_date
from monitor.text.urls import canonical_url, is_publishable, without_session


@dataclass(frozen=True)
class Dropped:
    """An item the normaliser refused, and why (shown by `preview`)."""

    title: str
    link: str
    reason: str


# Bidi embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069): a scraped
# title carrying U+202E renders reversed in feed readers and mail clients, which is
# how spoofed text ("fdp.exe") is made. Thai needs none of them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Titles longer than this are cut: a page can put a megabyte in a heading, and a
# title travels into every feed, page and digest email.
TITLE_LIMIT = 300
# A date cell is read, kept and shown up to this many characters. Real ones are
# under 150 ("วันพฤหัสบดีที่ 12 มกราคม พ.ศ. 2568 เวลา 10:30 น. | อ่าน 1,234 ครั้ง");
# a selector that lands on a megabyte of text made the date reader walk all of it
# (2.5 s for a 5 MB cell) and the database keep it.
DATE_TEXT_LIMIT = 300


def clean(text: str | None) -> str:
    """Plain, single-spaced, showable text, whatever the extractor left in it."""
    return collapse(_BIDI_CONTROLS.sub("", text)) if text else ""


# A date in the link's path, as WordPress and news systems write permalinks
# (`/2026/12/07/slug`, `/news/2569/12/07/123`): the item's date when the page gave
# none. Year, month and day all there, the year Gregorian or Buddhist-era.
_PATH_DATE = re.compile(r"/((?:20|25)[0-9]{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12][0-9]|3[01])"
                        r"(?=[/_.-]|$)")


def link_date(link: str, *, tz: ZoneInfo, now: datetime) -> tuple[str, datetime] | None:
    """The date a link's path carries, as written and as read, if there is one."""
    found = _PATH_DATE.search(urlsplit(link).path) if "/20" in link or "/25" in link else None
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    # As an ISO date, whose Buddhist-era year the date reader reads as one.
    when = parse_date(f"{year:04d}-{month:02d}-{day:02d}", tz=tz, now=now)
    return None if when is None else ("/".join(found.groups()), when)


def read_date(raw: RawItem, *, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The format's structured date if plausible, else the Thai date reader on the text."""
    if raw.published is not None:
        published = raw.published if raw.published.tzinfo else raw.published.replace(tzinfo=tz)
        if is_plausible(published, now, tz):
            return published
    if raw.date_text:
        return parse_date(date_part(raw.date_text), tz=tz, now=now)
    return None


def date_part(text: str) -> str:
    """The start of a date text that is read: DATE_TEXT_LIMIT characters, cut at a
    space so that no date is read half ("12 ม.ค. 25" of "12 ม.ค. 2568")."""
    if len(text) <= DATE_TEXT_LIMIT:
        return text
    cut = text[:DATE_TEXT_LIMIT + 1]
    return cut[:cut.rfind(" ")] if " " in cut else cut[:DATE_TEXT_LIMIT]


def normalise(raw: RawItem, *, source: str, tz: ZoneInfo, now: datetime,
              require_title: bool = True) -> Item | Dropped:
    """`require_title=False` lets a title-less sitemap entry wait for its page's title."""
    title = truncate(clean(raw.title), TITLE_LIMIT)
    link = without_session(clean(raw.link))   # a session id is neither shown nor identity
    if not is_publishable(link):
        return Dropped(title, link, "link is not http(s)")
    if not title and require_title:
        return Dropped(title, link, "no title")
    published = read_date(raw, tz=tz, now=now)
    date_text = clean(date_part(raw.date_text or "")) or None
    if published is None and not date_text:
        in_link = link_date(link, tz=tz, now=now)
        if in_link is not None:
            date_text, published = in_link
    url = canonical_url(link)   # once: it is the identity too, and not cheap
    return Item(
        source=source,
        url=url,
        link=link,
        title=title,
        summary=truncate(clean(raw.summary)),
        published=published or now,
        date_is_first_seen=published is None,
        identity=raw.identity or url,
        outlet=clean(raw.outlet) or None,
        date_text=date_text,
        text=strip_controls(raw.text or ""),
    )
