"""Shared by the lockout tests of the login page, its code step and the token endpoint."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from tests.factories import UserFactory

PASSWORD = "riktig-passord-123"  # UserFactory's


def use_small_limits(settings: Any) -> None:
    """Lock an account after 3 failures and an address after 5, for 15 minutes."""
    settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES = 3
    settings.LOGIN_LOCKOUT_ADDRESS_FAILURES = 5
    settings.LOGIN_LOCKOUT_WINDOW = 600
    settings.LOGIN_LOCKOUT_DURATION = 900


def make_user_with_totp() -> tuple[Any, str]:
    """A user with an activated authenticator app, and its secret."""
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def current_code(secret: str) -> str:
    """The code the authenticator app shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
