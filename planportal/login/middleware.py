"""With LOGIN_REQUIRE_TOTP_FOR_ADMINS, administrators set up TOTP before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from planportal.permissions import get_access

#: Paths an administrator without TOTP can still reach: the TOTP set-up itself,
#: logging out, the language switch and static files.
EXEMPT_PREFIXES = ("/accounts/", "/logg-ut", "/i18n/", "/static/")


def needs_totp(user: object) -> bool:
    """True if *user* is staff, a superuser or a kommune administrator without TOTP."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    if not getattr(user, "is_authenticated", False):
        return False
    access = get_access(user)
    is_admin = user.is_staff or user.is_superuser or bool(access.admin_org_ids)
    return is_admin and not is_mfa_enabled(user, [Authenticator.Type.TOTP])


class RequireTotpMiddleware:
    """Send administrators without TOTP to the TOTP set-up page, when the setting asks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.LOGIN_REQUIRE_TOTP_FOR_ADMINS
            and not request.path.startswith(EXEMPT_PREFIXES)
            and needs_totp(request.user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
