"""Sending the digest by SMTP, with a deadline on every conversation and a remedy in every error.

smtplib's `timeout` bounds each socket call, not the conversation: a server
that drips its greeting a byte at a time never trips it. So a watchdog shuts
the socket down when `digest.smtp.timeout` has passed, whatever it is doing.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import ssl
import threading
import time
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from monitor.config.settings import SmtpSettings
from monitor.errors import MailError

SMTP_TIMEOUT = 30.0     # per socket call, within the conversation's deadline
ATTEMPTS = 3
BACKOFF = 1.0

log = logging.getLogger(__name__)


def build_message(*, subject: str, sender: str, recipient: str, text: str, html: str
                  ) -> EmailMessage:
    """Plain text first (what every client shows), HTML as the alternative."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def _domain(address: str) -> str:
    try:
        return Address(addr_spec=address).domain or "localhost"
    except (ValueError, IndexError):
        return "localhost"


def send(message: EmailMessage, smtp: SmtpSettings, *, attempts: int = ATTEMPTS,
         backoff: float = BACKOFF) -> None:
    """Deliver one message, retrying connection trouble; raises MailError with a remedy.

    `smtp.timeout` bounds all attempts together, so a digest run ends in bounded time.
    """
    if smtp.login_in_clear:
        log.warning("%s (%s:%d)", smtp.login_in_clear, smtp.host, smtp.port)
    deadline = time.monotonic() + smtp.timeout
    last: Exception | None = None
    for attempt in range(attempts):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            _deliver(message, smtp, remaining)
            return
        except smtplib.SMTPAuthenticationError as error:
            raise MailError(
                f"the SMTP server {smtp.host}:{smtp.port} refused the login "
                f"({error.smtp_code}): check digest.smtp.username and the password variable"
            ) from None
        except smtplib.SMTPRecipientsRefused as error:
            raise MailError(f"the SMTP server refused the recipient(s) "
                            f"{', '.join(error.recipients)}: check digest.to") from None
        except _DeadlineExceeded:
            raise MailError(
                f"the SMTP server {smtp.host}:{smtp.port} did not finish within "
                f"digest.smtp.timeout ({smtp.timeout:g}s): it is too slow or not an SMTP "
                "server; check digest.smtp (host, port, security)") from None
        except (OSError, smtplib.SMTPException) as error:
            last = error
            if attempt + 1 < attempts:
                time.sleep(max(0.0, min(backoff * (2 ** attempt),
                                        deadline - time.monotonic())))
    raise MailError(
        f"could not send mail through {smtp.host}:{smtp.port} ({smtp.security}) after "
        f"{attempt + 1} attempt(s) within {smtp.timeout:g}s: {last}; check digest.smtp "
        "(host, port, security) and that the server is reachable")


class _DeadlineExceeded(Exception):
    pass


def _deliver(message: EmailMessage, smtp: SmtpSettings, budget: float) -> None:
    per_call = min(SMTP_TIMEOUT, budget)
    # Constructed without a host so that connecting (which reads the greeting)
    # happens under the watchdog.
    if smtp.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            timeout=per_call, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(timeout=per_call)
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        sock = client.sock   # the current one: STARTTLS replaces it
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(budget, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        with client:
            client.connect(smtp.host, smtp.port)
            client.ehlo()
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException):
        if expired.is_set():
            raise _DeadlineExceeded from None
        raise
    finally:
        watchdog.cancel()
