"""TLS as a browser accepts it: AIA intermediates, a source's own CA, an explicit opt-out.

Real TLS on 127.0.0.1 with certificates made in the test. Host names such as
`ocs.test` reach the loopback server through the fetcher's resolver, so SNI,
the Host header and the name check are those of a real site.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.config.settings import FetchSettings, TlsSettings
from monitor.errors import FetchError
from monitor.fetch import Fetcher
from monitor.models import Document
from monitor.reasons import cause
from tests.httpserver import FixtureServer, Response
from tests.tlsfixtures import Issued, Resolver, https_server, issue

UA = "thai-egov-monitor/test (+https://example.org/)"
HOST = "ocs.test"
NAMES = {HOST: ["127.0.0.1"], "other.test": ["127.0.0.1"], "aia.test": ["127.0.0.1"]}


def settings(tmp: Path, root: Issued | None = None, *, verify: bool = True,
             private_ok: bool = True, host: str = HOST) -> FetchSettings:
    bundle = None
    if root is not None:
        bundle = tmp / "ca.pem"
        bundle.write_bytes(root.pem())
    return FetchSettings(min_delay_per_host=0.0, timeout=5.0, retries=0,
                         respect_robots=False, allow_private_networks=private_ok,
                         tls=TlsSettings(verify=verify, ca_bundle=bundle, host=host))


def fetch_all(urls: list[str], fetch_settings: FetchSettings) -> list[Document | FetchError]:
    """Fetch in turn with one Fetcher (one crawl); a failure is returned, not raised."""
    async def go() -> list[Document | FetchError]:
        out: list[Document | FetchError] = []
        async with Fetcher(user_agent=UA, resolve=Resolver(NAMES)) as fetcher:
            for url in urls:
                try:
                    doc = await fetcher.fetch(url, fetch_settings)
                    assert isinstance(doc, Document)
                    out.append(doc)
                except FetchError as exc:
                    out.append(exc)
        return out
    return asyncio.run(go())


def fetch_one(url: str, fetch_settings: FetchSettings) -> Document | FetchError:
    return fetch_all([url], fetch_settings)[0]


def read_news(site: FixtureServer, tmp: Path, root: Issued,
              body: str = "x") -> Document | FetchError:
    """`site`'s page /news fetched once as HOST, trusting `root`; the site is then stopped."""
    site.page("/news", body)
    try:
        return fetch_one(f"https://{HOST}:{site.port}/news", settings(tmp, root))
    finally:
        site.stop()


@pytest.fixture
def root() -> Issued:
    return issue("Test Root CA", ca=True)


@pytest.fixture
def intermediate(root: Issued) -> Issued:
    return issue("Test Intermediate CA", issuer=root, ca=True)


def test_missing_intermediate_is_fetched_from_aia(tmp_path: Path, root: Issued,
                                                  intermediate: Issued,
                                                  server: FixtureServer) -> None:
    server.add("/int.cer", Response(200, intermediate.der(),
                                    {"Content-Type": "application/pkix-cert"}))
    leaf = issue(HOST, issuer=intermediate, hosts=(HOST,),
                 aia=server.url("/int.cer", host="aia.test"))
    site = https_server(tmp_path, leaf)   # the intermediate is left out, as www.ocs.go.th does
    site.page("/news", "<p>ข่าว</p>")
    try:
        url = f"https://{HOST}:{site.port}/news"
        results = fetch_all([url, url], settings(tmp_path, root))
    finally:
        site.stop()
    assert all(isinstance(r, Document) and r.text == "<p>ข่าว</p>" for r in results), results
    assert len(server.requests_for("/int.cer")) == 1, "fetched once, then remembered"
    assert site.requests_for("/news")[0].host == f"{HOST}:{site.port}"


def test_without_aia_it_fails_saying_missing_intermediate(tmp_path: Path, root: Issued,
                                                          intermediate: Issued) -> None:
    leaf = issue(HOST, issuer=intermediate, hosts=(HOST,))
    site = https_server(tmp_path, leaf)
    result = read_news(site, tmp_path, root)
    assert isinstance(result, FetchError)
    assert "missing intermediate" in str(result)
    assert "no AIA URL" in str(result) and "ca_bundle" in str(result)
    assert site.requests_for("/news") == []


