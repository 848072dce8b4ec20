"""The calendar feeds: ``/calendar/<token>.ics``, the secret feed itself (the URL is the
credential), and *Kalender* (``/kalender/``), where every signed-in person creates and
revokes their own feeds, of their own deadlines or of a unit they manage or lead."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from actions.calendar_feeds import create_calendar_feed, find_calendar_feed, revoke_calendar_feed
from actions.calendar_models import CalendarFeed
from actions.choices import calendar_unit_choices
from actions.forms import CalendarFeedForm
from actions.ics import render_feed
from planportal.forms import add_service_errors
from planportal.models import Unit


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve the feed, or 404 for an unknown or revoked token (never saying which)."""
    feed = find_calendar_feed(token)
    if feed is None:
        raise Http404
    response = HttpResponse(render_feed(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="planportal.ics"'
    # The URL is a secret: keep it out of shared caches, search engines and Referer headers.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _own_feeds(request: HttpRequest) -> list[CalendarFeed]:
    return list(CalendarFeed.objects.active().owned_by(request.user).select_related("unit"))


@login_required
@never_cache  # the answer to a POST holds the new secret address
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    """*Kalender*: one's own calendar addresses, and a form for a new one.

    A new address is shown once, in the answer to the POST that made it (only its hash is
    kept), in a read-only field with a copy button.
    """
    groups = calendar_unit_choices(request.user)
    form = CalendarFeedForm(request.POST if request.method == "POST" else None,
                            unit_groups=groups)
    created_url = ""
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            unit_id = form.cleaned_data["unit"]
            unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
            try:
                _feed, raw = create_calendar_feed(actor=request.user, user=request.user,
                                                  unit=unit)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                created_url = request.build_absolute_uri(reverse("calendar:feed", args=[raw]))
                form = CalendarFeedForm(unit_groups=groups)
                status = 200
    return render(request, "actions/calendar.html", {
        "form": form, "feeds": _own_feeds(request), "created_url": created_url,
        "offers_units": bool(groups), "nav": "calendar",
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_calendar_page(request: HttpRequest, feed_id: int) -> HttpResponse:
    """Revoke one of one's own calendar addresses: GET asks to confirm, POST revokes.

    Anyone else's feed is a 404, as is a revoked one: whether it exists is not told.
    """
    feed = get_object_or_404(
        CalendarFeed.objects.active().owned_by(request.user).select_related("unit", "user"),
        pk=feed_id)
    if request.method == "POST":
        revoke_calendar_feed(actor=request.user, feed=feed)
        messages.success(request, _("The calendar address is revoked: calendars subscribed "
                                    "to it get no more updates."))
        return redirect("actions:calendar")
    return render(request, "actions/calendar_revoke.html", {"feed": feed, "nav": "calendar"})
