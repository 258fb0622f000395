"""Anti-bot walls become BlockedError (never retried), and ordinary pages stay content."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from monitor.config.settings import FetchSettings
from monitor.errors import BlockedError, HTTPStatusError
from monitor.fetch import Fetcher
from monitor.fetch.challenge import detect
from monitor.fetch.retry import RetryPolicy
from monitor.models import Document
from tests.httpserver import FixtureServer, Response

UA = "thai-egov-monitor/test (+https://example.org/)"
RETRYING = FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=3, respect_robots=False)
CF_PAGE = (b"<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>"
           b"<meta http-equiv=\"refresh\" content=\"390\"></head><body>"
           b"<script>window._cf_chl_opt={cvId: '3'};</script>"
           b"<script src=\"/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1\"></script>"
           b"</body></html>")
# What Cloudflare injects into ordinary pages: a challenge-platform script, no challenge.
CF_NORMAL = ("<html><head><title>ข่าวประชาสัมพันธ์</title></head><body><p>ข่าว</p>"
             "<script>a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';</script>"
             "</body></html>").encode()

# The block pages of two firewalls often found in front of agencies' own servers,
# which send no header naming them (their ids here are made up).
F5_PAGE = (b"<html><head><title>Request Rejected</title></head><body>The requested URL was "
           b"rejected. Please consult with your administrator.<br><br>Your support ID is: "
           b"14834578930218546177<br><br><a href='javascript:history.back();'>[Go Back]</a>"
           b"</body></html>")
FORTIWEB_PAGE = (b"<html><head><title>Web Page Blocked</title></head><body><p>The page cannot "
                 b"be displayed. Please contact the administrator for additional information."
                 b"</p><p>URL: www.example.go.th/news</p><p>Attack ID: 20000051</p>"
                 b"<p>Message ID: 000004598712</p></body></html>")


def fetch(url: str) -> object:
    async def go() -> object:
        async with Fetcher(user_agent=UA, retry=RetryPolicy(base=0.01)) as fetcher:
            return await fetcher.fetch(url, RETRYING)
    return asyncio.run(go())


def test_cloudflare_503_challenge_is_blocked_not_retried(server: FixtureServer) -> None:
    server.add("/news", Response(503, CF_PAGE, {"Server": "cloudflare",
                                                "cf-mitigated": "challenge",
                                                "Content-Type": "text/html"}))
    with pytest.raises(BlockedError, match=r"Cloudflare challenge page \(HTTP 503\)"):
        fetch(server.url("/news"))
    assert len(server.requests_for("/news")) == 1


def test_cloudflare_challenge_with_status_200_is_blocked(server: FixtureServer) -> None:
    server.add("/news", Response(200, CF_PAGE, {"Server": "cloudflare",
                                                "Content-Type": "text/html"}))
    with pytest.raises(BlockedError):
        fetch(server.url("/news"))


def test_a_firewall_block_page_with_status_200_is_blocked_not_read(
        server: FixtureServer) -> None:
    """An agency's F5 answers 200 with its own page: read as content, a listing had no
    items (`broken`: "the page layout may have changed") and a feed was not XML."""
    server.add("/news", Response(200, F5_PAGE, {"Content-Type": "text/html"}))
    with pytest.raises(BlockedError, match=r"F5 BIG-IP firewall page \(HTTP 200\)"):
        fetch(server.url("/news"))
    assert len(server.requests_for("/news")) == 1


def test_cloudflare_403_block_page_without_header_is_blocked(server: FixtureServer) -> None:
    body = b"<html><body>Sorry, you have been blocked. cf-chl ... Cloudflare Ray ID</body></html>"
    server.add("/news", Response(403, body, {"Server": "cloudflare"}))
    with pytest.raises(BlockedError):
        fetch(server.url("/news"))


def test_ordinary_page_behind_cloudflare_is_content(server: FixtureServer) -> None:
    server.add("/news", Response(200, CF_NORMAL, {"Server": "cloudflare",
                                                  "Content-Type": "text/html; charset=utf-8"}))
    doc = fetch(server.url("/news"))
    assert isinstance(doc, Document) and "ข่าว" in doc.text


def test_plain_403_is_a_status_error(server: FixtureServer) -> None:
    server.add("/news", Response(403, b"<h1>Forbidden</h1>", {"Server": "nginx"}))
    with pytest.raises(HTTPStatusError) as info:
        fetch(server.url("/news"))
    assert not isinstance(info.value, BlockedError)
    assert info.value.status == 403


def test_gzipped_challenge_page_is_recognised(server: FixtureServer) -> None:
    import gzip
    server.add("/news", Response(403, gzip.compress(CF_PAGE),
                                 {"Server": "cloudflare", "Content-Encoding": "gzip"}))
    with pytest.raises(BlockedError):
        fetch(server.url("/news"))


@pytest.mark.parametrize(("status", "headers", "body", "wall"), [
    (403, {"cf-mitigated": "challenge"}, b"", "Cloudflare challenge"),
    (200, {"server": "cloudflare"}, CF_PAGE, "Cloudflare challenge"),
    (200, {"server": "nginx"}, CF_PAGE, None),                  # not served by Cloudflare
    (200, {"server": "cloudflare"}, CF_NORMAL, None),
    (503, {"server": "cloudflare"}, b"origin is down for maintenance", None),
    (202, {"x-amzn-waf-action": "challenge"}, b"", "AWS WAF challenge"),
    (403, {"x-iinfo": "1-2-3"}, b"Incapsula incident ID: 123", "Imperva/Incapsula"),
    (200, {"set-cookie": "incap_ses_1=abc"}, b"<p>news</p>", None),
    (403, {"server": "Sucuri/Cloudproxy"},
     b"<title>Sucuri WebSite Firewall - Access Denied</title>", "Sucuri firewall"),
    (403, {"server": "ddos-guard"}, b"<p>DDoS-Guard</p>", "DDoS-Guard"),
    (403, {"x-datadome": "protected"}, b"<script src='https://ct.captcha-delivery.com/c.js'>",
     "DataDome"),
    (403, {"server": "AkamaiGHost"}, b"<H1>Access Denied</H1>", "Akamai"),
    (403, {"server": "Apache"}, b"<H1>Access Denied</H1>", None),
    (404, {"server": "cloudflare"}, b"just a moment", None),
    (200, {"server": "Apache", "set-cookie": "TS01a2b3c4=01d2e3; Path=/"}, F5_PAGE,
     "F5 BIG-IP firewall"),
    (403, {}, F5_PAGE.replace(b"Request Rejected", b"Rejected"), "F5 BIG-IP firewall"),
    (200, {}, F5_PAGE + b"<!--" + b"x" * 9000 + b"-->", None),   # a page, not a block page
    (200, {}, b"<title>Request Rejected</title><p>Thai FDA rejected 12 requests</p>", None),
    (500, {}, FORTIWEB_PAGE, "FortiWeb firewall"),
    (200, {}, b"<p>The page cannot be displayed. Please contact the administrator for "
              b"additional information.</p>", None),
])
def test_detect(status: int, headers: dict[str, str], body: bytes, wall: str | None) -> None:
    assert detect(status, httpx.Headers(headers), body) == wall
