"""The `sources.yaml` entry `monitor discover` proposes, checked, and appended as text.

The entry is written by hand rather than by a YAML dumper so that `--write` can
append it into the `sources:` list as plain lines, leaving every comment and
the layout of the user's file as they were. Every string is a JSON string (a
valid YAML double-quoted scalar) with `${` escaped as `$${`: a page title is
untrusted, and must never pull a secret from the environment into a feed.
The result is loaded with `load_config` before anyone sees it as "ready".
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from monitor.config.loader import load_config
from monitor.config.settings import Config, Source
from monitor.config.units import SLUG_RE
from monitor.errors import ConfigError
from monitor.publish.atomic import write_atomic

GENERIC_LABELS = frozenset({"www", "go", "or", "co", "ac", "in", "mi", "net", "com", "org",
                            "gov", "edu", "th", "info", "biz"})
_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_SOURCES_KEY = re.compile(r"^sources\s*:\s*(#.*)?$")


def name_from_host(url: str) -> str:
    """`https://www.dga.or.th/news` -> `dga`; `pr.tisi.go.th` -> `pr-tisi`."""
    host = (urlsplit(url).hostname or "site").lower()
    labels = [label for label in host.split(".") if label not in GENERIC_LABELS]
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(labels or [host])).strip("-")
    return slug if SLUG_RE.fullmatch(slug or "") else "site"


def _quote(text: str) -> str:
    return json.dumps(text.replace("${", "$${"), ensure_ascii=False)


def entry_yaml(source: Source, indent: str = "  ") -> str:
    """The entry as YAML lines of a `sources:` list item (each line ends with a newline)."""
    lines = [f"- name: {source.name}"]
    if source.title and source.title != source.name:
        lines.append(f"  title: {_quote(source.title)}")
    lines.append(f"  url: {_quote(source.url)}")
    lines.append(f"  type: {source.type}")
    if source.encoding:
        lines.append(f"  encoding: {source.encoding}")
    if source.render:
        lines.append("  render: true")
    if source.fetch_article:
        lines.append("  fetch_article: true     # the sitemap names no titles")
    if source.select is not None:
        lines.append("  select:")
        for key in ("script", "item", "title", "link", "date", "summary"):
            value = getattr(source.select, key)
            if value:
                lines.append(f"    {key}: {_quote(value)}")
    return "".join(f"{indent}{line}\n" for line in lines)


def _sources_block(lines: list[str]) -> tuple[int, int] | None:
    """(line of `sources:`, index after its last indented line), or None without one."""
    start = next((i for i, line in enumerate(lines) if _SOURCES_KEY.match(line)), None)
    if start is None:
        return None
    end = start + 1
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if _TOP_KEY.match(line) or line.startswith("---"):
            break
        if line.strip() and line[0] in " \t-":
            end = i + 1
    return start, end


def appended(text: str, *sources: Source) -> str:
    """`text` with the entries added at the end of its `sources:` list, nothing else moved."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    block = _sources_block(lines)
    if block is None:
        if any(re.match(r"^sources\s*:", line) for line in lines):
            raise ConfigError("`sources:` is written on one line ([...]); add the entry "
                              "by hand", key="sources")
        return "".join(lines) + "sources:\n" + "".join(map(entry_yaml, sources))
    start, end = block
    items = [line for line in lines[start + 1:end] if re.match(r"^\s*- ", line)]
    indent = re.match(r"^(\s*)", items[0]).group(1) if items else "  "  # type: ignore[union-attr]
    # Entries set apart by blank lines get one too, so the file keeps its rhythm.
    gap = "\n" if any(not line.strip() for line in lines[start + 1:end]) else ""
    entries = gap.join(entry_yaml(source, indent) for source in sources)
    return "".join([*lines[:end], gap + entries, *lines[end:]])


def check_text(text: str, beside: Path) -> Config:
    """Load `text` as if it were the file at `beside` (relative paths resolve the same)."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=beside.parent,
                                     prefix=f".{beside.name}.", suffix=".check",
                                     delete=False) as handle:
        handle.write(text)
    try:
        return load_config(handle.name)
    finally:
        Path(handle.name).unlink(missing_ok=True)


def default_config(path: Path) -> Config:
    """The settings of a sources file with nothing in it, for `discover` without one."""
    config = check_text("sources:\n", Path(tempfile.gettempdir()) / "sources.yaml")
    return replace(config, path=path.absolute())


def standalone(source: Source, beside: Path) -> str:
    """The entry in a file of its own, as `check` would load it."""
    text = "sources:\n" + entry_yaml(source)
    try:
        check_text(text, beside)
    except ConfigError as error:
        raise ConfigError(f"the proposed entry does not pass check: {error.detail}",
                          key="--name" if "name" in error.key else error.key) from None
    return entry_yaml(source)


def write_entry(config: Config, source: Source) -> Path:
    """Append the entry to the config file after `check` passes on the result."""
    path = config.path
    existing = config.source(source.name)
    if existing is not None:
        raise ConfigError(f"a source named {source.name!r} already exists; choose another "
                          "name with --name", path=str(path), key="--name")
    return write_entries(path, [source])


def write_entries(path: Path, sources: Sequence[Source]) -> Path:
    """Append the entries to the sources file in one write, after `check` passes on the
    result: a file of thousands of sources is read and checked once, not once each."""
    text = appended(path.read_text("utf-8"), *sources)
    try:
        check_text(text, path)
    except ConfigError as error:
        raise ConfigError(f"not written: the file would not pass check: {error.detail}",
                          path=str(path), key="--write") from None
    write_atomic(path, text)
    return path
