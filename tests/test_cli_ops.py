"""What a newcomer meets on the command line: exit codes, progress, help, warnings,
causes in words, safe printing of scraped text, and one-line errors for bad
configs and full disks."""

from __future__ import annotations

import io
import logging
import os
import pty
import re
import resource
import select
import shutil
import signal
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from monitor.cli import _parser, main
from monitor.config.loader import load_config
from monitor.errors import ConfigError
from monitor.health import Health
from monitor.logs import setup_logging
from monitor.pipeline import SourceResult
from monitor.reasons import cause
from monitor.report import result_line
from monitor.store import Store
from monitor.text.clean import terminal_safe
from tests.crawl_helpers import rss, write_config
from tests.httpserver import FixtureServer

ROOT = Path(__file__).resolve().parent.parent


def _refused_url() -> str:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/rss.xml"


def _two_sources(server: FixtureServer, tmp_path: Path, *, bad: int = 1) -> Path:
    server.page("/rss.xml", rss(("ทางรัฐ", "http://x.example/1")), "application/rss+xml")
    urls = [_refused_url() if n < bad else server.url("/rss.xml") for n in range(2)]
    return write_config(tmp_path, "".join(
        f"\n  - name: s{n}\n    url: {url}\n    type: feed\n" for n, url in enumerate(urls)))


# -- exit codes ----------------------------------------------------------------------

def test_strict_crawl_makes_partial_failure_visible(server: FixtureServer,
                                                    tmp_path: Path) -> None:
    config = _two_sources(server, tmp_path, bad=1)
    assert main(["crawl", "--config", str(config)]) == 0
    assert main(["crawl", "--strict", "--config", str(config)]) == 3


def test_strict_crawl_where_all_failed_is_1_and_all_fine_is_0(server: FixtureServer,
                                                              tmp_path: Path) -> None:
    assert main(["crawl", "--strict", "--config",
                 str(_two_sources(server, tmp_path, bad=2))]) == 1
    other = tmp_path / "ok"
    other.mkdir()
    assert main(["crawl", "--strict", "--config",
                 str(_two_sources(server, other, bad=0))]) == 0


# -- progress ------------------------------------------------------------------------

def _run_on_pty(args: list[str]) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal and stdout in a pipe; (code, stdout, tty)."""
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "monitor", *args],
                               stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    stdout = process.communicate(timeout=30)[0]
    os.close(master)
    return process.returncode, stdout, seen.decode("utf-8", "replace")


def test_crawl_shows_progress_on_a_terminal_only(server: FixtureServer, tmp_path: Path) -> None:
    config = _two_sources(server, tmp_path, bad=0)
    code, out, tty = _run_on_pty(["crawl", "--config", str(config)])
    assert code == 0
    assert "0/2 done: s0" in tty and "2/2 done" in tty
    assert tty.endswith("\r\x1b[K"), "the progress line is erased before the results"
    assert "done" not in out and "2 sources: 2 ok" in out
    piped = subprocess.run([sys.executable, "-m", "monitor", "crawl", "--config", str(config)],
                           capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0
    assert piped.stderr == "", "nothing extra off a terminal"


def test_preview_shows_the_page_being_fetched_on_a_terminal(server: FixtureServer,
                                                             tmp_path: Path) -> None:
    config = _two_sources(server, tmp_path, bad=0)
    code, out, tty = _run_on_pty(["preview", "s0", "--config", str(config)])
    assert code == 0
    assert f"fetching {server.url('/rss.xml')}" in tty and "1 pages read" in tty
    assert "ทางรัฐ" in out
    piped = subprocess.run([sys.executable, "-m", "monitor", "preview", "s0", "--config",
                            str(config)], capture_output=True, text=True, timeout=60)
    assert piped.stderr == ""


# -- help ----------------------------------------------------------------------------

def test_every_command_has_a_description_line(capsys: pytest.CaptureFixture[str]) -> None:
    commands = _parser()._subparsers._group_actions[0].choices   # type: ignore[union-attr]
    assert set(commands) == {"check", "crawl", "preview", "publish", "status", "digest", "search",
                             "run", "discover"}
    for name in commands:
        with pytest.raises(SystemExit) as exited:
            main([name, "--help"])
        assert exited.value.code == 0
        paragraphs = capsys.readouterr().out.split("\n\n")
        assert paragraphs[0].startswith("usage: monitor")
        description = paragraphs[1].strip()
        assert description[0].isupper() and description.endswith("."), (name, description)
        assert not description.startswith(("options", "positional")), name


# -- check's placeholder warnings ----------------------------------------------------

def test_check_warns_about_the_shipped_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(ROOT / "sources.yaml")]) == 0
    err = capsys.readouterr().err
    assert "team@example.org" in err
    assert "localhost:587" in err
    assert "monitor.example.org" in err
    assert all(line.startswith("warning: ") for line in err.strip().splitlines())


def test_check_is_silent_about_real_values(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("""
feed: {link: "https://feeds.newsroom.go.th/"}
digest:
  from: monitor@newsroom.go.th
  to: [desk@newsroom.go.th]
  smtp: {host: smtp.newsroom.go.th, port: 587}
