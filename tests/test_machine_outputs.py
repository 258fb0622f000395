"""health.xml, subscriptions.opml, items.json and sources.json, from real crawls."""

from __future__ import annotations

import io
import json
import tracemalloc
import warnings
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest
from jsonschema import Draft202012Validator

from monitor.config.loader import load_config
from monitor.config.settings import Config
from monitor.health import Health
from monitor.publish import jsonapi
from monitor.publish.atomic import write_atomic
from monitor.store import Store
from tests.crawl_helpers import crawl, rss, write_config
from tests.httpserver import FixtureServer, Response

FEED_LINK = "https://monitor.example.org/watch/"


def _config(tmp_path: Path, server: FixtureServer) -> Path:
    path = write_config(tmp_path, f"""
  - name: dga
    title: "สพร. <ข่าว>"
    url: "{server.url('/feed')}"
    type: feed
""")
    path.write_text(path.read_text("utf-8") + f'feed:\n  link: "{FEED_LINK}"\n', "utf-8")
    return path


def _feed(server: FixtureServer) -> Response:
    body = rss(("ครม.เห็นชอบร่าง พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์", server.url("/n/1")),
               ("ข่าวทั่วไปเรื่องอื่น", server.url("/n/2")))
    return Response(200, body, {"Content-Type": "application/rss+xml"})


