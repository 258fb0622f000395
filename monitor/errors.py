"""The program's exception tree, so callers can catch by kind and users get a remedy.

    MonitorError
    ├── ConfigError        sources.yaml is wrong: names file, line and key (exit 2)
    ├── FetchError         one fetch failed; the source is reported and skipped
    │   ├── NotAllowedError    robots.txt, a private address or a non-http scheme
    │   ├── TooLargeError      the body passed max_bytes
    │   ├── FetchTimeoutError  the total deadline passed
    │   ├── HTTPStatusError    a status the program does not accept
    │   └── BlockedError       an anti-bot challenge page instead of content
    ├── ExtractError       a document could not be read as its source type
    ├── MailError          the digest could not be sent (exit 1)
    └── StoreError         the database cannot be used: newer schema, not SQLite,
                           locked, corrupt or on a full disk (exit 2)
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error the program expects and reports without a traceback."""


class ConfigError(MonitorError):
    """A mistake in sources.yaml; the message names the file, line and key."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None,
                 key: str = "") -> None:
        self.path = path
        self.line = line
        self.key = key
        self.detail = message
        where = path
        if line is not None:
            where = f"{where}:{line}" if where else f"line {line}"
        prefix = f"{where}: " if where else ""
        keypart = f"{key}: " if key else ""
        super().__init__(f"{prefix}{keypart}{message}")


class FetchError(MonitorError):
    """A request failed for good (after retries); the message is one readable line."""

    def __init__(self, message: str, *, url: str = "") -> None:
        self.url = url
        super().__init__(message)


class NotAllowedError(FetchError):
    """The URL must not be fetched: robots.txt, a private address or a bad scheme."""


class TooLargeError(FetchError):
    """The body grew past max_bytes (counted after decompression)."""


class FetchTimeoutError(FetchError):
    """The whole request, body included, took longer than `timeout`."""


class HTTPStatusError(FetchError):
    """The server answered with a status that carries no usable content."""

    def __init__(self, message: str, *, url: str = "", status: int = 0) -> None:
        self.status = status
        super().__init__(message, url=url)


class BlockedError(FetchError):
    """The site answered with an anti-bot challenge (e.g. Cloudflare) instead of content."""


class ExtractError(MonitorError):
    """The document is not what the source's type expects (not a feed, bad XML, ...)."""


class MailError(MonitorError):
    """The digest could not be delivered; the message says what to check."""


class StoreError(MonitorError):
    """The database cannot be used as it is; the message names the file and the remedy.

    Like a configuration error it needs the user, not a retry, so it exits 2.
    """
