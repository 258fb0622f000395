"""`--serve`: only published files, bounded connections, /healthz, clear bind errors."""

from __future__ import annotations

import http.client
import json
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import HTTPServer
from pathlib import Path

import pytest

from monitor import serve
from monitor.errors import ConfigError
from monitor.serve import Freshness, parse_bind, start_server


def _get(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


@pytest.fixture
def published(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    for name in ("index.html", "feed.xml", "atom.xml", "feed.json", "topics/egov-act.xml",
                 "digests/2026-W45.html", "digests/2026-W45.txt",
                 # what must never be served, though it sits in the same folder
                 "monitor.sqlite3", "monitor.sqlite3-wal", "monitor.sqlite3-shm",
                 ".env", "topics/.hidden.xml", "notes.txt", "feed.xml.tmp", "topics/a.xml~"):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(f"content of {name}", "utf-8")
    (out / "emptydir").mkdir()
    return out


@pytest.fixture
def server(published: Path) -> Iterator[HTTPServer]:
    httpd = start_server(published, "127.0.0.1", 0)
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def _port(httpd: HTTPServer) -> int:
    return int(httpd.server_address[1])


def test_published_files_are_served_with_their_types(server: HTTPServer) -> None:
    port = _port(server)
    for path, kind in [("/", "text/html"), ("/index.html", "text/html"),
                       ("/feed.xml", "application/xml"), ("/atom.xml", "application/xml"),
                       ("/feed.json", "application/feed+json"),
                       ("/topics/egov-act.xml", "application/xml"),
                       ("/digests/2026-W45.html", "text/html"),
                       ("/digests/2026-W45.txt", "text/plain")]:
        status, body, headers = _get(port, path)
        assert status == 200, path
        assert headers["Content-Type"].startswith(kind), path
        expected = "index.html" if path == "/" else path[1:]
        assert body == f"content of {expected}".encode(), path


@pytest.mark.parametrize("path", [
    "/monitor.sqlite3", "/monitor.sqlite3-wal", "/monitor.sqlite3-shm", "/.env",
    "/topics/.hidden.xml", "/notes.txt", "/feed.xml.tmp", "/topics/a.xml~", "/emptydir",
    "/emptydir/", "/topics/", "/digests/", "/../out/feed.xml", "/topics/../monitor.sqlite3",
    "/%2e%2e/out/feed.xml", "/topics/egov-act.xml/", "/feed%2exml", "/nothing.xml",
])
def test_anything_not_published_is_404(server: HTTPServer, path: str) -> None:
    status, body, _ = _get(_port(server), path)
    assert status == 404
    assert b"content of" not in body


def test_conditional_get_gives_304(server: HTTPServer) -> None:
    port = _port(server)
    _, _, headers = _get(port, "/feed.xml")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/feed.xml", headers={"If-Modified-Since": headers["Last-Modified"]})
    assert conn.getresponse().status == 304
    conn.close()


def test_healthz_reports_the_last_crawl_and_fails_when_stale(published: Path) -> None:
    freshness = Freshness(limit=600)
    httpd = start_server(published, "127.0.0.1", 0, freshness)
    try:
        port = _port(httpd)
        status, body, _ = _get(port, "/healthz")
        report = json.loads(body)
        assert status == 200 and report["status"] == "ok" and report["last_crawl"] is None
        freshness.last_crawl = datetime.now(UTC) - timedelta(seconds=120)
        status, body, _ = _get(port, "/healthz")
        report = json.loads(body)
        assert status == 200 and 119 <= report["age_seconds"] <= 125
        assert report["limit_seconds"] == 600
        freshness.last_crawl = datetime.now(UTC) - timedelta(hours=2)
        status, body, _ = _get(port, "/healthz")
        assert status == 503 and json.loads(body)["status"] == "stale"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_idle_connections_neither_pile_up_threads_nor_block_others(
        published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "CONNECTION_TIMEOUT", 1.5)
    monkeypatch.setattr(serve, "BACKLOG", 4)
    before = threading.active_count()
    httpd = start_server(published, "127.0.0.1", 0)
    port = _port(httpd)
    idle = []
    try:
        for _ in range(40):   # more than workers + backlog: the surplus is dropped
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        # the last ones found no slot and were closed at once, long before any timeout
        idle[-1].settimeout(0.7)
        assert idle[-1].recv(1) == b"", "a connection beyond the backlog is dropped"
        # the server thread plus a fixed pool (and its deadline timers), whatever the
        # number of connections
        assert threading.active_count() - before <= 2 * serve.WORKERS + 1
        # the others are closed after their timeout, and then a real client is served
        time.sleep(1.5 * 2 + 0.5)
        assert _get(port, "/feed.xml")[0] == 200
        idle[0].settimeout(5)
        assert idle[0].recv(1) == b"", "the idle connection was closed after its timeout"
    finally:
        for sock in idle:
            sock.close()
        httpd.shutdown()
        httpd.server_close()


def test_a_trickling_client_is_cut_off_at_the_deadline(
        published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "CONNECTION_TIMEOUT", 1.0)
    httpd = start_server(published, "127.0.0.1", 0)
    try:
        sock = socket.create_connection(("127.0.0.1", _port(httpd)), timeout=5)
        started = time.monotonic()
        closed = False
        with sock:
            for byte in b"GET /feed.xml HTTP/1.1\r\nX-Slow: " + b"a" * 100:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                readable, _, _ = select.select([sock], [], [], 0.2)   # each read < timeout
                if readable and sock.recv(1) == b"":
                    closed = True
                    break
        assert closed, "the server kept reading a request that never ends"
        assert time.monotonic() - started < 3
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1:8080", ("127.0.0.1", 8080)),
    ("[::1]:8080", ("::1", 8080)),
    ("0.0.0.0:1", ("0.0.0.0", 1)),
    ("localhost:65535", ("localhost", 65535)),
])
def test_parse_bind_accepts(text: str, expected: tuple[str, int]) -> None:
    assert parse_bind(text) == expected


