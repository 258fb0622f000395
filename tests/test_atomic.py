"""Outputs are replaced whole or not at all: a crash mid-write leaves the old file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.publish.atomic import write_atomic


def test_new_content_replaces_the_old(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "feed.xml"
    write_atomic(target, "เก่า")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["feed.xml"]


def test_a_crash_before_the_rename_keeps_the_old_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "feed.xml"
    write_atomic(target, b"old, complete")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new, never seen")
    assert target.read_bytes() == b"old, complete"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.xml"], "no temporary file left"


def test_pieces_are_written_as_they_come_and_a_failing_one_keeps_the_old_file(
        tmp_path: Path) -> None:
    target = tmp_path / "sources.json"
    write_atomic(target, iter(["[", "1, ", "๒", "]"]))
    assert target.read_text("utf-8") == "[1, ๒]"

    def pieces() -> Iterator[str]:
        yield "[2, "
        raise RuntimeError("the store went away")
    with pytest.raises(RuntimeError, match="went away"):
        write_atomic(target, pieces())
    assert target.read_text("utf-8") == "[1, ๒]"
    assert [p.name for p in tmp_path.iterdir()] == ["sources.json"], "no temporary file left"
