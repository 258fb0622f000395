"""Recognising anti-bot walls, so a blocked source says "blocked", not "HTTP 403".

A challenge page is not content and not a transient error: retrying does not
help and extracting from it yields nothing, which would otherwise make a
healthy source look `broken`. Rules are data: each names the wall and what
gives it away. Markers a normal page behind the same CDN also carries (e.g.
Cloudflare injects `/cdn-cgi/challenge-platform/` scripts into ordinary
pages) only count on an error status; a 200 needs a marker found only on the
challenge page itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SNIFF = 64 * 1024        # challenge pages are small; look at the start only
ERROR_STATUSES = (403, 429, 503)


@dataclass(frozen=True)
class Wall:
    name: str
    header: tuple[str, str] | None = None          # (name, value substring) alone proves it
    server: tuple[str, ...] = ()                   # substrings of Server / vendor headers
    strong: tuple[str, ...] = ()                   # body markers that prove it on any status
    weak: tuple[str, ...] = ()                     # body markers that count on an error status


WALLS = (
    Wall("Cloudflare challenge", header=("cf-mitigated", "challenge"),
         server=("cloudflare",),
         strong=("<title>just a moment...</title>", "cf_chl_opt", "cf-chl-", "/cdn-cgi/challenge-platform/h/",
                 "<title>attention required! | cloudflare</title>"),
         weak=("challenge-platform", "cf-chl", "just a moment", "cf-ray", "cloudflare")),
    Wall("AWS WAF challenge", header=("x-amzn-waf-action", ""),
         strong=("awswafintegration", "aws-waf-token"), weak=("captcha",)),
    Wall("Imperva/Incapsula", server=("incapsula", "imperva"),
         strong=("_incapsula_resource", "incapsula incident id"), weak=("incapsula",)),
    Wall("Sucuri firewall", server=("sucuri",),
         strong=("sucuri website firewall - access denied", "sucuri_cloudproxy_js"),
         weak=("sucuri",)),
    Wall("DDoS-Guard", server=("ddos-guard",),
         strong=("ddos-guard.net/", "check.ddos-guard"), weak=("ddos-guard",)),
    Wall("DataDome", header=("x-datadome", ""), server=("datadome",),
         strong=("captcha-delivery.com",), weak=("datadome",)),
    Wall("PerimeterX/HUMAN", strong=("_pxcaptcha", "px-captcha", "perimeterx"),
         weak=("human verification",)),
    Wall("Akamai", server=("akamaighost", "akamai"),
         strong=(), weak=("access denied", "reference&#32;&#35;")),
)


def _vendor_headers(headers: Mapping[str, str]) -> str:
    return " ".join(headers.get(h, "") for h in ("server", "x-cdn", "x-powered-by",
                                                 "x-iinfo", "x-sucuri-id")).lower()


def detect(status: int, headers: Mapping[str, str], body: bytes) -> str | None:
    """The wall's name when the response is a challenge page, else None.

    `headers` must look up names case-insensitively (httpx.Headers does).
    """
    vendor = _vendor_headers(headers)
    if "incap_ses" in headers.get("set-cookie", "").lower():
        vendor += " incapsula"
    text = body[:SNIFF].decode("utf-8", "replace").lower()
    error = status in ERROR_STATUSES
    for wall in WALLS:
        if wall.header:
            value = headers.get(wall.header[0])
            if value is not None and wall.header[1] in value.lower():
                if wall.header[1] or error:   # a bare WAF header means something on errors only
                    return wall.name
        if any(marker in text for marker in wall.strong) and (
                error or not wall.server or any(s in vendor for s in wall.server)):
            return wall.name
        if error and wall.server and any(s in vendor for s in wall.server) and any(
                marker in text for marker in wall.weak):
            return wall.name
    return None
