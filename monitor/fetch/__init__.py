"""Fetching: the only way the program reads the web, polite and bounded.

One concern per module, in the order a request meets them:

    netguard   http(s) only; content-derived URLs may not reach private networks
    robots     robots.txt per RFC 9309, cached per origin (Protego)
    hosts      min_delay_per_host between starts to one host; `concurrency` overall
    exchange   one GET with a total deadline; httpx errors become FetchErrors
    limits     max_bytes on the decompressed body, memory bounded against gzip bombs
    challenge  anti-bot walls (Cloudflare & co.) -> BlockedError
    retry      which failures to retry, backoff with jitter, Retry-After
    decode     charset: override, header, BOM/<meta>/<?xml?>, detection; Thai -> cp874
    client     the Fetcher, which puts them in that order and follows redirects by hand
"""

from monitor.fetch.client import Fetcher

__all__ = ["Fetcher"]
