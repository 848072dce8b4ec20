"""The landing page, the user's own settings page, the invitation page and /favicon.ico
(the error pages are in planportal.errors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from planportal import invitations
from planportal.forms import PreferencesForm
from planportal.languages import request_language
from planportal.permissions import get_access
from planportal.services import accept_invitation, update_preferences


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and feed readers ask for whatever a page links: the
    static icon, found again after a deploy renames it (so a day's cache, not forever)."""
    response = redirect(static("planportal/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def home(request: HttpRequest,
         public_page: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
    """The landing page: each role's own starting point, the public plans for everyone else.

    Unit managers start on *Mine tiltak*, sector leaders on *Fordel ansvar*, readers and
    administrators on the plan list; visitors who are not logged in see the public plans,
    *public_page*, which the URL configuration passes in (the core imports no app's views).
    """
    if not request.user.is_authenticated:
        return public_page(request)
    access = get_access(request.user)
    if access.unit_manager_units:
        return redirect("actions:mine")
    if access.sector_leader_units:
        return redirect("actions:assign")
    return redirect("strategies:plan-list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """*Innstillinger*: the signed-in user turns reminder e-mails on or off and chooses
    their language, through the same service as ``PATCH /api/v1/me/``."""
    user = request.user
    if request.method != "POST":
        form = PreferencesForm(initial={"reminder_emails": user.reminder_emails,
                                        "preferred_language": user.preferred_language})
        return render(request, "planportal/preferences.html",
                      {"form": form, "nav": "preferences"})
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            update_preferences(actor=user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            # The service names the field it refuses; show it there, change nothing.
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            # Said in the language the next page is shown in, which may have just changed
            # (the middleware's own rule: language switch first, then the preference).
            with translation.override(request_language(request)):
                messages.success(request, _("Your settings are saved."))
            return redirect("preferences")
    return render(request, "planportal/preferences.html",
                  {"form": form, "nav": "preferences"}, status=400)


# --- The invitation page (planportal.invitations) ------------------------------------


def _invited_user(user_id: int, token: str) -> Any:
    """The person the link is for, or None when the link is not (or no longer) valid."""
    user = get_user_model().objects.filter(pk=user_id).first()
    tokens = invitations.invitation_tokens
    if user is None or not user.is_active or not tokens.check_token(user, token):
        return None
    return user


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, user_id: int, token: str) -> HttpResponse:
    """*Velg passord*: the invited person chooses a password, is signed in, and lands on
    the start page. An expired, used or altered link gets a page that says so (404:
    nothing about whom it was for), and to ask the administrator for a new invitation."""
    user = _invited_user(user_id, token)
    if user is None:
        return render(request, "planportal/invitation_invalid.html", status=404)
    form = invitations.InvitationPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(
                user=user, token=token, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            if not hasattr(exc, "error_dict") or "token" in exc.error_dict:
                # Used a moment ago (another tab): the link is spent.
                return render(request, "planportal/invitation_invalid.html", status=404)
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            login(request, user, backend="planportal.login.backends.LockoutModelBackend")
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "planportal/invitation.html",
                  {"form": form, "invitee": user, "expires_days": settings.INVITATION_TIMEOUT},
                  status=status)

