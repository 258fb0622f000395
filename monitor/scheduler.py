"""`monitor run`: wires crawl, publish and digest jobs to a clock; no logic of its own.

Everything runs on one asyncio loop, so a single Fetcher keeps politeness
across all sources and a SIGTERM can cancel a crawl in flight instead of
waiting for its timeouts. A job's failure is logged and the schedule goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import threading
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config.settings import Config, Source
from monitor.fetch import Fetcher
from monitor.pipeline import crawl, result_line
from monitor.publish import publish_all
from monitor.publish.digest import build_digest, last_complete_week, send_digest, write_digest
from monitor.store import Store

log = logging.getLogger(__name__)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_bind(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"--serve wants HOST:PORT, such as 127.0.0.1:8080, not {text!r}")
    return host, int(port)


def serve_directory(directory: Path, host: str, port: int) -> ThreadingHTTPServer:
    """A read-only static server for feed readers; runs in a daemon thread."""
    directory.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True, name="serve").start()
    return httpd


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves feeds with the charset feed readers need; logs only at debug level."""

    TYPES: ClassVar[dict[str, str]] = {".xml": "application/xml; charset=utf-8",
                                       ".json": "application/feed+json; charset=utf-8",
                                       ".html": "text/html; charset=utf-8",
                                       ".txt": "text/plain; charset=utf-8"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **self.TYPES}
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("serve: " + format, *args)


async def run(config: Config, *, serve: str | None = None,
              stop: asyncio.Event | None = None) -> int:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Only the main thread may install handlers; elsewhere the caller owns `stop`.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    httpd = serve_directory(config.output_dir, *parse_bind(serve)) if serve else None
    store = Store(config.database, synonyms=config.synonyms)
    scheduler = AsyncIOScheduler(timezone=config.timezone, event_loop=loop)
    lock = asyncio.Lock()   # one store writer at a time
    async with Fetcher(user_agent=config.user_agent,
                       concurrency=config.fetch.concurrency) as fetcher:

        async def crawl_job(source: Source) -> None:
            try:
                results = await crawl(config, store, [source], fetcher=fetcher)
                async with lock:
                    publish_all(config, store)
                for result in results:
                    log.info("%s", result_line(result))
            except Exception:
                log.exception("crawl of %s failed", source.name)

        def send_weekly_digest() -> None:
            now = datetime.now(UTC)
            week = last_complete_week(now, config.timezone)
            with Store(config.database) as own:   # its own connection: this runs in a thread
                digest = build_digest(config, own, week, now)
                write_digest(config, digest)
                for delivery in send_digest(config, own, digest, now):
                    if delivery.status == "failed":
                        log.error("digest %s to %s not sent: %s", week.label,
                                  delivery.recipient, delivery.error)
                    elif delivery.status == "sent":
                        log.warning("digest %s sent to %s", week.label, delivery.recipient)

        async def digest_job() -> None:
            try:
                await asyncio.to_thread(send_weekly_digest)
            except Exception:
                log.exception("digest failed; the schedule goes on")

        now = datetime.now(UTC)
        for index, source in enumerate(config.sources):
            scheduler.add_job(
                crawl_job, IntervalTrigger(seconds=source.fetch.interval),
                args=[source], id=f"crawl:{source.name}", max_instances=1, coalesce=True,
                next_run_time=now + timedelta(seconds=index * 0.5), misfire_grace_time=None)
        d = config.digest
        if d.to:
            scheduler.add_job(digest_job, CronTrigger(
                day_of_week=WEEKDAYS[d.weekday], hour=d.hour, minute=d.minute,
                timezone=config.timezone), id="digest", max_instances=1, coalesce=True)
        scheduler.start()
        log.warning("monitor run: %d sources scheduled%s", len(config.sources),
                    f", serving {config.output_dir} on http://{serve}/" if serve else "")
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            current = asyncio.current_task()
            pending = [t for t in asyncio.all_tasks() if t is not current]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            store.close()
            if httpd is not None:
                httpd.shutdown()
                httpd.server_close()
    return 0
