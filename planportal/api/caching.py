"""What caches may do with API answers: vary by credentials, never store personal data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from rest_framework.request import Request
from rest_framework.response import Response

#: Every answer under these paths depends on who asks.
API_PREFIX = "/api/"


class ApiVaryMiddleware:
    """``Vary: Authorization, Cookie`` on every API answer.

    The same URL answers differently per token (``Authorization``) and per browser
    session (``Cookie``); without ``Vary`` a shared cache could hand one user's answer to
    another. Django adds ``Vary: Cookie`` only when the session was read, and nothing
    adds ``Authorization``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return response


class NoStoreMixin:
    """For API views whose answers hold personal data: ``Cache-Control: no-store``.

    Neither a shared cache nor the client's own may keep a copy (a token used from a
    shared machine or an integration's proxy).
    """

    def finalize_response(self, request: Request, response: Response, *args: Any,
                          **kwargs: Any) -> Response:
        """Mark every answer of the view, errors included, as not to be stored."""
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        response["Cache-Control"] = "no-store"
        return response
