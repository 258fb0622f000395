"""`discover` on the real Thai public pages (tests/fixtures/real-pages), served on
loopback under their own host names: the entry it proposes finds the items a reader
sees (recall at least 0.9 overall) on every page that holds them in HTML or in
embedded data."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from monitor.config.loader import load_config
from monitor.discover import discover
from monitor.discoverentry import standalone
from monitor.fetch import Fetcher
from tests.crawl_helpers import write_config
from tests.httpserver import FixtureServer
from tests.realpages import ROOT, pages, same_link
from tests.tlsfixtures import Resolver

RECALL_BAR = 0.9
HTML_PAGES = sorted(name for name, page in pages().items() if page.kind == "html")


def _key(title: str, link: str) -> tuple[str, str, str]:
    """A link without its scheme and port: the pages are served over http on a test port."""
    parts = urlsplit(same_link(link))
    return " ".join(title.split()), parts.hostname or "", unquote(parts.path + (
        "?" + parts.query if parts.query else ""))


def test_discover_finds_the_items_of_every_real_page(server: FixtureServer, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(write_config(tmp_path, ""))
    hosts = {urlsplit(pages()[name].url).hostname or "" for name in HTML_PAGES}
    rows, expected_total, found_total = [], 0, 0

    async def go() -> None:
        nonlocal expected_total, found_total
        async with Fetcher(user_agent=config.user_agent,
                           resolve=Resolver({h: ["127.0.0.1"] for h in hosts})) as fetcher:
            for name in HTML_PAGES:
                page = pages()[name]
                real = urlsplit(page.url)
                url = f"http://{real.hostname}:{server.port}{real.path}" + (
                    f"?{real.query}" if real.query else "")
                server.routes.clear()    # as sent on the wire: percent-encoded
                wire = httpx.URL(url).raw_path.decode("ascii").split("?")[0]
                server.page(wire, (ROOT / "pages" / name).read_bytes())
                found = await discover(config, url, fetcher=fetcher, allow_render=False)
                best = found.best
                if best is not None:    # the entry it would print passes `check`
                    standalone(replace(best.source, name="real", title=found.title),
                               config.path)
                items = best.items if best else []
                got = {_key(i.title, i.link) for i in items}
                expected = [_key(t, link) for t, link in page.expected()]
                hits = sum(1 for pair in expected if pair in got)
                rows.append((name, best.source.type if best else "-", len(expected),
                             len(items), hits))
                expected_total += len(expected)
                found_total += hits

    asyncio.run(go())
    with capsys.disabled():
        print(f"\n{'page':<46} {'type':<6} {'expected':>8} {'found':>6} {'hits':>5}")
        for name, kind, n_expected, n_found, hits in rows:
            print(f"{name:<46} {kind:<6} {n_expected:>8} {n_found:>6} {hits:>5}")
        print(f"{'total':<46} {'':<6} {expected_total:>8} {'':>6} {found_total:>5} "
              f"({found_total / expected_total:.0%})")
    assert found_total / expected_total >= RECALL_BAR
