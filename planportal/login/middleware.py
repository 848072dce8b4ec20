"""Session lifetimes (idle and absolute), and TOTP set-up for administrators when required."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from planportal.access import get_access
from planportal.login.lockout import client_address

logger = logging.getLogger(__name__)

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
    is_admin = user.is_staff or user.is_superuser or access.administers_any
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


#: Session keys: when the user logged in, and when they were last seen (epoch seconds).
AUTH_AT, SEEN_AT = "planportal_auth_at", "planportal_seen_at"
#: ``SEEN_AT`` is written at most this often, so a busy session is not saved per request.
SEEN_RESOLUTION = 60


def stamp_login(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """``user_logged_in`` receiver: start both clocks of the new session, and log it."""
    logger.info("User %s logged in from %s", getattr(user, "pk", None), client_address(request))
    now = int(time.time())
    if hasattr(request, "session"):
        request.session[AUTH_AT] = now
        request.session[SEEN_AT] = now


class SessionLifetimeMiddleware:
    """End a session after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and in any
    case ``SESSION_ABSOLUTE_TIMEOUT`` seconds after the login (checklist B3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and getattr(request.user, "is_authenticated", False):
            now = int(time.time())
            auth_at = session.get(AUTH_AT, now)
            seen_at = session.get(SEEN_AT, now)
            if (now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT
                    or now - seen_at > settings.SESSION_IDLE_TIMEOUT):
                logout(request)
            else:
                if AUTH_AT not in session:
                    session[AUTH_AT] = now  # a session from before this middleware
                if abs(now - seen_at) >= SEEN_RESOLUTION or SEEN_AT not in session:
                    session[SEEN_AT] = now
        return self.get_response(request)
