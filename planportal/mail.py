"""What every e-mail sending path shares: claim, classify a failure, back off, one line.

The reminder digests (``actions.reminders.sending``), the report e-mails
(``reports.services``) and the invitations (``planportal.tasks``) each keep their own
rows and messages; this module holds the rules they must agree on:

- :func:`claim`: a delivery row goes from pending to sending by one conditional UPDATE,
  so of two workers (or one task delivered twice) only one sends;
- :func:`is_transient`: whether a failed send is worth another attempt;
- :func:`backoff` / :func:`retry_delay`: how long to wait before that attempt.

It imports no app: the core stays below the apps that send.
"""

from __future__ import annotations

import errno
import random
import re
import smtplib
import socket
import ssl
from typing import Any

from django.conf import settings
from django.db.models import F, Model
from django.utils import timezone

#: ``last_error`` keeps this much of an error's text.
ERROR_MAX_LENGTH = 2000

# Network trouble that Python reports as a plain OSError (not a ConnectionError).
_NETWORK_ERRNOS = frozenset(
    getattr(errno, name) for name in (
        "ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EHOSTDOWN", "ENETRESET",
        "EADDRNOTAVAIL", "ETIMEDOUT",
    ) if hasattr(errno, name)
)


class TransientMailError(Exception):
    """The mail server could not take the e-mail now; it is worth trying again later."""


def error_text(exc: BaseException) -> str:
    """The error as stored in ``last_error``: its type and message, cut to length."""
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]


def is_transient(exc: BaseException) -> bool:
    """True when sending failed in a way that waiting may cure.

    Transient: a 4xx SMTP reply (greylisting, mailbox busy, too many connections), a
    dropped, refused or reset connection, a timeout, a failed DNS lookup, an unreachable
    network. Permanent: a 5xx reply (unknown recipient, rejected content, failed
    authentication), any other SMTP protocol error (e.g. an extension the server lacks),
    a TLS certificate that does not verify, and anything that is not network trouble
    (a template or file error, bad data): those fail the same way every time.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        # Also SMTPConnectError, SMTPHeloError, SMTPSenderRefused, SMTPDataError and
        # SMTPAuthenticationError: the reply code decides.
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False  # SMTPNotSupportedError, "no suitable authentication method", …
    if isinstance(exc, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        return True  # the connection went away during TLS
    if isinstance(exc, ssl.SSLError):
        return False  # certificate or protocol mismatch: configuration, not weather
    if isinstance(exc, (ConnectionError, TimeoutError, socket.gaierror)):
        return True
    return isinstance(exc, OSError) and exc.errno in _NETWORK_ERRNOS


def backoff(retries: int, *, base: int, cap: int, jitter: bool = True) -> int:
    """Seconds before retry number *retries* + 1: *base* doubled per retry, at most *cap*,
    plus up to *base*/2 of jitter so that e-mails failed together do not retry together.
    """
    delay = min(cap, base * 2**retries)
    if jitter:
        delay += random.randint(0, max(1, base // 2))  # noqa: S311 - jitter, not security
    return delay


def retry_delay(retries: int) -> int:
    """The backoff of the Celery-retried e-mails (reminders, invitations).

    Capped well below the broker's visibility timeout (``REMINDER_RETRY_MAX_DELAY``): a
    longer ETA would be redelivered and could run twice.
    """
    return backoff(retries, base=settings.REMINDER_RETRY_BASE_DELAY,
                   cap=settings.REMINDER_RETRY_MAX_DELAY)


def claim(model: type[Model], pk: int, *, pending: str, sending: str, **fields: Any) -> bool:
    """Take delivery row *pk* of *model* from status *pending* to *sending*.

    One conditional UPDATE: True only for the one caller whose UPDATE changed the row,
    so a row is sent by at most one worker at a time. The attempt is counted and
    ``claimed_at`` set; *fields* are further columns to set (e.g. the claim's token).
    """
    return bool(
        model._default_manager.filter(pk=pk, status=pending).update(
            status=sending, claimed_at=timezone.now(), attempts=F("attempts") + 1, **fields
        )
    )


def one_line(text: str) -> str:
    """Header-safe text: a newline in a subject raises BadHeaderError (a ValueError)."""
    return re.sub(r"\s+", " ", text).strip()
