"""index.html in a real headless browser: hostile titles stay inert text, the page renders.

Needs Chromium (Debian's `chromium` package; `.ci/run` installs it). Without it
the test is skipped locally, but CI sets MONITOR_REQUIRE_BROWSER=1 so it can
never be skipped there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from monitor.config.loader import load_config
from monitor.config.settings import Config
from monitor.health import Health
from monitor.models import Item
from monitor.publish import publish_all
from monitor.publish.digest import Week, build_digest, write_digest
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


# -- phone width, the topic filter, the all-failed notice -----------------------------
# A probe page on the same origin loads the page under test in a 375 px iframe
# and reports what it sees. The iframe's sandbox turns the page's own script
# off (or on); the probe's script still reads the frame's DOM (same origin).

PROBE = """<!DOCTYPE html><html><body>
<iframe id="f" sandbox="allow-same-origin{scripts}" src="{target}"
        style="width:375px;height:700px;border:0"></iframe>
<script>
const f = document.getElementById('f');
f.addEventListener('load', () => {{
  const w = f.contentWindow, d = f.contentDocument;
  const shown = () => [...d.querySelectorAll('section.topic')]
      .filter(s => s.getClientRects().length > 0).map(s => s.id);
  const out = {{scrollWidth: d.documentElement.scrollWidth, innerWidth: w.innerWidth,
               notice: !!d.getElementById('all-failed'), before: shown()}};
  const chip = d.querySelector('.chips a[href="#topic-digital-government"]');
  if (chip) chip.click();
  setTimeout(() => {{
    out.after = shown();
    out.current = [...d.querySelectorAll('.chips a[aria-current]')]
        .map(a => a.getAttribute('href'));
    out.wideAfter = d.documentElement.scrollWidth;
    const all = d.querySelector('.chips a[href="#topics"]');
    if (all) all.click();
    setTimeout(() => {{
      out.reset = shown();
      document.body.setAttribute('data-result', JSON.stringify(out));
    }}, 200);
  }}, 300);
}});
</script></body></html>"""

LONG = "ก" * 200 + " " + "https://example.org/" + "x" * 300


def probe(server: FixtureServer, tmp: Path, target: str, *, scripts: bool) -> dict[str, Any]:
    server.page("/probe.html", PROBE.format(target=target,
                                            scripts=" allow-scripts" if scripts else ""))
    dom = chromium("--dump-dom", "--virtual-time-budget=10000", "--window-size=800,900",
                   server.url("/probe.html"), tmp=tmp)
    body = LexborHTMLParser(dom).body
    assert body is not None and body.attributes.get("data-result"), dom[-2000:]
    result: dict[str, Any] = json.loads(body.attributes["data-result"] or "{}")
    return result


def _publish(tmp_path: Path, server: FixtureServer, *, all_failing: bool) -> Config:
    config_path = tmp_path / "sources.yaml"
    config_path.write_text(f"""
{TOPICS}sources:
  - name: gazette
    title: "ราชกิจจานุเบกษา"
    url: "https://gazette.example.org/"
    type: feed
    kind: regulation
  - name: dga
    title: "สพร."
    url: "https://dga.example.org/feed"
    type: feed
""", "utf-8")
    config = load_config(config_path)
    now = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)

    def item(n: int, source: str, title: str, topic: str) -> Item:
        url = f"https://{source}.example.org/{n}"
        return Item(source=source, url=url, link=url, identity=url, title=title,
                    summary=LONG, published=now, date_is_first_seen=False, topics=(topic,),
                    matched_keywords=("k",))

    with Store(config.database) as store:
        store.save_items([
            item(1, "gazette", "ประกาศตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ " + LONG,
                 "egov-act"),
            item(2, "dga", "แอปทางรัฐ เพิ่มบริการ", "digital-government"),
        ], now)
        for name in ("gazette", "dga"):
            if all_failing:
                error = f"request to https://{name}.example.org/ failed: connection refused "
                store.save_health(Health(name, "failing", now, None, error + "y" * 200, 4))
            else:
                store.save_health(Health(name, "ok", now, now, None, 0, 3, 3))
        publish_all(config, store, now=now)
        write_digest(config, build_digest(config, store, Week(2026, 47), now))
    out = config.output_dir
    server.page("/index.html", (out / "index.html").read_bytes())
    server.page("/digest.html", (out / "digests" / "2026-W47.html").read_bytes())
    return config


@pytest.mark.parametrize("scripts", [False, True], ids=["script-off", "script-on"])
def test_topic_filter_works_with_and_without_script(server: FixtureServer, tmp_path: Path,
                                                    scripts: bool) -> None:
    _publish(tmp_path, server, all_failing=False)
    seen = probe(server, tmp_path, "/index.html", scripts=scripts)
    assert seen["before"] == ["topic-egov-act", "topic-digital-government"]
    assert seen["after"] == ["topic-digital-government"], "the chip filters to its topic"
    assert seen["reset"] == ["topic-egov-act", "topic-digital-government"], "'all' shows all"
    # With script, the chosen chip is marked: proof the CSP hash admits the page's script.
    assert seen["current"] == (["#topic-digital-government"] if scripts else [])
    assert seen["scrollWidth"] <= seen["innerWidth"] == 375, "no sideways scrolling"
    assert seen["wideAfter"] <= 375
    assert not seen["notice"]
    assert [r.path for r in server.log if r.path.endswith((".css", ".js", ".png"))] == [], \
        "nothing else is loaded"


def test_all_failed_notice_at_phone_width(server: FixtureServer, tmp_path: Path) -> None:
    config = _publish(tmp_path, server, all_failing=True)
    seen = probe(server, tmp_path, "/index.html", scripts=False)
    assert seen["notice"], "an overall notice when no source succeeded"
    assert seen["scrollWidth"] <= seen["innerWidth"], "long errors wrap on a phone"
    page = LexborHTMLParser((config.output_dir / "index.html").read_text("utf-8"))
    notice = page.css_first("#all-failed")
    assert notice is not None and "ทุกแหล่ง" in notice.text()
    health = page.css_first("#health")
    assert health is not None
    visible = "".join(n.text() for n in health.css("li > strong, li > span, li > div"))
    assert "เชื่อมต่อเว็บไซต์ไม่ได้" in visible and "connection refused" not in visible, \
        "the cause in Thai; the fetcher's English only under technical detail"


def test_digest_html_fits_a_phone(server: FixtureServer, tmp_path: Path) -> None:
    _publish(tmp_path, server, all_failing=False)
    seen = probe(server, tmp_path, "/digest.html", scripts=False)
    assert seen["scrollWidth"] <= seen["innerWidth"] == 375
