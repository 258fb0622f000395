"""`monitor discover` of many sites: side by side, one line each, entries written in
batches, and the same list run again skips what the file already has."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor import discovermany
from monitor.cli import main
from monitor.config.loader import load_config
from monitor.discover import discover
from tests.crawl_helpers import crawl, published, write_config
from tests.httpserver import FixtureServer, Request, Response
from tests.test_discover import TITLES, _listing, _rss

Sites = Callable[[], FixtureServer]    # the `sites` fixture (tests/conftest.py)


def _three(sites: Sites) -> tuple[str, str, str]:
    """A feed, a plain listing, and a site that refuses the monitor."""
    feed, listing, refusing = sites(), sites(), sites()
    feed.page("/news.rss", _rss(), "application/rss+xml")
    listing.page("/news", _listing("utf-8"))
    refusing.add("/", Response(403, b"Forbidden", {"Content-Type": "text/plain"}))
    return feed.url("/news.rss"), listing.url("/news"), refusing.url("/")


def _lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_a_list_of_sites_is_discovered_written_and_skipped_the_second_time(
        sites: Sites, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed, listing, refusing = _three(sites)
    listed = tmp_path / "sites.txt"
    listed.write_text(f"# agencies\n\n{feed}\n  {listing}  \n{refusing}\n{feed}\n", "utf-8")
    config = write_config(tmp_path, "")
    capsys.readouterr()
    assert main(["discover", "--from", str(listed), "--config", str(config), "--json",
                 "--write"]) == 0
    out, err = capsys.readouterr()
    results = {str(r["url"]): r for r in _lines(out)}
    assert set(results) == {feed, listing, refusing}, "each site once, the repeat dropped"
    assert results[refusing]["readable"] is False and "403" in str(results[refusing]["reason"])
    assert {results[feed]["name"], results[listing]["name"]} == {"127-0-0-1", "127-0-0-1-2"}
    assert results[feed]["written"] == results[listing]["written"] == str(config)
    assert err.strip().splitlines()[-1] == (
        "3 sites: 2 proposed (2 written to sources.yaml), 0 already in sources.yaml, "
        "1 not readable")
    loaded = load_config(config)
    assert sorted(s.type for s in loaded.sources) == ["auto", "feed"]
    assert crawl(config) == 0
    assert set(TITLES) <= set(published(config))

    written = config.read_text("utf-8")
    capsys.readouterr()
    assert main(["discover", "--from", str(listed), feed, "--config", str(config),
                 "--json", "--write"]) == 0
    again = {str(r["url"]): r for r in _lines(capsys.readouterr().out)}
    assert again[feed]["skipped"] == results[feed]["name"]
    assert again[listing]["skipped"] == results[listing]["name"]
    assert again[refusing]["readable"] is False
    assert config.read_text("utf-8") == written


def test_without_write_the_entries_go_to_stdout_ready_to_paste(
        sites: Sites, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed, listing, refusing = _three(sites)
    config = write_config(tmp_path, "")
    before = config.read_text("utf-8")
    capsys.readouterr()
    assert main(["discover", feed, listing, refusing, "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert config.read_text("utf-8") == before, "nothing written"
    (tmp_path / "pasted").mkdir()
    pasted = load_config(write_config(tmp_path / "pasted", out))
    assert sorted(s.type for s in pasted.sources) == ["auto", "feed"]
    assert f"cannot read {refusing}: " in err and "403" in err
    assert sum(line.startswith("found http://127.0.0.1:") for line in err.splitlines()) == 2


def test_sites_are_discovered_side_by_side(sites: Sites, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Each site's page answers only once the other site has been asked too (or
    fails after 3 s): one site after another, the first could never be read."""
    first, second = sites(), sites()
    arrived = {first.port: threading.Event(), second.port: threading.Event()}

    def page_of(server: FixtureServer, other: FixtureServer) -> Callable[[Request], Response]:
        def answer(request: Request) -> Response:
            arrived[server.port].set()
            if not arrived[other.port].wait(3.0):
                return Response(503, b"alone", {"Content-Type": "text/plain"})
            return Response(200, _rss(), {"Content-Type": "application/rss+xml"})
        return answer

    first.add("/news.rss", page_of(first, second))
    second.add("/news.rss", page_of(second, first))
    capsys.readouterr()
    assert main(["discover", first.url("/news.rss"), second.url("/news.rss"), "--json",
                 "--config", str(write_config(tmp_path, ""))]) == 0
    assert all(r["readable"] and r["name"] for r in _lines(capsys.readouterr().out))


def test_a_stopped_run_keeps_the_entries_it_found(
        sites: Sites, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    feed, listing, last = _three(sites)
    config = write_config(tmp_path, "", fetch="""
  min_delay_per_host: 0s
  retries: 0
  timeout: 5s
  allow_private_networks: true
  concurrency: 1
""")

    async def interrupted(config: object, url: str, **kwargs: object) -> object:
        if url == last:
            raise KeyboardInterrupt     # Ctrl-C while the third site is asked
        return await discover(config, url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(discovermany, "discover", interrupted)
    assert main(["discover", feed, listing, last, "--config", str(config), "--write"]) == 130
    assert sorted(s.type for s in load_config(config).sources) == ["auto", "feed"]
    assert "3 sites: 2 proposed (2 written to sources.yaml)" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "listed", "expected"), [
    (["--from", "{list}"], "https://www.dga.or.th/\n\nwww.opdc.go.th\n", "sites.txt:3: --from: "
     "not an http(s) URL: 'www.opdc.go.th'"),
    (["https://a.go.th/", "https://b.go.th/", "--name", "a"], "", "--name: --name names one "
     "site's entry; with several, each is named from its host"),
    ([], "", "discover: give a site's URL, or --from FILE with one URL a line"),
])
def test_bad_lists_and_options_are_one_line(args: list[str], listed: str, expected: str,
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sites.txt").write_text(listed, "utf-8")
    config = write_config(tmp_path, "")
    args = [a.replace("{list}", str(tmp_path / "sites.txt")) for a in args]
    capsys.readouterr()
    assert main(["discover", *args, "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and expected in err, err


def test_a_site_that_breaks_discover_is_one_line_and_the_others_go_on(
        sites: Sites, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    feed, listing, strange = _three(sites)

    async def breaks(config: object, url: str, **kwargs: object) -> object:
        if url == strange:
            raise RuntimeError("an unforeseen page")
        return await discover(config, url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(discovermany, "discover", breaks)
    capsys.readouterr()
    assert main(["discover", feed, listing, strange, "--json",
                 "--config", str(write_config(tmp_path, ""))]) == 0
    results = {str(r["url"]): r for r in _lines(capsys.readouterr().out)}
    assert results[strange] == {"url": strange, "readable": False, "reason":
                                "discover failed: RuntimeError: an unforeseen page"}
    assert results[feed]["name"] and results[listing]["name"]
