"""When to try again, and how long to wait first.

Only failures that another attempt can cure are retried: connection errors,
timeouts, 429 (rate limited) and 5xx. A server that says how long to wait
(Retry-After) is believed, up to a cap: waiting an hour inside one crawl
would stall the source, so a longer demand is reported instead of obeyed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def is_retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)   # HTTP-dates are GMT
    return max(0.0, (when - now).total_seconds())


@dataclass
class RetryPolicy:
    """Backoff `base * 2**n` with equal jitter, capped; Retry-After honoured up to `cap`.

    `budget` bounds the total time one fetch spends waiting between attempts,
    so a source cannot hold a crawl for longer than its user would expect.
    """

    base: float = 0.5
    max_backoff: float = 30.0
    cap: float = 60.0
    budget: float = 120.0
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Wait before retry number `attempt` (0 = the first retry)."""
        full = float(min(self.max_backoff, self.base * (2 ** attempt)))
        return full / 2 + self.rng.uniform(0, full / 2)

    def delay(self, attempt: int, retry_after: float | None, waited: float
              ) -> tuple[float | None, str]:
        """(seconds to wait, "") or (None, why we give up instead)."""
        if retry_after is not None:
            if retry_after > self.cap:
                return None, (f"the server asked to wait {retry_after:.0f} s (Retry-After), "
                              f"more than the {self.cap:.0f} s this program waits")
            wait = retry_after
        else:
            wait = self.backoff(attempt)
        if waited + wait > self.budget:
            return None, f"retrying would pass the {self.budget:.0f} s retry budget"
        return wait, ""
