"""Chat and push alerts (`alerts:`) through Apprise: LINE, Slack, Teams, Telegram, webhooks.

`send_alerts` runs after each crawl. A `new` target gets ONE message per crawl
listing the stories it has not had; a `daily HH:MM` target gets one message
at the first crawl after that time each day. What was sent is recorded per
story and target in the store, so a restart never sends a story twice; what
failed stays unsent and is tried again on the next crawl. A failing target
is retried with backoff, then recorded for `monitor status`; it never raises
into the crawl, and never delays the other targets by more than its retries.

A target is known by its name only: its URL holds the service's token.
A story is marked sent once the service has accepted the message, so a
crash between the two can repeat one message (never lose one).
Calls are serialised in-process (`monitor run` crawls sources concurrently),
so two crawls finishing together cannot both send the same story.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from monitor.config.settings import AlertTarget, Config
from monitor.health import REMEDIES, HealthEvent
from monitor.models import Entry
from monitor.reasons import one_line
from monitor.store import NEW_TARGET_LOOKBACK, Store
from monitor.text.words import shorten

log = logging.getLogger(__name__)

ATTEMPTS = 3
BACKOFF = 1.0             # seconds before the 2nd attempt; doubled for each further one
MAX_STORIES = 50          # per message: the rest are counted and linked to the feed
DEFAULT_MAXLEN = 1000     # when a service states no limit
_LOCK = threading.Lock()

Status = Literal["sent", "nothing new", "not due", "failed"]


@dataclass(frozen=True)
class AlertResult:
    target: str
    status: Status
    stories: int = 0
    error: str | None = None


class AlertError(Exception):
    pass


def send_alerts(config: Config, store: Store, now: datetime | None = None
                ) -> list[AlertResult]:
    """Send every target what it is due; never raises (a target's failure is its result)."""
    now = now or datetime.now(UTC)
    results = []
    with _LOCK:
        for target in config.alerts:
            try:
                results.append(_send_target(config, store, target, now))
            except Exception as error:  # one target must never stop the crawl or the others
                log.exception("alert target %s", target.name)
                message = one_line(str(error) or type(error).__name__)
                store.save_alert_outcome(target.name, now, error=message)
                results.append(AlertResult(target.name, "failed", error=message))
    return results


def run_alerts(config: Config) -> list[AlertResult]:
    """`send_alerts` with its own database connection, for a worker thread."""
    with Store(config.database) as store:
        return send_alerts(config, store)


def report_alerts(results: Sequence[AlertResult]) -> None:
    """What `crawl` prints about alerts: what was sent, and on stderr what failed."""
    for r in results:
        if r.status == "sent":
            print(f"alert {r.target}: sent {r.stories} stories")
        elif r.status == "failed":
            print(f"alert {r.target}: not sent: {r.error}", file=sys.stderr)


def status_lines(config: Config, store: Store) -> list[str]:
    """`monitor status`'s lines for alert targets: each one's last outcome."""
    known = store.alert_targets() if config.alerts else {}
    lines = []
    for target in config.alerts:
        state = known.get(target.name)
        if state is None or state.last_attempt is None:
            lines.append(f"alert {target.name} ({target.when}): nothing sent yet")
        elif state.last_error:
            lines.append(f"alert {target.name} ({target.when}): FAILING "
                         f"({state.consecutive_failures} in a row): {state.last_error}")
        else:
            when = state.last_success.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M") \
                if state.last_success else "never"
            lines.append(f"alert {target.name} ({target.when}): ok, last sent {when}")
    return lines


# -- one target -----------------------------------------------------------------------

def _send_target(config: Config, store: Store, target: AlertTarget, now: datetime
                 ) -> AlertResult:
    state = store.alert_target(target.name, now)
    # A daily target's first send waits for its first HH:MM after it was added.
    last = state.last_success or state.created + NEW_TARGET_LOOKBACK
    if target.daily_at is not None and not _daily_due(config, target, last, now):
        return AlertResult(target.name, "not due")
    # More than MAX_STORIES waiting (a long outage): the rest go in the next message.
    stories = store.unalerted(target.name, state.created, target.topics, limit=MAX_STORIES)
    events = [e for e in reversed(store.health_events(limit=100, after_id=state.last_event))
              if _operator_news(e)] if target.health else []
    if not stories and not events:
        return AlertResult(target.name, "nothing new")
    notifier = _notifier(target)
    maxlen = int(getattr(notifier, "body_maxlen", 0) or DEFAULT_MAXLEN)
    title = _title(config, len(stories), len(events))
    if not getattr(notifier, "title_maxlen", 0):
        maxlen -= len(title) + 2   # a service without titles (LINE) gets it in the body
    body = compose(config, stories, more=0, events=events, maxlen=maxlen)
    error = _notify(notifier, title, body)
    if error is not None:
        store.save_alert_outcome(target.name, now, error=error)
        log.error("alert %s not sent: %s", target.name, error)
        return AlertResult(target.name, "failed", error=error)
    store.mark_alerted(target.name, [s.id for s in stories], now)
    store.save_alert_outcome(target.name, now, error=None,
                             last_event=max((e.id for e in events), default=None))
    return AlertResult(target.name, "sent", stories=len(stories))


def _daily_due(config: Config, target: AlertTarget, last: datetime, now: datetime) -> bool:
    """Due from today's HH:MM (in `timezone`) until a send succeeds after it."""
    assert target.daily_at is not None
    local = now.astimezone(config.timezone)
    slot = local.replace(hour=target.daily_at[0], minute=target.daily_at[1], second=0,
                         microsecond=0)
    if local < slot:
        slot -= timedelta(days=1)
    return last < slot


def _operator_news(event: HealthEvent) -> bool:
    """What wakes an operator: broken or blocked (a failing site is often back soon)."""
    return event.state in ("broken", "blocked") or (
        event.recovered and event.previous in ("broken", "blocked"))


def _notifier(target: AlertTarget) -> object:
    try:
        import apprise
    except ImportError:
        raise AlertError("alerts need Apprise: pip install 'thai-egov-monitor[alerts]'"
                         ) from None
    notifier = apprise.Apprise.instantiate(target.url)
    if notifier is None:
        raise AlertError(f"alerts.{target.name}.url is not an Apprise URL Apprise knows "
                         "(see its list of services)")
    return notifier


def _notify(notifier: object, title: str, body: str) -> str | None:
    """None when delivered; else why not, after ATTEMPTS tries with backoff.

    The message is plain text, and Apprise is told so: it then escapes it for a
    service that takes HTML or Markdown. Left unsaid, Apprise passes it on as the
    service's own markup, so a headline's `&` or `<` failed the message at
    Telegram and its `*` or `[..](..)` became formatting or a link."""
    from apprise import NotifyFormat  # installed: the notifier came from it

    for attempt in range(ATTEMPTS):
        try:
            if notifier.notify(body=body, title=title,  # type: ignore[attr-defined]
                               body_format=NotifyFormat.TEXT):
                return None
        except Exception as error:  # a plugin bug must not escape into the crawl
            log.warning("alert attempt %d raised %s", attempt + 1, type(error).__name__)
        if attempt + 1 < ATTEMPTS:
            time.sleep(BACKOFF * (2 ** attempt))
    return (f"the service refused or did not answer {ATTEMPTS} times; check the target's "
            "URL and token (run with -v for the service's answer)")


# -- the message ----------------------------------------------------------------------

def _title(config: Config, stories: int, events: int) -> str:
    parts = []
    if stories:
        parts.append(f"ข่าวใหม่ {stories} เรื่อง")
    if events:
        parts.append(f"สถานะแหล่งข้อมูล {events} รายการ")
    return f"{config.feed.title[:80]}: {', '.join(parts)}"


def compose(config: Config, stories: Sequence[Entry], *, more: int,
            events: Sequence[HealthEvent], maxlen: int) -> str:
    """One message within `maxlen` characters: every link whole, titles cut at a Thai
    word boundary when space runs short, and stories that cannot fit counted instead."""
    sources = {s.name: s for s in config.sources}
    footer = f"ทั้งหมด: {config.feed.link}"
    blocks = []
    for event in events:
        source = sources.get(event.source)
        name = source.display_title if source else event.source
        text = f"⚠ {name}: {event.previous} → {event.state}"
        if event.error and not event.recovered:
            text += f" ({event.error})"
        text += " " + REMEDIES.get(event.state, "").replace("NAME", event.source)
        blocks.append(source.redact(text) if source else text)
    budget = maxlen - len(footer) - 2
    used = sum(len(b) + 2 for b in blocks)
    if used > budget:   # health text alone too long: cut each block evenly
        share = max(20, budget // max(1, len(blocks)) - 2)
        blocks = [shorten(b, share) for b in blocks]
        used = sum(len(b) + 2 for b in blocks)
    left = len(stories)
    story_blocks: list[str] = []
    for index, story in enumerate(stories):
        left = len(stories) - index
        remainder = f"และอีก {left - 1 + more} เรื่อง" if left - 1 + more else ""
        room = budget - used - len(remainder) - 2
        share = room // left - 2   # an even share of what is left, for this and the rest
        title_room = share - len(story.link) - 3
        if title_room < 10 and story_blocks:
            break
        block = f"• {shorten(story.title, max(10, title_room))}\n{story.link}"
        story_blocks.append(block)
        used += len(block) + 2
    else:
        left = 0
    remaining = left + more
    if remaining:
        story_blocks.append(f"และอีก {remaining} เรื่อง")
    text = "\n\n".join([*blocks, *story_blocks, footer])
    return text if len(text) <= maxlen else text[:maxlen]
