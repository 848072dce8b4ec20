"""Brute-force lockout for password logins, per account name and per client address.

The counters live in the database (:class:`~planportal.login.models.LoginFailure`), so
every web and API process sees the same ones and a Redis flush does not reset them.
The authentication backend consults them for every password check, which covers the
login page, allauth's re-authentication and ``POST /api/v1/auth/token/`` alike.

A wrong second-factor (TOTP) code counts exactly like a wrong password
(:func:`record_code_failure`, for the login page's code step and the token endpoint),
and for an account with a second factor only an accepted code, not the password alone,
forgets the account's failures: otherwise each correct password would reset the count
and codes could be guessed without end.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from planportal.login.models import LoginFailure

logger = logging.getLogger(__name__)


def normalise_username(username: str) -> str:
    """The counter key for an account name: trimmed and case-folded, at most 150 chars."""
    return str(username).strip().casefold()[:150]


def client_address(request: HttpRequest | None) -> str:
    """The client's address, as counted by the lockout and written to the log.

    By default ``REMOTE_ADDR``, and ``X-Forwarded-For`` is ignored: any client can send
    it. Behind ``TRUSTED_PROXY_COUNT`` = N reverse proxies, each of which appends the
    address it saw, the N-th entry from the right is the one the outermost trusted proxy
    saw; entries further left came from the client and are never used. Too few entries
    or a malformed one fall back to ``REMOTE_ADDR``.
    """
    meta = getattr(request, "META", None) or {}
    remote = str(meta.get("REMOTE_ADDR") or "unknown")[:255]
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    # Empty entries keep their place: each proxy appends exactly one.
    entries = [entry.strip() for entry in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    if len(entries) < proxies:
        return remote
    try:
        # Normalised, so one address is one counter however it was written.
        return str(ipaddress.ip_address(entries[-proxies]))
    except ValueError:
        return remote


def _keys(username: str, address: str) -> Q:
    return Q(kind=LoginFailure.Kind.USERNAME, key=normalise_username(username)) | Q(
        kind=LoginFailure.Kind.ADDRESS, key=address
    )


def locked_until(username: str, address: str, now: datetime | None = None) -> datetime | None:
    """When the lock on this account name or this address ends, or None if neither is locked."""
    now = now or timezone.now()
    return LoginFailure.objects.filter(_keys(username, address), locked_until__gt=now).aggregate(
        until=Max("locked_until")
    )["until"]


def _count(kind: str, key: str, threshold: int, now: datetime) -> LoginFailure:
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW)
    duration = timedelta(seconds=settings.LOGIN_LOCKOUT_DURATION)
    row, _created = LoginFailure.objects.select_for_update().get_or_create(
        kind=kind, key=key, defaults={"window_start": now, "last_failure_at": now}
    )
    if row.window_start <= now - window and not (row.locked_until and row.locked_until > now):
        row.failures, row.window_start = 0, now
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= threshold and not (row.locked_until and row.locked_until > now):
        row.locked_until = now + duration
        logger.warning("Login locked for %s %s until %s", kind, key, row.locked_until)
    row.save()
    return row


def record_failure(username: str, address: str) -> None:
    """Count one failed password login against the account name and the address."""
    now = timezone.now()
    with transaction.atomic():
        _count(LoginFailure.Kind.USERNAME, normalise_username(username),
               settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES, now)
        _count(LoginFailure.Kind.ADDRESS, address, settings.LOGIN_LOCKOUT_ADDRESS_FAILURES, now)
    logger.info("Failed password login from %s", address)


def record_success(username: str) -> None:
    """Forget the account name's failures after a correct password.

    The address counter stays: one account an attacker controls must not reset the
    count for every other account tried from the same address.
    """
    LoginFailure.objects.filter(
        kind=LoginFailure.Kind.USERNAME,
        key=normalise_username(username),
        locked_until__isnull=True,
    ).delete()


def has_second_factor(user: Any) -> bool:
    """True if *user* must give a code (TOTP or a recovery code) after the password."""
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


def record_code_failure(request: HttpRequest | None, user: Any) -> None:
    """Count one wrong second-factor code, like a wrong password, for *user* and the address.

    The one rule for codes: the login page's code step (through allauth's
    ``authentication_failed`` signal, :func:`count_failed_code`) and the token endpoint
    both call it.
    """
    logger.info("Wrong second-factor code for user %s", getattr(user, "pk", None))
    record_failure(user.get_username(), client_address(request))


def count_failed_code(sender: object, request: HttpRequest | None, user: Any,
                      **kwargs: object) -> None:
    """allauth.mfa ``authentication_failed`` receiver: a wrong code on the login page."""
    record_code_failure(request, user)


def forget_after_code(sender: object, request: HttpRequest | None, user: Any,
                      **kwargs: object) -> None:
    """allauth.mfa ``authenticator_used`` receiver: the code was right, the login complete."""
    record_success(user.get_username())


def lockout_minutes(until: datetime, now: datetime | None = None) -> int:
    """Whole minutes, rounded up, until *until*."""
    seconds = (until - (now or timezone.now())).total_seconds()
    return max(1, int(-(-seconds // 60)))
