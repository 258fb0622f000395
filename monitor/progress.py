"""A one-line progress display for long commands, on a terminal only.

Off a terminal (a pipe, cron, a file) it writes nothing at all, so scripts
read exactly the lines they always did. On a terminal it redraws one line on
stderr and erases it before the results are printed.
"""

from __future__ import annotations

import sys
from typing import TextIO

from monitor.text.clean import terminal_safe

WIDTH = 78


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.total = total
        self.done = 0
        # Insertion-ordered and O(1) to remove: a crawl starts every source at once,
        # and a list's remove() made 10,000 sources cost 10,000 x 10,000 comparisons.
        self.running: dict[str, None] = {}

    def start(self, name: str) -> None:
        self.running[name] = None
        self._draw()

    def finish(self, name: str) -> None:
        self.running.pop(name, None)
        self.done += 1
        self._draw()

    def note(self, text: str) -> None:
        """Replace the 'current' part with free text, e.g. the page being fetched."""
        self.running = {text: None}
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        current = ""
        if self.running:
            more = f" (+{len(self.running) - 1})" if len(self.running) > 1 else ""
            current = f": {terminal_safe(next(iter(self.running)))}{more}"
        line = f"{self.done}/{self.total} done{current}" if self.total else current.lstrip(": ")
        if len(line) > WIDTH:
            line = line[: WIDTH - 1] + "…"
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
