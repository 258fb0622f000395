"""The data that flows through the pipeline, stage by stage.

fetch -> Document; extract -> Extraction of RawItem; normalise -> Item;
match adds topics; store keeps Items; publish reads Entry (a story) back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.dedupe import Primed


@dataclass(frozen=True)
class Document:
    """A fetched response body, decoded once by the fetcher."""

    url: str                  # final URL, after redirects
    content: bytes            # raw body (decompressed)
    text: str                 # body decoded by monitor.fetch.decode's charset rules
    encoding: str             # the codec used for `text`
    content_type: str = ""    # media type without parameters, lower case
    status: int = 200
    fetched_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    # Why the body is only what arrived before the server ended it early (None: whole).
    cut: str | None = None


@dataclass(frozen=True)
class NotModified:
    """The server answered 304 to a conditional GET: nothing to parse."""

    url: str


@dataclass(frozen=True)
class Validators:
    """What a conditional GET sends back: the last ETag and Last-Modified of a URL;
    and the monitor's own, the digest of the items last read from it (see
    monitor.digests.items_digest), for a server that cannot answer 304. All of
    them hold only under the settings that read the page (`read_with`, the hex of
    monitor.digests.digest_seed)."""

    etag: str | None = None
    last_modified: str | None = None
    items_digest: str | None = None
    read_with: str | None = None
    answered: datetime | None = None   # when the page last answered in full (not 304)


@dataclass(frozen=True)
class RawItem:
    """One item as a source shows it, before any cleaning or interpretation."""

    title: str
    link: str                          # absolute URL as found (not yet canonical)
    summary: str = ""
    date_text: str | None = None       # the date as written on the page, for the Thai reader
    published: datetime | None = None  # a structured date the format itself gave (feeds, ISO)
    guid: str | None = None            # the source's own id, when it has one
    outlet: str | None = None          # the outlet named by an aggregator (Google News)
    identity: str | None = None        # overrides URL identity (opaque aggregator links)
    text: str = ""                     # main text of the article, when fetched


@dataclass(frozen=True)
class Extraction:
    """What an extractor found in one document."""

    items: list[RawItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # shown by `preview`
    follow: list[str] = field(default_factory=list)     # further documents to read (sitemap index)
    notes: list[str] = field(default_factory=list)      # why the extractor chose what it chose
    # Items seen but not read, past the source's max_items: a page of 150,000 rows
    # cost its reader 6 s for the 1,000 a crawl keeps. Counted as found.
    unread: int = 0


@dataclass(frozen=True)
class Item:
    """A cleaned, dated, canonicalised item of one source, ready to match and store."""

    source: str                 # source name
    url: str                    # canonical URL: the identity across sources
    link: str                   # the link to publish (http/https only)
    title: str
    summary: str
    published: datetime         # timezone-aware
    date_is_first_seen: bool    # True when no readable date: `published` is the crawl time
    identity: str               # dedupe key: canonical URL, or aggregator title+outlet
    outlet: str | None = None
    date_text: str | None = None
    text: str = ""
    topics: tuple[str, ...] = ()
    matched_keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """Work a page-reading worker process did for the store, keyed by the texts it is
    for: each text's search-index words, each relevant item's story key and sketch.
    It travels with the page's items and is used by the one save that stores them."""

    index_words: dict[str, str] = field(default_factory=dict)
    story_keys: Primed = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    """One outlet's copy of a story."""

    source: str
    link: str
    outlet: str | None


@dataclass(frozen=True)
class Entry:
    """A published story: its first item, plus every outlet that reported it."""

    id: int
    guid: str
    title: str
    link: str
    summary: str
    published: datetime
    date_is_first_seen: bool
    first_seen: datetime
    topics: tuple[str, ...]
    reports: tuple[Report, ...]   # first is the item's own source
