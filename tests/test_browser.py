"""index.html in a real headless browser: hostile titles stay inert text, the page renders.

Needs Chromium (Debian's `chromium` package; `.ci/run` installs it). Without it
the test is skipped locally, but CI sets MONITOR_REQUIRE_BROWSER=1 so it can
never be skipped there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from monitor.config.loader import load_config
from monitor.models import Item
from monitor.publish import publish_all
from monitor.store import Store
from tests.crawl_helpers import TOPICS
from tests.httpserver import FixtureServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("MONITOR_REQUIRE_BROWSER") != "1":
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

PWN = "<script>document.body.setAttribute('data-pwned','1')</script>"
IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"


def chromium(*args: str, tmp: Path) -> str:
    assert CHROMIUM, "Chromium is required here: apt-get install chromium"
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_index_html_in_chromium(server: FixtureServer, tmp_path: Path) -> None:
    config_path = tmp_path / "sources.yaml"
    config_path.write_text(f"""
{TOPICS}sources:
  - name: dga
    title: "สพร. <i>DGA</i>"
    url: "https://dga.example.org/feed"
    type: feed
""", "utf-8")
    config = load_config(config_path)
    now = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    title = f"ประกาศตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ {PWN}{IMG}"
    with Store(config.database) as store:
        store.save_items([Item(
            source="dga", url="https://dga.example.org/1", link="https://dga.example.org/1",
            identity="https://dga.example.org/1", title=title, summary=PWN,
            published=now, date_is_first_seen=False, topics=("egov-act",),
            matched_keywords=("การปฏิบัติราชการทางอิเล็กทรอนิกส์",))], now)
        publish_all(config, store, now=now)
    server.page("/index.html", (config.output_dir / "index.html").read_bytes())

    dom = chromium("--dump-dom", server.url("/index.html"), tmp=tmp_path)
    body = LexborHTMLParser(dom).body
    assert body is not None and "data-pwned" not in body.attributes, "scraped markup ran"
    assert not LexborHTMLParser(dom).css("main script, main img")
    assert "&lt;script&gt;document.body" in dom
    assert "ประกาศตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์" in dom
    assert [r.path for r in server.log if r.path != "/favicon.ico"] == ["/index.html"]

    shot = tmp_path / "phone.png"
    chromium(f"--screenshot={shot}", "--window-size=390,844", "--hide-scrollbars",
             server.url("/index.html"), tmp=tmp_path)
    assert shot.stat().st_size > 5_000, "the page rendered"
