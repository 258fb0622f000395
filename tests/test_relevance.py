"""How well the shipped topics pick relevant headlines: six labelled evaluations.

- `tests/data/relevance_real.tsv`: real headlines (with their lede where the
  page has one), Thai and English, copied exactly from real news and
  government pages, each with its address and date, labelled by the written
  rule at the top of the file; more than half are near-misses (the digital
  wallet, PDPA, cybersecurity, banks' digital services, other countries'
  digital government). This is the set the topics are held to.
- `tests/data/relevance.tsv`: headlines written here for every known kind of
  near-miss, plus real Royal Gazette titles. It must not fall below the
  scores it had before the real set existed.
- `tests/data/relevance_unseen.tsv`: the held-out set, more real headlines
  under the same rule, collected after the topics were tuned, whose rows and
  misses nobody tuning the topics has read; the report gives its figures and
  counts only, never its rows. The topics were shaped while looking at the
  other sets' misses, so those sets' scores flatter them; this one tells how
  they do on text they have not seen. Reading its misses spends it: collect a
  fresh held-out set first (by the same rule, without running the matcher).
- `tests/data/relevance_spent.tsv` and `relevance_spent2.tsv`: the first and
  second held-out sets, each spent when its misses shaped the topics; floors
  now.
- `tests/data/relevance_services.tsv`: real headlines of agencies' online
  services and their near-misses, collected to tune the topics on what the
  spent set showed they miss; a floor.

The shipped `sources.yaml` topics run over each; a test fails when precision
or recall drops below its bar, and prints every miss with its reason so the
fix goes into the topics, not the labels.

Print the figures without pytest: `python -m tests.test_relevance`.

The topics are read with `yaml.safe_load` rather than `monitor.config` so this
evaluation measures the keywords alone, whatever the config loader does.
"""

from __future__ import annotations

import csv
import itertools
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
REAL_LABELS = ROOT / "tests" / "data" / "relevance_real.tsv"
SPENT2_LABELS = ROOT / "tests" / "data" / "relevance_spent2.tsv"
SPENT_LABELS = ROOT / "tests" / "data" / "relevance_spent.tsv"
UNSEEN_LABELS = ROOT / "tests" / "data" / "relevance_unseen.tsv"
SERVICES_LABELS = ROOT / "tests" / "data" / "relevance_services.tsv"
TUNE3_LABELS = ROOT / "tests" / "data" / "relevance_tune3.tsv"
TUNE4_LABELS = ROOT / "tests" / "data" / "relevance_tune4.tsv"


@dataclass(frozen=True)
class Bar:
    """What a labelled set must reach; the written set's bar is its score before the real set."""

    precision: float
    recall: float
    topic_accuracy: float   # of the relevant rows found, those tagged with the expected topic
    rows: int