def _health(out: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(io.BytesIO((out / "health.xml").read_bytes()),
                              sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_health_feed_has_an_entry_when_a_source_fails_and_when_it_recovers(
        tmp_path: Path, server: FixtureServer) -> None:
    config = _config(tmp_path, server)
    out = tmp_path / "out"
    server.add("/feed", [_feed(server),
                         Response(503, b"<b>down</b>", {"Content-Type": "text/html"}),
                         Response(503, b"down", {"Content-Type": "text/plain"}),
                         _feed(server)])
    assert crawl(config) == 0
    assert _health(out).entries == [], "a healthy first crawl is no news"
    assert crawl(config) == 1
    assert crawl(config) == 1
    failing = _health(out).entries
    assert len(failing) == 1, "still failing is not a new entry"
    assert failing[0].title == "สพร. <ข่าว>: ล้มเหลว (failing)"
    assert "503" in failing[0].summary and "What to do" in failing[0].summary
    assert "<b>" not in failing[0].summary
    assert crawl(config) == 0
    entries = _health(out).entries
    assert [e.title.split(": ")[1] for e in entries] == [
        "กลับมาใช้ได้ (recovered)", "ล้มเหลว (failing)"], "newest first"
    assert len({e.id for e in entries}) == 2
    with Store(load_config(config).database) as store:
        events = store.health_events(limit=10)
    assert [(e.previous, e.state) for e in events] == [("failing", "ok"), ("ok", "failing")]


def test_opml_lists_every_published_feed_with_absolute_urls(
        tmp_path: Path, server: FixtureServer) -> None:
    config = _config(tmp_path, server)
    server.add("/feed", _feed(server))
    assert crawl(config) == 0
    out = tmp_path / "out"
    root = ET.parse(out / "subscriptions.opml").getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("type") == "rss"]
    expected = {"feed.xml", "topics/egov-act.xml", "topics/digital-government.xml",
                "health.xml"}
    assert sorted(urls) == sorted(FEED_LINK + path for path in expected)
    for path in expected:
        assert feedparser.parse(io.BytesIO((out / path).read_bytes())).version == "rss20"


def test_a_removed_topic_leaves_no_feed_behind(tmp_path: Path, server: FixtureServer) -> None:
    config = _config(tmp_path, server)
    server.add("/feed", _feed(server))
    assert crawl(config) == 0
    topics = tmp_path / "out" / "topics"
    assert sorted(p.name for p in topics.iterdir()) == ["digital-government.xml", "egov-act.xml"]
    (topics / "notes.txt").write_text("not a feed", "utf-8")
    text = config.read_text("utf-8")
    config.write_text(text.replace("id: egov-act", "id: act-2565"), "utf-8")
    assert crawl(config) == 0
    assert sorted(p.name for p in topics.iterdir()) == [
        "act-2565.xml", "digital-government.xml", "notes.txt"]


def _validated(out: Path, name: str) -> dict[str, object]:
    schema = json.loads((out / name.replace(".json", ".schema.json")).read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    document = json.loads((out / name).read_text("utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(document)]
    assert errors == []
    return dict(document)


def test_items_and_sources_json_validate_against_their_schemas(
        tmp_path: Path, server: FixtureServer) -> None:
    config = _config(tmp_path, server)
    server.add("/feed", _feed(server))
    assert crawl(config) == 0
    out = tmp_path / "out"
    items = _validated(out, "items.json")
    [story] = items["items"]  # type: ignore[misc]
    assert story["topics"] == ["egov-act"]
    assert story["matched"] == [{"topic": "egov-act",
                                 "keyword": "การปฏิบัติราชการทางอิเล็กทรอนิกส์"}]
    assert story["outlets"] == [{"source": "dga", "name": "สพร. <ข่าว>",
                                 "url": server.url("/n/1")}]
    assert story["published"].endswith("+07:00") and story["first_seen"]
    sources = _validated(out, "sources.json")
    [source] = sources["sources"]  # type: ignore[misc]
    assert (source["name"], source["state"], source["items_last"]) == ("dga", "ok", 2)


def test_a_document_breaking_its_schema_is_caught(tmp_path: Path,
                                                  server: FixtureServer) -> None:
    """The schema is strict enough to fail: the test above can fail too."""
    config = _config(tmp_path, server)
    server.add("/feed", _feed(server))
    assert crawl(config) == 0
    out = tmp_path / "out"
    document = json.loads((out / "items.json").read_text("utf-8"))
    del document["items"][0]["outlets"]
    (out / "items.json").write_text(json.dumps(document), "utf-8")
    with warnings.catch_warnings(), pytest.raises(AssertionError):
        _validated(out, "items.json")


def _many_sources(tmp_path: Path, count: int) -> Config:
    entries = "".join(f"""
  - name: s{n}
    title: "ข่าว \\"{n}\\""
    url: "https://s{n}.example.go.th/feed/"
    type: feed
""" for n in range(count))
    return load_config(write_config(tmp_path, entries))


NOW = datetime(2026, 12, 7, tzinfo=UTC)


def test_sources_json_lists_a_source_a_line(tmp_path: Path) -> None:
    """Errors with newlines and quotes, Thai titles: each line of the list is one
    whole source (a program can read the file line by line), and the whole is JSON."""
    config = _many_sources(tmp_path, 300)
    health = {"s1": Health("s1", state="broken", last_error='HTTP 503:\n"down"',
                           consecutive_failures=3, last_attempt=NOW)}
    text = "".join(jsonapi.sources_json(config, health, NOW))
    document = json.loads(text)
    assert [s["name"] for s in document["sources"]] == [f"s{n}" for n in range(300)]
    listed = [json.loads(line.strip().rstrip(",")) for line in text.splitlines()
              if line.startswith("    {")]
    assert listed == document["sources"]
    assert listed[1]["last_error"] == 'HTTP 503:\n"down"'
    assert listed[1]["title"] == 'ข่าว "1"'
    empty = "".join(jsonapi.sources_json(replace(config, sources=()), health, NOW))
    assert json.loads(empty)["sources"] == []


SLACK = 64 * 1024


def test_writing_sources_json_takes_no_more_memory_for_more_sources(tmp_path: Path) -> None:
    """It is written a source at a time: the Python heap's peak while writing it for
    4,000 sources is about that for 500 (a string of it took eight times the file)."""
    def peak(count: int) -> int:
        (tmp_path / str(count)).mkdir()
        config = _many_sources(tmp_path / str(count), count)
        tracemalloc.start()
        try:
            write_atomic(tmp_path / f"{count}.json", jsonapi.sources_json(config, {}, NOW))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    few, many = peak(500), peak(4000)
    written = (tmp_path / "4000.json").read_bytes()
    assert len(json.loads(written)["sources"]) == 4000
    # Both peaks are a few KB; tracemalloc also counts what other threads allocate
    # meanwhile (a test server left by an earlier test), so a little room is given,
    # far below what holding the file would take.
    assert len(written) > 8 * SLACK
    assert many < 1.5 * few + SLACK, (few, many)
