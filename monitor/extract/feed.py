"""The `feed` source type: RSS 0.9x/1.0/2.0 and Atom via feedparser, JSON Feed via json.

feedparser is tolerant (a truncated or sloppy feed is still read) but it must
be handled with care: given `bytes` it treats them as a path or URL, given a
declared legacy charset it may mis-decode, and its SAX parser expands
internal entities. So it only ever gets a stream of UTF-8 made from the text
the fetcher already decoded, with the prolog cut off (see xmlsafe).

Google News search feeds get their own treatment: their links are opaque
redirect tokens, so the item's identity is its normalised title and outlet.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import feedparser

from monitor.config.settings import Source
from monitor.errors import ExtractError
from monitor.extract import another_type
from monitor.extract.cleaning import (
    aware_or_none,
    epoch_date,
    html_to_text,
    parse_iso_aware,
    safe_link,
)
from monitor.extract.plainrss import read_plain_rss
from monitor.extract.xmlsafe import drop_bad_charrefs, strip_prolog
from monitor.models import Document, Extraction, RawItem
from monitor.text.clean import collapse, slashed, strip_document_controls
from monitor.text.urls import host_of

JSON_TYPES = ("application/feed+json", "application/json")
_JSONFEED_VERSION = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/1')
_JSONFEED_PREFIXES = ("https://jsonfeed.org/version/1", "http://jsonfeed.org/version/1")
# A date string ends with an explicit zone: +07:00, +0700, Z after a digit, or one of
# the RFC 822 zone names (not any letters: "10:00 AM" names no zone).
_HAS_ZONE = re.compile(r"(?:[+-]\d{2}:?\d{2}|(?<=\d)Z|\s(?:GMT|UTC?|[ECMP][SD]T))\s*$")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_VERSION_NAMES = {
    "rss090": "RSS 0.90", "rss091n": "RSS 0.91", "rss091u": "RSS 0.91", "rss092": "RSS 0.92",
    "rss093": "RSS 0.93", "rss094": "RSS 0.94", "rss20": "RSS 2.0", "rss10": "RSS 1.0",
    "rss": "RSS", "atom01": "Atom 0.1", "atom02": "Atom 0.2", "atom03": "Atom 0.3",
    "atom10": "Atom 1.0", "atom": "Atom", "cdf": "CDF",
}
GOOGLE_NEWS_HOST = "news.google.com"

_NO_TITLE, _NO_LINK, _BAD_LINK = "no title", "no link", "a link that is not http(s)"


def extract(doc: Document, source: Source) -> Extraction:
    """Read one feed document; raise ExtractError when it is not a feed at all."""
    text = strip_document_controls(doc.text).removeprefix("\ufeff")
    if not text.strip():
        raise ExtractError("not a feed: the document is empty")
    if _is_json_feed(doc.content_type, text):
        return _extract_json(doc, text)
    return _extract_xml(doc, source, text)


# --- XML feeds -----------------------------------------------------------------------

# A link written with backslashes, as on a Windows server (`https:\\www.x.go.th\\news\\81`,
# `\\news\\82`): feedparser resolves links against the feed's address before the
# program sees them, and resolved so they named a path under the feed's own
# (`/rss///www.x.go.th/news/81`). They are mended as a browser would read them first.
# Each part stops at the next `<`, and no part gives back what it took: linear on a
# hostile feed of unclosed link tags or backslashes.
_LINK_TEXT = re.compile(r"(<(?:\w+:)?link\b[^<>]*+(?<!/)>)(?=[^<]*?\\)([^<]*+)(?=</)")
_LINK_HREF = re.compile(
    r"""(<(?:\w+:)?link\b[^<>]*?\bhref\s*+=\s*+["'])(?=[^"'<>]*?\\)([^"'<>]*+)""")


def _slashed_links(text: str) -> str:
    if "\\" not in text:
        return text
    text = _LINK_TEXT.sub(lambda found: found[1] + slashed(found[2].strip()), text)
    return _LINK_HREF.sub(lambda found: found[1] + slashed(found[2].strip()), text)


def _extract_xml(doc: Document, source: Source, text: str) -> Extraction:
    text, warnings = strip_prolog(drop_bad_charrefs(_slashed_links(text)))
    result = read_plain_rss(text) or _feedparser(doc, text)
    version = result.get("version", "")
    entries = result.get("entries", [])
    problem = result.get("bozo_exception") if result.get("bozo") else None
    if not version and not entries:
        wrong = another_type(doc, "feed")
        if wrong:
            raise ExtractError(f"not a feed: {wrong}")
        detail = f" ({problem})" if problem else ""
        raise ExtractError(f"not a feed: no RSS, Atom or RDF root element in {doc.url}{detail}")
    notes = [f"read as {_VERSION_NAMES.get(version, version or 'an unknown feed format')}"]
    if problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride):
        warnings.append(f"the feed is not well-formed XML ({problem}); "
                        "read it with a tolerant parser, some entries may be missing")

    gnews = is_google_news(doc.url, source.url, result.get("feed", {}).get("link"))
    if gnews:
        notes.append("Google News feed: outlet taken from the title suffix, "
                     "items identified by title and outlet")
    items: list[RawItem] = []
    dropped: Counter[str] = Counter()
    for entry in entries:
        item = _xml_entry(entry, doc.url, gnews)
        if isinstance(item, str):
            dropped[item] += 1
        else:
            items.append(item)
    warnings.extend(_drop_warnings(dropped))
    return Extraction(items=items, warnings=warnings, notes=notes)


def _feedparser(doc: Document, text: str) -> Any:
    """feedparser's reading: tolerant of sloppy feeds and every format, and slow."""
    try:
        result = feedparser.parse(
            io.BytesIO(text.encode("utf-8")),
            response_headers={
                "content-type": "application/xml; charset=utf-8",
                "content-location": doc.url,
            },
        )
    except Exception as exc:  # a crash of the parser on hostile input fails this source only
        raise ExtractError(f"the feed parser failed: {type(exc).__name__}: {exc}") from exc
    return result


