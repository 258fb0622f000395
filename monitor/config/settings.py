"""The validated configuration, as frozen dataclasses.

`monitor.config` turns sources.yaml into these; every other module reads only
these, never raw YAML, so the rules about defaults and types live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from monitor import DEFAULT_USER_AGENT
from monitor.config.sourcetypes import SourceKind

SMTP_SECURITY = ("none", "starttls", "ssl")
DEFAULT_FEED_TITLE = "ติดตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565 และรัฐบาลดิจิทัล"


@dataclass(frozen=True)
class FetchSettings:
    """Per-request limits and manners; `fetch:` gives defaults, a source may override any."""

    interval: float = 3600.0          # seconds between crawls of one source
    timeout: float = 20.0             # total deadline of one request, body included
    max_bytes: int = 5 * 1000 * 1000  # decompressed body limit
    min_delay_per_host: float = 2.0   # seconds between requests to one host
    concurrency: int = 16             # requests in flight across all hosts
    retries: int = 3                  # further attempts after the first
    respect_robots: bool = True
    allow_private_networks: bool = False
    max_items: int = 1000             # items read from one source per crawl; the rest wait
    max_articles: int = 100           # article pages fetched per source per crawl


@dataclass(frozen=True)
class Selectors:
    """CSS selectors of an `html` source; `::attr(name)` takes an attribute."""

    item: str
    title: str | None = None
    link: str | None = None
    date: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    type: SourceKind
    title: str = ""
    topics: tuple[str, ...] | None = None   # None: every topic
    keep_all: bool = False
    fetch_article: bool = False
    encoding: str | None = None
    fetch: FetchSettings = field(default_factory=FetchSettings)
    select: Selectors | None = None

    @property
    def display_title(self) -> str:
        return self.title or self.name


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    any: tuple[str, ...]
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedSettings:
    title: str = DEFAULT_FEED_TITLE
    link: str = "https://monitor.example.org/"
    description: str = (
        "ข่าวและกฎหมายลำดับรองตามพระราชบัญญัติการปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565 "
        "และข่าวรัฐบาลดิจิทัล"
    )
    language: str = "th"
    max_items: int = 200


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never logged


@dataclass(frozen=True)
class DigestSettings:
    schedule: str = "mon 08:00"
    weekday: int = 0        # Monday = 0, as datetime.weekday()
    hour: int = 8
    minute: int = 0
    from_addr: str = "monitor@example.org"
    to: tuple[str, ...] = ()
    smtp: SmtpSettings = field(default_factory=SmtpSettings)


@dataclass(frozen=True)
class Config:
    path: Path                       # the sources.yaml it came from
    timezone: ZoneInfo
    output_dir: Path
    database: Path
    user_agent: str = DEFAULT_USER_AGENT
    fetch: FetchSettings = field(default_factory=FetchSettings)
    feed: FeedSettings = field(default_factory=FeedSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    synonyms: tuple[tuple[str, ...], ...] = ()
    topics: tuple[Topic, ...] = ()
    sources: tuple[Source, ...] = ()

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)
