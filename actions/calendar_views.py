"""``/calendar/<token>.ics``: the secret calendar feed. The URL is the credential."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from actions.calendar_feeds import find_calendar_feed
from actions.ics import render_feed


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve the feed, or 404 for an unknown or revoked token (never saying which)."""
    feed = find_calendar_feed(token)
    if feed is None:
        raise Http404

    def link(action: object) -> str:
        return request.build_absolute_uri(
            reverse("admin:actions_action_change", args=[action.pk])  # type: ignore[attr-defined]
        )

    response = HttpResponse(render_feed(feed, link), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="planportal.ics"'
    # The URL is a secret: keep it out of shared caches, search engines and Referer headers.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
