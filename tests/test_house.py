"""The shape of the code base: imports run one way, and stores from the future are refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _imported_after(module: str) -> set[str]:
    code = (f"import sys, {module}; "
            "print('\\n'.join(m for m in sys.modules if m.startswith('monitor')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    return set(out.split())


@pytest.mark.parametrize(("module", "forbidden"), [
    ("monitor.publish", {"monitor.commands", "monitor.store", "monitor.cli", "monitor.pipeline"}),
    ("monitor.publish.digest", {"monitor.commands", "monitor.store", "monitor.cli"}),
    ("monitor.scheduler", {"monitor.commands", "monitor.cli"}),
    ("monitor.text.textnorm", {"monitor.config", "monitor.extract", "monitor.match"}),
    ("monitor.text.thaidate", {"monitor.config", "monitor.extract"}),
    ("monitor.text.urls", {"monitor.config", "monitor.extract"}),
    ("monitor.normalise", {"monitor.extract", "monitor.store"}),
    ("monitor.config", {"monitor.match", "monitor.extract", "monitor.store", "monitor.fetch"}),
    # A page-reading worker process loads neither the fetcher nor the store.
    ("monitor.readpool", {"monitor.fetch", "monitor.store", "monitor.pipeline"}),
    ("monitor.text.worddict", {"monitor.config", "monitor.match"}),
])
def test_imports_run_one_way(module: str, forbidden: set[str]) -> None:
    loaded = _imported_after(module)
    wrong = {m for m in loaded for f in forbidden if m == f or m.startswith(f + ".")}
    assert not wrong, f"{module} imports {sorted(wrong)}"


# Joined at run time: "PRODUCT" + ".md" would be folded into the name itself in this
# file's bytecode, and the compiled test would then cite the file it forbids.
_CONTRACT = "".join(("PRODUCT", ".md"))


def test_no_module_cites_a_file_outside_the_repository() -> None:
    for path in [*ROOT.joinpath("monitor").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py"),
                 ROOT / "README.md"]:
        assert _CONTRACT not in path.read_text("utf-8"), path


def test_status_on_a_newer_database_says_so_and_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("topics: []\nsources: []\n", "utf-8")
    database = tmp_path / "output" / "monitor.sqlite3"
    database.parent.mkdir()
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA user_version = 999")
    assert main(["status", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "newer" in err and "upgrade" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_database_that_is_not_sqlite_is_one_line_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("database: notes.txt\ntopics: []\nsources: []\n", "utf-8")
    (tmp_path / "notes.txt").write_text("these are my notes, not a database\n" * 200, "utf-8")
    assert main(["status", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "notes.txt" in err and "SQLite" in err and "Traceback" not in err


def test_tests_cannot_resolve_a_real_host(no_real_hosts: list[str]) -> None:
    """The conftest guard: a lookup of a real agency site is refused and recorded,
    so a test that tried one fails even when the code under test swallowed the error."""
    import socket

    with pytest.raises(socket.gaierror, match="may not resolve"):
        socket.getaddrinfo("www.parliament.go.th", 443)
    assert no_real_hosts == ["www.parliament.go.th"]
    no_real_hosts.clear()   # recorded as it should be; this test itself must not fail
    assert socket.getaddrinfo("127.0.0.1", 80)
    assert no_real_hosts == []