@pytest.mark.parametrize(("text", "words"), [
    ("127.0.0.1:70000", "between 1 and 65535"),
    ("127.0.0.1:0", "between 1 and 65535"),
    ("::1:8080", "brackets"),
    ("8080", "HOST:PORT"),
    ("127.0.0.1:http", "HOST:PORT"),
])
def test_parse_bind_refuses(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_bind(text)


def test_ipv6_loopback_is_served(published: Path) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        httpd = start_server(published, "::1", 0)
    except ConfigError as error:
        pytest.skip(f"::1 not available here: {error}")
    try:
        status, _, _ = _get(_port(httpd), "/feed.xml", host="::1")
        assert status == 200
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_busy_port_is_one_line_naming_the_address(published: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError, match=f"127.0.0.1:{port}: the address is already in use"):
            start_server(published, "127.0.0.1", port)


@pytest.mark.parametrize("bind", ["busy", "[::1]:busy", "127.0.0.1:70000"])
def test_run_with_an_unusable_address_exits_2_with_one_line(tmp_path: Path, bind: str) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("topics: []\nsources: []\n", "utf-8")
    family, host = ((socket.AF_INET6, "::1") if bind.startswith("[")
                    else (socket.AF_INET, "127.0.0.1"))
    with socket.socket(family) as busy:
        try:
            busy.bind((host, 0))
        except OSError:
            pytest.skip(f"{host} not available here")
        busy.listen()
        port = busy.getsockname()[1]
        text = {"busy": f"127.0.0.1:{port}", "[::1]:busy": f"[::1]:{port}"}.get(bind, bind)
        done = subprocess.run(
            [sys.executable, "-m", "monitor", "run", "--config", str(config), "--serve", text],
            capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert text.rsplit(":", 1)[-1] in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "monitor.sqlite3").exists(), "nothing started"
