"""Shared by the login tests: the lockout limits, a TOTP user, and a login through the page."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client

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


def logged_in(user: Any) -> Client:
    """A browser signed in through the login page with *user*'s password."""
    client = Client()
    assert client.post("/logg-inn/", {"username": user.username, "password": PASSWORD}
                       ).status_code == 302
    return client


def is_logged_in(client: Client) -> bool:
    """Whether *client*'s session still signs it in."""
    return client.get("/planer/").wsgi_request.user.is_authenticated
