"""Sending the digest by SMTP, with a timeout on every call and a remedy in every error."""

from __future__ import annotations

import smtplib
import ssl
import time
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from monitor.config.settings import SmtpSettings
from monitor.errors import MailError

SMTP_TIMEOUT = 30.0
ATTEMPTS = 3
BACKOFF = 1.0


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
    """Deliver one message, retrying connection trouble; raises MailError with a remedy."""
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            _deliver(message, smtp)
            return
        except smtplib.SMTPAuthenticationError as error:
            raise MailError(
                f"the SMTP server {smtp.host}:{smtp.port} refused the login "
                f"({error.smtp_code}): check digest.smtp.username and the password variable"
            ) from None
        except smtplib.SMTPRecipientsRefused as error:
            raise MailError(f"the SMTP server refused the recipient(s) "
                            f"{', '.join(error.recipients)}: check digest.to") from None
        except (OSError, smtplib.SMTPException) as error:
            last = error
            if attempt + 1 < attempts:
                time.sleep(backoff * (2 ** attempt))
    raise MailError(
        f"could not send mail through {smtp.host}:{smtp.port} ({smtp.security}) after "
        f"{attempts} attempts: {last}; check digest.smtp (host, port, security) and that the "
        "server is reachable")


def _deliver(message: EmailMessage, smtp: SmtpSettings) -> None:
    if smtp.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
    with client:
        client.ehlo()
        if smtp.security == "starttls":
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(message)
