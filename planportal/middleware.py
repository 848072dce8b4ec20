"""Language selection: Bokmål unless the user has chosen otherwise."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class PreferredLanguageMiddleware:
    """Pick the language from an explicit choice, never from the browser.

    Django's LocaleMiddleware follows Accept-Language, so a kommune employee with an
    English browser would get English. Here the order is: the language switch (the
    ``set_language`` cookie), then the signed-in user's preference, then Bokmål.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response

    def language_for(self, request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in self.supported:
            return chosen
        user = getattr(request, "user", None)
        preferred = getattr(user, "preferred_language", None) if user else None
        if preferred in self.supported:
            return preferred
        return settings.LANGUAGE_CODE
