"""What `monitor check` prints: the configuration as a user would read it back.

Never prints a secret: SMTP login is reported as present or absent.
"""

from __future__ import annotations

from monitor.config.settings import Config, FetchSettings, Source
from monitor.config.units import format_duration, format_size

TLS_INSECURE_WARNING = ("tls: {verify: false}: its certificate is not checked, so anyone on "
                        "the network path can change what it says; use tls: {ca_bundle: FILE} "
                        "instead where possible")


def describe(config: Config) -> str:
    """What `monitor check` prints: enough to confirm the file says what its author meant.

    The SMTP username and password are never shown, only whether a login is set.
    """
    f = config.fetch
    lines = [
        f"Configuration: {config.path}",
        f"  timezone    {config.timezone.key}",
        f"  output      {config.output_dir}",
        f"  database    {config.database}",
        f"  user agent  {config.user_agent}",
        f"  unmatched   {forgetting(config.forget_unmatched_after)}",
        f"  fetching    {', '.join(_fetch_summary(f))}",
        f"  feed        {config.feed.title} ({config.feed.language}), newest "
        f"{config.feed.max_items} items, served at {config.feed.link}",
    ]
    if config.synonyms:
        count = len(config.synonyms)
        lines.append(f"  synonyms    {count} group{'' if count == 1 else 's'}")
    lines += ["", f"Topics ({len(config.topics)}):"]
    width = max((len(t.id) for t in config.topics), default=0)
    for t in config.topics:
        count = len(t.any) + len(t.all) + len(t.none)
        lines.append(f"  {t.id:<{width}}  {count} keywords (any {len(t.any)}, "
                     f"all {len(t.all)}, none {len(t.none)})  {t.title}")
    if not config.topics:
        lines.append("  none: only sources with keep_all: true will publish anything")
    lines += ["", f"Sources ({len(config.sources)}):"]
    width = max((len(s.name) for s in config.sources), default=0)
    for s in config.sources:
        flags = _source_flags(s, f)
        lines.append(f"  {s.name:<{width}}  {s.type:<7}  every "
                     f"{format_duration(s.fetch.interval):<5}  {s.public_url}"
                     + (f"  [{', '.join(flags)}]" if flags else ""))
    lines += [f"  WARNING: {s.name}: {TLS_INSECURE_WARNING}" for s in config.sources
              if s.tls_insecure]
    d, smtp = config.digest, config.digest.smtp
    login = "with login" if smtp.username or smtp.password else "without login"
    recipients = ", ".join(d.to) if d.to else "nobody (digest.to is empty: written, not sent)"
    lines += ["", f"Digest: {d.schedule} ({config.timezone.key}) from {d.from_addr} to "
              f"{recipients}; SMTP {smtp.host}:{smtp.port} {smtp.security}, {login}"]
    for a in config.alerts:   # never the URL: it holds the service's token
        topics = "every topic" if a.topics is None else (", ".join(a.topics) or "no stories")
        lines.append(f"Alert {a.name}: {a.when}, {topics}"
                     + (", source health" if a.health else ""))
    if smtp.login_in_clear:
        lines.append(f"  warning: {smtp.login_in_clear}")
    return "\n".join(lines)


def forgetting(after: float | None) -> str:
    """What becomes of the items no topic matched (outside keep_all sources), which are
    never published: said alike by `check` and `status`."""
    if after is None:
        return "kept forever"
    return f"forgotten {format_duration(after)} after they left their page"


def _fetch_summary(f: FetchSettings) -> list[str]:
    return [
        f"every {format_duration(f.interval)}", f"timeout {format_duration(f.timeout)}",
        f"at most {format_size(f.max_bytes)}",
        f"{format_duration(f.min_delay_per_host)} between requests to a host",
        f"{f.concurrency} at once", f"{f.retries} retries",
        "robots.txt " + ("obeyed" if f.respect_robots else "ignored"),
        "private networks " + ("allowed" if f.allow_private_networks else "refused"),
    ]


def _source_flags(source: Source, defaults: FetchSettings) -> list[str]:
    """What sets a source apart: its own topics, switches and fetch overrides."""
    flags = []
    if source.topics is not None:
        flags.append("topics: " + (", ".join(source.topics) or "none"))
    flags += [name for name in ("keep_all", "fetch_article") if getattr(source, name)]
    if source.encoding:
        flags.append(f"encoding {source.encoding}")
    if source.fetch.tls.ca_bundle is not None:
        flags.append(f"ca_bundle {source.fetch.tls.ca_bundle.name}")
    if source.tls_insecure:
        flags.append("TLS NOT VERIFIED")
    if source.request is not None and source.request.method != "GET":
        flags.append(source.request.method)
    if source.render:
        flags.append("render")
    mine, theirs = _fetch_summary(source.fetch), _fetch_summary(defaults)
    flags += [m for m, t in zip(mine[1:], theirs[1:], strict=True) if m != t]
    return flags
