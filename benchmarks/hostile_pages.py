"""What a hostile page costs to read, against what its markup costs lexbor unguarded.

    .venv/bin/python benchmarks/hostile_pages.py            # pages of about 5 MB
    .venv/bin/python benchmarks/hostile_pages.py --size 1   # about 1 MB, quicker

Each page is read as `type: html` (items `li`, dates `span`) and `type: auto`
sources read it (`monitor.reading.read_page`, in this process). Lexbor alone
is timed on a smaller copy of the same markup (for the rows where its cost
grows at least with the square of the count, so the full page would take
minutes to hours); the square law puts a lower bound on the full page's cost
beside it. The last rows cost the monitor's own code, not lexbor: each once
grew faster than the page. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from monitor.config.settings import Selectors, Source
from monitor.models import Document
from monitor.offload import Budget
from monitor.reading import matcher_for, read_page

URL = "https://www.example.go.th/news/"
LISTING = "".join(f"<li><a href='/n/{i}'>ข่าวรัฐบาลดิจิทัล ฉบับที่ {i}</a></li>" for i in range(5))

PAGES: dict[str, Callable[[int], str]] = {
    # count -> the hostile part of a page
    "attributes on one element": lambda n: "<a " + " ".join(f"a{i}=1" for i in range(n)) + ">",
    "... each with a > in its value": lambda n: "<a " + " ".join(
        f'a{i}=">"' for i in range(n)) + ">",
    "options in one select": lambda n: "<select>" + "<option>x" * n + "</select>",
    "nested divs": lambda n: "<div>" * n,
    # Not lexbor's: auto's walks up each link's ancestors (links x depth, 25 s a MB).
    "links under 500 nested elements": lambda n: "<div>" * 500 + "".join(
        f"<a href='/n/{i}'>ข่าวรัฐบาลดิจิทัล ฉบับที่ {i}</a>" for i in range(n)),
    # The date reader blanked each date it found by rebuilding the text (33 s for 2 MB).
    "dates in one date cell": lambda n: "<li><a href='/n/x'>ข่าว</a><span>"
        + "ประกาศ 12 ม.ค. 2568 " * n + "</span></li>",
    # A relative date's parts, repeated: unbounded, the search for "N unit ... ที่แล้ว"
    # tried every run of parts from every position (20 s for 140 KB).
    "relative-date parts, no end": lambda n: "<li><a href='/n/x'>ข่าว</a><span>"
        + "1 นาที " * n + "</span></li>",
    # Whether a headline is cut short ("...") was a pattern searched from every
    # position, and whether an alt text is a file name tried every place for a
    # digit: each a second at 12,000 characters, growing with the square.
    "a link text of dots": lambda n: "<li><a href='/n/x'>" + "." * n + "x</a></li>",
    "an alt text of digits": lambda n: "<li><a href='/n/x'><img alt='a" + "1" * n
        + "!'></a></li>",
}
BYTES_PER = {"attributes on one element": 8, "... each with a > in its value": 10,
             "options in one select": 9, "nested divs": 5,
             "links under 500 nested elements": 55, "dates in one date cell": 50,
             "relative-date parts, no end": 20, "a link text of dots": 1,
             "an alt text of digits": 1}
SQUARE = ("attributes on one element", "... each with a > in its value",
          "options in one select")


def page(hostile: str) -> str:
    return f"<html><body><ul>{LISTING}</ul>{hostile}</body></html>"


def read(text: str, kind: str) -> tuple[float, str]:
    doc = Document(url=URL, content=b"", text=text, encoding="utf-8",
                   content_type="text/html", status=200, fetched_at=datetime.now(UTC))
    select = Selectors(item="li", title="a", link="a::attr(href)",
                       date="span") if kind == "html" else None
    source = Source(name="s", url=URL, type=kind, select=select)
    started = time.perf_counter()
    try:
        result = read_page(doc, source, ZoneInfo("Asia/Bangkok"), datetime.now(UTC),
                           Budget(600), matcher_for((), ()), 200, ())
        outcome = f"{result.found} items found"
    except Exception as error:  # the program's own refusal is an outcome here
        outcome = str(error)[:60]
    return time.perf_counter() - started, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=5.0, help="page size in MB")
    args = parser.parse_args()
    print(f"{'page':32} {'count':>9} {'lexbor, 20,000':>15} {'lexbor, whole':>14}"
          f" {'html':>7} {'auto':>7}  outcome")
    for name, make in PAGES.items():
        count = int(args.size * 1e6 / BYTES_PER[name])
        started = time.perf_counter()
        LexborHTMLParser(page(make(20_000)))
        small = time.perf_counter() - started
        scaled = small * (count / 20_000) ** 2 if name in SQUARE else float("nan")
        text = page(make(count))
        html_time, _ = read(text, "html")
        auto_time, outcome = read(text, "auto")
        print(f"{name:32} {count:9,} {small:13.2f} s {scaled:12.0f} s {html_time:5.2f} s"
              f" {auto_time:5.2f} s  {outcome}")


if __name__ == "__main__":
    main()
