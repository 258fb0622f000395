"""A secret substituted into a source URL never reaches an output file or a printed line."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config.loader import load_config
from monitor.store import Store
from tests.crawl_helpers import rss, write_config
from tests.httpserver import FixtureServer, Response

SECRET = "S3cr3tK3y-ü"   # the ü is percent-encoded on the wire: both forms must go
ENCODED = "S3cr3tK3y-%C3%BC"


def _files_text(root: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace")
                     for p in sorted(root.rglob("*")) if p.is_file())


def _config(tmp_path: Path, server: FixtureServer) -> Path:
    path = write_config(tmp_path, f"""
  - name: keyed
    title: "แหล่งที่ต้องใช้กุญแจ"
    url: "{server.url('/feed')}?key=${{API_KEY}}&lang=th"
    type: feed
""")
    # The database is not a published file (issue 8.3 moves it out of output_dir).
    path.write_text(path.read_text("utf-8") + "database: db/monitor.sqlite3\n", "utf-8")
    return path


def test_loader_masks_what_came_from_the_environment(tmp_path: Path,
                                                     server: FixtureServer) -> None:
    config = load_config(_config(tmp_path, server), environ={"API_KEY": SECRET})
    source = config.sources[0]
    assert SECRET in source.url
    assert source.public_url == server.url("/feed") + "?key=***&lang=th"
    assert SECRET not in repr(source)
    assert source.redact(f"HTTP 500 from {source.url.replace(SECRET, ENCODED)}") == \
        f"HTTP 500 from {source.public_url}"


def test_fallback_text_is_written_in_the_file_so_it_stays(tmp_path: Path,
                                                         server: FixtureServer) -> None:
    path = _config(tmp_path, server)
    path.write_text(path.read_text("utf-8").replace("${API_KEY}", "${API_KEY:-demo}"), "utf-8")
    source = load_config(path, environ={}).sources[0]
    assert source.public_url == source.url and "key=demo" in source.url


def test_no_output_or_printed_line_shows_the_secret(tmp_path: Path, server: FixtureServer,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("API_KEY", SECRET)
    config = _config(tmp_path, server)
    out = tmp_path / "out"
    feed = rss(("ข่าว พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์", server.url("/n/1")))
    server.add("/feed", [Response(500, b"down", {"Content-Type": "text/plain"}),
                         Response(200, feed, {"Content-Type": "application/rss+xml"})])

    assert main(["crawl", "--config", str(config)]) == 1          # fails: HTTP 500
    assert main(["status", "--config", str(config)]) == 0
    failed = capsys.readouterr()
    assert "***" in failed.out, "the error names the masked URL"
    assert main(["crawl", "--config", str(config)]) == 0          # succeeds
    assert main(["status", "--config", str(config)]) == 0
    assert main(["digest", "--config", str(config), "--week", "2026-W46"]) == 0
    assert main(["check", "--config", str(config)]) == 0
    printed = capsys.readouterr()
    sent = [r.path for r in server.log if r.path.startswith("/feed")]
    assert len(sent) == 2 and ENCODED in sent[0], "the secret itself goes to the server"
    files = _files_text(out)
    assert "feed.xml" in {p.name for p in out.iterdir()}
    for text in (files, failed.out, failed.err, printed.out, printed.err):
        assert SECRET not in text and ENCODED not in text
    assert "?key=***&amp;lang=th" in (out / "feed.xml").read_text("utf-8")


def test_preview_of_a_failing_keyed_source_masks_the_secret(
        tmp_path: Path, server: FixtureServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("API_KEY", SECRET)
    config = _config(tmp_path, server)
    server.add("/feed", Response(404, b"gone", {"Content-Type": "text/plain"}))
    assert main(["preview", "keyed", "--config", str(config)]) == 1
    printed = capsys.readouterr()
    assert "key=***" in printed.out + printed.err
    assert SECRET not in printed.out + printed.err and ENCODED not in printed.out + printed.err


def test_a_long_url_is_cut_after_its_secret_is_masked(tmp_path: Path, server: FixtureServer,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    """Stored errors cut each long URL to its start; the secret goes first, or the cut
    would leave a part of it that no mask matches."""
    long_secret = "K" * 20 + SECRET + "K" * 20
    monkeypatch.setenv("API_KEY", long_secret)
    config = _config(tmp_path, server)
    # The secret straddles the cut: the URL's first 80 characters end inside it.
    prefix = len(server.url("/feed")) + len("?key=")
    assert prefix < 80 < prefix + len(long_secret)
    server.add("/feed", [Response(500, b"down", {"Content-Type": "text/plain"})])
    assert main(["crawl", "--config", str(config), "-v"]) == 1
    printed = capsys.readouterr()
    with Store(load_config(config).database) as store:
        error = store.health("keyed").last_error   # type: ignore[union-attr]
    assert "HTTP 500" in error and "***" in error
    for text in (error, printed.out, printed.err):
        assert "K" * 12 not in text and SECRET not in text