def test_the_full_chain_needs_no_aia(tmp_path: Path, root: Issued,
                                     intermediate: Issued) -> None:
    site = https_server(tmp_path, issue(HOST, issuer=intermediate, hosts=(HOST,)), intermediate)
    result = read_news(site, tmp_path, root, "whole chain")
    assert isinstance(result, Document) and result.text == "whole chain"


def refused(tmp_path: Path, root: Issued, leaf: Issued) -> FetchError:
    """The failure of fetching a page served under `leaf`, with `root` the trusted one;
    the page itself must never have been requested."""
    site = https_server(tmp_path, leaf)
    result = read_news(site, tmp_path, root)
    assert isinstance(result, FetchError), result
    assert site.requests_for("/news") == []
    return result


def test_an_aia_intermediate_from_an_untrusted_root_is_not_enough(
        tmp_path: Path, root: Issued, server: FixtureServer) -> None:
    """AIA completes a chain; it never adds trust."""
    stranger = issue("Someone Else's Root", ca=True)
    their_intermediate = issue("Their Intermediate", issuer=stranger, ca=True)
    server.add("/int.cer", Response(200, their_intermediate.pem()))   # PEM works too
    refused(tmp_path, root, issue(HOST, issuer=their_intermediate, hosts=(HOST,),
                                  aia=server.url("/int.cer", host="aia.test")))
    assert len(server.requests_for("/int.cer")) == 1


def test_a_root_served_at_the_aia_url_is_never_trusted(
        tmp_path: Path, root: Issued, server: FixtureServer) -> None:
    """Someone between the monitor and a site (or the site) signs its certificate with
    a root of their own and serves that root at the certificate's AIA URL: AIA may
    complete a chain up to a trusted root, never supply the root."""
    rogue = issue("Rogue Root CA", ca=True)
    server.add("/root.cer", Response(200, rogue.der()))
    refused(tmp_path, root, issue(HOST, issuer=rogue, hosts=(HOST,),
                                  aia=server.url("/root.cer", host="aia.test")))
    assert len(server.requests_for("/root.cer")) == 1


def test_a_root_above_a_served_intermediate_is_not_trusted_either(
        tmp_path: Path, root: Issued, server: FixtureServer) -> None:
    rogue = issue("Rogue Root CA", ca=True)
    rogue_intermediate = issue("Rogue Intermediate", issuer=rogue, ca=True,
                               aia=server.url("/root.cer", host="aia.test"))
    server.add("/int.cer", Response(200, rogue_intermediate.der()))
    server.add("/root.cer", Response(200, rogue.der()))
    refused(tmp_path, root, issue(HOST, issuer=rogue_intermediate, hosts=(HOST,),
                                  aia=server.url("/int.cer", host="aia.test")))
    assert len(server.requests_for("/root.cer")) == 1


def test_the_aia_fetch_passes_the_private_network_guard(tmp_path: Path, root: Issued,
                                                        intermediate: Issued,
                                                        server: FixtureServer) -> None:
    server.add("/int.cer", Response(200, intermediate.der()))
    leaf = issue(HOST, issuer=intermediate, hosts=(HOST,),
                 aia=server.url("/int.cer", host="aia.test"))
    site = https_server(tmp_path, leaf)
    site.page("/news", "x")
    try:
        result = fetch_one(f"https://{HOST}:{site.port}/news",
                           settings(tmp_path, root, private_ok=False))
    finally:
        site.stop()
    assert isinstance(result, FetchError)
    assert "missing intermediate" in str(result) and "loopback" in str(result)
    assert server.requests_for("/int.cer") == [], "the certificate's URL is not trusted"


