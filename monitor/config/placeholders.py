"""The example values sources.yaml ships with, which a real deployment must replace.

They are valid, so the loader accepts them (a first `monitor crawl` should
just work); `monitor check` only warns, naming the key to change.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from monitor.config.settings import Config

EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")


def _is_example(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS)


def placeholder_warnings(config: Config) -> list[str]:
    where = str(config.path)
    warnings = []
    link_host = urlsplit(config.feed.link).hostname or ""
    if _is_example(link_host):
        warnings.append(f"{where}: feed.link is the placeholder {config.feed.link}; set it to "
                        "the address feed readers use (e.g. http://HOST:8080/)")
    digest = config.digest
    examples = [a for a in digest.to if _is_example(a.rpartition("@")[2])]
    if examples:
        warnings.append(f"{where}: digest.to has the placeholder {', '.join(examples)}; "
                        "put the real recipients there (or remove digest.to)")
    if digest.to:
        if _is_example(digest.from_addr.rpartition("@")[2]):
            warnings.append(f"{where}: digest.from is the placeholder {digest.from_addr}")
        if digest.smtp.host in ("localhost", "127.0.0.1", "::1"):
            warnings.append(f"{where}: digest.smtp.host is {digest.smtp.host}:"
                            f"{digest.smtp.port}; the digest is sent only if a mail server "
                            "listens there (set digest.smtp to your provider's)")
    if config.database.is_relative_to(config.output_dir):
        new = config.path.parent / "data" / config.database.name
        warnings.append(
            f"{where}: the database {config.database} is inside output_dir, where published "
            f"files live (--serve does not serve it, but a copy of the folder would carry "
            f"it); stop the monitor, move {config.database.name} and its -wal/-shm files to "
            f"{new.parent}/, and remove any `database:` key (or set one outside output_dir)")
    return warnings
