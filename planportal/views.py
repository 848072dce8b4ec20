"""The landing page, and error pages: JSON under /api/, the usual HTML elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import defaults

from planportal.permissions import get_access


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An unknown URL under /api/ answers in the API's own error format."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: each role's own starting point, the public plans for everyone else.

    Unit managers start on *Mine tiltak*, sector leaders on *Fordel ansvar*, readers and
    administrators on the plan list; visitors who are not logged in see the public plans.
    """
    from strategies.views import public_plan_list

    if not request.user.is_authenticated:
        return public_plan_list(request)
    access = get_access(request.user)
    if access.unit_manager_units:
        return redirect("actions:mine")
    if access.sector_leader_units:
        return redirect("actions:assign")
    return redirect("strategies:plan-list")