topics: []
sources: []
""", "utf-8")
    assert main(["check", "--config", str(config)]) == 0
    assert capsys.readouterr().err == ""


def test_check_says_how_to_move_a_database_left_in_output_dir(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text('feed: {link: "https://f.go.th/"}\ntopics: []\nsources: []\n', "utf-8")
    old = tmp_path / "output" / "monitor.sqlite3"
    Store(old).close()
    assert load_config(config).database == old, "an existing database keeps working"
    assert main(["check", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "inside output_dir" in err and str(tmp_path / "data") in err


# -- causes in words -----------------------------------------------------------------

@pytest.mark.parametrize(("message", "expected"), [
    ("https://www.dga.or.th/ not fetched: cannot reach https://www.dga.or.th (connection to "
     "https://www.dga.or.th/robots.txt failed: [Errno -2] Name or service not known); an "
     "unreachable robots.txt means disallow all (RFC 9309)", "host not found: www.dga.or.th"),
    ("connection to http://127.0.0.1:9/x failed: [Errno 111] Connection refused",
     "connection refused: 127.0.0.1"),
    ("connection to https://a.go.th/x failed: no connection to 10.1.1.1 port 443 "
     "(Connection refused)", "connection refused: a.go.th"),
    ("connection to https://a.go.th/x failed: no connection to 10.1.1.1 port 443",
     "cannot connect: a.go.th"),
    ("connection to https://a.go.th/x failed: the server closed the connection",
     "connection reset: a.go.th"),
    ("connection to https://old.go.th/x failed: [SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 "
     "alert protocol version (_ssl.c:1006)",
     "TLS: the site offers only TLS 1.0 or 1.1, which browsers refuse too: old.go.th"),
    ("connection to https://a.go.th:80/x failed: [SSL: WRONG_VERSION_NUMBER] wrong version "
     "number (_ssl.c:1006)", "TLS: wrong version number (the port may not speak TLS): a.go.th"),
    ("connection to https://a.go.th/x failed: [SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert "
     "handshake failure (_ssl.c:1006)", "TLS: handshake failure: a.go.th"),
    ("no complete response from https://slow.go.th/feed within 20 s (timeout) after 4 "
     "attempts", "timed out: slow.go.th"),
    ("TLS certificate of https://old.go.th/ could not be verified: [SSL: "
     "CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired "
     "(_ssl.c:1006)", "TLS: certificate has expired: old.go.th"),
    ("TLS certificate of https://self.go.th/ could not be verified: certificate verify "
     "failed: self-signed certificate", "TLS: self-signed certificate: self.go.th"),
    ("HTTP 404 from https://www.mdes.go.th/news", "HTTP 404 Not Found: www.mdes.go.th"),
    ("robots.txt disallows https://a.go.th/x for thai-egov-monitor",
     "disallowed by robots.txt: a.go.th"),
    ("not a feed: the document is HTML", "not a feed: the document is HTML"),
    # a malformed IPv6 literal quoted from a page has no host to name
    ("HTTP 404 from http://[2001:db8::1/news", "HTTP 404 Not Found"),
])
def test_the_cause_comes_first_in_words(message: str, expected: str) -> None:
    assert cause(message) == expected


def test_a_failed_source_line_leads_with_the_cause_and_keeps_the_detail_for_v() -> None:
    detail = ("connection to https://www.dga.or.th/robots.txt failed: [Errno -2] Name or "
              "service not known")
    result = SourceResult("dga-news", "failing", error=detail)
    assert result_line(result).endswith("host not found: www.dga.or.th")
    assert "Errno" not in result_line(result)
    assert result_line(result, detail=True).splitlines()[1].strip() == f"detail: {detail}"



def test_a_page_that_yields_no_item_says_why_on_the_crawl_line(
        server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A site just added with a selector that matches nothing, or whose items all
    link back to the page, used to read `ok  seen 0` and nothing more."""
    rows = "".join(f'<div class="row"><a href="#n{n}">ทางรัฐ ข่าว {n}</a></div>' for n in range(3))
    server.page("/list", f"<html><body>{rows}</body></html>".encode(), "text/html")
    server.page("/ok", rss(("ทางรัฐ", "http://x.example/1")), "application/rss+xml")
    config = write_config(tmp_path, f"""
  - name: wrong-selector
    url: "{server.url('/list')}"
    type: html
    select: {{item: "div.news", title: "a", link: "a::attr(href)"}}
  - name: anchors
    url: "{server.url('/list')}?again"
    type: html
    select: {{item: "div.row", title: "a", link: "a::attr(href)"}}
  - name: fine
    url: "{server.url('/ok')}"
    type: feed
""")
    assert main(["crawl", "--config", str(config)]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["wrong-selector"].endswith("(no element matched select.item 'div.news')")
    assert lines["anchors"].endswith("(skipped 3 items whose link points back to this page)")
    assert lines["fine"].endswith("matched    1")


def test_a_long_url_does_not_crowd_the_cause_out(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A Google News search for a Thai phrase is a URL of hundreds of characters
    (percent-encoded), named before the cause in the fetcher's message: the stored
    error cuts the URL, not the cause."""
    query = quote('"การปฏิบัติราชการทางอิเล็กทรอนิกส์"') * 2
    url = f"http://127.0.0.1:9/rss/search?q={query}&hl=th&gl=TH&ceid=TH:th"
    assert len(url) > 300
    config = write_config(tmp_path, f"  - name: gnews\n    url: {url}\n    type: feed\n")
    assert main(["crawl", "--config", str(config)]) == 1
    (line,) = [line for line in capsys.readouterr().out.splitlines()
               if line.startswith("gnews")]
    assert line.endswith("connection refused: 127.0.0.1")
    with Store(load_config(config).database) as store:
        error = store.health("gnews").last_error or ""
    assert "Connection refused" in error and len(error) <= 300


def test_preview_of_an_unreachable_source_leads_with_the_cause(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "  - name: s\n    url: http://127.0.0.1:9/feed\n"
                                    "    type: feed\n")
    assert main(["preview", "s", "--config", str(config)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: connection refused: 127.0.0.1 (http://127.0.0.1:9/feed "), line


def test_status_leads_with_the_cause_and_keeps_the_detail(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "  - name: dga\n    url: https://www.dga.or.th/feed/\n"
                                    "    type: feed\n")
    detail = ("https://www.dga.or.th/feed/ not fetched: cannot reach https://www.dga.or.th "
              "(connection to https://www.dga.or.th/robots.txt failed: cannot resolve "
              "www.dga.or.th: [Errno -2] Name or service not known)")
    with Store(load_config(config).database) as store:
        store.save_health(Health("dga", "failing", datetime.now(UTC), None, detail, 2))
    assert main(["status", "--config", str(config)]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("dga")]
    assert line.endswith(f"host not found: www.dga.or.th ({detail})"), line

# -- scraped text without terminal escapes -------------------------------------------

HOSTILE = "bad\x1b[2J\x1b]0;owned\x07 reason\x9b31m\r\n end"


def test_strip_controls_removes_escapes_and_controls() -> None:
    cleaned = terminal_safe(HOSTILE)
    assert not any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in cleaned)
    assert "owned" not in cleaned
    assert cleaned.startswith("bad") and cleaned.endswith("end")
    assert terminal_safe("ทางรัฐ\ttab") == "ทางรัฐ\ttab"


def test_status_and_crawl_lines_print_no_escapes(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "  - name: s\n    url: http://127.0.0.1:9/\n    type: feed\n")
    database = load_config(config).database
    with Store(database) as store:
        store.save_health(Health("s", "failing", datetime.now(UTC), None,
                                 f"HTTP 503 {HOSTILE}", 1))
    assert main(["status", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "HTTP 503 bad" in out
    line = result_line(SourceResult("s\x1b[31m", "broken", error=HOSTILE), detail=True)
    assert "\x1b" not in line and "\x07" not in line


def test_preview_prints_scraped_titles_without_escapes(server: FixtureServer, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    server.page("/rss.xml", rss(("ทางรัฐ \x1b]0;owned\x07 ใหม่", "http://x.example/1")),
                "application/rss+xml")
    config = write_config(tmp_path, f"  - name: s\n    url: {server.url('/rss.xml')}\n"
                                    "    type: feed\n")
    assert main(["preview", "s", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "ทางรัฐ" in out and "\x1b" not in out and "\x07" not in out


# -- hostile configs -----------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "!!timestamp 2024-01-01", "!!python/object/apply:os.system [\"touch {marker}\"]",
    "!!python/name:os.system", "!!binary aGVsbG8=", "!!set {{a, b}}", "!!omap [a: 1]",
    "!custom thing",
])
@pytest.mark.parametrize("key", ["timezone", "user_agent", "fetch:\n  retries",
                                 "feed:\n  max_items"])
def test_yaml_tags_give_a_one_line_error_or_plain_text(tmp_path: Path, key: str, value: str,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    marker = tmp_path / "executed"
    config = tmp_path / "sources.yaml"
    config.write_text(f"{key}: {value.format(marker=marker)}\ntopics: []\nsources: []\n",
                      "utf-8")
    code = main(["check", "--config", str(config)])
    err = capsys.readouterr().err
    assert code in (0, 2)
    assert not marker.exists(), "a tag never runs code"
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith(f"error: {config}:1:") or err.startswith(f"error: {config}:2:")
        assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("password", ["${NOPE:-hunter2}", "x${SMTP_PASSWORD}",
                                      "${SMTP_PASSWORD}hunter2", "hunter2"])
def test_a_password_cannot_smuggle_a_literal(tmp_path: Path, password: str) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(f'digest:\n  smtp:\n    password: "{password}"\ntopics: []\nsources: []\n',
                      "utf-8")
    with pytest.raises(ConfigError, match="password") as raised:
        load_config(config, environ={"SMTP_PASSWORD": "s3cret"})
    assert "hunter2" not in str(raised.value) and "s3cret" not in str(raised.value)


@pytest.mark.parametrize(("password", "expected"), [("${SMTP_PASSWORD}", "s3cret"),
                                                    ("${NOPE:-}", None)])
def test_a_password_from_the_environment_is_fine(tmp_path: Path, password: str,
                                                 expected: str | None) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(f'digest:\n  smtp:\n    password: "{password}"\ntopics: []\nsources: []\n',
                      "utf-8")
    loaded = load_config(config, environ={"SMTP_PASSWORD": "s3cret"})
    assert loaded.digest.smtp.password == expected


# -- full disk -----------------------------------------------------------------------

def _limited(max_bytes: int) -> None:
    # A file-size limit is a full disk that needs no root: writes past it fail (EFBIG),
    # once SIGXFSZ no longer kills the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))


def test_a_full_disk_is_one_line(server: FixtureServer, tmp_path: Path) -> None:
    server.page("/rss.xml", rss(*((f"ทางรัฐ ข่าวที่ {n} " + "ก" * 400, f"http://x.example/{n}")
                                  for n in range(60))), "application/rss+xml")
    config = write_config(tmp_path, f"  - name: s\n    url: {server.url('/rss.xml')}\n"
                                    "    type: feed\n")

    def run(command: str, limit: int) -> str:
        done = subprocess.run([sys.executable, "-m", "monitor", command, "--config",
                               str(config)], capture_output=True, text=True, timeout=60,
                              preexec_fn=lambda: _limited(limit))
        assert done.returncode in (1, 2), done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
        return lines[0]

    # the database cannot even be created
    assert "cannot use the database" in run("crawl", 8_000)
    # the database is fine, the outputs (each about 170 KB) do not fit
    assert main(["crawl", "--config", str(config)]) == 0
    line = run("publish", 100_000)
    assert f"cannot write the outputs to {tmp_path / 'out'}: File too large" in line


# -- a manual crawl beside the daemon ------------------------------------------------

def test_a_crawl_waits_for_another_writer_instead_of_failing(server: FixtureServer,
                                                             tmp_path: Path) -> None:
    config = _two_sources(server, tmp_path, bad=0)
    database = load_config(config).database
    Store(database).close()
    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")   # as the daemon does while it stores a crawl
    threading.Timer(1.5, lambda: holder.execute("COMMIT")).start()
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "monitor", "crawl", "--config",
                               str(config)], capture_output=True, text=True, timeout=60)
    finally:
        time.sleep(0.1)
        holder.close()
    assert done.returncode == 0, done.stderr
    assert "2 sources: 2 ok" in done.stdout
    assert time.monotonic() - started >= 1.5, "it waited for the lock"


# -- long log lines ------------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "cut"), [(_Terminal, True), (io.StringIO, False)])
def test_long_log_lines_are_cut_on_a_terminal_only(stream: type[io.StringIO],
                                                   cut: bool) -> None:
    out = stream()
    setup_logging(0, "text", stream=out)
    try:
        logging.getLogger("monitor.run").error("s: failing: %s", "ก" * 500)
    finally:
        setup_logging(0, "text")
    line = out.getvalue().rstrip("\n")
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 error s: failing: ก", line)
    if cut:
        assert len(line) == 300 and line.endswith("…")
    else:
        assert line.endswith("ก" * 500)


@pytest.fixture
def self_signed_server(tmp_path: Path) -> Iterator[int]:
    """A real HTTPS server on 127.0.0.1 with a certificate nobody signed."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True, timeout=60)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_tls_and_refused_causes_from_real_failures(self_signed_server: int, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, f"""
  - name: tls
    url: https://127.0.0.1:{self_signed_server}/feed.xml
    type: feed
  - name: refused
    url: {_refused_url()}
    type: feed
""")
    assert main(["crawl", "--config", str(config)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("tls") and lines[0].endswith(
        "TLS: self-signed: 127.0.0.1")
    assert lines[1].startswith("refused") and lines[1].endswith("connection refused: 127.0.0.1")


# -- which crawls `monitor run` logs by default ----------------------------------------

def _health(state: str, failures: int = 0) -> Health:
    return Health("s", state, consecutive_failures=failures)


@pytest.mark.parametrize(("before", "after", "status", "level", "words"), [
    (None, _health("ok"), "ok", None, None),                          # first success: quiet
    (_health("ok"), _health("ok"), "ok", None, None),                 # nothing new: quiet
    (_health("ok"), _health("ok"), "not modified", None, None),
    (None, _health("failing", 1), "failing", "ERROR", "s: new -> failing: host not found"),
    (_health("ok"), _health("failing", 1), "failing", "ERROR", "s: ok -> failing: host not"),
    (_health("failing", 1), _health("failing", 2), "failing", "ERROR",
     "s: still failing (2 in a row): host not found"),
    (_health("failing", 2), _health("ok"), "ok", "NOTICE", "s: failing -> ok"),
    (_health("ok"), _health("broken"), "broken", "NOTICE", "s: ok -> broken: yielded"),
    (_health("ok"), _health("blocked", 1), "blocked", "ERROR", "s: ok -> blocked"),
])
def test_run_logs_changes_of_state_and_failures_only(
        caplog: pytest.LogCaptureFixture, before: Health | None, after: Health,
        status: str, level: str | None, words: str | None) -> None:
    from monitor.report import log_result
    error = {"failing": "connection to https://www.dga.or.th/ failed: [Errno -2] Name or "
                        "service not known",
             "blocked": "https://a.go.th/ answered with a Cloudflare page (HTTP 403)",
             "broken": "yielded no items, though it used to"}.get(status)
    with caplog.at_level(25):
        log_result(SourceResult("s", status, error=error), before, after)
    shown = [r for r in caplog.records if r.levelno >= 25]
    if level is None:
        assert shown == []
    else:
        assert len(shown) == 1 and shown[0].levelname == level
        assert shown[0].getMessage().startswith(words or "")
