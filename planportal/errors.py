"""Error pages: 400, 403, 404 and 500 in the site's layout and the user's language (JSON
under /api/), and on the embedded default (DEBUG) too, instead of Django's technical pages.

The 500 page is rendered without the request's context processors: whatever broke (the
database, a menu rule) must not break the error page as well.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.urls import get_resolver, get_urlconf
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400: the request could not be read."""
    if _api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return HttpResponseBadRequest(loader.render_to_string("400.html", request=request))


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403, with the refusal's own reason when it gave one (they are written for users)."""
    reason = str(exception) if exception and exception.args else ""
    if _api(request):
        return JsonResponse({"detail": reason or _("You do not have permission to do this.")},
                            status=403)
    return HttpResponseForbidden(
        loader.render_to_string("403.html", {"reason": reason}, request=request))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404; an unknown URL under /api/ answers in the API's own error format."""
    if _api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


def server_error(request: HttpRequest) -> HttpResponse:
    """500, from settings and the request id alone: no context processor, no query."""
    if _api(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return HttpResponseServerError(loader.render_to_string("500.html", {
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
        "request_id": getattr(request, "request_id", ""),
        "static_error_page": True,
    }))


def _site_pages_in_debug() -> bool:
    return settings.DEBUG and not settings.TECHNICAL_ERROR_PAGES


#: What Django answers with a 400 (a request it cannot read, or one that looks forged).
_BAD_REQUEST = (BadRequest, SuspiciousOperation)


class ErrorPagesMiddleware:
    """With DEBUG on, the site's error pages instead of Django's technical ones, unless
    ``TECHNICAL_ERROR_PAGES`` asks for those. With DEBUG off Django uses the handlers
    above already, and this does nothing.

    Last in ``MIDDLEWARE``, it wraps the view alone: a 404 on a request that resolved to
    no view can only be the URL resolver's, and an exception from the view is only noted,
    so that the other middleware may still answer it (allauth turns one into "confirm your
    password"). What Django then made of it, logged with its traceback, is replaced.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _site_pages_in_debug():
            return response
        exception = getattr(request, "_view_exception", None)
        if response.status_code == 404 and (
                request.resolver_match is None or isinstance(exception, Http404)):
            return _handler(404)(request, exception=exception or Http404())
        if response.status_code == 400 and isinstance(exception, _BAD_REQUEST):
            return _handler(400)(request, exception=exception)
        if response.status_code == 500 and exception is not None and not isinstance(
                exception, (Http404, PermissionDenied, *_BAD_REQUEST)):
            return _handler(500)(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        request._view_exception = exception  # type: ignore[attr-defined]


def _handler(status: int) -> Callable[..., HttpResponse]:
    return get_resolver(get_urlconf()).resolve_error_handler(status)
