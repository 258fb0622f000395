"""`monitor run`: crawls on schedule, serves output_dir, stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import feedparser

from tests.e2e_site import config_yaml, serve_site
from tests.httpserver import FixtureServer


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_crawls_serves_and_stops_on_sigterm(server: FixtureServer, tmp_path: Path) -> None:
    serve_site(server)
    config = tmp_path / "sources.yaml"
    config.write_text(config_yaml(server, tmp_path / "out"), "utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--config", str(config),
         "--serve", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        feed = tmp_path / "out" / "feed.xml"
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.xml",
                                            timeout=5) as response:
                    body = response.read()
                parsed = feedparser.parse(body)
                if len(parsed.entries) >= 12:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert feed.exists(), "the scheduler crawled and published"
        assert len(feedparser.parse(body).entries) >= 12, "served over --serve"
        assert server.requests_for("/rss.xml"), "every source was crawled"
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=15)
        assert process.returncode == 0
        assert time.monotonic() - started < 5
        assert "Traceback" not in err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
