"""Precision on a real week of the Royal Gazette: the shipped topics match none of it.

The 889 titles of 1-8 October 2026 contain no item about the act or digital
government (see tests/data/ratchakitcha_titles_2026-10.README.md); two are
near-misses a careless keyword list would catch.
"""

from __future__ import annotations

import csv
from pathlib import Path

from monitor.config.loader import load_config
from monitor.match import Matcher

ROOT = Path(__file__).parent.parent
TITLES = Path(__file__).parent / "data" / "ratchakitcha_titles_2026-10.tsv"


def test_shipped_topics_match_no_title_of_a_real_gazette_week() -> None:
    config = load_config(ROOT / "sources.yaml", environ={})
    matcher = Matcher(config.topics, config.synonyms)
    with TITLES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 889
    near_misses = [r["title"] for r in rows
                   if "ดิจิทัล" in r["title"] or "อิเล็กทรอนิกส์" in r["title"]]
    assert len(near_misses) == 2
    wrong = [(r["doc_id"], r["title"], [m.topic for m in matcher.match(r["title"])])
             for r in rows if matcher.match(r["title"])]
    assert wrong == []
