"""`monitor run`: wires crawl, publish and digest jobs to a clock; no logic of its own.

Everything runs on one asyncio loop, so a single Fetcher keeps politeness
across all sources and a SIGTERM can cancel a crawl in flight instead of
waiting for its timeouts. A job's failure is logged and the schedule goes on;
a job cancelled by shutdown ends quietly, as shutdown between crawls does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.aftercrawl import after_crawl, worth_publishing
from monitor.alerts import run_alerts
from monitor.coalesce import Coalesced
from monitor.config.settings import Config, Source
from monitor.config.units import WEEKDAYS
from monitor.errors import MonitorError
from monitor.fetch import Fetcher
from monitor.instance import single_instance
from monitor.logs import NOTICE
from monitor.pipeline import crawl
from monitor.publish.digest import build_digest, last_complete_week, send_digest, write_digest
from monitor.report import log_result
from monitor.search import search_handler
from monitor.serve import Freshness, freshness_limit, parse_bind, shown, start_server
from monitor.store import Store

log = logging.getLogger("monitor.run")
# Publishing rewrites every output from the whole window; with thousands of
# sources it runs at most this often (a tenth of the shortest interval, when
# that is sooner), so outputs trail the last crawl by this much at most.
PUBLISH_GAP = 30.0   # seconds


def publish_gap(shortest_interval: float) -> float:
    return min(PUBLISH_GAP, shortest_interval / 10)


__all__ = ["parse_bind", "run"]


def _last_attempt(store: Store) -> datetime | None:
    times = [h.last_attempt for h in store.all_health().values() if h.last_attempt]
    return max(times) if times else None


async def run(config: Config, *, serve: str | None = None,
              stop: asyncio.Event | None = None) -> int:
    """Raises StoreError when another `monitor run` holds the database and ConfigError
    when `serve` cannot be bound: both one line, exit 2, before anything is crawled."""
    bind = parse_bind(serve) if serve else None
    with single_instance(config.database):
        return await _run(config, bind, stop or asyncio.Event())


async def _run(config: Config, bind: tuple[str, int] | None, stop: asyncio.Event) -> int:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Only the main thread may install handlers; elsewhere the caller owns `stop`.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    shortest = min((s.fetch.interval for s in config.sources), default=config.fetch.interval)
    freshness = Freshness(limit=freshness_limit(shortest))
    httpd = (start_server(config.output_dir, *bind, freshness, search=search_handler(config))
             if bind else None)
    try:
        store = Store(config.database, synonyms=config.synonyms)
    except BaseException:
        if httpd is not None:
            httpd.server_close()
        raise
    freshness.last_crawl = _last_attempt(store)
    scheduler = AsyncIOScheduler(timezone=config.timezone, event_loop=loop)
    lock = asyncio.Lock()   # one store writer at a time
    async with Fetcher(user_agent=config.user_agent, concurrency=config.fetch.concurrency,
                       robots_memory=store) as fetcher:

        async def publish_job() -> None:
            try:
                async with lock:
                    after_crawl(config, store, (), datetime.now(UTC))
            except (MonitorError, OSError, sqlite3.DatabaseError) as error:
                log.error("publish not completed: %s", error)
            except Exception:
                log.exception("publishing failed; the schedule goes on")

        publisher = Coalesced(publish_job, publish_gap(shortest))

        async def crawl_job(source: Source) -> None:
            try:
                before = store.health(source.name)
                results = await crawl(config, store, [source], fetcher=fetcher)
                now = datetime.now(UTC)
                if worth_publishing(config, results):
                    await publisher.request()
                freshness.last_crawl = now
                if config.alerts:   # in a thread with its own connection; never raises
                    await asyncio.to_thread(run_alerts, config)
                for result in results:
                    log_result(result, before, store.health(source.name))
            except asyncio.CancelledError:
                # Shutdown cancelled the crawl in flight: nothing went wrong, so say
                # nothing (APScheduler would log a cancelled job as a failure).
                log.debug("crawl of %s stopped by shutdown", source.name)
            except (MonitorError, OSError, sqlite3.DatabaseError) as error:
                # A full disk or a locked database: the user's to fix, so one line.
                log.error("crawl of %s not completed: %s", source.name, error,
                          extra={"source": source.name})
            except Exception:
                log.exception("crawl of %s failed", source.name)

        def send_weekly_digest() -> None:
            now = datetime.now(UTC)
            week = last_complete_week(now, config.timezone)
            with Store(config.database) as own:   # its own connection: this runs in a thread
                digest = build_digest(config, own, week, now)
                write_digest(config, digest)
                for delivery in send_digest(config, own, digest, now):
                    fields = {"week": week.label, "recipient": delivery.recipient}
                    if delivery.status == "failed":
                        log.error("digest %s to %s not sent: %s", week.label,
                                  delivery.recipient, delivery.error, extra=fields)
                    elif delivery.status == "sent":
                        log.log(NOTICE, "digest %s sent to %s", week.label,
                                delivery.recipient, extra=fields)

        async def digest_job() -> None:
            try:
                await asyncio.to_thread(send_weekly_digest)
            except asyncio.CancelledError:
                log.debug("digest stopped by shutdown")
            except Exception:
                log.exception("digest failed; the schedule goes on")

        now = datetime.now(UTC)
        # First crawls are spread out, but within the shortest interval: half a second
        # apart, 10,000 sources would take 83 minutes to start, longer than an hour.
        spacing = min(0.5, shortest / max(len(config.sources), 1))
        for index, source in enumerate(config.sources):
            scheduler.add_job(
                crawl_job, IntervalTrigger(seconds=source.fetch.interval),
                args=[source], id=f"crawl:{source.name}", max_instances=1, coalesce=True,
                next_run_time=now + timedelta(seconds=index * spacing), misfire_grace_time=None)
        d = config.digest
        if d.to:
            scheduler.add_job(digest_job, CronTrigger(
                day_of_week=WEEKDAYS[d.weekday], hour=d.hour, minute=d.minute,
                timezone=config.timezone), id="digest", max_instances=1, coalesce=True)
        scheduler.start()
        serving = f", serving {config.output_dir} on http://{shown(*bind)}/" if bind else ""
        log.log(NOTICE, "monitor run: %d sources scheduled, database %s%s",
                len(config.sources), config.database, serving)
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            current = asyncio.current_task()
            pending = [t for t in asyncio.all_tasks() if t is not current]
            due = publisher.due
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            if due:   # crawls finished since the last publish: their items go out now
                await publish_job()
            store.close()
            if httpd is not None:
                httpd.shutdown()
                httpd.server_close()
            log.log(NOTICE, "monitor run: stopped")
    return 0
