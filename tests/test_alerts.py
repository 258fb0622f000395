"""Alerts through Apprise's json:// plugin to a webhook on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pythainlp.tokenize import word_tokenize

from monitor import alerts
from monitor.cli import main
from monitor.config.loader import load_config
from monitor.errors import ConfigError
from monitor.models import Entry, Item
from monitor.store import Store
from tests.crawl_helpers import rss, write_config
from tests.httpserver import FixtureServer, Response

ACT = "ครม.เห็นชอบร่างกฎกระทรวงตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์"
APP = "สำนักงานพัฒนารัฐบาลดิจิทัลเปิดตัวแอปทางรัฐรุ่นใหม่"
LATER = "ประกาศใหม่เรื่องการปฏิบัติราชการทางอิเล็กทรอนิกส์ของกรมการปกครอง"


class Webhook:
    """A loopback HTTP endpoint that records every POST and answers with `statuses`."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                hook.received.append(json.loads(self.rfile.read(length)))
                status = hook.statuses.pop(0) if hook.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Webhook, Webhook]]:
    monkeypatch.setattr(alerts, "BACKOFF", 0.01)
    everything, apps = Webhook(), Webhook()
    monkeypatch.setenv("ALL_URL", everything.url)
    monkeypatch.setenv("APP_URL", apps.url)
    try:
        yield everything, apps
    finally:
        everything.stop()
        apps.stop()


def _config(tmp_path: Path, server: FixtureServer) -> Path:
    path = write_config(tmp_path, f"""
  - name: dga
    url: "{server.url('/feed')}"
    type: feed
""")
    path.write_text(path.read_text("utf-8") + """
alerts:
  - name: everything
    url: ${ALL_URL}
  - name: apps-only
    url: ${APP_URL}
    topics: [digital-government]
""", "utf-8")
    return path


def _serve(server: FixtureServer, *titles: str) -> None:
    body = rss(*((t, server.url(f"/n/{n}")) for n, t in enumerate(titles)))
    server.add("/feed", Response(200, body, {"Content-Type": "application/rss+xml"}))


def test_one_message_per_crawl_never_twice_after_a_restart(
        tmp_path: Path, server: FixtureServer, hooks: tuple[Webhook, Webhook],
        capsys: pytest.CaptureFixture[str]) -> None:
    everything, apps = hooks
    config = _config(tmp_path, server)
    _serve(server, ACT, APP, "ข่าวกีฬาที่ไม่เกี่ยวข้อง")
    assert main(["crawl", "--config", str(config)]) == 0
    assert len(everything.received) == 1, "one message for the whole crawl"
    body = everything.received[0]["message"]
    assert ACT in body and APP in body and "ข่าวกีฬา" not in body
    assert server.url("/n/0") in body and server.url("/n/1") in body
    assert "2" in everything.received[0]["title"]
    assert len(apps.received) == 1, "topics filters"
    assert APP in apps.received[0]["message"] and ACT not in apps.received[0]["message"]
    assert "alert everything: sent 2 stories" in capsys.readouterr().out

    # Each `monitor crawl` is a new process with a new connection: a restart.
    assert main(["crawl", "--config", str(config)]) == 0
    assert len(everything.received) == 1 and len(apps.received) == 1, "never twice"
    _serve(server, ACT, APP, LATER)
    assert main(["crawl", "--config", str(config)]) == 0
    assert len(everything.received) == 2 and len(apps.received) == 1
    second = everything.received[1]["message"]
    assert LATER in second and ACT not in second


def test_a_failing_target_is_retried_reported_and_stops_nothing(
        tmp_path: Path, server: FixtureServer, hooks: tuple[Webhook, Webhook],
        capsys: pytest.CaptureFixture[str]) -> None:
    everything, apps = hooks
    everything.statuses = [500] * alerts.ATTEMPTS
    config = _config(tmp_path, server)
    _serve(server, ACT, APP)
    assert main(["crawl", "--config", str(config)]) == 0, "exits as it would without alerts"
    assert len(everything.received) == alerts.ATTEMPTS, "retried"
    assert len(apps.received) == 1, "the other target is not held up"
    crawled = capsys.readouterr()
    assert "alert everything: not sent" in crawled.err
    assert everything.url.split("//")[1] not in crawled.out + crawled.err, "no URL shown"
    assert main(["status", "--config", str(config)]) == 0
    status = capsys.readouterr().out
    assert "alert everything (new): FAILING (1 in a row)" in status
    assert "alert apps-only (new): ok, last sent" in status

    # The service is back: the stories it missed arrive on the next crawl, once.
    assert main(["crawl", "--config", str(config)]) == 0
    assert len(everything.received) == alerts.ATTEMPTS + 1
    assert ACT in everything.received[-1]["message"]
    assert main(["status", "--config", str(config)]) == 0
    assert "alert everything (new): ok" in capsys.readouterr().out


def test_daily_target_waits_for_its_time(tmp_path: Path, server: FixtureServer,
                                         hooks: tuple[Webhook, Webhook]) -> None:
    everything, _ = hooks
    config_path = _config(tmp_path, server)
    text = config_path.read_text("utf-8").replace(
        "    url: ${ALL_URL}\n", '    url: ${ALL_URL}\n    when: "daily 08:00"\n')
    config_path.write_text(text, "utf-8")
    config = load_config(config_path)
    assert config.alerts[0].daily_at == (8, 0)
    seen = datetime(2099, 1, 1, 0, 0, tzinfo=UTC)      # 07:00 in Bangkok (UTC+7)
    url = "https://dga.example.org/n/1"
    with Store(config.database) as store:
        store.save_items([Item(source="dga", url=url, link=url, identity=url, title=ACT,
                               summary="", published=seen, date_is_first_seen=False,
                               topics=("egov-act",), matched_keywords=("k",))], seen)
        before = alerts.send_alerts(config, store, seen)
        due = alerts.send_alerts(config, store, datetime(2099, 1, 1, 1, 5, tzinfo=UTC))
        after = alerts.send_alerts(config, store, datetime(2099, 1, 1, 5, 0, tzinfo=UTC))
        next_day = alerts.send_alerts(config, store, datetime(2099, 1, 2, 1, 5, tzinfo=UTC))
    assert before[0].status == "not due", "07:00 is before its first 08:00"
    assert due[0].status == "sent" and after[0].status == "not due"
    assert next_day[0].status == "nothing new", "due again, but nothing new: no message"
    assert len(everything.received) == 1 and ACT in everything.received[0]["message"]


