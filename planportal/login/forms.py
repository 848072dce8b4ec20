"""The password login form, telling a locked-out person to wait (never why)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from planportal.login import lockout


def locked_message(minutes: int) -> str:
    """The lockout message: the same whether or not the account exists."""
    return ngettext(
        "Too many failed login attempts. Wait %(minutes)s minute and try again, "
        "or ask your administrator.",
        "Too many failed login attempts. Wait %(minutes)s minutes and try again, "
        "or ask your administrator.",
        minutes,
    ) % {"minutes": minutes}


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form; a wrong password that reaches the limit says "wait" instead."""

    def clean(self) -> dict[str, Any]:
        """Authenticate; on failure, show the lockout message if a lock is now in force."""
        try:
            return super().clean()
        except ValidationError:
            username = self.cleaned_data.get("username") or ""
            until = lockout.locked_until(username, lockout.client_address(self.request))
            if until is None:
                raise
            raise ValidationError(
                locked_message(lockout.lockout_minutes(until)), code="locked"
            ) from None
