"""What `crawl`, `publish` and `status` print: the pipeline's results made readable."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from monitor.config.settings import Config, Source
from monitor.errors import ConfigError
from monitor.health import Health
from monitor.pipeline import crawl, result_line
from monitor.publish import publish_all
from monitor.publish.digest import (
    build_digest,
    last_complete_week,
    parse_week,
    send_digest,
    write_digest,
)
from monitor.store import Store

EXIT_OK, EXIT_FAILED = 0, 1


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


def crawl_command(config: Config, names: Sequence[str]) -> int:
    sources = pick_sources(config, names)
    with Store(config.database, synonyms=config.synonyms) as store:
        results = asyncio.run(crawl(config, store, sources))
        for result in results:
            print(result_line(result))
        publish_all(config, store)
        failed = sum(r.failed for r in results)
        print(f"{len(results)} sources: {len(results) - failed} ok, {failed} failed; "
              f"{sum(r.new for r in results)} new items, "
              f"{sum(r.matched for r in results)} matched; published to {config.output_dir}")
    return EXIT_FAILED if results and failed == len(results) else EXIT_OK


def publish_command(config: Config) -> int:
    with Store(config.database) as store:
        written = publish_all(config, store)
    print(f"wrote {len(written)} files to {config.output_dir}: {', '.join(written)}")
    return EXIT_OK


def _when(value: datetime | None, config: Config) -> str:
    return value.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M") if value else "never"


def status_table(config: Config, health: dict[str, Health]) -> str:
    header = ("source", "state", "last success", "failures", "items", "last error")
    rows = []
    for source in config.sources:
        h = health.get(source.name)
        if h is None:
            rows.append((source.name, "new", "never", "0", "-", "not crawled yet"))
            continue
        rows.append((source.name, h.state, _when(h.last_success, config),
                     str(h.consecutive_failures),
                     "-" if h.items_last is None else str(h.items_last), h.last_error or ""))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def status_command(config: Config) -> int:
    with Store(config.database) as store:
        print(status_table(config, store.all_health()))
    return EXIT_OK


def digest_command(config: Config, week_label: str | None, send: bool, force: bool,
                   now: datetime | None = None) -> int:
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
        if delivery.status == "already sent":
            print(f"{delivery.recipient}: {week.label} already sent (use --force to send again)")
        elif delivery.status == "failed":
            print(f"{delivery.recipient}: not sent: {delivery.error}", file=sys.stderr)
        else:
            print(f"{delivery.recipient}: sent")
    return EXIT_FAILED if any(d.status == "failed" for d in deliveries) else EXIT_OK
