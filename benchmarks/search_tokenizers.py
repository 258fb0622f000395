"""Which FTS5 set-up finds more on the real labelled headlines: pre-segmented or trigram.

Indexes every labelled headline (title and lede) of tests/data/relevance.tsv and
tests/data/relevance_real.tsv twice: as the monitor does (normalised text cut
into Thai words by PyThaiNLP's newmm, unicode61 tokenizer) and raw (normalised,
FTS5's trigram tokenizer). Then it searches each shipped topic's plain keywords
(its `any:` list without the /regex/ ones) and counts, per set-up, the rows
labelled relevant to that topic that a keyword finds (found), and the rows
labelled irrelevant that it finds (false hits).

    .venv/bin/python benchmarks/search_tokenizers.py
"""

from __future__ import annotations

import csv
import sqlite3
import time
from pathlib import Path

import yaml

from monitor.schema import MIGRATIONS
from monitor.search import fts_phrase
from monitor.text.textnorm import normalise_text
from monitor.text.words import index_words

ROOT = Path(__file__).resolve().parents[1]
SETS = [ROOT / "tests" / "data" / "relevance.tsv", ROOT / "tests" / "data" / "relevance_real.tsv"]


def rows(path: Path) -> list[tuple[str, str, str]]:
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    out = []
    for record in csv.DictReader(lines, delimiter="\t"):
        text = " ".join(filter(None, [record.get("text") or record.get("title"),
                                      record.get("lede")]))
        out.append((record["label"], record["topic"], text))
    return out


def main() -> None:
    topics = yaml.safe_load((ROOT / "sources.yaml").read_text("utf-8"))["topics"]
    # The search index's own tokenizer, read from the migration that creates it.
    [fts] = [step for step in MIGRATIONS if "USING fts5" in step]
    tokenize = fts.split("tokenize = ", 1)[1].split("\n    );", 1)[0]
    for path in SETS:
        if not path.exists():
            continue
        data = rows(path)
        db = sqlite3.connect(":memory:")
        db.execute(f"CREATE VIRTUAL TABLE seg USING fts5 (body, tokenize = {tokenize})")
        db.execute("CREATE VIRTUAL TABLE tri USING fts5 (body, tokenize = 'trigram')")
        started = time.perf_counter()
        for n, (_, _, text) in enumerate(data):
            db.execute("INSERT INTO seg (rowid, body) VALUES (?, ?)", (n, index_words(text)))
        seg_time = time.perf_counter() - started
        for n, (_, _, text) in enumerate(data):
            db.execute("INSERT INTO tri (rowid, body) VALUES (?, ?)", (n, normalise_text(text)))
        print(f"{path.name}: {len(data)} rows; segmenting and indexing took {seg_time:.2f} s")
        for topic in topics:
            # plain keywords only: not /regex/ ones, nor all-of groups (lists)
            keywords = [k for k in topic["any"]
                        if isinstance(k, str) and not (k.startswith("/") and k.endswith("/"))]
            found: dict[str, set[int]] = {"seg": set(), "tri": set()}
            for keyword in keywords:
                expression = fts_phrase(keyword)
                if expression:
                    found["seg"].update(r[0] for r in db.execute(
                        "SELECT rowid FROM seg WHERE seg MATCH ?", (expression,)))
                phrase = '"' + normalise_text(keyword).replace('"', '""') + '"'
                found["tri"].update(r[0] for r in db.execute(
                    "SELECT rowid FROM tri WHERE tri MATCH ?", (phrase,)))
            wanted = {n for n, (label, t, _) in enumerate(data)
                      if label == "relevant" and t == topic["id"]}
            unwanted = {n for n, (label, _, _) in enumerate(data) if label == "irrelevant"}
            for name, hits in found.items():
                print(f"  {topic['id']:<20} {name}: found {len(hits & wanted):>3} of "
                      f"{len(wanted):>3} relevant, {len(hits & unwanted):>3} false hits "
                      f"of {len(unwanted)} irrelevant ({len(keywords)} keywords)")


if __name__ == "__main__":
    main()