def _xml_entry(entry: Any, base: str, gnews: bool) -> RawItem | str:
    """One feedparser entry as a RawItem, or the reason it was dropped."""
    title = _entry_title(entry)
    if not title:
        return _NO_TITLE
    raw_link = _entry_link(entry)
    link = safe_link(raw_link, base)
    if link is None:
        return _BAD_LINK if raw_link and raw_link.strip() else _NO_LINK
    date_text, published = _entry_date(entry)
    guid = collapse(str(entry.get("id") or "")) or None
    if gnews:
        source_info = entry.get("source") or {}
        title, outlet = split_outlet(title, collapse(source_info.get("title") or ""))
        return RawItem(title=title, link=link, date_text=date_text, published=published,
                       guid=guid, outlet=outlet, identity=google_news_identity(title, outlet))
    return RawItem(title=title, link=link, summary=_entry_summary(entry), date_text=date_text,
                   published=published, guid=guid)


def _entry_title(entry: Any) -> str:
    title = entry.get("title") or ""
    detail = entry.get("title_detail") or {}
    if detail.get("type") in _HTML_TYPES:
        return html_to_text(title, limit=None)
    return collapse(title)


def _entry_link(entry: Any) -> str | None:
    """The entry's own page: feedparser's `link`, an alternate link, or a permalink
    guid; else its enclosure, as feed readers offer it (an agency's feed of
    announcements may carry each as an attached PDF and nothing else)."""
    if entry.get("link"):
        return str(entry["link"])
    links = entry.get("links") or []
    for link in links:
        if link.get("href") and link.get("rel", "alternate") == "alternate":
            return str(link["href"])
    guid = str(entry.get("id") or "")
    if guid.startswith(("http://", "https://")):
        return guid
    return next((str(link["href"]) for link in links
                 if link.get("href") and link.get("rel") == "enclosure"), None)


def _entry_summary(entry: Any) -> str:
    summary = entry.get("summary") or ""
    if not summary and entry.get("content"):
        summary = entry["content"][0].get("value") or ""
    return html_to_text(summary)


def _entry_date(entry: Any) -> tuple[str | None, datetime | None]:
    """The date as written, and feedparser's reading of it when the text named a zone.

    feedparser reads a zoneless date as UTC, but the monitor's rule is that such a date
    is in the configured timezone, which only the pipeline knows; and a
    Buddhist-era year (2565) in pubDate parses to a date centuries ahead. Both
    are left to the Thai date reader through `date_text`.
    """
    for key in ("published", "updated", "created"):
        raw = collapse(entry.get(key) or "")
        if not raw:
            continue
        parsed = entry.get(f"{key}_parsed")
        published = None
        if parsed and _HAS_ZONE.search(raw):
            published = aware_or_none(datetime(*parsed[:6]).replace(tzinfo=UTC))
        # A PHP CMS that prints its database's time as it is: seconds (or
        # milliseconds) since 1970, which in a date field can be nothing else.
        return raw, published or epoch_date(raw)
    return None, None


