"""Give every request an id, echo it in ``X-Request-ID``, and tag audit events with it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from planportal.audit.context import origin, request_id_from


class RequestIdMiddleware:
    """Sets the audit origin for the request (``X-Request-ID`` out, and in from a trusted
    proxy only: ``TRUST_X_REQUEST_ID``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get("X-Request-ID"),
                                     trusted=settings.TRUST_X_REQUEST_ID)
        request.request_id = request_id  # type: ignore[attr-defined]
        with origin("request", request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
