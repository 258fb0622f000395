"""Pages built by script, read through a real headless Chromium (`render: true`).

A last resort for listings that exist only after the page's scripts ran. The
browser is the system's Chromium (Debian's `chromium`), driven by Playwright
(`pip install '.[render]'`); Playwright's own browser downloads are never used.

The browser itself never touches the network: every request the page makes
is intercepted and sent by the fetcher (`send`), so each one passes the same
private-network guard at connect time, `max_bytes` and the source's deadline
as any other fetch. The caller checks robots.txt for the page and takes the
host's turn. Images, media and fonts are not loaded: they hold no listing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from monitor.config.settings import FetchSettings
from monitor.errors import (
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    TooLargeError,
)
from monitor.fetch.exchange import Reply
from monitor.fetch.limits import describe_size

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")
SKIPPED_RESOURCES = ("image", "media", "font")
SETTLE = 5.0     # seconds to wait, at most, for the page's own requests to finish
# Headers the fetcher sets itself, or that describe the wire form it has undone.
NOT_FORWARDED = frozenset(("host", "content-length", "accept-encoding", "connection",
                           "keep-alive", "transfer-encoding", "te", "upgrade",
                           "proxy-connection", "content-encoding"))
INSTALL = ("render: true needs a headless Chromium and Playwright: apt-get install chromium "
           "and pip install '.[render]'")


# (method, url, headers, body) -> the reply, or a FetchError (refused, too large, ...)
Send = Callable[[str, str, dict[str, str], bytes | None], Awaitable[Reply]]


@dataclass(frozen=True)
class Rendered:
    url: str
    html: str
    status: int


def chromium_path() -> str | None:
    """MONITOR_CHROMIUM if set, else the system's chromium."""
    given = os.environ.get("MONITOR_CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


async def render(url: str, settings: FetchSettings, *, user_agent: str,
                 send: Send) -> Rendered:
    """Load `url` in a fresh headless Chromium profile and return the DOM as HTML."""
    try:
        from playwright.async_api import TimeoutError as PlaywrightTimeout
        from playwright.async_api import async_playwright
    except ImportError:
        raise FetchError(f"{INSTALL} (Playwright is not installed)", url=url) from None
    executable = chromium_path()
    if executable is None:
        raise FetchError(f"{INSTALL} (no chromium found)", url=url)
    failures: dict[str, FetchError] = {}

    async def through_fetcher(route: Any) -> None:
        request = route.request
        if request.resource_type in SKIPPED_RESOURCES:
            await route.abort("blockedbyclient")
            return
        headers = {k: v for k, v in (await request.all_headers()).items()
                   if k.lower() not in NOT_FORWARDED and not k.startswith(":")}
        try:
            reply = await send(request.method, request.url, headers, request.post_data_buffer)
        except FetchError as exc:
            failures.setdefault(request.url, exc)
            await route.abort("blockedbyclient")
            return
        await route.fulfill(status=reply.status, body=reply.body, headers={
            k: v for k, v in reply.headers.items() if k.lower() not in NOT_FORWARDED})

    try:
        with tempfile.TemporaryDirectory(prefix="monitor-render-") as profile:
            async with asyncio.timeout(settings.timeout), async_playwright() as playwright:
                context = await playwright.chromium.launch_persistent_context(
                    profile, executable_path=executable, headless=True,
                    args=list(CHROMIUM_FLAGS), user_agent=user_agent,
                    service_workers="block", accept_downloads=False)
                try:
                    await context.route("**/*", through_fetcher)
                    page = context.pages[0] if context.pages else await context.new_page()
                    response = await page.goto(url, wait_until="load")
                    # Still busy after SETTLE (polling, ads): read what is there.
                    with contextlib.suppress(PlaywrightTimeout):
                        await page.wait_for_load_state("networkidle", timeout=SETTLE * 1000)
                    html = await page.content()
                    final = page.url
                finally:
                    await context.close()
    except TimeoutError:
        raise FetchTimeoutError(f"{url} was not rendered within {settings.timeout:g} s "
                                "(timeout)", url=url) from None
    except FetchError:
        raise
    except Exception as exc:   # Playwright's errors: a crash, a refused navigation
        if url in failures:
            raise failures[url] from None
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FetchError(f"{url} could not be rendered: {first}", url=url) from None
    status = response.status if response is not None else 200
    if not 200 <= status < 300:
        raise HTTPStatusError(f"HTTP {status} from {url} (rendered)", url=url, status=status)
    if len(html.encode("utf-8")) > settings.max_bytes:
        raise TooLargeError(f"rendered page of {url} is larger than "
                            f"{describe_size(settings.max_bytes)} (max_bytes)", url=url)
    return Rendered(url=final, html=html, status=status)
