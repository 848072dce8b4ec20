"""Language selection: the language switch, then the user's own choice, then the målform
of their kommune, then Bokmål (:mod:`planportal.languages`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from planportal.languages import request_language


class PreferredLanguageMiddleware:
    """Pick the language from an explicit choice or the kommune, never from the browser.

    Django's LocaleMiddleware follows Accept-Language, so a kommune employee with an
    English browser would get English. Here the order is: the language switch (the
    ``set_language`` cookie), then the signed-in user's preference, then the målform of
    their kommune, then Bokmål. A public page of a kommune may switch an anonymous
    visitor to its målform (``planportal.languages.use_public_language``); the
    ``Content-Language`` header says the language the page ended up in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response

    def language_for(self, request: HttpRequest) -> str:
        """The language for *request* (see :func:`planportal.languages.request_language`)."""
        return request_language(request)
