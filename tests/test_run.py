"""`monitor run`: crawls on schedule, serves output_dir, stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import feedparser
import pytest

from tests.crawl_helpers import conditional, rss, write_config
from tests.e2e_site import config_yaml, serve_site
from tests.httpserver import FixtureServer, Request, Response


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


# -- shutdown, logs and single instance ------------------------------------------------

SOURCES = """
  - name: good
    url: {good}
    type: feed
  - name: bad
    url: {bad}
    type: feed
"""


def _closed_port_url() -> str:
    return f"http://127.0.0.1:{_free_port()}/rss.xml"   # nothing listens: refused


def _start(config: Path, log: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--config", str(config), *extra],
        stdout=subprocess.DEVNULL, stderr=log.open("w"), text=True)


def _wait_for(log: Path, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = log.read_text("utf-8")
        if text in content:
            return content
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never logged; the log was:\n{log.read_text('utf-8')}")


def _requested(server: FixtureServer, path: str, timeout: float = 30) -> list[Request]:
    """The server's requests for `path`, once there is one (empty if none came in time)."""
    deadline = time.monotonic() + timeout
    while not server.requests_for(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return list(server.requests_for(path))


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sigterm_during_a_crawl_is_quiet(server: FixtureServer, tmp_path: Path) -> None:
    server.add("/slow.xml", Response(200, rss(("ทางรัฐ", "http://x.example/1")),
                                     {"Content-Type": "application/rss+xml"}, delay=20))
    config = write_config(tmp_path, f"""
  - name: slow
    url: {server.url("/slow.xml")}
    type: feed
""")
    log = tmp_path / "stderr.txt"
    process = _start(config, log)
    try:
        assert _requested(server, "/slow.xml"), "the crawl is in flight"
        started = time.monotonic()
        assert _stop(process) == 0
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            process.kill()
    err = log.read_text("utf-8")
    for noise in ("Traceback", "CancelledError", "raised an exception", "exception"):
        assert noise not in err, err
    assert "monitor run: stopped" in err


ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"


def _failing_site(server: FixtureServer, tmp_path: Path) -> Path:
    server.page("/rss.xml", rss(("ทางรัฐ", "http://x.example/1")),
                "application/rss+xml")
    return write_config(tmp_path, SOURCES.format(good=server.url("/rss.xml"),
                                                 bad=_closed_port_url()))


def test_default_logs_are_quiet_timestamped_and_single_instance(
        server: FixtureServer, tmp_path: Path) -> None:
    config = _failing_site(server, tmp_path)
    log = tmp_path / "stderr.txt"
    process = _start(config, log)
    try:
        text = _wait_for(log, "bad: new -> failing")
        second = subprocess.run(
            [sys.executable, "-m", "monitor", "run", "--config", str(config)],
            capture_output=True, text=True, timeout=60)
        assert _stop(process) == 0
    finally:
        if process.poll() is None:
            process.kill()
    lines = log.read_text("utf-8").splitlines()
    assert re.fullmatch(rf"{ISO} notice monitor run: 2 sources scheduled.*", lines[0])
    failure = next(line for line in lines if "bad: new -> failing" in line)
    assert re.fullmatch(rf"{ISO} error bad: new -> failing: connection refused: 127\.0\.0\.1",
                        failure), failure
    assert not any("good" in line for line in lines), "a source that is fine says nothing"
    assert "warning" not in text and "apscheduler" not in text
    assert second.returncode == 2
    assert "another `monitor run` is already running" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("flags", [["-v"], ["-vv"], ["--log-format", "json"]])
def test_verbose_and_json_logs(server: FixtureServer, tmp_path: Path, flags: list[str]) -> None:
    config = _failing_site(server, tmp_path)
    log = tmp_path / "stderr.txt"
    process = _start(config, log, *flags)
    try:
        _wait_for(log, "failing")
        if flags[0] != "--log-format":
            _wait_for(log, "good")
        assert _stop(process) == 0
    finally:
        if process.poll() is None:
            process.kill()
    text = log.read_text("utf-8")
    if flags[0] == "--log-format":
        records = [json.loads(line) for line in text.splitlines()]
        failure = next(r for r in records if r.get("state") == "failing")
        assert failure["level"] == "error" and failure["source"] == "bad"
        assert failure["cause"] == "connection refused: 127.0.0.1"
        assert "connection to http://127.0.0.1" in failure["detail"]
        assert re.fullmatch(ISO, failure["time"])
        assert not any(r["level"] == "info" for r in records), "json is as quiet as text"
        return
    assert re.search(rf"{ISO} info good +ok +seen +1", text), "each source's result"
    assert re.search(rf"{ISO} info bad: detail: http://127\.0\.0\.1:\d+/rss\.xml not fetched: "
                     r"cannot reach .* no connection to 127\.0\.0\.1 port \d+ "
                     r"\(Connection refused\)",
                     text)
    if flags == ["-vv"]:
        assert "apscheduler" in text, "the libraries' logs"
    else:
        assert "apscheduler" not in text


def test_outputs_that_cannot_be_written_are_one_log_line(server: FixtureServer,
                                                         tmp_path: Path) -> None:
    server.page("/rss.xml", rss(("ทางรัฐ", "http://x.example/1")), "application/rss+xml")
    config = write_config(tmp_path, f"  - name: s\n    url: {server.url('/rss.xml')}\n"
                                    "    type: feed\n")
    (tmp_path / "blocker").write_text("a file where a folder should be", "utf-8")
    text = config.read_text("utf-8").replace("output_dir: out", "output_dir: blocker/out")
    config.write_text(text, "utf-8")
    log = tmp_path / "stderr.txt"
    process = _start(config, log)
    try:
        _wait_for(log, "publish not completed")
        assert _stop(process) == 0
    finally:
        if process.poll() is None:
            process.kill()
    err = log.read_text("utf-8")
    assert "Traceback" not in err
    line = next(line for line in err.splitlines() if "not completed" in line)
    assert re.fullmatch(rf"{ISO} error publish not completed: cannot write the outputs to "
                        rf"{re.escape(str(tmp_path / 'blocker' / 'out'))}: .+", line), line


def _hostile_listing(rows: int) -> bytes:
    """A few MB of listing whose extraction costs seconds of CPU: 20,000 rows."""
    items = "".join(f'<li><a href="/news/{i}">ประกาศสำนักงานเรื่องการให้บริการทาง'
                    f'อิเล็กทรอนิกส์ฉบับที่ {i}</a> <span>9 พ.ย. 69</span></li>'
                    for i in range(rows))
    return f"<html><body><ul>{items}</ul></body></html>".encode()


def test_a_hostile_source_neither_delays_a_fast_one_nor_shutdown(
        server: FixtureServer, tmp_path: Path) -> None:
    """While a huge listing is read in a worker thread, the loop keeps the other
    source on its 1 s interval, and SIGTERM still ends the run within 5 s."""
    server.add("/fast.xml", Response(200, rss(("ทางรัฐ", "http://x.example/1")),
                                     {"Content-Type": "application/rss+xml"}))
    server.add("/hostile", Response(200, _hostile_listing(20_000),
                                    {"Content-Type": "text/html; charset=utf-8"}))
    config = write_config(tmp_path, f"""
  - name: fast
    url: {server.url("/fast.xml")}
    type: feed
    interval: 1s
  - name: hostile
    url: {server.url("/hostile")}
    type: auto
    interval: 1h
""")
    log = tmp_path / "stderr.txt"
    process = _start(config, log)
    try:
        hostile = _requested(server, "/hostile")
        assert hostile, "the hostile source was fetched"
        time.sleep(4)
        window = [r for r in server.requests_for("/fast.xml")
                  if hostile[0].time <= r.time <= hostile[0].time + 4]
        assert len(window) >= 3, f"the fast source was fetched {len(window)} times in 4 s"
        started = time.monotonic()
        assert _stop(process) == 0
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in log.read_text("utf-8")


def every_second(server: FixtureServer, tmp_path: Path, fetch: str = "") -> Path:
    """A config of one feed source (answering 304 once seen) crawled every second."""
    server.add("/a.xml", conditional)
    return write_config(tmp_path, f"""
  - name: a
    url: {server.url('/a.xml')}
    type: feed
    interval: 1s
""", fetch=fetch)


def test_run_publishes_only_when_a_crawl_changed_something(server: FixtureServer,
                                                          tmp_path: Path) -> None:
    """A source answering 304 every second leaves the outputs alone: readers polling the
    feed would otherwise fetch an unchanged feed again after every crawl."""
    config = every_second(server, tmp_path)
    log = tmp_path / "run.log"
    process = _start(config, log)
    try:
        index = tmp_path / "out" / "index.html"
        deadline = time.monotonic() + 30
        while len(server.requests_for("/a.xml")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)   # the first crawl's publish is done
        assert index.exists(), "the first crawl read the feed and published it"
        published = index.stat().st_mtime_ns
        while len(server.requests_for("/a.xml")) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        answers = len(server.requests_for("/a.xml"))
        assert answers >= 4, "crawled every second"
        assert index.stat().st_mtime_ns == published
    finally:
        assert _stop(process) == 0


def test_a_restarted_run_keeps_the_robots_txt_answers(server: FixtureServer,
                                                      tmp_path: Path) -> None:
    """`monitor run` keeps robots.txt answers in the database too: restarted (an
    upgrade, a reboot), it does not ask every site again."""
    server.add("/robots.txt", Response(200, b"User-agent: *\nAllow: /\n"))
    config = every_second(server, tmp_path, fetch="""
  min_delay_per_host: 0s
  retries: 0
  timeout: 5s
  respect_robots: true
""")
    for run in (1, 2):
        process = _start(config, tmp_path / f"run{run}.log")
        try:
            deadline = time.monotonic() + 30
            while len(server.requests_for("/a.xml")) < 2 * run and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            assert _stop(process) == 0
    assert len(server.requests_for("/a.xml")) >= 4
    assert len(server.requests_for("/robots.txt")) == 1
