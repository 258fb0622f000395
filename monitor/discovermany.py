"""`monitor discover` of many sites at once: a ministry's departments, a province's
local bodies, every site on a list.

Adding the sites of thousands of agencies one `discover` at a time would take
days: each is a dozen polite requests, most of the time spent waiting for the
site. Here the sites are discovered side by side (as many at once as
`fetch.concurrency`, through one fetcher, so the per-host delay, robots.txt and
the two-browser bound hold across all of them), each reported as it finishes.
A site that cannot be read, or fails in any way, is one line and the others go
on. Proposed entries go to stdout as `sources:` list items, the report to
stderr, so `monitor discover --from sites.txt > new.yaml` keeps only entries;
`--write` appends them to the sources file in batches (a long run that is
stopped keeps what it found), after `check` passes on the result. Sites whose
URL, or whose proposed URL, the file already has are skipped, so the same list
can be run again after an interruption.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from monitor.config.settings import Config, Source
from monitor.discover import TIER, Discovery, as_json, discover
from monitor.discoverentry import name_from_host, standalone, write_entries
from monitor.errors import ConfigError, MonitorError
from monitor.fetch import Fetcher
from monitor.text.clean import terminal_safe
from monitor.text.urls import canonical_url

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1
WRITE_EVERY = 50    # entries appended per write with --write (each write checks the file)

Outcome = Discovery | MonitorError


def read_url_list(path: str) -> list[str]:
    """The sites of a list file (`-` for stdin): one URL a line; blank lines and
    lines starting with `#` are skipped. Anything else that is no http(s) URL is
    an error naming the file and line, before any site is asked."""
    name = "stdin" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the list of sites: {error}", path=name,
                          key="--from") from None
    urls = []
    for number, line in enumerate(text.splitlines(), start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not is_site_url(url):
            raise ConfigError(f"not an http(s) URL: {terminal_safe(url)[:200]!r}",
                              path=name, line=number, key="--from")
        urls.append(url)
    return urls


def is_site_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


async def discover_sites(config: Config, urls: list[str],
                         report: Callable[[str, Outcome], None], *,
                         allow_render: bool | None = None) -> None:
    """Discover every site, `fetch.concurrency` at a time; `report` each as it ends."""
    pending: Iterator[str] = iter(urls)
    async with Fetcher(user_agent=config.user_agent,
                       concurrency=config.fetch.concurrency) as fetcher:

        async def worker() -> None:
            for url in pending:     # shared: each URL goes to one worker
                outcome: Outcome
                try:
                    outcome = await discover(config, url, fetcher=fetcher,
                                             allow_render=allow_render)
                except MonitorError as error:
                    outcome = error
                except Exception as error:  # one strange site must not end the whole list
                    log.debug("discover %s failed", url, exc_info=True)
                    outcome = MonitorError(f"discover failed: {type(error).__name__}: {error}")
                report(url, outcome)

        await asyncio.gather(*(worker() for _ in range(min(len(urls),
                                                            config.fetch.concurrency))))


@dataclass
class _Batch:
    """What a run of many discovers has found, and what it has written."""

    config: Config
    write: bool
    as_json_output: bool
    names: set[str] = field(default_factory=set)
    known: dict[str, str] = field(default_factory=dict)    # canonical URL -> source name
    waiting: list[tuple[Source, dict[str, object]]] = field(default_factory=list)
    entries: int = 0
    unreadable: int = 0
    skipped: int = 0
    written: int = 0

    def __post_init__(self) -> None:
        for source in self.config.sources:
            self.names.add(source.name)
            self.known[canonical_url(source.url)] = source.name

    def already(self, url: str) -> str | None:
        return self.known.get(canonical_url(url))

    def name_for(self, url: str) -> str:
        """A name from the host, made unique: `dga`, then `dga-2` for its second listing."""
        base = name_from_host(url)
        name, n = base, 1
        while name in self.names:
            n += 1
            name = f"{base}-{n}"
        return name

    def report(self, url: str, outcome: Outcome) -> None:
        shown = terminal_safe(url)
        if not isinstance(outcome, Discovery):
            self.unreadable += 1
            reason = terminal_safe(self.config.redact(str(outcome)))
            self.say(f"cannot read {shown}: {reason}",
                     {"url": url, "readable": False, "reason": reason})
            return
        data = {**as_json(outcome), "readable": True, "name": None, "entry": None,
                "written": None}
        best = outcome.best
        if best is None:
            self.unreadable += 1
            self.say(f"nothing readable found on {shown}", data)
            return
        present = self.already(best.source.url)
        if present is not None:
            self.skipped += 1
            data.update(skipped=present)
            self.say(f"already in {self.config.path.name} as {present}: {shown}", data)
            return
        source = replace(best.source, name=self.name_for(outcome.url), title=outcome.title)
        try:
            entry = standalone(source, self.config.path)
        except ConfigError as error:
            self.unreadable += 1
            self.say(f"cannot propose an entry for {shown}: {error.detail}",
                     {**data, "readable": False, "reason": error.detail})
            return
        self.entries += 1
        self.names.add(source.name)
        self.known[canonical_url(source.url)] = source.name
        self.known[canonical_url(url)] = source.name
        dated = f"{best.dated / len(best.items):.0%}" if best.items else "-"
        line = (f"found {shown}: {source.type}, {len(best.items)} items, {dated} dated"
                f" -> {source.name}")
        if outcome.sections and best.kind not in TIER:
            line += (f"; the page shows {len(outcome.sections)} sections with listings of "
                     "their own (--json, or discover on the page alone, names them)")
        data.update(name=source.name, entry=entry)
        if self.write:
            self.waiting.append((source, data))
            print(line, file=sys.stderr, flush=True)
            if len(self.waiting) >= WRITE_EVERY:
                self.flush()
            return
        self.say(line, data)
        if not self.as_json_output:
            print(entry, end="", flush=True)

    def flush(self) -> None:
        """Write the entries found so far (with --write), then report them as written."""
        if not self.waiting:
            return
        batch, self.waiting = self.waiting, []
        path = write_entries(self.config.path, [source for source, _ in batch])
        self.written += len(batch)
        for _, data in batch:
            data.update(written=str(path))
            if self.as_json_output:
                print(json.dumps(data, ensure_ascii=False), flush=True)
        if not self.as_json_output:
            print(f"added {len(batch)} to {path}", file=sys.stderr, flush=True)

    def say(self, line: str, data: dict[str, object]) -> None:
        """One site's outcome: a JSON line on stdout, or a line of the report on stderr."""
        if self.as_json_output:
            print(json.dumps(data, ensure_ascii=False), flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    def summary(self, total: int) -> str:
        parts = [f"{self.entries} proposed"]
        if self.write:
            parts[0] += f" ({self.written} written to {self.config.path.name})"
        parts += [f"{self.skipped} already in {self.config.path.name}",
                  f"{self.unreadable} not readable"]
        return f"{total} sites: " + ", ".join(parts)


def discover_many_command(config: Config, urls: list[str], *, write: bool,
                          as_json_output: bool) -> int:
    batch = _Batch(config, write, as_json_output)
    todo: list[str] = []
    seen: set[str] = set()
    for url in urls:
        key = canonical_url(url)
        if key in seen:
            continue
        seen.add(key)
        present = batch.already(url)
        if present is not None:
            batch.skipped += 1
            batch.say(f"already in {config.path.name} as {present}: {terminal_safe(url)}",
                      {"url": url, "readable": True, "skipped": present})
        else:
            todo.append(url)
    try:
        asyncio.run(discover_sites(config, todo, batch.report))
    finally:
        batch.flush()     # a run stopped with Ctrl-C keeps what it found
        print(batch.summary(len(seen)), file=sys.stderr, flush=True)
    return EXIT_OK if batch.entries or batch.skipped else EXIT_FAILED