# The bar on the real set. The misses left (printed by
# `python -m tests.test_relevance`) are mostly pages, not news, whose headline
# names no service (a ministry's results page, a terms-of-use page), English
# items with no Thai context in headline or lede, and a wallet headline that
# names the ทางรัฐ app, which `none:` rejects on purpose.
REAL_BAR = Bar(precision=0.95, recall=0.92, topic_accuracy=0.85, rows=400)
# The written set's scores before the real set existed (0.986 / 0.961).
WRITTEN_BAR = Bar(precision=0.98, recall=0.96, topic_accuracy=0.90, rows=150)
# Agencies' services, mostly named only by the service (collected to tune the
# topics on what the spent set showed they miss). A floor: the figures after that
# tuning (0.915 and 0.761), rounded down; before it, precision 0.714 and recall
# 0.211. The misses left name a service with no word a keyword list can hold (a
# queue app, a terms page, a manual), or are English with no Thai word.
SERVICES_BAR = Bar(precision=0.91, recall=0.76, topic_accuracy=0.95, rows=150)
# The first held-out set, spent on 7 December 2026: its misses (agencies' online
# services named only by the service) shaped the topics, and its scores went from
# precision 0.925 and recall 0.617 to 0.981 and 0.850. A floor now, like the
# written set's.
SPENT_BAR = Bar(precision=0.97, recall=0.84, topic_accuracy=0.90, rows=150)
# The second held-out set, spent later on 7 December 2026: its misses (DGA's
# programmes, the government website standard, apps, e-Submission and
# e-Document written other ways) shaped the topics, and its scores went from
# precision 0.905 and recall 0.781 to 0.914 and 0.877. Before the spent and
# services sets shaped the topics they were 0.896 and 0.589. A floor now.
SPENT2_BAR = Bar(precision=0.91, recall=0.87, topic_accuracy=0.95, rows=150)
# The third tuning set (7 December 2026, evening), collected because the unseen set
# below showed the topics missing half of what real pages carry: its misses (named
# systems such as M-Flow and Thailand Pass, courts', prisons', elections' and local
# governments' online services, state e-tickets, online appointments at a state
# office) shaped the topics, and its scores went from precision 0.727 and recall
# 0.324 to 0.903 and 0.757. A floor now.
TUNE3_BAR = Bar(precision=0.90, recall=0.75, topic_accuracy=0.95, rows=150)
# The fourth tuning set (7 December 2026, night): most relevant pages the collectors
# found were already in the other sets, so it has fewer relevant rows and many
# pages whose headline names no service. Its misses (courts' electronic filing,
# e-GP, a department's own app, booking systems, taxes paid online) shaped the
# topics: precision 1.000 and recall 0.391 before, 1.000 and 0.696 after. A floor.
TUNE4_BAR = Bar(precision=0.97, recall=0.69, topic_accuracy=0.95, rows=130)
# A floor: the shipped topics' figures, rounded down. When the set was first
# measured they were precision 0.886, recall 0.477 (topic accuracy 1.000); the
# topics before the spent and services sets shaped them scored 0.821 and 0.354,
# the tuning on the second spent set left them unchanged, and the tuning on the
# third tuning set raised recall to 0.600 (precision 0.886), and the fourth's left
# them unchanged. Lower than on the sets
# whose misses were read: this is the figure to trust. (Its first nine rows, file
# lines 32 to 40, were seen once while the file's layout was looked at; on the
# other 152 rows the same tuning moved recall from 0.459 to 0.574.)
UNSEEN_BAR = Bar(precision=0.88, recall=0.59, topic_accuracy=0.95, rows=150)
MIN_GAZETTE_ROWS = 40