# --- Google News ---------------------------------------------------------------------

def is_google_news(*urls: str | None) -> bool:
    """True when any of the URLs (document, configured source, feed link) is Google News."""
    for url in urls:
        host = host_of(url)
        if host == GOOGLE_NEWS_HOST or host.endswith("." + GOOGLE_NEWS_HOST):
            return True
    return False


def split_outlet(title: str, hint: str = "") -> tuple[str, str | None]:
    """Split `Headline - Outlet` into its parts, trusting the feed's <source> name first."""
    if hint and title.endswith(" - " + hint) and len(title) > len(hint) + 3:
        return title[: -len(hint) - 3].rstrip(), hint
    head, sep, tail = title.rpartition(" - ")
    if sep and head.strip() and tail.strip():
        return head.strip(), tail.strip()
    return title, hint or None


def google_news_identity(title: str, outlet: str | None) -> str:
    """A stable dedupe key for one story from one outlet, independent of the opaque link."""
    def norm(value: str) -> str:
        return " ".join(unicodedata.normalize("NFC", value).casefold().split())

    return f"gnews:{norm(title)}|{norm(outlet or '')}"


# --- JSON Feed -----------------------------------------------------------------------

def _is_json_feed(content_type: str, text: str) -> bool:
    if not text.lstrip().startswith(("{", "[")):
        return False
    return content_type in JSON_TYPES or bool(_JSONFEED_VERSION.search(text[:4096]))


def _extract_json(doc: Document, text: str) -> Extraction:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ExtractError(f"not a feed: invalid JSON ({exc}) ({doc.url})") from exc
    version = data.get("version") if isinstance(data, dict) else None
    entries = data.get("items") if isinstance(data, dict) else data
    if not isinstance(version, str) or not version.startswith(_JSONFEED_PREFIXES):
        # PRD's `contentjson` serves JSON Feed items (title, url, date_published,
        # content_html) with no `version`: the item names are JSON Feed's own, so they
        # are read as such; any other JSON needs `type: json` and its own `select:`.
        if not _jsonfeed_items(entries):
            raise ExtractError(f"not a feed: JSON without a JSON Feed version ({doc.url}); "
                               "for a JSON API use type: json with select: (item, title, link)")
        version = "items without a version"
    if not isinstance(entries, list):
        raise ExtractError(f"not a feed: JSON Feed without an items list ({doc.url})")
    items: list[RawItem] = []
    dropped: Counter[str] = Counter()
    for entry in entries:
        item = _json_item(entry, doc.url) if isinstance(entry, dict) else _NO_TITLE
        if isinstance(item, str):
            dropped[item] += 1
        else:
            items.append(item)
    notes = [f"read as JSON Feed {version.rsplit('/', 1)[-1]}"]
    return Extraction(items=items, warnings=_drop_warnings(dropped), notes=notes)


def _jsonfeed_items(entries: object) -> bool:
    """A list whose objects mostly carry JSON Feed's title and url fields."""
    if not isinstance(entries, list) or not entries:
        return False
    shaped = sum(1 for e in entries if isinstance(e, dict) and "title" in e
                 and ("url" in e or "external_url" in e))
    return shaped * 2 > len(entries)


def _json_item(entry: dict[str, Any], base: str) -> RawItem | str:
    title = collapse(_string(entry.get("title")))
    if not title:
        return _NO_TITLE
    raw_link = _string(entry.get("url")) or _string(entry.get("external_url"))
    link = safe_link(raw_link, base)
    if link is None:
        return _BAD_LINK if raw_link.strip() else _NO_LINK
    summary = html_to_text(_string(entry.get("summary")) or _string(entry.get("content_text"))
                           or _string(entry.get("content_html")))
    date_text = collapse(_string(entry.get("date_published"))
                         or _string(entry.get("date_modified"))) or None
    guid = entry.get("id")  # a string in 1.1; some 1.0 feeds write a number
    guid_text = collapse(str(guid)) if isinstance(guid, str | int) else ""
    return RawItem(title=title, link=link, summary=summary, date_text=date_text,
                   published=parse_iso_aware(date_text), guid=guid_text or None)


def _string(value: object) -> str:
    """JSON fields are untyped: anything but a string counts as missing."""
    return value if isinstance(value, str) else ""


def _drop_warnings(dropped: Counter[str]) -> list[str]:
    return [f"dropped {count} {'entry' if count == 1 else 'entries'} with {reason}"
            for reason, count in sorted(dropped.items())]
