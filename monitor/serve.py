"""`monitor run --serve`: the published files over HTTP, and nothing else.

The output directory is not served as a directory: only the names the monitor
publishes are answered (an allow-list), so a database, its `-wal`/`-shm`, a
dotfile or a stray file that lands beside the feeds is a 404 like any unknown
path. Connections are handled by a fixed pool of workers, and each connection
has a total deadline, so idle or trickling clients cannot pile up threads or
hold a worker for long.
`/healthz` says how old the last crawl is, for Docker's HEALTHCHECK.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import json
import logging
import re
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError

log = logging.getLogger(__name__)

WORKERS = 8                 # requests handled at once
BACKLOG = 64                # connections waiting for a worker; more are closed at once
CONNECTION_TIMEOUT = 10.0   # seconds a connection may last, request and reply together

# Everything the monitor publishes into output_dir (see monitor.publish), by URL path.
PUBLISHED = re.compile(
    r"/(?:index\.html|feed\.xml|atom\.xml|feed\.json|health\.xml|subscriptions\.opml"
    r"|items\.json|sources\.json|items\.schema\.json|sources\.schema\.json"
    r"|topics/[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.xml"
    r"|digests/index\.html|digests/\d{4}-W\d{2}\.(?:html|txt))")
TYPES = {".xml": "application/xml; charset=utf-8",
         ".json": "application/json; charset=utf-8",
         ".opml": "text/x-opml; charset=utf-8",
         ".html": "text/html; charset=utf-8",
         ".txt": "text/plain; charset=utf-8"}
FEED_JSON_TYPE = "application/feed+json; charset=utf-8"

# `/search?q=...`: (request path, Accept header) -> (status, content type, body).
SearchHandler = Callable[[str, str], tuple[int, str, bytes]]


def parse_bind(text: str) -> tuple[str, int]:
    """`HOST:PORT` or `[IPv6]:PORT` into (host, port); ValueError says what is wrong."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"--serve wants HOST:PORT, such as 127.0.0.1:8080 or [::1]:8080, "
                         f"not {text!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"--serve: write an IPv6 address in brackets, such as [::1]:8080, "
                         f"not {text!r}")
    number = int(port)
    if not 1 <= number <= 65535:
        raise ValueError(f"--serve: port {number} is not between 1 and 65535")
    return host, number


def shown(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass
class Freshness:
    """What /healthz reports: shared between the scheduler (writer) and the server."""

    limit: float                      # seconds; older than this is unhealthy
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    last_crawl: datetime | None = None

    def report(self, now: datetime | None = None) -> tuple[bool, dict[str, Any]]:
        now = now or datetime.now(UTC)
        since = self.last_crawl or self.started
        age = (now - since).total_seconds()
        healthy = age <= self.limit
        return healthy, {
            "status": "ok" if healthy else "stale",
            "last_crawl": self.last_crawl.isoformat(timespec="seconds")
            if self.last_crawl else None,
            "age_seconds": round(age),
            "limit_seconds": round(self.limit),
        }


def freshness_limit(shortest_interval: float) -> float:
    """How stale the last crawl may be before /healthz fails: a few missed rounds."""
    return 3 * shortest_interval + 300


class _PooledServer(HTTPServer):
    """HTTPServer with a bounded worker pool instead of a thread per connection."""

    daemon_threads = True
    request_queue_size = 128   # the kernel's queue; accepted ones are bounded by the slots

    def __init__(self, address: tuple[str, int], family: int,
                 handler: Callable[..., BaseHTTPRequestHandler]) -> None:
        self.address_family = family
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="serve")
        self._slots = threading.BoundedSemaphore(WORKERS + BACKLOG)
        super().__init__(address, handler)

    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:
            with contextlib.suppress(OSError):   # `[::]` serves IPv4 too where allowed
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)   # full: drop rather than queue without end
            return
        self._pool.submit(self._work, request, client_address)

    def _work(self, request: Any, client_address: Any) -> None:
        # The socket timeout bounds each read; this bounds the whole connection, so
        # a client trickling a byte at a time cannot hold a worker either.
        deadline = threading.Timer(CONNECTION_TIMEOUT, _cut, args=(request,))
        deadline.start()
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            deadline.cancel()
            self.shutdown_request(request)
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("serve: a connection from %s failed", client_address, exc_info=True)

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _handler(directory: Path, freshness: Freshness | None,
             search: SearchHandler | None = None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = CONNECTION_TIMEOUT
        server_version = "monitor"
        sys_version = ""

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def _answer(self, *, body: bool) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                self._healthz(body)
                return
            if search is not None and path in ("/search", "/search/"):
                status, content_type, data = search(self.path, self.headers.get("Accept", ""))
                self._send(HTTPStatus(status), data, content_type, body=body,
                           extra={"Cache-Control": "no-store"})
                return
            if path == "/":
                path = "/index.html"
            file = directory / path[1:]
            if not PUBLISHED.fullmatch(path) or not file.is_file():
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8",
                           body=body)
                return
            try:
                data = file.read_bytes()
                modified = file.stat().st_mtime
            except OSError:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8",
                           body=body)
                return
            stamp = email.utils.formatdate(modified, usegmt=True)
            since = self.headers.get("If-Modified-Since")
            if since:
                with contextlib.suppress(TypeError, ValueError):
                    if email.utils.parsedate_to_datetime(since).timestamp() >= int(modified):
                        self._send(HTTPStatus.NOT_MODIFIED, b"", None, body=False,
                                   extra={"Last-Modified": stamp})
                        return
            kind = FEED_JSON_TYPE if path == "/feed.json" else TYPES[file.suffix]
            self._send(HTTPStatus.OK, data, kind, body=body,
                       extra={"Last-Modified": stamp})

        def _healthz(self, body: bool) -> None:
            if freshness is None:
                healthy, report = True, {"status": "ok"}
            else:
                healthy, report = freshness.report()
            status = HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE
            self._send(status, (json.dumps(report) + "\n").encode(),
                       "application/json", body=body, extra={"Cache-Control": "no-store"})

        def _send(self, status: HTTPStatus, data: bytes, content_type: str | None, *,
                  body: bool, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if body and data:
                self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            log.debug("serve: " + format, *args)

    return Handler


def start_server(directory: Path, host: str, port: int,
                 freshness: Freshness | None = None,
                 search: SearchHandler | None = None) -> HTTPServer:
    """Bind and serve in a daemon thread; ConfigError (one line, exit 2) when it cannot bind."""
    directory.mkdir(parents=True, exist_ok=True)
    where = shown(host, port)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ConfigError(f"cannot listen on {where}: host not found ({error.strerror})",
                          key="--serve") from None
    family, _, _, _, address = infos[0]
    try:
        httpd = _PooledServer((str(address[0]), int(address[1])), family,
                              _handler(directory, freshness, search))
    except OSError as error:
        reason = {errno.EADDRINUSE: "the address is already in use (is another monitor "
                                    "or server running on it?)",
                  errno.EADDRNOTAVAIL: "no such address on this machine",
                  errno.EACCES: "permission denied (ports below 1024 need privileges)",
                  }.get(error.errno or 0, error.strerror or str(error))
        raise ConfigError(f"cannot listen on {where}: {reason}", key="--serve") from None
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2},
                     daemon=True, name="serve").start()
    return httpd
