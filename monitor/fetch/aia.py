"""Missing intermediates, found the way browsers find them: the AIA "CA Issuers" URL.

Some servers (www.ocs.go.th among them) send their own certificate without the
intermediate CA certificate that signed it. Browsers fetch that intermediate
from the URL the certificate names in its Authority Information Access
extension; OpenSSL does not. This module reads what the server sent (an
unverified handshake: nothing from it is trusted, only its URLs are used),
and turns what the AIA URL returns (DER, PEM or PKCS#7) into certificates.
The fetching itself goes through the Fetcher, with its guard and limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import AuthorityInformationAccessOID

from monitor.fetch.tlstrust import Trust, context_for

MAX_CERT_BYTES = 64 * 1024   # one certificate is a few KB; a PKCS#7 bundle a few more
_ENCODING_DER = 2              # _ssl.ENCODING_DER, which the ssl module does not export
MAX_DEPTH = 3                # intermediates fetched for one chain, at most


@dataclass(frozen=True)
class Sent:
    """What a server sent in its handshake, unverified: DER certificates, its own first."""

    chain: tuple[bytes, ...]

    @property
    def leaf(self) -> x509.Certificate | None:
        return _parse(self.chain[0]) if self.chain else None

    @property
    def top(self) -> x509.Certificate | None:
        return _parse(self.chain[-1]) if self.chain else None


def _parse(der: bytes) -> x509.Certificate | None:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        return None


async def sent_chain(host: str, address: str, port: int, timeout: float) -> Sent:
    """Handshake with `address` (already checked by the caller) as `host`, verifying
    nothing, and keep the certificates the server sent."""
    context = context_for(Trust(verify=False))   # the handshake of every fetch, unverified
    async with asyncio.timeout(timeout):
        _, writer = await asyncio.open_connection(address, port, ssl=context,
                                                  server_hostname=host.strip("[]"))
    try:
        obj = writer.get_extra_info("ssl_object")
        return Sent(tuple(_unverified_chain(obj)) if obj is not None else ())
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError, TimeoutError):
            async with asyncio.timeout(1.0):
                await writer.wait_closed()


def _unverified_chain(obj: ssl.SSLObject) -> list[bytes]:
    """Python 3.13 made this public; 3.10 to 3.12 have it on the inner object."""
    getter = getattr(obj, "get_unverified_chain", None) or getattr(
        getattr(obj, "_sslobj", None), "get_unverified_chain", None)
    if getter is not None:
        chain = getter() or []
        return [c if isinstance(c, bytes) else c.public_bytes(_ENCODING_DER) for c in chain]
    leaf = obj.getpeercert(binary_form=True)
    return [leaf] if leaf else []


def ca_issuer_urls(cert: x509.Certificate) -> list[str]:
    """The certificate's AIA "CA Issuers" URLs (http or https), in its order."""
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except (x509.ExtensionNotFound, ValueError):
        return []
    return [d.access_location.value for d in aia
            if d.access_method == AuthorityInformationAccessOID.CA_ISSUERS
            and isinstance(d.access_location, x509.UniformResourceIdentifier)
            and d.access_location.value.lower().startswith(("http://", "https://"))]


def load_certificates(body: bytes) -> list[x509.Certificate]:
    """Certificates in DER, PEM or PKCS#7 (.p7c), whichever the CA publishes."""
    if b"-----BEGIN PKCS7-----" in body:
        return list(pkcs7.load_pem_pkcs7_certificates(body))
    if b"-----BEGIN CERTIFICATE-----" in body:
        return x509.load_pem_x509_certificates(body)
    try:
        return [x509.load_der_x509_certificate(body)]
    except ValueError:
        return list(pkcs7.load_der_pkcs7_certificates(body))


def is_self_issued(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject


def host_names(cert: x509.Certificate) -> tuple[str, ...]:
    """The DNS names and IP addresses a certificate is valid for."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        return ()
    return (*san.get_values_for_type(x509.DNSName),
            *(str(ip) for ip in san.get_values_for_type(x509.IPAddress)))


def issuer_name(cert: x509.Certificate) -> str:
    return cert.issuer.rfc4514_string()
