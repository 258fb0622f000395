"""The Fetcher: the one way the program reads the web.

Each concern lives in its own module; this one only puts them in order, per
hop of a redirect chain:

    scheme -> private-network guard -> robots.txt -> host turn + global slot
    -> one bounded exchange -> anti-bot wall? -> retry? -> redirect? -> decode

Redirects are followed here, not by httpx, so that every hop passes the same
checks as the first URL.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from monitor.config.settings import FetchSettings, RequestSettings, TlsSettings
from monitor.errors import BlockedError, FetchError, HTTPStatusError, NotAllowedError
from monitor.fetch import challenge, netguard
from monitor.fetch.decode import decode, media_type
from monitor.fetch.exchange import GET, Ask, Reply, Transient, exchange, timeout_error
from monitor.fetch.hosts import HostThrottle
from monitor.fetch.pinned import OriginPools, PinnedBackend
from monitor.fetch.refresh import MAX_REFRESHES, refresh_target
from monitor.fetch.retry import RetryPolicy, is_retryable_status, parse_retry_after
from monitor.fetch.robots import (
    MAX_ROBOTS_BYTES,
    RobotsAnswer,
    RobotsCache,
    RobotsFetch,
    RobotsMemory,
    answer_from_error,
)
from monitor.fetch.session import Session
from monitor.fetch.tlstrust import ISSUER_MISSING, CertificateError, Trust, context_for, explain
from monitor.models import Document, NotModified, Validators
from monitor.text.clean import clean_href

if TYPE_CHECKING:   # cryptography is imported only when a certificate needs repair
    from cryptography import x509

MAX_REDIRECTS = 10
AIA_FAILURE_TTL = 600.0  # seconds before a failed AIA URL is tried again
ROBOTS_REDIRECTS = 5     # RFC 9309 asks crawlers to follow at least five
# Headless browsers open at once (`render: true`): each takes a core's worth of CPU
# and 150 to 300 MB while it loads a page, and a crawl runs `concurrency` fetches.
RENDERS_AT_ONCE = 2
# Connection pools kept per origin, and idle connections kept per pool. Sources are
# taken one host after another, so a host comes round again only after the others
# had their turn: one shared pool capped near `concurrency` reused no connection in
# a crawl of 50 hosts. At most 512 idle sockets, well under the usual 1,024 files.
MAX_ORIGINS = 128
IDLE_PER_ORIGIN = 4
ACCEPT = ("text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
          "application/feed+json,application/xml;q=0.9,application/json;q=0.8,*/*;q=0.5")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _origin_url(url: str) -> str:
    scheme, host, port = netguard.origin(url)
    default = 443 if scheme == "https" else 80
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + ("" if port == default else f":{port}")


@dataclass
class _Budget:
    """The total deadline of one fetch, shared by every hop of its redirect chain.

    Only time on the network counts (waiting for a host's turn is politeness,
    not slowness). A retry starts a fresh attempt with the whole `timeout`;
    `retries` is shared by the chain too, so the worst case is bounded by
    (retries + 1) x timeout however many hops there are.
    """

    timeout: float
    retries: int
    spent: float = 0.0

    def remaining(self) -> float:
        return self.timeout - self.spent


class Fetcher:
    """Fetches with manners and bounds; see the package docstring for the rules.

    One instance per run: it owns the connection pools, the per-host spacing,
    the robots.txt cache and the intermediates fetched through AIA, which only
    help when shared by every fetch.
    """

    def __init__(self, *, user_agent: str, concurrency: int = 16,
                 now: Callable[[], datetime] = _utcnow,
                 retry: RetryPolicy | None = None,
                 resolve: netguard.Resolver = netguard.system_resolve,
                 robots_memory: RobotsMemory | None = None) -> None:
        """`robots_memory` keeps robots.txt answers for later processes (the store)."""
        self._now = now
        self._retry = retry or RetryPolicy()
        self._hosts = HostThrottle(concurrency)
        self._robots = RobotsCache(user_agent=user_agent, now=now, memory=robots_memory)
        self._resolve = resolve
        self._user_agent = user_agent
        self._concurrency = concurrency
        # One pool per (guarded?, TLS trust): a connection checked under one rule
        # is never reused under another.
        self._clients: dict[tuple[bool, Trust], Session] = {}
        self._intermediates: dict[str, tuple[bytes, ...]] = {}   # host:port -> DER
        # AIA URL -> DER, or the failure and when it happened: `monitor run` keeps one
        # Fetcher for days, and a CA's server that failed once may answer later.
        self._aia: dict[str, bytes | tuple[float, FetchError]] = {}
        self._browsers = asyncio.Semaphore(RENDERS_AT_ONCE)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _client_for(self, url: str, settings: FetchSettings, guard: bool) -> Session:
        scheme, host, _ = netguard.origin(url)
        trust = Trust()
        if scheme == "https":
            tls = settings.tls if settings.tls.applies_to(host) else TlsSettings()
            trust = Trust(verify=tls.verify, ca_bundle=tls.ca_bundle,
                          intermediates=self._intermediates.get(netguard.host_key(url), ()))
        client = self._clients.get((guard, trust))
        if client is None:
            # In-flight requests are capped by the HostThrottle; a pool cap too would
            # only add a second queue whose wait counts against a request's deadline.
            backend = PinnedBackend(self._resolve, guard=guard)
            client = Session(
                OriginPools(functools.partial(context_for, trust), backend,
                            max_origins=MAX_ORIGINS,
                            idle_per_origin=min(IDLE_PER_ORIGIN, self._concurrency)),
                {"User-Agent": self._user_agent, "Accept-Encoding": "gzip, deflate"})
            self._clients[(guard, trust)] = client
        return client

    async def fetch(self, url: str, settings: FetchSettings, *,
                    validators: Validators | None = None, encoding: str | None = None,
                    trusted: bool = True, request: RequestSettings | None = None,
                    render: bool = False, referrer: str | None = None
                    ) -> Document | NotModified:
        """Fetch one URL: a Document, or NotModified when `validators` still hold.

        `trusted` is True only for a source's own configured URL; anything found
        in content is untrusted and may not reach private networks. `request`
        (a POST) and `render` (a headless browser) are for a source's own URL.
        `referrer` is the page the URL was found on (see `referer_for`).
        Raises FetchError or one of its subclasses, never anything from httpx.
        """
        if render:
            return await self._rendered(url, settings, trusted=trusted)
        headers = {"Accept": ACCEPT, "Accept-Language": "th,en;q=0.8"}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        ask = Ask(request.method, request.form) if request is not None else GET
        reply = await self._follow(url, settings, headers, trusted=trusted,
                                   max_hops=MAX_REDIRECTS, robots=settings.respect_robots,
                                   retries=settings.retries, max_bytes=settings.max_bytes,
                                   ask=ask, encoding=encoding, referrer=referrer)
        if reply.status == 304 and conditional:
            return NotModified(url=reply.url)
        if not 200 <= reply.status < 300:
            status = f"{reply.status} {reply.reason}".strip()
            raise HTTPStatusError(f"HTTP {status} from {reply.url}", url=reply.url,
                                  status=reply.status)
        content_type = reply.headers.get("content-type")
        text, codec = decode(reply.body, content_type, encoding)
        # A page cut short keeps no validators: they stand for the whole page, and a
        # 304 next time would leave the source at what arrived.
        whole = reply.cut is None
        return Document(url=reply.url, content=reply.body, text=text, encoding=codec,
                        content_type=media_type(content_type), status=reply.status,
                        fetched_at=self._now(),
                        etag=reply.headers.get("etag") if whole else None,
                        last_modified=reply.headers.get("last-modified") if whole else None,
                        cut=reply.cut)

    def robots_spacing(self, url: str) -> float:
        """The seconds the robots.txt of `url`'s host asks between our requests, as the
        fetcher last read it (its Crawl-delay, capped; 0 when it asks none)."""
        return self._hosts.spacing(netguard.host_key(url))

    async def robots_sitemaps(self, url: str, settings: FetchSettings, *,
                              trusted: bool = True) -> list[str]:
        """The `Sitemap:` lines of the robots.txt that governs `url`: the copy its rules
        came from, so asking costs no second request."""
        netguard.check_scheme(url)
        if not trusted and not settings.allow_private_networks:
            await netguard.check_public(url, settings.timeout, self._resolve)
        return await self._robots.sitemaps(_origin_url(url), self._robots_fetch(settings, trusted))

    async def _rendered(self, url: str, settings: FetchSettings, *, trusted: bool) -> Document:
        """The page after its scripts ran, from a headless Chromium, with the same manners:
        robots.txt first, then the host's turn; every request the page makes is sent
        from here (see `send`), never by the browser itself. At most RENDERS_AT_ONCE
        browsers run at once, however many render sources a crawl has."""
        netguard.check_scheme(url)
        own = netguard.origin(url) if trusted else None
        if not trusted and not settings.allow_private_networks:
            await netguard.check_public(url, settings.timeout, self._resolve)
        if settings.respect_robots:
            self._hosts.space(netguard.host_key(url), await self._robots.check(
                url, _origin_url(url), self._robots_fetch(settings, trusted)))
        async with self._browsers:   # the wait for a browser is not the page's time
            return await self._render_now(url, settings, own)

    async def _render_now(self, url: str, settings: FetchSettings,
                          own: tuple[str, str, int] | None) -> Document:
        from monitor.fetch import render  # the browser is an optional extra

        loop = asyncio.get_running_loop()
        deadline = loop.time() + settings.timeout

        async def send(method: str, target: str, headers: dict[str, str],
                       body: bytes | None) -> Reply:
            netguard.check_scheme(target)
            # Only the source's own origin may be private (its URL is the user's choice).
            guard = netguard.origin(target) != own and not settings.allow_private_networks
            ask = GET if method == "GET" and not body else Ask(method, content=body)
            for retried in (False, True):
                try:
                    return await exchange(self._client_for(target, settings, guard), target,
                                          headers, timeout=deadline - loop.time(),
                                          max_bytes=settings.max_bytes, check_peer=guard,
                                          ask=ask, shown_timeout=settings.timeout)
                except CertificateError as exc:
                    await self._repair_or_explain(target, exc, settings, guard, retried=retried)
            raise AssertionError("unreachable")   # the second failure is raised, explained

        async with self._hosts.slot(netguard.host_key(url), settings.min_delay_per_host):
            page = await render.render(url, settings, user_agent=self._user_agent, send=send)
        return Document(url=page.url, content=page.html.encode("utf-8"), text=page.html,
                        encoding="utf-8", content_type="text/html", status=page.status,
                        fetched_at=self._now())

    async def _follow(self, url: str, settings: FetchSettings, headers: dict[str, str], *,
                      trusted: bool, max_hops: int, robots: bool, retries: int,
                      max_bytes: int, truncate: bool = False, ask: Ask = GET,
                      repair_tls: bool = True, encoding: str | None = None,
                      referrer: str | None = None) -> Reply:
        """Request `url` and follow redirects by hand, checking every hop like the first.

        `encoding` is the source's override of its pages' encoding, which a refresh
        stub's address is read in (see `refresh_target`); `referrer`, the page the
        URL was found on, is told to each hop as its origin allows (`referer_for`)."""
        trusted_origin = netguard.origin(url) if trusted and _is_web(url) else None
        seen: set[str] = set()
        current = url
        budget = _Budget(settings.timeout, retries)
        refreshes = 0
        for _hop in range(max_hops + 1):
            netguard.check_scheme(current)
            hop_trusted = trusted_origin is not None and netguard.origin(current) == trusted_origin
            guard = not hop_trusted and not settings.allow_private_networks
            if guard:
                await netguard.check_public(current, settings.timeout, self._resolve)
            if robots:
                self._hosts.space(netguard.host_key(current), await self._robots.check(
                    current, _origin_url(current), self._robots_fetch(settings, hop_trusted)))
            referer = referer_for(referrer, current)
            hop_headers = headers if referer is None else {**headers, "Referer": referer}
            reply = await self._with_retries(current, settings, hop_headers, budget=budget,
                                             guard=guard, max_bytes=max_bytes,
                                             truncate=truncate, ask=ask, repair_tls=repair_tls)
            # Read as browsers read an address (a backslash before the query is a slash,
            # as Windows servers write one; a space is encoded), as links on pages are.
            target = reply.location
            if target is not None:
                target = clean_href(target)
            else:
                target = refresh_target(reply.status, reply.headers, reply.body, encoding)
                target = None if target is None else clean_href(target)
                if (target is None or _same_page(current, target)
                        or refreshes == MAX_REFRESHES):
                    return reply   # content; a page that reloads itself is content too
                refreshes += 1
            seen.add(str(httpx.URL(current)))   # only a redirect needs it: not on every hop
            if "set-cookie" in reply.headers:
                # A cookie check (a session, a language, a load balancer's): the page
                # sets a cookie and sends the visitor back to ask again with it, which
                # browsers follow. Not a loop while each answer sets a cookie; the hop
                # limit still bounds a server that always does.
                seen = set()
            if reply.status not in (307, 308):
                ask = GET   # as browsers do: only 307 and 308 repeat a POST
            try:
                current = str(httpx.URL(current).join(target))
            except (httpx.InvalidURL, ValueError, UnicodeError):
                raise FetchError(f"{reply.url} redirects to an invalid URL: {target!r}",
                                 url=url) from None
            if current in seen:
                raise FetchError(f"redirect loop: {reply.url} redirects back to {current} "
                                 f"(started at {url})", url=url)
        raise FetchError(f"more than {max_hops} redirects, starting at {url}", url=url)

    async def _with_retries(self, url: str, settings: FetchSettings, headers: dict[str, str],
                            *, budget: _Budget, guard: bool, max_bytes: int,
                            truncate: bool, ask: Ask, repair_tls: bool) -> Reply:
        """One hop, retried on failures another attempt may cure, within the budget."""
        host = netguard.host_key(url)
        waited = 0.0
        attempt = 0
        while True:
            reply: Reply | None = None
            failure: Transient | None = None
            try:
                reply = await self._attempt(url, settings, headers, budget=budget, guard=guard,
                                            max_bytes=max_bytes, truncate=truncate, ask=ask,
                                            repair_tls=repair_tls)
            except Transient as exc:
                failure = exc
            if reply is not None:
                wall = challenge.detect(reply.status, reply.headers, reply.body)
                if wall:
                    raise BlockedError(f"{url} answered with a {wall} page (HTTP "
                                       f"{reply.status}) instead of content", url=url)
                if not is_retryable_status(reply.status):
                    return reply
            retry_after = parse_retry_after(reply.headers.get("retry-after"), self._now()
                                            ) if reply is not None else None
            wait, why = self._retry.delay(attempt, retry_after, waited)
            if retry_after is not None and wait is not None:
                self._hosts.hold(host, wait)   # the whole host asked for a pause, not one URL
            if budget.retries <= 0 or wait is None:
                done = attempt + 1
                suffix = f" after {done} attempts" if done > 1 else ""
                because = f" ({why})" if why and budget.retries > 0 else ""
                if failure is not None:
                    error = timeout_error(failure, done)
                    raise type(error)(f"{error}{because}", url=url)
                assert reply is not None
                raise HTTPStatusError(f"HTTP {reply.status} from {url}{suffix}{because}",
                                      url=url, status=reply.status)
            await asyncio.sleep(wait)
            waited += wait
            attempt += 1
            budget.retries -= 1
            budget.spent = 0.0

    async def _attempt(self, url: str, settings: FetchSettings, headers: dict[str, str], *,
                       budget: _Budget, guard: bool, max_bytes: int, truncate: bool,
                       ask: Ask, repair_tls: bool) -> Reply:
        """One exchange in the host's turn; a certificate whose intermediate the server
        left out is completed through AIA and the exchange tried once more."""
        loop = asyncio.get_running_loop()
        repaired = not repair_tls
        while True:
            async with self._hosts.slot(netguard.host_key(url), settings.min_delay_per_host
                                        ) as mark:
                started = loop.time()
                try:
                    return await exchange(self._client_for(url, settings, guard), url, headers,
                                          timeout=budget.remaining(), max_bytes=max_bytes,
                                          check_peer=guard, truncate=truncate,
                                          on_send=mark,
                                          ask=ask, shown_timeout=settings.timeout)
                except CertificateError as exc:
                    failure = exc
                finally:
                    budget.spent += loop.time() - started
            # Outside the host's turn: the AIA fetch needs a turn (and a slot) of its own.
            await self._repair_or_explain(url, failure, settings, guard, retried=repaired)
            repaired = True

    async def _repair_or_explain(self, url: str, failure: CertificateError,
                                 settings: FetchSettings, guard: bool, *, retried: bool) -> None:
        """Return when a missing intermediate was found (try again); else raise the
        failure, saying which kind it is and what to do."""
        from monitor.fetch import aia  # cryptography: a tenth of every start-up otherwise

        _, host, port = netguard.origin(url)
        sent = aia.Sent(())
        try:
            address = (await netguard.resolve_checked(host, port, self._resolve,
                                                      guard=guard))[0]
            sent = await aia.sent_chain(host, address, port, min(settings.timeout, 10.0))
        except (OSError, TimeoutError, ssl.SSLError, FetchError):
            pass   # the explanation will be vaguer, that is all
        leaf, top = sent.leaf, sent.top
        note = ""
        if failure.code in ISSUER_MISSING and top is not None and not retried:
            # Only the URLs of what the server sent are used, never its trust.
            found, note = await self._intermediates_for(top, settings)
            if found:
                self._intermediates[netguard.host_key(url)] = found
                return
        elif retried and failure.code in ISSUER_MISSING:
            note = "the intermediate its AIA URL gave does not lead to a trusted root"
        raise CertificateError(
            explain(url, failure.code, failure.reason, sent=len(sent.chain),
                    self_issued=leaf is not None and aia.is_self_issued(leaf),
                    issuer=aia.issuer_name(top) if top is not None else "", aia=note,
                    names=aia.host_names(leaf) if leaf is not None else ()),
            url=url, code=failure.code, reason=failure.reason)

    async def _intermediates_for(self, top: x509.Certificate, settings: FetchSettings
                                 ) -> tuple[tuple[bytes, ...], str]:
        """Intermediates above `top`, from AIA URLs (DER), and a note when none were found."""
        from cryptography import x509

        from monitor.fetch import aia

        found: list[bytes] = []
        cert = top
        for _ in range(aia.MAX_DEPTH):
            if aia.is_self_issued(cert):
                break
            urls = aia.ca_issuer_urls(cert)
            if not urls:
                return tuple(found), ("" if found else
                                      "its certificate names no AIA URL to fetch it from")
            der = await self._aia_certificate(urls[0], settings)
            if isinstance(der, FetchError):
                return tuple(found), f"fetching it from its AIA URL failed: {der}"
            cert = x509.load_der_x509_certificate(der)
            if aia.is_self_issued(cert):
                # A root: trusted only if it is already among the trusted roots. Loaded
                # into the context it would be trusted because a server named it, and
                # anyone between us and a site could then name their own.
                break
            found.append(der)
        return tuple(found), ""

    async def _aia_certificate(self, url: str, settings: FetchSettings) -> bytes | FetchError:
        """The certificate at an AIA URL, fetched once per run (a failure is retried after
        AIA_FAILURE_TTL), with the guard, a small size limit and no robots.txt (a CA's
        certificate file, not a page)."""
        from cryptography.hazmat.primitives.serialization import Encoding

        from monitor.fetch import aia

        loop = asyncio.get_running_loop()
        known = self._aia.get(url)
        if isinstance(known, bytes):
            return known
        if known is not None and loop.time() - known[0] < AIA_FAILURE_TTL:
            return known[1]
        quick = replace(settings, timeout=min(settings.timeout, 10.0), retries=0,
                        tls=TlsSettings())
        try:
            reply = await self._follow(
                url, quick, {"Accept": "application/pkix-cert,application/x-x509-ca-cert,"
                             "application/pkcs7-mime,*/*;q=0.5"}, trusted=False,
                max_hops=3, robots=False, retries=0, max_bytes=aia.MAX_CERT_BYTES,
                repair_tls=False)
            if reply.status != 200:
                raise FetchError(f"HTTP {reply.status} from {url}", url=url)
            certs = aia.load_certificates(reply.body)
            if not certs:
                raise FetchError(f"{url} holds no certificate", url=url)
        except (ValueError, FetchError) as exc:
            failure = exc if isinstance(exc, FetchError) else FetchError(
                f"{url} is not a certificate", url=url)
            self._aia[url] = (loop.time(), failure)
            return failure
        der = certs[0].public_bytes(Encoding.DER)
        self._aia[url] = der
        return der

    def _robots_fetch(self, settings: FetchSettings, trusted: bool) -> RobotsFetch:
        """How to fetch one robots.txt: with the page's manners and trust, no retries,
        no robots check of its own, and only its first 500 KiB."""

        async def fetch_robots(robots_url: str) -> RobotsAnswer:
            try:
                reply = await self._follow(
                    robots_url, settings, {"Accept": "text/plain,*/*"}, trusted=trusted,
                    max_hops=ROBOTS_REDIRECTS, robots=False, retries=0,
                    max_bytes=MAX_ROBOTS_BYTES, truncate=True)
            except BlockedError:
                raise   # the wall, not robots.txt, is what the user must hear about
            except FetchError as exc:
                return answer_from_error(exc)
            return RobotsAnswer(status=reply.status, body=reply.body)

        return fetch_robots


def _same_page(current: str, target: str) -> bool:
    """Whether a refresh to `target` reloads `current` (its fragment aside)."""
    try:
        joined = httpx.URL(current).join(target).copy_with(fragment=None)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return False   # the hop reports it as an invalid URL
    return joined == httpx.URL(current).copy_with(fragment=None)


def _is_web(url: str) -> bool:
    try:
        netguard.check_scheme(url)
    except NotAllowedError:
        return False
    return True


def referer_for(referrer: str | None, url: str) -> str | None:
    """The Referer a browser sends to `url` for a link on the page `referrer`, under
    its default policy (strict-origin-when-cross-origin): the page's address to its
    own origin, only the origin to another, nothing from https to http. Some agency
    sites serve a detail page or a file only to a visitor who came from their list."""
    if not referrer:
        return None
    try:
        source, target = httpx.URL(referrer), httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return None
    if source.scheme not in ("http", "https") or (
            source.scheme == "https" and target.scheme != "https"):
        return None
    origin = f"{source.scheme}://{source.netloc.decode('ascii')}"
    if (source.scheme, source.netloc) == (target.scheme, target.netloc):
        return str(source.copy_with(fragment=None, userinfo=b""))
    return origin + "/"
