"""A real HTTP server on 127.0.0.1 for tests, with routes and a request log.

Tests register routes (path -> Route), point sources at `server.url(path)` and
read `server.log` to prove what was (and was not) requested and when.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    time: float          # time.monotonic() when the request arrived
    host: str = ""        # the Host header as sent
    body: bytes = b""     # a POST's body
    peer: tuple[str, int] = ("", 0)   # the client's address: one per connection


@dataclass
class Response:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0             # seconds before the status line is sent
    chunk_delay: float = 0.0       # seconds between body chunks (a trickle)
    # Headers sent more than once (Set-Cookie), after `headers`.
    repeated: tuple[tuple[str, str], ...] = ()


# A route is a fixed Response, a list of Responses served in turn (the last
# repeats), or a function of the Request.
Route = Response | list[Response] | Callable[[Request], Response]


class FixtureServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                server._handle(self)

            def do_HEAD(self) -> None:
                server._handle(self)

            def do_POST(self) -> None:
                server._handle(self)

            def handle(self) -> None:
                # The client hung up mid-connection (timeout, max_bytes): expected.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    super().handle()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        # A short poll interval makes stop() return in ~50 ms instead of 500 ms.
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FixtureServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def page(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8",
             **headers: str) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Response(200, data, {"Content-Type": content_type, **headers})

    def requests_for(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]

    def _respond_for(self, request: Request) -> Response:
        route = self.routes.get(request.path)
        if route is None:
            route = self.routes.get(request.path.split("?", 1)[0])
        if route is None:
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        if callable(route):
            return route(request)
        if isinstance(route, list):
            with self._lock:
                n = self._counts.get(request.path, 0)
                self._counts[request.path] = n + 1
            return route[min(n, len(route) - 1)]
        return route

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        request = Request(
            method=handler.command,
            path=handler.path,
            headers={k.lower(): v for k, v in handler.headers.items()},
            time=time.monotonic(),
            host=handler.headers.get("Host", ""),
            body=handler.rfile.read(int(handler.headers.get("Content-Length") or 0)),
            peer=handler.client_address[:2],
        )
        with self._lock:
            self.log.append(request)
        response = self._respond_for(request)
        if response.delay:
            time.sleep(response.delay)
        try:
            handler.send_response(response.status)
            headers = dict(response.headers)
            body = response.body
            if isinstance(body, bytes):
                headers.setdefault("Content-Length", str(len(body)))
                chunks: Iterable[bytes] = [body] if not response.chunk_delay else (
                    body[i:i + 64] for i in range(0, len(body), 64))
            else:
                chunks = body
                headers.setdefault("Connection", "close")
            for name, value in [*headers.items(), *response.repeated]:
                handler.send_header(name, value)
            handler.end_headers()
            if handler.command == "HEAD":
                return
            for chunk in chunks:
                handler.wfile.write(chunk)
                if response.chunk_delay:
                    handler.wfile.flush()
                    time.sleep(response.chunk_delay)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout, max_bytes): that is what some tests want
        if "Content-Length" not in headers:
            handler.close_connection = True
