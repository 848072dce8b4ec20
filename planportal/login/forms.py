"""The login forms (password, and allauth's code step), telling a locked-out person to
wait (never why)."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import ReauthenticateForm as PasswordReauthenticateForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from planportal.forms import AccessibleFormMixin
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


class LockoutAuthenticationForm(AccessibleFormMixin, AuthenticationForm):
    """Django's login form; a wrong password that reaches the limit says "wait" instead.

    A refused login is one error about both fields together: neither is named as wrong.
    """

    errors_concern_every_field = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django's autofocus would skip the skip link and the header on every visit.
        self.fields["username"].widget.attrs.pop("autofocus", None)

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


class LockoutCodeMixin:
    """allauth's code step, refusing even the right code while a lock is in force.

    A wrong code is counted by :func:`planportal.login.lockout.count_failed_code`;
    this makes the lock it leads to hold on the code step too.
    """

    user: Any

    def clean_code(self) -> str:
        """Say "wait" while the account or the address is locked; else check the code."""
        until = lockout.locked_until(self.user.get_username(),
                                     lockout.client_address(context.request))
        if until is not None:
            raise ValidationError(locked_message(lockout.lockout_minutes(until)), code="locked")
        return super().clean_code()  # type: ignore[misc]


class LockoutMfaAuthenticateForm(AccessibleFormMixin, LockoutCodeMixin, AuthenticateForm):
    """The code after the password at login (``MFA_FORMS["authenticate"]``)."""


class LockoutMfaReauthenticateForm(AccessibleFormMixin, LockoutCodeMixin,
                                   ReauthenticateForm):
    """The code when allauth asks a signed-in user to confirm (``MFA_FORMS["reauthenticate"]``)."""


class AccessibleActivateTOTPForm(AccessibleFormMixin, ActivateTOTPForm):
    """allauth's form that sets up a TOTP app (``MFA_FORMS["activate_totp"]``), with the
    accessible errors of every other form."""


class AccessibleReauthenticateForm(AccessibleFormMixin, PasswordReauthenticateForm):
    """allauth's "confirm with your password" (``ACCOUNT_FORMS["reauthenticate"]``), with
    the accessible errors of every other form."""