@dataclass(frozen=True)
class Row:
    line: int
    label: str      # relevant | irrelevant
    topic: str      # expected topic id, or "-"
    text: str       # the headline
    reason: str
    origin: str     # ratchakitcha:<doc_id> | written | the page's address
    lede: str = ""  # the first sentence under the headline, when the page has one
    date: str = ""

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
    """Rows of a labelled TSV; `# ` lines at the top (the labelling rule) are skipped."""
    with path.open(encoding="utf-8", newline="") as f:
        lines = f.read().splitlines()
    skipped = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    reader = csv.DictReader(lines[skipped:], delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = []
    for n, record in enumerate(reader, start=skipped + 2):
        if "title" in record:   # the real set: title, lede, url, date
            rows.append(Row(line=n, label=record["label"], topic=record["topic"],
                            text=record["title"], reason=record["reason"],
                            origin=record["url"], lede=record["lede"], date=record["date"]))
        else:
            rows.append(Row(line=n, **record))
    return rows


def load_shipped_topics(path: Path = SHIPPED_CONFIG) -> tuple[list[Topic], list[list[str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics = [
        Topic(id=t["id"], title=t.get("title", t["id"]), any=tuple(t.get("any") or ()),
              all=tuple(t.get("all") or ()), none=tuple(t.get("none") or ()))
        for t in data.get("topics") or ()
    ]
    return topics, [list(group) for group in data.get("synonyms") or ()]


def evaluate(rows: Sequence[Row], matcher: Matcher) -> list[Outcome]:
    return [Outcome(r, tuple(m.topic for m in matcher.match(r.text, r.lede))) for r in rows]


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


def report(outcomes: Sequence[Outcome], scores: Scores, bar: Bar, name: str) -> str:
    relevant = sum(o.row.relevant for o in outcomes)
    lines = [
        f"{name}: {len(outcomes)} labelled headlines ({relevant} relevant), "
        f"precision {scores.precision:.3f} (min {bar.precision}), "
        f"recall {scores.recall:.3f} (min {bar.recall}), "
        f"topic accuracy {scores.topic_accuracy:.3f} (min {bar.topic_accuracy})",
    ]
    sections = (("false positives (matched, labelled irrelevant)", scores.false_positives),
                ("false negatives (missed, labelled relevant)", scores.false_negatives),
                ("relevant but not tagged with the expected topic", scores.wrong_topic))
    for title, misses in sections:
        lines.append(f"{title}: {len(misses)}")
        if name in UNREAD:
            continue   # its misses are never shown: reading them spends the set
        for o in misses:
            matched = ",".join(o.topics) or "-"
            lede = f"\n      lede: {o.row.lede}" if o.row.lede else ""
            lines.append(f"  line {o.row.line} [{o.row.origin}] expected {o.row.topic}, "
                         f"matched {matched}: {o.row.text}{lede}\n      reason: {o.row.reason}")
    return "\n".join(lines)


SETS = {"real": (REAL_LABELS, REAL_BAR), "written": (LABELS, WRITTEN_BAR),
        "services": (SERVICES_LABELS, SERVICES_BAR), "spent": (SPENT_LABELS, SPENT_BAR),
        "spent2": (SPENT2_LABELS, SPENT2_BAR), "tune3": (TUNE3_LABELS, TUNE3_BAR),
        "tune4": (TUNE4_LABELS, TUNE4_BAR), "unseen": (UNSEEN_LABELS, UNSEEN_BAR)}
# Sets whose misses are counted, never listed.
UNREAD = frozenset({"unseen"})


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    topics, synonyms = load_shipped_topics()
    return Matcher(topics, synonyms)


def check_well_formed(rows: Sequence[Row], *, real: bool) -> list[str]:
    topic_ids = {t.id for t in load_shipped_topics()[0]}
    problems = []
    for r in rows:
        if r.label not in ("relevant", "irrelevant"):
            problems.append(f"line {r.line}: label {r.label!r}")
        if r.relevant and r.topic not in topic_ids:
            problems.append(f"line {r.line}: topic {r.topic!r} is not a shipped topic")
        if not r.relevant and r.topic != "-":
            problems.append(f"line {r.line}: an irrelevant row has topic {r.topic!r}, not '-'")
        origin = r"https?://\S+" if real else r"written|ratchakitcha:\d+"
        if not re.fullmatch(origin, r.origin):
            problems.append(f"line {r.line}: origin {r.origin!r}")
        if r.date and not re.fullmatch(r"\d{4}-\d\d-\d\d", r.date):
            problems.append(f"line {r.line}: date {r.date!r}")
        if not r.text.strip() or not r.reason.strip():
            problems.append(f"line {r.line}: empty text or reason")
    texts = [r.text for r in rows]
    duplicates = sorted({t for t in texts if texts.count(t) > 1})
    problems += [f"duplicate headline: {t}" for t in duplicates]
    return problems


@pytest.mark.parametrize("name", SETS)
def test_labels_are_well_formed(name: str) -> None:
    path, bar = SETS[name]
    rows = load_rows(path)
    problems = check_well_formed(rows, real=name != "written")
    assert not problems, "\n".join(problems)
    assert len(rows) >= bar.rows
    near = sum(r.reason.startswith("near-miss") for r in rows if not r.relevant)
    if name == "written":
        assert sum(r.origin.startswith("ratchakitcha:") for r in rows) >= MIN_GAZETTE_ROWS
    elif name == "real":    # mostly near-misses, as the feed's real input is
        assert near >= len(rows) / 2, near
    else:   # enough of each side for both figures to mean something
        relevant = sum(r.relevant for r in rows)
        assert relevant >= len(rows) / 3, relevant
        assert near >= (len(rows) - relevant) / 2, near


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return list(itertools.takewhile(lambda line: line.startswith("#"), f))


def labelling_rule(path: Path) -> list[str]:
    """The header from `# Labelling rule:` on: the part both real sets must share word for word."""
    lines = header(path)
    start = next(i for i, line in enumerate(lines) if line.startswith("# Labelling rule:"))
    return lines[start:]


@pytest.mark.parametrize("path, said", [
    (UNSEEN_LABELS, "never used to tune"),
    (SPENT_LABELS, "shaped the topics"),
    (SPENT2_LABELS, "shaped the topics"),
    (SERVICES_LABELS, "used to tune"),
], ids=["unseen", "spent", "spent2", "services"])
def test_real_sets_are_labelled_by_one_rule_and_say_how_they_were_used(
        path: Path, said: str) -> None:
    """One rule for all: under a looser rule a held-out score would measure the rule."""
    assert labelling_rule(path) == labelling_rule(REAL_LABELS)
    assert any(said in line.lower() for line in header(path))


@pytest.mark.parametrize("path, tuned_on", [
    (SPENT_LABELS, [REAL_LABELS]),
    (SPENT2_LABELS, [REAL_LABELS, SPENT_LABELS, LABELS, SERVICES_LABELS]),
    (SERVICES_LABELS, [REAL_LABELS, SPENT_LABELS, LABELS]),
    (UNSEEN_LABELS, [REAL_LABELS, SPENT_LABELS, LABELS, SERVICES_LABELS, SPENT2_LABELS,
                     TUNE3_LABELS, TUNE4_LABELS]),
    (TUNE4_LABELS, [REAL_LABELS, SPENT_LABELS, LABELS, SERVICES_LABELS, SPENT2_LABELS,
                    TUNE3_LABELS]),
], ids=["spent", "spent2", "services", "unseen", "tune4"])
def test_heldout_sets_share_no_page_or_headline_with_the_sets_tuned_on(
        path: Path, tuned_on: list[Path]) -> None:
    """A row seen while tuning would make the held-out figures flatter the topics again."""
    seen = [r for tuned in tuned_on for r in load_rows(tuned)]
    seen_urls, seen_titles = {r.origin for r in seen}, {r.text for r in seen}
    heldout = load_rows(path)
    shared = [f"line {r.line}: {r.origin if r.origin in seen_urls else r.text}"
              for r in heldout if r.origin in seen_urls or r.text in seen_titles]
    assert not shared, "\n".join(shared)
    urls = [r.origin for r in heldout]
    assert len(set(urls)) == len(urls), sorted({u for u in urls if urls.count(u) > 1})


def scored(name: str, matcher: Matcher) -> tuple[Scores, str]:
    path, bar = SETS[name]
    outcomes = evaluate(load_rows(path), matcher)
    scores = score(outcomes)
    return scores, report(outcomes, scores, bar, name)


@pytest.mark.parametrize("name", SETS)
def test_shipped_topics_reach_precision_and_recall(name: str, matcher: Matcher) -> None:
    bar = SETS[name][1]
    scores, text = scored(name, matcher)
    print(text)
    assert scores.precision >= bar.precision and scores.recall >= bar.recall, text
    assert scores.topic_accuracy >= bar.topic_accuracy, text


def test_the_unseen_sets_rows_are_never_shown(matcher: Matcher) -> None:
    """Its figures are trusted because nobody tuning the topics has read its misses."""
    _, text = scored("unseen", matcher)
    assert "false negatives (missed, labelled relevant): " in text
    assert not [r.line for r in load_rows(UNSEEN_LABELS) if r.text in text or r.origin in text]


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
    matcher = Matcher(topics, synonyms)
    for name, (path, bar) in SETS.items():
        outcomes = evaluate(load_rows(path), matcher)
        print(report(outcomes, score(outcomes), bar, name))
        print()


if __name__ == "__main__":
    main()