def test_self_signed_works_with_ca_bundle_and_fails_without(tmp_path: Path) -> None:
    own = issue(HOST, hosts=(HOST,))   # self-signed, as www.krisdika.go.th
    site = https_server(tmp_path, own)
    site.page("/news", "krisdika")
    try:
        url = f"https://{HOST}:{site.port}/news"
        trusted = fetch_one(url, settings(tmp_path, own))
        refused = fetch_one(url, settings(tmp_path))
    finally:
        site.stop()
    assert isinstance(trusted, Document) and trusted.text == "krisdika"
    assert isinstance(refused, FetchError)
    assert "self-signed" in str(refused) and "tls: {ca_bundle: FILE}" in str(refused)


def test_verify_false_works_for_the_sources_host_only(tmp_path: Path) -> None:
    own = issue(HOST, hosts=(HOST, "other.test"))
    site = https_server(tmp_path, own)
    site.page("/news", "unchecked")
    try:
        insecure = settings(tmp_path, verify=False)
        results = fetch_all([f"https://{HOST}:{site.port}/news",
                             f"https://other.test:{site.port}/news"], insecure)
    finally:
        site.stop()
    assert isinstance(results[0], Document) and results[0].text == "unchecked"
    assert isinstance(results[1], FetchError), "verify: false must not reach other hosts"
    assert "self-signed" in str(results[1])


def _unknown_chain(root: Issued) -> list[Issued]:
    # The server sends its chain, but the chain's top is signed by a root nobody trusts.
    theirs = issue("Their Intermediate", issuer=issue("Unknown Root", ca=True), ca=True)
    return [issue(HOST, issuer=theirs, hosts=(HOST,)), theirs]


@pytest.mark.parametrize(("kind", "make"), [
    ("expired", lambda root: [issue(HOST, issuer=root, hosts=(HOST,), days=(-30, -1))]),
    ("wrong host name (it is for elsewhere.test)",
     lambda root: [issue("elsewhere.test", issuer=root, hosts=("elsewhere.test",))]),
    ("unknown CA", _unknown_chain),
])
def test_each_failure_says_its_kind(tmp_path: Path, root: Issued, kind: str,
                                    make: Callable[[Issued], list[Issued]]) -> None:
    site = https_server(tmp_path, *make(root))
    result = read_news(site, tmp_path, root)
    assert isinstance(result, FetchError)
    assert f"not accepted: {kind}" in str(result), str(result)
    assert site.requests_for("/news") == []


def _handshake_error(port: int, root: Issued, context: ssl.SSLContext) -> str:
    """What a plain TLS client with `context` meets at the server on `port` ('' if none)."""
    context.load_verify_locations(cadata=root.pem().decode())
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
                context.wrap_socket(raw, server_hostname=HOST):
            return ""
    except (ssl.SSLError, OSError) as exc:
        return str(exc)