def _entry(n: int, title: str) -> Entry:
    when = datetime(2026, 11, 20, tzinfo=UTC)
    return Entry(id=n, guid=f"g{n}", title=title, link=f"https://example.go.th/news/{n}?id={n}",
                 summary="", published=when, date_is_first_seen=False, first_seen=when,
                 topics=("egov-act",), reports=())


def test_long_thai_messages_fit_the_service_with_links_whole(tmp_path: Path,
                                                             server: FixtureServer) -> None:
    config = load_config(_config(tmp_path, server), environ={"ALL_URL": "json://x/",
                                                            "APP_URL": "json://y/"})
    title = ACT * 6
    stories = [_entry(n, title) for n in range(12)]
    text = alerts.compose(config, stories, more=0, events=[], maxlen=600)
    assert len(text) <= 600
    shown = [line for line in text.splitlines() if line.startswith("• ")]
    assert shown, "at least one story is shown"
    for n, line in enumerate(shown):
        assert f"https://example.go.th/news/{n}?id={n}" in text, "every shown link is whole"
        kept = line[2:].removesuffix("…")
        assert line.endswith("…") and title.startswith(kept)
        boundaries, at = set(), 0
        for word in word_tokenize(title, engine="newmm", keep_whitespace=True):
            at += len(word)
            boundaries.add(at)
        assert len(kept) in boundaries, "cut between words"
    assert f"และอีก {12 - len(shown)} เรื่อง" in text, "the rest are counted"
    assert config.feed.link in text


def test_alert_url_must_come_from_the_environment(tmp_path: Path,
                                                  server: FixtureServer) -> None:
    path = _config(tmp_path, server)
    path.write_text(path.read_text("utf-8").replace("${ALL_URL}", "line://token/target"),
                    "utf-8")
    with pytest.raises(ConfigError, match=r"alerts\.everything\.url"):
        load_config(path, environ={"APP_URL": "json://y/"})
    path.write_text(path.read_text("utf-8").replace("line://token/target", "${ALL_URL}")
                    .replace("topics: [digital-government]", 'when: "weekly"'), "utf-8")
    with pytest.raises(ConfigError, match=r"alerts\.apps-only\.when.*daily HH:MM"):
        load_config(path, environ={"APP_URL": "json://y/", "ALL_URL": "json://x/"})


def test_an_operator_target_hears_of_a_broken_source_and_its_recovery(
        tmp_path: Path, server: FixtureServer, hooks: tuple[Webhook, Webhook]) -> None:
    everything, apps = hooks
    path = _config(tmp_path, server)
    path.write_text(path.read_text("utf-8").replace(
        "    url: ${ALL_URL}\n", "    url: ${ALL_URL}\n    health: true\n"), "utf-8")
    _serve(server, "ข่าวกีฬาที่ไม่เกี่ยวข้อง")
    assert main(["crawl", "--config", str(path)]) == 0
    assert everything.received == []
    _serve(server)                                      # the listing is suddenly empty
    assert main(["crawl", "--config", str(path)]) == 0
    assert len(everything.received) == 1 and apps.received == []
    message = everything.received[0]["message"]
    assert "dga: ok → broken" in message and "monitor preview dga" in message
    assert main(["crawl", "--config", str(path)]) == 0
    assert len(everything.received) == 1, "still broken is no news"
    _serve(server, "ข่าวกีฬาที่ไม่เกี่ยวข้อง")
    assert main(["crawl", "--config", str(path)]) == 0
    assert "dga: broken → ok" in everything.received[-1]["message"]


def test_a_headline_reaches_each_service_as_text_in_that_services_format(
        tmp_path: Path, server: FixtureServer, hooks: tuple[Webhook, Webhook],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages are plain text, and Apprise is told so: a service that takes HTML
    (email, Telegram) or Markdown gets the headline escaped for it. Passed on as
    markup, a headline's `&` or `<` failed the whole message at Telegram, and `*`
    or `[..](..)` in it became formatting or a link the agency never wrote."""
    everything, apps = hooks
    monkeypatch.setenv("ALL_URL", everything.url + "?format=html")
    monkeypatch.setenv("APP_URL", apps.url + "?format=markdown")
    title = "แอปทางรัฐ Q&A: 2 < 3 *ใหม่* [คลิก](https://evil.example/)"
    _serve(server, title.replace("&", "&amp;").replace("<", "&lt;"))
    assert main(["crawl", "--config", str(_config(tmp_path, server))]) == 0
    html = everything.received[0]["message"]
    # (Apprise also writes each space as &nbsp; there; services that do not take
    # it, as Telegram does not, get spaces back from Apprise.)
    shown = html.replace("&nbsp;", " ")
    assert "แอปทางรัฐ Q&amp;A: 2 &lt; 3 *ใหม่*" in shown, html
    assert "<" not in shown.replace("<br/>", ""), html
    markdown = apps.received[0]["message"]
    assert r"\*ใหม่\* \[คลิก\]\(https" in markdown, markdown
