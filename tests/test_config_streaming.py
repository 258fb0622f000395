"""A long sources.yaml is read one source at a time, into exactly the config (or the
errors) that reading its whole node tree gives."""

from __future__ import annotations

import textwrap
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from monitor.config import loader
from monitor.config.loader import load_config
from monitor.config.settings import Config
from monitor.errors import ConfigError

HEAD = """\
fetch:
  timeout: 20s
  min_delay_per_host: 0s
topics:
  - &base
    id: egov-act
    title: The act
    any: ["การปฏิบัติราชการทางอิเล็กทรอนิกส์"]
  # A merge key with a key written again: reading this mapping twice in place
  # would take the merged `title` for a second one.
  - <<: *base
    id: digital-id
    title: Digital ID
    any: ["digital id"]
"""


def source(n: int) -> str:
    """Entries in the shapes users write: an anchor reused by later entries,
    overrides, nested mappings, the environment."""
    if n == 0:
        return textwrap.dedent("""\
          - &defaults
            name: s0
            url: "https://s0.example.go.th/news/"
            type: html
            topics: [egov-act]
            select: {item: "div.news", title: "h3", link: "a::attr(href)"}
        """)
    if n % 3 == 0:
        return textwrap.dedent(f"""\
          - <<: *defaults
            name: s{n}
            url: "https://s{n}.example.go.th/?token=${{TOKEN}}"
            timeout: 5s
            retries: 0
            tls: {{verify: false}}
        """)
    return textwrap.dedent(f"""\
      - name: s{n}
        url: "https://s{n}.example.go.th/feed/"
        type: feed
        keep_all: {'true' if n % 2 else 'false'}
        topics: [digital-id, egov-act]
        request: {{method: POST, form: {{page: "{n}"}}}}
    """)


def config_text(count: int, head: str = HEAD, tail: str = "") -> str:
    body = "".join(textwrap.indent(source(n), "  ") for n in range(count))
    return f"{head}sources:\n{body}{tail}"


@dataclass
class Outcomes:
    streamed: Config | str   # a config, or the error's text
    whole: Config | str
    read_again: bool         # whether streaming gave up and the file was read whole


def both_ways(path: Path, environ: dict[str, str]) -> Outcomes:
    reads: list[str] = []
    real = loader._load

    def spy(text: str, file: Path, shown: str, environ: Mapping[str, str]) -> Config:
        reads.append(shown)
        return real(text, file, shown, environ)

    def outcome() -> Config | str:
        try:
            return load_config(path, environ=environ)
        except ConfigError as exc:
            return str(exc)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "STREAM_FROM_CHARS", 0)
        patch.setattr(loader, "_load", spy)
        streamed = outcome()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "STREAM_FROM_CHARS", 10**12)
        whole = outcome()
    return Outcomes(streamed, whole, read_again=bool(reads))


def test_sources_read_one_at_a_time_make_the_same_config(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(config_text(40, tail="alerts:\n  - {name: team, url: '${HOOK}'}\n"),
                    encoding="utf-8")
    got = both_ways(path, {"TOKEN": "t0ken", "HOOK": "json://hooks.example.org/x"})
    assert not got.read_again
    streamed = got.streamed
    assert isinstance(streamed, Config)
    assert streamed == got.whole
    assert len(streamed.sources) == 40
    assert streamed.sources[3].fetch.timeout == 5
    assert streamed.sources[3].secrets == ("t0ken",)
    assert [t.title for t in streamed.topics] == ["The act", "Digital ID"]


def test_the_shipped_file_comes_out_the_same() -> None:
    got = both_ways(Path(__file__).resolve().parents[1] / "sources.yaml", {})
    assert not got.read_again
    assert isinstance(got.streamed, Config) and got.streamed == got.whole


def test_mistakes_are_reported_the_same(tmp_path: Path) -> None:
    head = HEAD.replace("  timeout: 20s\n", "  timeout: 20s\n  colour: red\n") + "feeds: []\n"
    tail = textwrap.dedent("""\
          - name: s1
            url: "not a url"
            type: htm
            topics: [no-such-topic]
        """)
    path = tmp_path / "sources.yaml"
    path.write_text(config_text(5, head=head) + textwrap.indent(tail, "  "), encoding="utf-8")
    got = both_ways(path, {"TOKEN": "x"})
    assert not got.read_again
    streamed = got.streamed
    assert isinstance(streamed, str)
    assert streamed == got.whole
    # the top level, fetch: and the sources' own mistakes, each once
    for words in ("fetch.colour", "feeds:", "'s1' is already", "'no-such-topic'", "'htm'",
                  "'not a url'"):
        assert streamed.count(words) == 1, (words, streamed)


NO_FETCH = HEAD.replace("fetch:\n  timeout: 20s\n  min_delay_per_host: 0s\n", "")


@pytest.mark.parametrize(("head", "tail", "check"), [
    # fetch: after the sources: each source's defaults come from it
    (NO_FETCH, "fetch:\n  timeout: 7s\n",
     lambda c: c.sources[1].fetch.timeout == 7 and c.sources[3].fetch.timeout == 5),
    # topics: after the sources: their ids are known all the same
    ("", HEAD, lambda c: c.sources[1].topics == ("digital-id", "egov-act")),
    # sources: twice: a mistake, reported about the second
    (HEAD, "sources:\n  - {name: last, url: 'https://a.example/', type: feed}\n",
     lambda e: "sources: given twice" in e),
])
def test_settings_after_the_sources_have_the_file_read_again_whole(
        tmp_path: Path, head: str, tail: str, check: Callable[[Any], bool]) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(config_text(4, head=head, tail=tail), encoding="utf-8")
    got = both_ways(path, {"TOKEN": "x"})
    assert got.read_again
    assert got.streamed == got.whole
    assert check(got.streamed), got.streamed


@pytest.mark.parametrize("tail", [
    "alerts: [\n",                           # a syntax error after the sources
    "alerts:\n  - url: *nowhere\n",          # an alias of no anchor
])
def test_a_broken_file_reads_as_it_always_has(tmp_path: Path, tail: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(config_text(4, tail=tail), encoding="utf-8")
    got = both_ways(path, {"TOKEN": "x"})
    assert got.read_again
    assert isinstance(got.streamed, str) and got.streamed == got.whole
    assert str(path) in got.streamed


def test_the_whole_node_tree_of_thousands_of_sources_is_never_held(tmp_path: Path) -> None:
    """With the shipped threshold, a file of 3,200 sources streams; the peak of the
    Python heap while it loads stays under half of the whole tree's."""
    path = tmp_path / "sources.yaml"
    path.write_text(config_text(3200), encoding="utf-8")
    assert path.stat().st_size > loader.STREAM_FROM_CHARS

    def peak() -> int:
        tracemalloc.start()
        try:
            load_config(path, environ={"TOKEN": "x"})
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    streamed = peak()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "STREAM_FROM_CHARS", 10**12)
        whole = peak()
    assert streamed < whole / 2, (streamed, whole)
