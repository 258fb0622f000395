"""The README cannot rot: every command and every config key is documented, and CI
runs exactly the test command the README gives."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from monitor import cli
from monitor.config import loader as config

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def _commands() -> list[str]:
    parser = cli._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


def test_every_command_is_documented() -> None:
    for command in _commands():
        assert f"`monitor {command}" in README, command


def test_every_config_key_is_documented() -> None:
    table = README[README.index("## Configuration"):]
    keys = {*config.TOP_KEYS, *config.FEED_KEYS, *config.DIGEST_KEYS, *config.SMTP_KEYS,
            *config.TOPIC_KEYS, *config.SOURCE_OWN_KEYS, *config.SELECT_KEYS,
            *config.FETCH_KEYS}
    for key in keys:
        assert re.search(rf"[`.]{re.escape(key)}[`.,]", table), key


def test_ci_runs_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.+?)\n```", README)
    install_and_run, test_command = blocks[0], blocks[1]
    assert "pip install" in install_and_run and "monitor crawl" in install_and_run
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()
    assert ci[-1] == test_command


def test_readme_source_type_table_is_the_registry() -> None:
    """The table is derived from the registry: a new type cannot be left undocumented."""
    from monitor.config.sourcetypes import SOURCE_TYPES

    rows = ["| type | reads | `select:` keys |", "|---|---|---|"]
    for record in SOURCE_TYPES.values():
        keys = ", ".join(f"`{k}`" for k in record.select_keys) or "none"
        rows.append(f"| `{record.name}` | {record.summary} | {keys} |")
    assert "\n".join(rows) in README, "\n".join(rows)
