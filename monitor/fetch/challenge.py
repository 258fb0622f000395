"""Recognising anti-bot walls, so a blocked source says "blocked", not "HTTP 403".

A challenge page is not content and not a transient error: retrying does not
help and extracting from it yields nothing, which would otherwise make a
healthy source look `broken`. Rules are data: each names the wall and what
gives it away. Markers that ordinary pages behind the same CDN also carry
(Cloudflare injects `/cdn-cgi/challenge-platform/scripts/jsd/` into normal
pages) only count on an error status; a 200 needs a marker that appears on
the challenge page alone, from a server that is that vendor's. Some walls name
no vendor in any header (an F5 BIG-IP in front of an agency's own server
answers 200 with its own short page): their page's own sentences, all of
them, in a small body, are enough.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SNIFF = 64 * 1024        # challenge pages are small; look at the start only
SMALL = 8 * 1024         # a body read for `alone` markers: a block page is well under this
ERROR_STATUSES = (403, 429, 503)


@dataclass(frozen=True)
class Wall:
    name: str
    proof_header: tuple[str, str] | None = None  # (header, value substring): proof on any status
    vendor: tuple[str, ...] = ()    # substrings of the vendor headers that name this wall
    strong: tuple[str, ...] = ()    # body markers of the challenge page itself
    weak: tuple[str, ...] = ()      # body markers that count only on an error status
    # Sets of body markers that name the wall whoever the server says it is, on any
    # status: all of one set, in a body of at most SMALL bytes.
    alone: tuple[tuple[str, ...], ...] = ()


WALLS = (
    Wall("Cloudflare challenge", proof_header=("cf-mitigated", "challenge"),
         vendor=("cloudflare",),
         strong=("<title>just a moment...</title>", "cf_chl_opt",
                 "<title>attention required! | cloudflare</title>"),
         weak=("challenge-platform", "cf-chl", "just a moment", "attention required",
               "you have been blocked")),
    Wall("AWS WAF challenge", proof_header=("x-amzn-waf-action", "")),
    Wall("Imperva/Incapsula", vendor=("incapsula", "imperva", "incap_ses", "x-iinfo"),
         strong=("_incapsula_resource", "incapsula incident id"), weak=("incapsula",)),
    Wall("Sucuri firewall", vendor=("sucuri",),  # also matches the X-Sucuri-ID header
         strong=("sucuri website firewall - access denied", "sucuri_cloudproxy_js"),
         weak=("sucuri",)),
    Wall("DDoS-Guard", vendor=("ddos-guard",),
         strong=("check.ddos-guard.net",), weak=("ddos-guard",)),
    Wall("DataDome", vendor=("datadome",),
         strong=("captcha-delivery.com",), weak=("datadome",)),
    Wall("Akamai", vendor=("akamaighost",), weak=("access denied",)),
    # Firewalls sold to many organisations, agencies among them, that name themselves in
    # no header; both answer 200 or an error status.
    Wall("F5 BIG-IP firewall", alone=(
        ("<title>request rejected</title>", "the requested url was rejected"),
        ("the requested url was rejected. please consult with your administrator",
         "your support id is"))),
    Wall("FortiWeb firewall", alone=(
        ("the page cannot be displayed. please contact the administrator for additional "
         "information", "attack id"),)),
)

_VENDOR_HEADERS = ("server", "x-cdn", "x-powered-by", "x-iinfo", "x-sucuri-id", "x-datadome",
                   "set-cookie")


def _vendor(headers: Mapping[str, str]) -> str:
    """The headers that name a CDN or firewall, as one string; header names count too
    (a bare `X-DataDome` or `X-Sucuri-ID` says who answered)."""
    parts = [f"{h} {headers[h]}" for h in _VENDOR_HEADERS if h in headers]
    return " ".join(parts).lower()


def detect(status: int, headers: Mapping[str, str], body: bytes) -> str | None:
    """The wall's name when the response is a challenge page, else None.

    `headers` must look names up case-insensitively (httpx.Headers does).
    """
    vendor = _vendor(headers)
    text: str | None = None   # decoded only for a wall the headers name: most answers have none
    error = status in ERROR_STATUSES
    small = body[:SMALL].decode("utf-8", "replace").lower() if len(body) <= SMALL else ""
    for wall in WALLS:
        if wall.proof_header is not None:
            value = headers.get(wall.proof_header[0])
            if value is not None and wall.proof_header[1] in value.lower():
                return wall.name
        if small and any(all(marker in small for marker in markers) for markers in wall.alone):
            return wall.name
        ours = any(v in vendor for v in wall.vendor)
        if not ours:
            continue
        if text is None:
            text = body[:SNIFF].decode("utf-8", "replace").lower()
        if any(marker in text for marker in wall.strong):
            return wall.name
        if error and any(marker in text for marker in wall.weak):
            return wall.name
    return None
