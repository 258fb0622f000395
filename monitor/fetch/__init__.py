"""Fetching: the only way the program reads the web, polite and bounded.

One concern per module, in the order a request meets them:

    netguard   http(s) only; content-derived URLs may not reach private networks
    pinned     ...checked where it counts: one lookup, checked, connected to (no rebinding)
               with a small keep-alive pool per origin
    robots     robots.txt per RFC 9309, cached per origin (Protego)
    hosts      min_delay_per_host between starts to one host; `concurrency` overall
    exchange   one request with a deadline; httpx errors become FetchErrors
    limits     max_bytes on the decompressed body, memory bounded against gzip bombs
    tlstrust   SSL contexts (public roots, a source's ca_bundle, AIA intermediates) and
               what a failed certificate check means
    aia        intermediates a server left out, found through its certificate's AIA URL
    challenge  anti-bot walls (Cloudflare & co.) -> BlockedError
    retry      which failures to retry, backoff with jitter, Retry-After
    decode     charset: override, header, BOM/<meta>/<?xml?>, detection; Thai -> cp874
    render     `render: true`: headless Chromium, its requests sent through the fetcher
    client     the Fetcher, which puts them in that order and follows redirects by hand
"""

import sys
import types

# httpx imports its command-line client when click and pygments are installed (as
# Apprise and pytest install them): about 13 ms of every start, a twentieth of an
# unchanged re-crawl, for a program that never runs it. An empty module in its
# place makes httpx's own `except ImportError` take over; it is taken out again at
# once, so anything that really wants httpx's command line still gets it.
if "httpx" not in sys.modules:
    sys.modules["httpx._main"] = types.ModuleType("httpx._main")
    try:
        import httpx  # noqa: F401
    finally:
        del sys.modules["httpx._main"]

from monitor.fetch.client import Fetcher

__all__ = ["Fetcher"]
