"""The password authentication backend, with the brute-force lockout in front of it."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from planportal.login import lockout

logger = logging.getLogger(__name__)


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing while the account name or the address is locked.

    A refusal raises ``PermissionDenied``, which makes ``authenticate()`` stop at once
    (no other backend is tried) and send ``user_login_failed``. Wrong passwords, unknown
    accounts and inactive accounts all count as failures, alike; so do wrong
    second-factor codes, counted where the code is checked.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Check the lock, then the password; count the outcome."""
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = lockout.client_address(request)
        if lockout.locked_until(username, address):
            logger.warning("Refused a password login from %s: locked out", address)
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.record_failure(username, address)
        elif not lockout.has_second_factor(user):
            lockout.record_success(username)
        # else the failures are forgotten only once the code is right as well, or every
        # right password would reset the count of wrong codes (planportal.login.lockout).
        return user
