"""sources.yaml -> crawl -> match -> SQLite -> feeds, over real HTTP on 127.0.0.1.

The feeds the program writes are read back with feedparser and checked entry
by entry: the expected entries, with the expected topics, and nothing else.
"""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest

from monitor.cli import main
from tests.e2e_site import LISTINGS, config_yaml, expected_titles, serve_site
from tests.httpserver import FixtureServer

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def site(server: FixtureServer, tmp_path: Path) -> Path:
    serve_site(server)
    config = tmp_path / "sources.yaml"
    config.write_text(config_yaml(server, tmp_path / "out"), "utf-8")
    return config


def read_feed(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(io.BytesIO(path.read_bytes()))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def titles_and_topics(parsed: feedparser.FeedParserDict) -> dict[str, set[str]]:
    return {e.title: {t.term for t in e.get("tags", [])} for e in parsed.entries}


def test_crawl_publishes_exactly_the_matching_items(site: Path, capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    assert main(["crawl", "--config", str(site)]) == 0
    printed = capsys.readouterr().out
    for name in ("news-rss", "etda-atom", "opdc-json", *(f"list-{v}" for v in LISTINGS)):
        assert name in printed
    out = site.parent / "out"
    expected = expected_titles()

    rss = read_feed(out / "feed.xml")
    assert titles_and_topics(rss) == expected
    atom = read_feed(out / "atom.xml")
    assert titles_and_topics(atom) == expected
    assert atom.version == "atom10" and rss.version == "rss20"

    guids = {e.id for e in rss.entries}
    assert len(guids) == len(expected)
    assert {e.id for e in atom.entries} == guids

    dates = [e.published_parsed for e in rss.entries]
    assert dates == sorted(dates, reverse=True), "newest first"
    by_title = {e.title: e for e in rss.entries}
    first = by_title["ครม.เห็นชอบร่างพระราชกฤษฎีกาตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ "
                     "พ.ศ. 2565"]
    assert first.link.endswith("/news/1001?utm_source=rss&utm_medium=feed")
    assert datetime(*first.published_parsed[:6]) == datetime(2026, 11, 10, 2, 30)
    assert "คณะรัฐมนตรีมีมติเห็นชอบ" in first.summary and "<p>" not in first.summary
    assert first.source.title == "ข่าวตัวอย่าง RSS"
    assert first.source.href.endswith("/rss.xml"), "<source> names the channel, not the item"
    assert rss.feed.link == "https://monitor.example.org/"
    assert any(link.rel == "self" and link.href == "https://monitor.example.org/feed.xml"
               for link in rss.feed.links)
    atom_first = next(e for e in atom.entries if e.id == first.id)
    assert "คณะรัฐมนตรีมีมติเห็นชอบ" in atom_first.summary
    assert [a.name for a in atom_first.authors] == ["ข่าวตัวอย่าง RSS"]
    # A Thai listing date ("9 พ.ย. 69") is read in the Buddhist era, in Asia/Bangkok.
    act_utf8 = by_title[LISTINGS["utf8"][3][0]]
    assert datetime(*act_utf8.published_parsed[:6]) == datetime(2026, 11, 8, 17, 0)
    assert act_utf8.link.endswith("/utf8/detail/501")

    topic_feed = read_feed(out / "topics" / "egov-act.xml")
    assert {e.title for e in topic_feed.entries} == {
        t for t, topics in expected.items() if "egov-act" in topics}

    with (out / "feed.json").open(encoding="utf-8") as handle:
        jf = json.load(handle)
    assert jf["version"] == "https://jsonfeed.org/version/1.1"
    assert {i["title"]: set(i["tags"]) for i in jf["items"]} == expected
    assert {i["id"] for i in jf["items"]} == guids


def test_every_encoding_is_decoded(site: Path) -> None:
    assert main(["crawl", "--config", str(site)]) == 0
    db = sqlite3.connect(site.parent / "data" / "monitor.sqlite3")
    stored = {row[0] for row in db.execute("SELECT title FROM items")}
    for _, _, _, titles in LISTINGS.values():
        assert set(titles) <= stored   # the irrelevant ones are stored too, as seen


def test_second_crawl_publishes_nothing_new_and_keeps_guids(
        site: Path, server: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--config", str(site)]) == 0
    feed = site.parent / "out" / "feed.xml"
    before = {e.id: e.title for e in read_feed(feed).entries}
    capsys.readouterr()

    # The RSS item 1002 changes its title; another source links to item 1001
    # with a tracking parameter and a fragment: still one item.
    rss = server.routes["/rss.xml"]
    body = rss.body.decode("utf-8").replace(  # type: ignore[union-attr]
        "เปิดบริการใหม่บนแอปทางรัฐ", "เปิดบริการใหม่ 5 รายการบนแอปทางรัฐ")
    server.page("/rss.xml", body, "application/rss+xml")
    assert main(["crawl", "--config", str(site)]) == 0
    after = {e.id: e.title for e in read_feed(feed).entries}
    assert after.keys() == before.keys()
    changed = [g for g in before if before[g] != after[g]]
    assert len(changed) == 1
    assert after[changed[0]] == "สพร. เปิดบริการใหม่ 5 รายการบนแอปทางรัฐ ยื่นคำขอออนไลน์ได้ทันที"
    out = capsys.readouterr().out
    source_lines = [line for line in out.splitlines()
                    if line.startswith(("news-", "etda-", "opdc-", "list-"))]
    assert len(source_lines) == 3 + len(LISTINGS)
    for line in source_lines:
        assert "new    0" in line and "matched    0" in line, line


def test_check_summarises_and_errors_exit_2(site: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(site)]) == 0
    assert "news-rss" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(site.read_text("utf-8").replace("type: feed", "type: rss", 1), "utf-8")
    assert main(["--config", str(bad), "check"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "rss" in err and "Traceback" not in err


def test_one_broken_source_does_not_stop_the_others(site: Path, server: FixtureServer,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    server.page("/atom.xml", b"<html><body>Not a feed</body></html>", "text/html")
    server.routes.pop("/feed.json")   # now a 404
    assert main(["crawl", "--config", str(site)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("opdc-json") and "failing" in line and "404" in line
               for line in lines)
    titles = {e.title for e in read_feed(site.parent / "out" / "feed.xml").entries}
    assert LISTINGS["win874"][3][0] in titles
    assert main(["status", "--config", str(site)]) == 0
    status = capsys.readouterr().out
    assert "opdc-json" in status and "failing" in status


def test_all_sources_failing_exits_1(site: Path, server: FixtureServer) -> None:
    server.routes.clear()
    assert main(["crawl", "--config", str(site)]) == 1


def test_preview_prints_items_and_topics(site: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    assert main(["preview", "list-tis-meta", "--config", str(site)]) == 0
    out = capsys.readouterr().out
    for title in LISTINGS["tis-meta"][3]:
        assert title in out
    assert "digital-government (สารบรรณอิเล็กทรอนิกส์)" in out
    assert not (site.parent / "data" / "monitor.sqlite3").exists(), "preview stores nothing"


def test_python_dash_m_runs(site: Path) -> None:
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "monitor", "check", "--config", str(site)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "list-win874" in done.stdout
    assert BANGKOK.key in done.stdout


def test_status_into_a_closed_pipe_has_no_traceback(site: Path) -> None:
    """`monitor status | head -1`: the reader is gone before the table is written."""
    import os
    import subprocess
    import sys
    assert main(["crawl", "--config", str(site)]) == 0
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "monitor", "status", "--config", str(site)],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0


def test_max_items_and_publish_rebuilds_every_output(site: Path) -> None:
    text = site.read_text("utf-8").replace('link: "https://monitor.example.org/"',
                                           'link: "https://monitor.example.org/"\n  max_items: 3')
    site.write_text(text, "utf-8")
    assert main(["crawl", "--config", str(site)]) == 0
    out = site.parent / "out"
    newest = [e.title for e in read_feed(out / "feed.xml").entries]
    assert len(newest) == 3
    assert len(read_feed(out / "atom.xml").entries) == 3
    everything = sorted(expected_titles())
    assert set(newest) <= set(everything)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.xml")}
    for path in before:
        (out / path).unlink()
    (out / "feed.json").unlink()
    assert main(["publish", "--config", str(site)]) == 0
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.xml")}
    assert after.keys() == before.keys()
    # health.xml is rebuilt too, but has no entries while every source is healthy.
    assert {k: read_feed(out / k).entries[0].id for k in after if k.name != "health.xml"} == {
        k: feedparser.parse(io.BytesIO(v)).entries[0].id for k, v in before.items()
        if k.name != "health.xml"}
    assert (out / "feed.json").exists() and (out / "index.html").exists()
    assert not list(out.rglob(".*.tmp")), "no temporary file is left behind"
