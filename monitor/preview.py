"""`monitor preview NAME`: what a source would yield, before it goes live.

Runs the very same `read_source` as a crawl, with no store: no validators (so
nothing is 304), every item counts as new, and nothing is written.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from monitor.config.describe import TLS_INSECURE_WARNING
from monitor.config.settings import Config
from monitor.errors import ConfigError
from monitor.fetch import Fetcher
from monitor.fetch.robots import spacing_asked
from monitor.models import Document, NotModified
from monitor.pipeline import PREVIEW_ARTICLES, SourceRead, matcher_for, read_source
from monitor.progress import Progress
from monitor.text.clean import terminal_safe


class _ShowingFetcher(Fetcher):
    """A Fetcher that puts each page it fetches on the progress line (a terminal only)."""

    def __init__(self, progress: Progress, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.progress = progress
        self.pages = 0

    async def fetch(self, url: str, *args: Any, **kwargs: Any) -> Document | NotModified:
        self.progress.note(f"{self.pages} pages read; fetching {url}")
        try:
            return await super().fetch(url, *args, **kwargs)
        finally:
            self.pages += 1
            self.progress.note(f"{self.pages} pages read")


async def preview(config: Config, name: str, *, now: datetime | None = None) -> SourceRead:
    source = config.source(name)
    if source is None:
        known = ", ".join(s.name for s in config.sources) or "none"
        raise ConfigError(f"no source named {name!r}; the sources are: {known}",
                          path=str(config.path), key="preview")
    progress = Progress(0)
    try:
        async with _ShowingFetcher(progress, user_agent=config.user_agent,
                                   concurrency=config.fetch.concurrency) as fetcher:
            matcher = matcher_for(config.topics, config.synonyms)
            read = await read_source(source, config, fetcher, matcher,
                                     now=now or datetime.now(UTC),
                                     article_limit=PREVIEW_ARTICLES)
            asked = fetcher.robots_spacing(source.url)
            if asked > source.fetch.min_delay_per_host:
                # A crawl of this source may take much longer than the preview did.
                read.notes.append(
                    spacing_asked(asked, urlsplit(source.url).hostname or source.url)
                    + ", more than min_delay_per_host: each crawl's requests there are "
                    "spaced so")
            return read
    finally:
        progress.close()


def render(read: SourceRead, config: Config) -> str:
    source = read.source
    out = [f"{source.name} ({source.display_title}) — {source.type} {source.public_url}"]
    out += [f"  how: {note}" for note in read.notes]
    relevant = 0
    for number, item in enumerate(read.items, start=1):
        out.append(f"\n{number:>3}. {item.title}")
        out.append(f"     link:    {item.link}")
        when = item.published.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M %Z")
        if item.date_is_first_seen:
            raw = f" (unreadable: {item.date_text!r})" if item.date_text else ""
            out.append(f"     date:    first seen {when}{raw}")
        else:
            out.append(f"     date:    {when}  from {item.date_text or 'the feed'!r}")
        if item.outlet:
            out.append(f"     outlet:  {item.outlet}")
        if item.summary:
            out.append(f"     summary: {item.summary[:160]}")
        if item.topics:
            relevant += 1
            pairs = ", ".join(f"{t} ({k})" for t, k in
                              zip(item.topics, item.matched_keywords, strict=False))
            out.append(f"     topics:  {pairs}")
        else:
            out.append("     topics:  none" + (" (kept: keep_all)" if source.keep_all else
                                               " (would be stored, not published)"))
    for dropped in read.dropped:
        out.append(f"\n  dropped: {dropped.title or '(no title)'} <{dropped.link}>: "
                   f"{dropped.reason}")
    warnings = list(read.warnings)
    if source.tls_insecure:
        warnings.insert(0, TLS_INSECURE_WARNING)
    undated = sum(1 for i in read.items if i.date_is_first_seen)
    if undated:
        warnings.append(f"{undated} of {len(read.items)} items have no readable date "
                        "(shown with the time first seen)")
    out += [f"\n  warning: {w}" for w in warnings]
    published = relevant if not source.keep_all else len(read.items)
    out.append(f"\n{len(read.items)} items, {relevant} match a topic, {published} would be "
               "published.")
    return "\n".join(out)


def preview_command(config: Config, name: str) -> int:
    read = asyncio.run(preview(config, name))
    # Titles and summaries are scraped text: no terminal escapes reach the screen.
    print("\n".join(terminal_safe(line) for line in render(read, config).split("\n")))
    return 0
