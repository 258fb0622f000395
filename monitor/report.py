"""How one source's crawl reads in `monitor crawl`'s output and `monitor run`'s log.

The cause comes first (`host not found: www.dga.or.th`); the fetch layer's full
message is the detail, shown with `-v` and by `monitor status`. Everything a
server or page supplied is stripped of terminal control characters first.
"""

from __future__ import annotations

import logging

from monitor.health import Health
from monitor.logs import NOTICE
from monitor.pipeline import SourceResult
from monitor.reasons import cause
from monitor.text.clean import terminal_safe

log = logging.getLogger("monitor.run")


def result_line(result: SourceResult, *, detail: bool = False) -> str:
    line = (f"{terminal_safe(result.source):<28} {result.status:<13} seen {result.seen:>4}  "
            f"new {result.new:>4}  matched {result.matched:>4}")
    if result.note:   # e.g. "capped at 1000 of 100000 items: max_items"
        line = f"{line}  ({terminal_safe(result.note)})"
    if not result.error:
        return line
    short = cause(result.error) if result.failed else terminal_safe(result.error)
    line = f"{line}  {short}"
    full = " ".join(terminal_safe(result.error).split())
    if detail and full != short:
        line += f"\n{'':<29}detail: {full}"
    return line


def log_result(result: SourceResult, before: Health | None, after: Health | None) -> None:
    """Quiet by default: a line when a source changes state, and one per failure.

    A source's first success (new -> ok) is not news; every other change is.
    """
    previous = before.state if before else "new"
    state = after.state if after else result.status
    fields: dict[str, str | None] = {"source": result.source, "state": state,
                                     "previous": previous}
    log.info("%s", result_line(result), extra=fields)
    if result.failed:
        short = cause(result.error)
        fields |= {"cause": short, "detail": result.error}
        if previous != state:
            log.error("%s: %s -> %s: %s", result.source, previous, state, short, extra=fields)
        else:
            failures = after.consecutive_failures if after else 1
            log.error("%s: still %s (%d in a row): %s", result.source, state, failures, short,
                      extra=fields)
        log.info("%s: detail: %s", result.source, terminal_safe(result.error or ""))
    elif previous != state and (previous, state) != ("new", "ok"):
        why = f": {terminal_safe(result.error)}" if result.error else ""
        log.log(NOTICE, "%s: %s -> %s%s", result.source, previous, state, why, extra=fields)
