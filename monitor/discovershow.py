"""What `monitor discover` prints: a table of candidates and the proposed entry, or JSON.

Colours only on a terminal; every text that came from the site passes
`strip_controls`, so a hostile title cannot drive the terminal.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from monitor.config.settings import Config, Source
from monitor.discover import TIER, Candidate, Discovery, Unreadable, as_json, discover, dumps
from monitor.discoverentry import name_from_host, standalone, write_entry
from monitor.fetch.robots import spacing_asked
from monitor.text.clean import terminal_safe

EXIT_OK, EXIT_FAILED = 0, 1
GREEN, DIM, BOLD, RESET = "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def table(discovery: Discovery, config: Config, colour: bool) -> str:
    best = discovery.best
    header = ("", "type", "found", "items", "dated", "parse", "newest", "url")
    rows = []
    for c in discovery.candidates:
        newest = c.newest.astimezone(config.timezone).strftime("%Y-%m-%d") if c.newest else "-"
        kind = c.source.type + (" (render)" if c.source.render else "")
        rows.append((c, ("*" if c is best else "", kind, c.how, str(len(c.items)),
                         _share(c.dated, len(c.items)), _share(c.parsed, len(c.items)),
                         newest, terminal_safe(c.source.public_url))))
    widths = [max(len(r[i]) for r in [header, *(cells for _, cells in rows)])
              for i in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for candidate, cells in rows:
        line = "  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip()
        out.append(_paint(line, candidate, best, colour))
        for extra in _details(candidate):
            out.append(f"{DIM}      {extra}{RESET}" if colour else f"      {extra}")
    if discovery.tried:
        tried = ", ".join(f"{_short(url, discovery.url)} ({why})"
                          for url, why in discovery.tried)
        out.append(terminal_safe(f"also tried: {tried}"))
    if discovery.sections and (best is None or best.kind not in TIER):
        out.append("the page shows sections that each have a listing of their own; a "
                   "source reads one page, so to follow a section, run discover on its "
                   "listing:")
        out.extend(terminal_safe(f"  {name}: {_short(url, discovery.url)}")
                   for name, url in discovery.sections)
    return "\n".join(out)


def _short(url: str, page: str) -> str:
    """A probed URL by its path when it is on the page's own origin."""
    parts, home = urlsplit(url), urlsplit(page)
    if (parts.scheme, parts.netloc) != (home.scheme, home.netloc):
        return url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _details(c: Candidate) -> list[str]:
    if c.error:
        return [terminal_safe(c.error)[:200]]
    return [terminal_safe(f"- {item.title or item.link}")[:120] for item in c.items[:3]]


def _paint(line: str, c: Candidate, best: Candidate | None, colour: bool) -> str:
    if not colour:
        return line
    if c is best:
        return f"{BOLD}{GREEN}{line}{RESET}"
    return f"{DIM}{line}{RESET}" if not c.items else line


def proposed(discovery: Discovery, config: Config, name: str | None) -> Source | None:
    best = discovery.best
    if best is None:
        return None
    return replace(best.source, name=name or name_from_host(discovery.url),
                   title=discovery.title)


def discover_command(config: Config, url: str, *, name: str | None, write: bool,
                     as_json_output: bool) -> int:
    try:
        discovery = asyncio.run(discover(config, url))
    except Unreadable as exc:
        reason = terminal_safe(str(exc))
        if as_json_output:
            print(dumps({"url": url, "readable": False, "reason": reason}))
        else:
            print(f"cannot read {terminal_safe(url)}: {reason}", file=sys.stderr)
        return EXIT_FAILED
    source = proposed(discovery, config, name)
    entry = standalone(source, config.path) if source is not None else None
    written: Path | None = write_entry(config, source) if write and source is not None else None
    if as_json_output:
        data = as_json(discovery)
        data.update(readable=True, name=source.name if source else None, entry=entry,
                    written=str(written) if written else None)
        print(dumps(data))
    else:
        colour = sys.stdout.isatty()
        print(table(discovery, config, colour))
        print(f"\n{discovery.requests} requests.")
        if discovery.spacing > config.fetch.min_delay_per_host:
            host = terminal_safe(urlsplit(url).hostname or url)
            print(spacing_asked(discovery.spacing, host)
                  + ": discover waited so, and each crawl will.")
        if entry is None:
            print("nothing readable found: no feed, sitemap, data or list of links "
                  f"on {terminal_safe(url)}", file=sys.stderr)
        else:
            print(f"\nProposed entry (under `sources:` in {config.path.name}):\n")
            print(entry.rstrip("\n"))
            best = discovery.best
            for warning in dict.fromkeys(best.warnings if best else []):
                print(f"\nwarning: {terminal_safe(warning)}")
            if written:
                print(f"\nadded {source.name if source else ''} to {written}; "
                      f"next: monitor preview {source.name if source else ''}")
    return EXIT_OK if source is not None else EXIT_FAILED
