"""The validated configuration, as frozen dataclasses.

`monitor.config` turns sources.yaml into these; every other module reads only
these, never raw YAML, so the rules about defaults and types live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus
from zoneinfo import ZoneInfo

from monitor import DEFAULT_USER_AGENT
from monitor.config.sourcetypes import SourceKind

SMTP_SECURITY = ("none", "starttls", "ssl")
# A source's `kind:`: a `regulation` source publishes instruments (the Royal Gazette,
# an agency's rules), whose items head the digest's and the page's highlights.
SOURCE_KINDS = ("regulation", "news")
DEFAULT_FEED_TITLE = "ติดตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565 และรัฐบาลดิจิทัล"


def _ascii_host(host: str) -> str:
    """One spelling per host name: a Thai domain may be written in Thai or as xn--."""
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host.lower()


@dataclass(frozen=True)
class TlsSettings:
    """A source's own TLS trust (`tls:`), applied only to its own host.

    Kept out of the shared defaults: a private CA or a switched-off check is a
    fact about one agency's server, and must not reach the other hosts its
    pages link to.
    """

    verify: bool = True
    ca_bundle: Path | None = None      # extra trusted roots, added to the usual ones
    host: str = ""                     # the source's host; empty: applies nowhere

    def applies_to(self, host: str) -> bool:
        return bool(self.host) and _ascii_host(host) == _ascii_host(self.host)

    @property
    def is_default(self) -> bool:
        return self.verify and self.ca_bundle is None


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
    tls: TlsSettings = field(default_factory=TlsSettings)   # a source's only, never `fetch:`'s


@dataclass(frozen=True)
class RequestSettings:
    """How the source's own URL is requested (`request:`): some sites list only after a POST."""

    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Selectors:
    """CSS selectors of an `html` source (`::attr(name)` takes an attribute), or the
    JMESPath expressions of a `json` source (`html` and `script` are json's only)."""

    item: str
    title: str | None = None
    link: str | None = None
    date: str | None = None
    summary: str | None = None
    html: str | None = None      # json: expression giving an HTML string, read with CSS
    script: str | None = None    # json: CSS of the <script> holding the page's JSON


@dataclass(frozen=True)
class Source:
    name: str
    url: str = field(repr=False)    # may hold a secret: show `public_url`
    type: SourceKind
    title: str = ""
    topics: tuple[str, ...] | None = None   # None: every topic
    keep_all: bool = False
    fetch_article: bool = False
    encoding: str | None = None
    fetch: FetchSettings = field(default_factory=FetchSettings)
    select: Selectors | None = None
    request: RequestSettings | None = None
    render: bool = False                    # read through a headless browser
    kind: str = "news"                      # SOURCE_KINDS: regulation sources lead digests
    # `url` with what `${...}` brought from the environment shown as `***`: the only
    # form any output or message may show (an API key in a query string is common).
    public_url: str = ""
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not self.public_url:
            object.__setattr__(self, "public_url", self.url)

    @property
    def display_title(self) -> str:
        return self.title or self.name

    @property
    def tls_insecure(self) -> bool:
        """`tls: {verify: false}`: what this source says may be forged; show it as a warning."""
        return not self.fetch.tls.verify
    def redact(self, text: str) -> str:
        """`text` (an error, a log line) with this source's secrets masked, raw or
        percent-encoded as an HTTP library may have rewritten them in a URL."""
        for secret in self.secrets:
            for form in dict.fromkeys((secret, quote(secret, safe=""), quote(secret),
                                       quote_plus(secret))):
                text = text.replace(form, "***")
        return text


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    # One keyword, or a group whose keywords must all match (written as a YAML
    # list inside `any:`), e.g. ["Digital Government", "/thailand|[ก-๙]/"].
    any: tuple[str | tuple[str, ...], ...]
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
    timeout: float = 60.0   # seconds for a whole SMTP conversation, all attempts

    @property
    def login_in_clear(self) -> str | None:
        """A warning when AUTH would cross the network unencrypted, else None."""
        if self.security == "none" and (self.username or self.password):
            return ("digest.smtp.security is none but a username/password is set: the "
                    "login crosses the network in clear; use starttls or ssl")
        return None


@dataclass(frozen=True)
class Recipient:
    """One `digest.to` entry: an address alone gets every topic and every week."""

    address: str
    topics: tuple[str, ...] | None = None   # None: every topic
    empty_weeks: bool = True


@dataclass(frozen=True)
class AlertTarget:
    """One `alerts:` entry. `url` is an Apprise URL holding tokens: never shown."""

    name: str
    url: str = field(repr=False)
    topics: tuple[str, ...] | None = None   # None: every topic
    when: str = "new"                       # "new" or "daily HH:MM"
    daily_at: tuple[int, int] | None = None  # (hour, minute) of a daily target
    health: bool = False                    # also source broken/blocked/recovered


@dataclass(frozen=True)
class DigestSettings:
    schedule: str = "mon 08:00"
    weekday: int = 0        # Monday = 0, as datetime.weekday()
    hour: int = 8
    minute: int = 0
    from_addr: str = "monitor@example.org"
    to: tuple[str, ...] = ()                 # every recipient's address
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    recipients: tuple[Recipient, ...] = ()   # the `to` entries written with options

    def recipient(self, address: str) -> Recipient:
        return next((r for r in self.recipients if r.address == address), Recipient(address))


FORGET_UNMATCHED_AFTER: float | None = 90 * 86400.0   # None: never


@dataclass(frozen=True)
class Config:
    path: Path                       # the sources.yaml it came from
    timezone: ZoneInfo
    output_dir: Path
    database: Path
    user_agent: str = DEFAULT_USER_AGENT
    # Seconds after it left its page that an item matching no topic is deleted (None:
    # never). Such items are kept only so that they are not taken for new; most crawled
    # items are of this kind, and kept forever they grow the database without bound.
    forget_unmatched_after: float | None = FORGET_UNMATCHED_AFTER
    fetch: FetchSettings = field(default_factory=FetchSettings)
    feed: FeedSettings = field(default_factory=FeedSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    synonyms: tuple[tuple[str, ...], ...] = ()
    topics: tuple[Topic, ...] = ()
    sources: tuple[Source, ...] = ()
    alerts: tuple[AlertTarget, ...] = ()

    def redact(self, text: str) -> str:
        """`text` with every source's secrets masked: for messages not tied to one source."""
        for source in self.sources:
            text = source.redact(text)
        return text

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)
