"""TLS trust and handshakes as a browser has them, never weaker unless a source says so.

A context trusts the usual public roots (certifi), plus a source's own
`ca_bundle` for its host. Intermediates fetched from a certificate's AIA URL
(see `aia`) are added as intermediates only: the chain must still end at a
trusted root, because partial chains stay refused (OpenSSL accepts a chain
ending at a non-root in its store only with VERIFY_X509_PARTIAL_CHAIN, which
newer Pythons set by default and this module clears).

When verification fails, `explain` names the kind of failure and the remedy.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import certifi

from monitor.errors import FetchError

# OpenSSL's X509_V_ERR_* codes, as ssl.SSLCertVerificationError.verify_code
UNABLE_TO_GET_ISSUER_CERT = 2
CERT_NOT_YET_VALID = 9
CERT_HAS_EXPIRED = 10
DEPTH_ZERO_SELF_SIGNED_CERT = 18
SELF_SIGNED_CERT_IN_CHAIN = 19
UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20
UNABLE_TO_VERIFY_LEAF_SIGNATURE = 21
HOSTNAME_MISMATCH = 62
IP_ADDRESS_MISMATCH = 64

# A certificate whose issuer is not at hand: a missing intermediate (repairable
# through AIA) or an unknown CA.
ISSUER_MISSING = (UNABLE_TO_GET_ISSUER_CERT, UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                  UNABLE_TO_VERIFY_LEAF_SIGNATURE)


@dataclass(frozen=True)
class Trust:
    """Everything that decides one SSL context; equal Trusts share a context and a pool."""

    verify: bool = True
    ca_bundle: Path | None = None
    intermediates: tuple[bytes, ...] = ()   # DER, fetched through AIA


# Handshakes that browsers complete and Python's defaults on OpenSSL 3 refuse.
# Older agency servers and load balancers offer TLS 1.2 with ECDHE and AES in
# CBC mode with SHA-1 MACs only, which Python's cipher list leaves out ("handshake failure"),
# and some omit the renegotiation extension of RFC 5746, which OpenSSL 3 then
# refuses ("unsafe legacy renegotiation disabled"). Chrome and Firefox read both.
# The suites come after Python's own, so a server offering a modern one still
# gets it; TLS 1.0 and 1.1, and certificate checks, are as before. Without the
# extension, someone on the path could put a request of their own before the
# monitor's on one connection (CVE-2009-3555): the monitor reads public pages
# with no credential but the site's own session cookie, so it has nothing to lose.
CBC_SHA1_SUITES = ("ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA",
                   "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA")
# Servers older still (Apache 2.2 on OpenSSL 0.9.8, old Java and load balancers)
# offer no ECDHE at all: RSA key exchange, and DHE with a 1,024-bit group that
# OpenSSL 3 refuses ("dh key too small"). Firefox offers these four RSA suites
# last and reads such a server; Python's list has none of them. Last here too,
# so any server that can do better does. And, as in Chrome (since 53) and
# Firefox (since 78), no DHE: a server that picks it first, as one that prefers
# its own order does, would otherwise fail on its small group where browsers
# read the page over RSA.
RSA_KX_SUITES = ("AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA")
LEGACY_SERVER_CONNECT = getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)   # named in 3.12


def _as_browsers_shake_hands(context: ssl.SSLContext) -> ssl.SSLContext:
    tls12 = [c["name"] for c in context.get_ciphers()
             if c["protocol"] != "TLSv1.3" and c.get("kea") != "kx-dhe"]
    context.set_ciphers(":".join(["@SECLEVEL=2", *tls12, *CBC_SHA1_SUITES, *RSA_KX_SUITES]))
    context.options |= LEGACY_SERVER_CONNECT
    return context


@lru_cache(maxsize=64)
def context_for(trust: Trust) -> ssl.SSLContext:
    if not trust.verify:
        insecure = _as_browsers_shake_hands(ssl.create_default_context())
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        return insecure
    context = _as_browsers_shake_hands(ssl.create_default_context(cafile=certifi.where()))
    context.verify_flags &= ~getattr(ssl, "VERIFY_X509_PARTIAL_CHAIN", 0)
    if trust.ca_bundle is not None:
        context.load_verify_locations(cafile=str(trust.ca_bundle))
    for der in trust.intermediates:
        context.load_verify_locations(cadata=der)
    return context


@cache
def no_tls() -> ssl.SSLContext:
    """The context of a plain-http origin's pool, which never starts TLS: it trusts no
    root at all, so were it ever used, verification would fail closed. It loads no
    certificates, unlike context_for."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class CertificateError(FetchError):
    """Verification of a server's certificate failed; `code` is OpenSSL's reason."""

    def __init__(self, message: str, *, url: str, code: int, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(message, url=url)


def verification_failure(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate failure inside an httpx/httpcore error, if that is what it is."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


BUNDLE_HINT = ("if you trust it, save its CA certificate (PEM) next to sources.yaml and set "
               "`tls: {ca_bundle: FILE}` on this source")


def explain(url: str, code: int, reason: str, *, sent: int = 0, self_issued: bool = False,
            issuer: str = "", aia: str = "", names: tuple[str, ...] = ()) -> str:
    """One line: which kind of failure, and what to do.

    `sent` is how many certificates the server sent (0: unknown), `self_issued`
    whether its own is self-signed, `issuer` who signed it, `aia` what became of
    the attempt to fetch a missing intermediate.
    """
    head = f"TLS certificate of {url} not accepted"
    if code == CERT_HAS_EXPIRED:
        return (f"{head}: expired ({reason}); the site must renew it. "
                "`tls: {verify: false}` reads it unchecked meanwhile, at your own risk")
    if code == CERT_NOT_YET_VALID:
        return f"{head}: not valid yet ({reason}); check this machine's clock"
    if code in (HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH):
        valid = f" (it is for {', '.join(names[:5])})" if names else f" ({reason})"
        return (f"{head}: wrong host name{valid}; use the host name the certificate is for "
                "in `url:`")
    if code == DEPTH_ZERO_SELF_SIGNED_CERT or (code in ISSUER_MISSING and self_issued):
        return f"{head}: self-signed; {BUNDLE_HINT}"
    if code == SELF_SIGNED_CERT_IN_CHAIN:
        return f"{head}: unknown CA (its chain ends at a root not trusted here); {BUNDLE_HINT}"
    if code in ISSUER_MISSING:
        by = f" (issued by {issuer})" if issuer else ""
        if sent == 1:
            tried = f"; {aia}" if aia else ""
            return (f"{head}: missing intermediate: the server sends its certificate{by} "
                    f"without the intermediate CA certificate that signed it{tried}. Ask the "
                    "site to send its full chain, or set `tls: {ca_bundle: FILE}` with the "
                    "intermediate and its root")
        return f"{head}: unknown CA{by}; {BUNDLE_HINT}"
    return f"{head}: {reason}"
