"""How well the shipped topics pick relevant headlines: a labelled evaluation.

`tests/data/relevance.tsv` holds headlines labelled by a person, with the
reason for each label: real Royal Gazette titles and written headlines of the
kinds the shipped sources publish, including every known near-miss. The
shipped `sources.yaml` topics run over them; the test fails when precision or
recall drops below the bar, and prints every miss with its reason so the fix
goes into the topics, not the labels.

Print the figures without pytest: `python -m tests.test_relevance`.

The topics are read with `yaml.safe_load` rather than `monitor.config` so this
evaluation measures the keywords alone, whatever the config loader does.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from monitor.config.settings import Topic
from monitor.match import Matcher

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CONFIG = ROOT / "sources.yaml"
LABELS = ROOT / "tests" / "data" / "relevance.tsv"

MIN_PRECISION = 0.95
MIN_RECALL = 0.90
MIN_TOPIC_ACCURACY = 0.90   # of the relevant rows found, those tagged with the expected topic
MIN_ROWS = 150
MIN_GAZETTE_ROWS = 40


@dataclass(frozen=True)
class Row:
    line: int
    label: str      # relevant | irrelevant
    topic: str      # expected topic id, or "-"
    text: str
    reason: str
    origin: str     # ratchakitcha:<doc_id> | written

    @property
    def relevant(self) -> bool:
        return self.label == "relevant"


@dataclass(frozen=True)
class Outcome:
    row: Row
    topics: tuple[str, ...]     # what the shipped topics matched

    @property
    def predicted(self) -> bool:
        return bool(self.topics)


def load_rows(path: Path = LABELS) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Row(line=n, **record) for n, record in enumerate(reader, start=2)]


def load_shipped_topics(path: Path = SHIPPED_CONFIG) -> tuple[list[Topic], list[list[str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics = [
        Topic(id=t["id"], title=t.get("title", t["id"]), any=tuple(t.get("any") or ()),
              all=tuple(t.get("all") or ()), none=tuple(t.get("none") or ()))
        for t in data.get("topics") or ()
    ]
    return topics, [list(group) for group in data.get("synonyms") or ()]


def evaluate(rows: Sequence[Row], matcher: Matcher) -> list[Outcome]:
    return [Outcome(r, tuple(m.topic for m in matcher.match(r.text))) for r in rows]


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    topic_accuracy: float
    false_positives: tuple[Outcome, ...]
    false_negatives: tuple[Outcome, ...]
    wrong_topic: tuple[Outcome, ...]


def score(outcomes: Sequence[Outcome]) -> Scores:
    tp = [o for o in outcomes if o.row.relevant and o.predicted]
    fp = tuple(o for o in outcomes if not o.row.relevant and o.predicted)
    fn = tuple(o for o in outcomes if o.row.relevant and not o.predicted)
    wrong = tuple(o for o in tp if o.row.topic not in o.topics)
    return Scores(
        precision=len(tp) / (len(tp) + len(fp)) if tp or fp else 0.0,
        recall=len(tp) / (len(tp) + len(fn)) if tp or fn else 0.0,
        topic_accuracy=(len(tp) - len(wrong)) / len(tp) if tp else 0.0,
        false_positives=fp, false_negatives=fn, wrong_topic=wrong,
    )


def report(outcomes: Sequence[Outcome], scores: Scores) -> str:
    relevant = sum(o.row.relevant for o in outcomes)
    lines = [
        f"{len(outcomes)} labelled headlines ({relevant} relevant), "
        f"precision {scores.precision:.3f} (min {MIN_PRECISION}), "
        f"recall {scores.recall:.3f} (min {MIN_RECALL}), "
        f"topic accuracy {scores.topic_accuracy:.3f} (min {MIN_TOPIC_ACCURACY})",
    ]
    sections = (("false positives (matched, labelled irrelevant)", scores.false_positives),
                ("false negatives (missed, labelled relevant)", scores.false_negatives),
                ("relevant but not tagged with the expected topic", scores.wrong_topic))
    for title, misses in sections:
        lines.append(f"{title}: {len(misses)}")
        for o in misses:
            matched = ",".join(o.topics) or "-"
            lines.append(f"  line {o.row.line} [{o.row.origin}] expected {o.row.topic}, "
                         f"matched {matched}: {o.row.text}\n      reason: {o.row.reason}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return load_rows()


@pytest.fixture(scope="module")
def outcomes(rows: list[Row]) -> list[Outcome]:
    topics, synonyms = load_shipped_topics()
    return evaluate(rows, Matcher(topics, synonyms))


def test_labels_are_well_formed(rows: list[Row]) -> None:
    topic_ids = {t.id for t in load_shipped_topics()[0]}
    problems = []
    for r in rows:
        if r.label not in ("relevant", "irrelevant"):
            problems.append(f"line {r.line}: label {r.label!r}")
        if r.relevant and r.topic not in topic_ids:
            problems.append(f"line {r.line}: topic {r.topic!r} is not a shipped topic")
        if not r.relevant and r.topic != "-":
            problems.append(f"line {r.line}: an irrelevant row has topic {r.topic!r}, not '-'")
        if not re.fullmatch(r"written|ratchakitcha:\d+", r.origin):
            problems.append(f"line {r.line}: origin {r.origin!r}")
        if not r.text.strip() or not r.reason.strip():
            problems.append(f"line {r.line}: empty text or reason")
    texts = [r.text for r in rows]
    duplicates = sorted({t for t in texts if texts.count(t) > 1})
    problems += [f"duplicate headline: {t}" for t in duplicates]
    assert not problems, "\n".join(problems)
    assert len(rows) >= MIN_ROWS
    assert sum(r.origin.startswith("ratchakitcha:") for r in rows) >= MIN_GAZETTE_ROWS


def test_shipped_topics_reach_precision_and_recall(outcomes: list[Outcome]) -> None:
    scores = score(outcomes)
    text = report(outcomes, scores)
    print(text)
    assert scores.precision >= MIN_PRECISION and scores.recall >= MIN_RECALL, text


def test_relevant_headlines_get_their_topic(outcomes: list[Outcome]) -> None:
    scores = score(outcomes)
    assert scores.topic_accuracy >= MIN_TOPIC_ACCURACY, report(outcomes, scores)


def test_scoring_counts_each_kind_of_miss() -> None:
    """The evaluation itself: a wrong scorer would let any topics pass."""
    def outcome(label: str, topic: str, matched: tuple[str, ...]) -> Outcome:
        return Outcome(Row(0, label, topic, "t", "r", "written"), matched)

    scores = score([
        outcome("relevant", "a", ("a",)),
        outcome("relevant", "a", ("b",)),
        outcome("relevant", "a", ()),
        outcome("irrelevant", "-", ("a",)),
        outcome("irrelevant", "-", ()),
    ])
    assert (scores.precision, scores.recall, scores.topic_accuracy) == (2 / 3, 2 / 3, 1 / 2)
    assert len(scores.false_positives) == len(scores.false_negatives) == 1


def main() -> None:
    topics, synonyms = load_shipped_topics()
    outcomes = evaluate(load_rows(), Matcher(topics, synonyms))
    print(report(outcomes, score(outcomes)))


if __name__ == "__main__":
    main()
