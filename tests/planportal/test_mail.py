"""The rules every e-mail path shares (planportal.mail): which failures are retried, the
backoff, and the claim that lets only one worker send a row."""

from __future__ import annotations

import errno
import smtplib
import socket
import ssl
from datetime import timedelta
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from actions.deliveries import ReminderDigest
from actions.reminders.sending import deliver
from actions.reminders.sweep import sweep_deadlines
from planportal import mail
from tests.actions.reminder_helpers import TODAY, action_due

TRANSIENT = {
    "4xx reply to DATA (greylisting)": smtplib.SMTPDataError(451, b"4.7.1 Try again later"),
    "4xx reply to MAIL FROM": smtplib.SMTPSenderRefused(452, b"4.3.1 Full", "a@example.no"),
    "4xx greeting": smtplib.SMTPConnectError(421, b"4.3.2 Too many connections"),
    "every recipient refused with 4xx": smtplib.SMTPRecipientsRefused(
        {"a@example.no": (450, b"4.2.1 Mailbox busy"), "b@example.no": (451, b"Later")}),
    "server hung up": smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    "connection refused": ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"),
    "connection reset": ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
    "timeout": TimeoutError("timed out"),
    "DNS lookup failed": socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
    "network unreachable": OSError(errno.ENETUNREACH, "Network is unreachable"),
    "host unreachable": OSError(errno.EHOSTUNREACH, "No route to host"),
    "connection lost during TLS": ssl.SSLEOFError(8, "EOF occurred in violation of protocol"),
}

PERMANENT = {
    "5xx reply to DATA": smtplib.SMTPDataError(554, b"5.7.1 Message rejected"),
    "5xx greeting": smtplib.SMTPConnectError(554, b"5.3.2 No service"),
    "authentication failed": smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"),
    "recipient unknown": smtplib.SMTPRecipientsRefused({"a@example.no": (550, b"5.1.1")}),
    "one recipient refused for good": smtplib.SMTPRecipientsRefused(
        {"a@example.no": (450, b"4.2.1 Busy"), "b@example.no": (550, b"5.1.1 Unknown")}),
    "no recipient at all": smtplib.SMTPRecipientsRefused({}),
    "extension missing": smtplib.SMTPNotSupportedError("STARTTLS extension not supported"),
    "no usable AUTH method": smtplib.SMTPException("No suitable authentication method found."),
    "certificate does not verify": ssl.SSLCertVerificationError(1, "certificate verify failed"),
    "TLS protocol mismatch": ssl.SSLError(1, "wrong version number"),
    "missing file": FileNotFoundError(errno.ENOENT, "No such file"),
    "no permission": PermissionError(errno.EACCES, "Permission denied"),
    "bad header": ValueError("Header values can't contain newlines"),
    "template error": KeyError("name"),
}


@pytest.mark.parametrize("exc", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_waiting_may_cure_it(exc: BaseException) -> None:
    assert mail.is_transient(exc) is True


@pytest.mark.parametrize("exc", PERMANENT.values(), ids=PERMANENT.keys())
def test_it_fails_the_same_way_every_time(exc: BaseException) -> None:
    assert mail.is_transient(exc) is False


def test_the_backoff_doubles_up_to_its_cap_with_at_most_half_the_base_of_jitter() -> None:
    for retries, expected in [(0, 30), (1, 60), (2, 120), (3, 240), (4, 300), (9, 300)]:
        for _ in range(20):
            assert expected <= mail.backoff(retries, base=30, cap=300) <= expected + 15
    assert mail.backoff(3, base=30, cap=300, jitter=False) == 240


def test_the_report_backoff_stays_within_ten_minutes(settings: Any) -> None:
    from reports.services import retry_delay

    settings.REPORT_EMAIL_RETRY_BASE_DELAY = 30
    assert 30 <= retry_delay(0) <= 45
    assert max(retry_delay(retries) for retries in range(20)) <= 600 + 15


def test_a_stored_error_names_its_type_and_is_cut_to_length() -> None:
    assert mail.error_text(smtplib.SMTPDataError(451, b"Later")).startswith("SMTPDataError: ")
    assert len(mail.error_text(ValueError("x" * 5000))) == mail.ERROR_MAX_LENGTH


def test_one_line_makes_header_safe_text() -> None:
    assert mail.one_line("  Kommune\r\nAS \t x ") == "Kommune AS x"


@pytest.mark.django_db
def test_only_the_first_claim_of_a_row_succeeds(world: Any, reminder_settings: Any) -> None:
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    sweep_deadlines(TODAY, publish=False)
    digest = ReminderDigest.objects.get()
    claim = {"pending": ReminderDigest.Status.PENDING, "sending": ReminderDigest.Status.SENDING}

    assert mail.claim(ReminderDigest, digest.pk, **claim, claim_token="one") is True
    assert mail.claim(ReminderDigest, digest.pk, **claim, claim_token="two") is False
    digest.refresh_from_db()
    assert (digest.status, digest.claim_token, digest.attempts) == ("sending", "one", 1)
    assert digest.claimed_at is not None


class NoStartTLSBackend(BaseEmailBackend):
    """A mail server without the extension the configuration asks for."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server.")


@pytest.mark.django_db
def test_a_configuration_error_fails_the_reminder_at_once(world: Any, reminder_settings: Any,
                                                          settings: Any) -> None:
    # An SMTPException is an OSError: before the one classification, this was retried.
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.NoStartTLSBackend"}}
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    sweep_deadlines(TODAY, publish=False)
    digest = ReminderDigest.objects.get()

    assert deliver(digest.pk, "task-1", retry_delay=300).result == "failed"
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (ReminderDigest.Status.FAILED, 1)
    assert "SMTPNotSupportedError" in digest.last_error
