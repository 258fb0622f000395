"""What `crawl`, `publish` and `status` print: the pipeline's results made readable."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from monitor.config.describe import forgetting
from monitor.config.settings import Config, Source
from monitor.errors import ConfigError
from monitor.reasons import cause_first

# Each command imports what it uses when it runs: an unchanged crawl (every source
# answers 304) needs neither the publishers (jinja2, feedgen, lxml) nor the
# extractors, and importing those was about a fifth of its time.
if TYPE_CHECKING:
    from monitor.health import Health
    from monitor.pipeline import SourceResult
    from monitor.store import ItemCounts, Store

EXIT_OK, EXIT_FAILED = 0, 1
EXIT_PARTIAL = 3   # `crawl --strict`: some sources failed, the others were crawled


def pick_sources(config: Config, names: Sequence[str]) -> list[Source]:
    if not names:
        return list(config.sources)
    chosen = []
    for name in names:
        source = config.source(name)
        if source is None:
            known = ", ".join(s.name for s in config.sources)
            raise ConfigError(f"no source named {name!r}; the sources are: {known}",
                              path=str(config.path), key="--source")
        chosen.append(source)
    return chosen


async def _crawl_with_progress(config: Config, store: Store,
                               sources: Sequence[Source]) -> list[SourceResult]:
    """The sources crawled side by side by `pipeline.crawl`, with a progress line."""
    from monitor.pipeline import crawl
    from monitor.progress import Progress

    progress = Progress(len(sources))
    try:
        return await crawl(config, store, sources, progress=progress)
    finally:
        progress.close()


def crawl_command(config: Config, names: Sequence[str], *, strict: bool = False,
                  detail: bool = False) -> int:
    """Exit 1 when every source failed; with `strict`, 3 when some (not all) failed."""
    from monitor.aftercrawl import after_crawl
    from monitor.report import result_line
    from monitor.store import Store

    sources = pick_sources(config, names)
    with Store(config.database, synonyms=config.synonyms) as store:
        results = asyncio.run(_crawl_with_progress(config, store, sources))
        # One write, not one per source: stdout is unbuffered in the Docker image.
        if results:
            print("\n".join(result_line(result, detail=detail) for result in results))
        written = after_crawl(config, store, results, datetime.now(UTC))
        if config.alerts:
            from monitor.alerts import report_alerts, send_alerts
            report_alerts(send_alerts(config, store))   # never raises: failures are reported
        failed = sum(r.failed for r in results)
        where = (f"published to {config.output_dir}" if written else
                 f"nothing changed; {config.output_dir} left as it was")
        print(f"{len(results)} sources: {len(results) - failed} ok, {failed} failed; "
              f"{sum(r.new for r in results)} new items, "
              f"{sum(r.matched for r in results)} matched; {where}")
    if results and failed == len(results):
        return EXIT_FAILED
    return EXIT_PARTIAL if strict and failed else EXIT_OK


def publish_command(config: Config) -> int:
    from monitor.aftercrawl import publish
    from monitor.store import Store

    with Store(config.database) as store:
        written = publish(config, store, datetime.now(UTC))
    print(f"wrote {len(written)} files to {config.output_dir}: {', '.join(written)}")
    return EXIT_OK


def _when(value: datetime | None, config: Config) -> str:
    return value.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M") if value else "never"


def _tls_flag(source: Source) -> str:
    """`tls: {verify: false}` in warning words: what the source says may be forged."""
    return " (TLS NOT VERIFIED)" if source.tls_insecure else ""


def status_table(config: Config, health: dict[str, Health]) -> str:
    header = ("source", "state", "last success", "failures", "items", "last error")
    rows = []
    for source in config.sources:
        h = health.get(source.name)
        if h is None:
            rows.append((source.name, "new" + _tls_flag(source), "never", "0", "-",
                         "not crawled yet"))
            continue
        rows.append((source.name, h.state + _tls_flag(source), _when(h.last_success, config),
                     str(h.consecutive_failures),
                     "-" if h.items_last is None else str(h.items_last),
                     cause_first(h.last_error) if h.last_error else ""))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def status_command(config: Config) -> int:
    from monitor.alerts import status_lines
    from monitor.store import Store

    with Store(config.database) as store:
        print("\n".join([status_table(config, store.all_health()), *status_lines(config, store),
                         database_line(config, store.count_items())]))
    return EXIT_OK


def database_line(config: Config, counts: ItemCounts) -> str:
    """How big the database is and what it keeps: the one place an operator sees that
    it stops growing but for the archive of matched items."""
    size = sum(path.stat().st_size for path in
               (config.database, config.database.with_name(config.database.name + "-wal"))
               if path.exists())
    return (f"database {config.database}: {size / 1e6:.1f} MB, {counts.total:,} items: "
            f"{counts.matched:,} matched (kept), {counts.total - counts.matched:,} unmatched "
            f"({forgetting(config.forget_unmatched_after)})")


def digest_command(config: Config, week_label: str | None, send: bool, force: bool,
                   now: datetime | None = None) -> int:
    from monitor.publish.digest import (
        build_digest,
        last_complete_week,
        parse_week,
        send_digest,
        write_digest,
    )
    from monitor.store import Store

    now = now or datetime.now(UTC)
    week = parse_week(week_label) if week_label else last_complete_week(now, config.timezone)
    with Store(config.database) as store:
        digest = build_digest(config, store, week, now)
        html_path, text_path = write_digest(config, digest)
        print(f"{week.label}: {digest.entries} entries; wrote {html_path} and {text_path}")
        if not send:
            return EXIT_OK
        deliveries = send_digest(config, store, digest, now, force=force)
    for delivery in deliveries:
        if delivery.status == "nothing for them":
            print(f"{delivery.recipient}: nothing in their topics this week; not sent")
        elif delivery.status == "already sent":
            print(f"{delivery.recipient}: {week.label} already sent (use --force to send again)")
        elif delivery.status == "failed":
            print(f"{delivery.recipient}: not sent: {delivery.error}", file=sys.stderr)
        else:
            print(f"{delivery.recipient}: sent")
    return EXIT_FAILED if any(d.status == "failed" for d in deliveries) else EXIT_OK


def search_command(config: Config, query: str, topic: str | None, since: str | None) -> int:
    """One line per story (date, title, link); exit 1 when nothing matches, like grep."""
    from datetime import date

    from monitor.search import search
    from monitor.store import Store
    if topic is not None and topic not in {t.id for t in config.topics}:
        known = ", ".join(t.id for t in config.topics)
        raise ConfigError(f"no topic {topic!r}; the topics are: {known}", key="--topic")
    try:
        day = date.fromisoformat(since) if since else None
    except ValueError:
        raise ConfigError(f"{since!r} is not a date such as 2026-11-16", key="--since") from None
    with Store(config.database) as store:
        hits = search(store, query, topic=topic, since=day, tz=config.timezone)
    for hit in hits:
        when = hit.entry.published.astimezone(config.timezone).strftime("%Y-%m-%d")
        print(f"{when}  {' '.join(hit.entry.title.split())}  {hit.entry.link}")
    return EXIT_OK if hits else EXIT_FAILED