@pytest.mark.parametrize("suite", ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA"])
def test_a_server_offering_only_cbc_suites_with_sha1_is_read_as_browsers_read_it(
        tmp_path: Path, root: Issued, suite: str) -> None:
    """An older agency server: TLS 1.2, ECDHE, AES-CBC with SHA-1 MACs, nothing newer."""
    site = https_server(tmp_path, issue(HOST, issuer=root, hosts=(HOST,)))
    server_side = site._httpd.socket.context
    server_side.maximum_version = ssl.TLSVersion.TLSv1_2
    server_side.set_ciphers(suite)
    refused = _handshake_error(site.port, root, ssl.create_default_context())
    result = read_news(site, tmp_path, root, "<p>ข่าว</p>")
    assert "HANDSHAKE_FAILURE" in refused   # the premise: Python's own defaults refuse it
    assert isinstance(result, Document), result
    assert "ข่าว" in result.text


# RFC 2409's 1,024-bit group (Oakley group 2), as Apache 2.2 used for DHE.
DH_1024 = b"""-----BEGIN DH PARAMETERS-----
MIGHAoGBAP//////////yQ/aoiFowjTExmKLgNwc0SkCTgiKZ8x0Agu+pjsTmyJR
Sgh5jjQE3e+VGbPNOkMbMCsKbfJfFDdP4TVtbVHCReSFtXZiXn7G9ExC6aY37WsL
/1y29Aa37e44a/taiZ+lrp8kEXxLH+ZJKGZR7OZTgf//////////AgEC
-----END DH PARAMETERS-----
"""


@pytest.mark.parametrize("suites", [
    "AES128-GCM-SHA256",
    "AES256-SHA",
    # DHE first, in the server's own order, over a group OpenSSL 3 calls too small.
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:@SECLEVEL=0",
])
def test_a_server_offering_only_rsa_key_exchange_is_read_as_firefox_reads_it(
        tmp_path: Path, root: Issued, suites: str) -> None:
    """An older server still: no ECDHE at all (its DHE group too small for OpenSSL 3)."""
    site = https_server(tmp_path, issue(HOST, issuer=root, hosts=(HOST,), rsa_key=True))
    server_side = site._httpd.socket.context
    server_side.maximum_version = ssl.TLSVersion.TLSv1_2
    server_side.set_ciphers(suites)
    if "DHE" in suites:
        (tmp_path / "dh.pem").write_bytes(DH_1024)
        server_side.load_dh_params(str(tmp_path / "dh.pem"))
        server_side.options |= ssl.OP_CIPHER_SERVER_PREFERENCE
    refused = _handshake_error(site.port, root, ssl.create_default_context())
    result = read_news(site, tmp_path, root, "<p>ข่าว</p>")
    # The premise: Python's own defaults refuse it.
    assert "HANDSHAKE_FAILURE" in refused or "DH_KEY_TOO_SMALL" in refused, refused
    assert isinstance(result, Document), result
    assert "ข่าว" in result.text


def _server_hello_without_renegotiation_info() -> bytes:
    """A TLS 1.2 ServerHello with no extensions at all, as servers from before RFC 5746 send."""
    body = (b"\x03\x03" + bytes(range(32))      # version, random (no downgrade sentinel)
            + b"\x00"                            # no session id
            + b"\xc0\x2b"                        # ECDHE-ECDSA-AES128-GCM-SHA256, offered
            + b"\x00")                           # no compression, and no extensions
    handshake = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + len(handshake).to_bytes(2, "big") + handshake


def test_a_server_without_secure_renegotiation_is_not_refused(root: Issued) -> None:
    """OpenSSL 3 stops at such a ServerHello ("unsafe legacy renegotiation disabled");
    browsers go on, and so does the fetcher (here to the end of what this stub sends)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = listener.accept()
                with conn:   # the ClientHello read, the ServerHello sent, and closed
                    conn.recv(65536)
                    conn.sendall(_server_hello_without_renegotiation_info())

    threading.Thread(target=serve, daemon=True).start()
    try:
        # The premise: the stub's hello is well formed, and Python's defaults refuse it.
        assert "UNSAFE_LEGACY_RENEGOTIATION_DISABLED" in _handshake_error(
            port, root, ssl.create_default_context())
        result = fetch_one(f"https://{HOST}:{port}/news", settings(Path("."), None))
    finally:
        listener.close()
    assert isinstance(result, FetchError)
    # Past the hello: the stub hangs up where a real server would send its certificate.
    assert str(result).endswith("failed: the server closed the connection"), result


def test_a_server_offering_only_tls_1_0_or_1_1_is_refused_and_says_so(
        tmp_path: Path, root: Issued) -> None:
    """Browsers refuse these versions too: the monitor does not go below them."""
    site = https_server(tmp_path, issue(HOST, issuer=root, hosts=(HOST,)))
    server_side = site._httpd.socket.context
    server_side.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():   # Python deprecates naming these versions at all
        warnings.simplefilter("ignore", DeprecationWarning)
        server_side.minimum_version = ssl.TLSVersion.TLSv1
        server_side.maximum_version = ssl.TLSVersion.TLSv1_1
    result = read_news(site, tmp_path, root)
    assert isinstance(result, FetchError)
    assert cause(str(result)) == (f"TLS: the site offers only TLS 1.0 or 1.1, which browsers "
                                  f"refuse too: {HOST}")
