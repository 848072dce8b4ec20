"""The landing page, the user's own settings page, and error pages: JSON under /api/,
the usual HTML elsewhere."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods

from planportal.forms import PreferencesForm
from planportal.middleware import PreferredLanguageMiddleware
from planportal.permissions import get_access
from planportal.services import update_preferences


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An unknown URL under /api/ answers in the API's own error format."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


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
            language = PreferredLanguageMiddleware(HttpResponse).language_for(request)
            with translation.override(language):
                messages.success(request, _("Your settings are saved."))
            return redirect("preferences")
    return render(request, "planportal/preferences.html",
                  {"form": form, "nav": "preferences"}, status=400)
