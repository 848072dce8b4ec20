"""Which language a page, an e-mail or a document is in.

Three things decide it. A kommune writes its plans in its *målform* (bokmål or
nynorsk, ``Organization.language``), so its documents, its public pages and, unless
someone chooses otherwise, its e-mails and its users' pages are in that language. A
person may choose Bokmål, Nynorsk or English (``User.preferred_language``; blank follows
their kommune). And the language switch in the page header (a cookie) wins over both
for the pages of the browser that used it. The browser's Accept-Language never counts:
a kommune employee with an English browser still works in the kommune's language.

This module only reads: it imports no model, so every layer may use it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from planportal.access import home_language

#: The languages plan text is written in: a kommune's målform is one of these.
CONTENT_LANGUAGES = ("nb", "nn")


def interface_languages() -> set[str]:
    """The codes of ``settings.LANGUAGES``: every language a person may choose."""
    return {code for code, _name in settings.LANGUAGES}


def content_language(organization: Any) -> str:
    """The målform of *organization* ("nb" or "nn"): the language its plan text, its
    documents and its public pages are in. Without an organisation, the default."""
    language = getattr(organization, "language", "")
    return language if language in CONTENT_LANGUAGES else settings.LANGUAGE_CODE


def language_for(user: Any, organization: Any = None) -> str:
    """The language to address *user* in ("nb", "nn" or "en"): their own choice, else
    the målform of *organization* when given (the kommune an e-mail is from), else that
    of their own kommune, else ``settings.LANGUAGE_CODE``.

    "Their own kommune" is the kommune of their memberships (of the oldest one when they
    have several, so it never changes between two calls); it is read with the user's
    roles, so it costs no query where the roles are read anyway.
    """
    chosen = getattr(user, "preferred_language", "") or ""
    if chosen in interface_languages():
        return chosen
    if organization is not None:
        return content_language(organization)
    if user is None:
        return settings.LANGUAGE_CODE
    return home_language(user) or settings.LANGUAGE_CODE


def switched_language(request: HttpRequest) -> str:
    """The language chosen with the switch in the page header (its cookie), or ""."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in interface_languages() else ""


def request_language(request: HttpRequest) -> str:
    """The language of a page: the language switch, then :func:`language_for` the
    signed-in user (their choice, their kommune's målform), then Bokmål."""
    return switched_language(request) or language_for(getattr(request, "user", None))


def use_public_language(request: HttpRequest, organization: Any) -> str:
    """Show a kommune's public page in its målform to a visitor who is not signed in and
    has not used the language switch; return the page's language.

    Called by the views of public pages once they know the kommune (the middleware does
    not). Signed-in people keep their own language everywhere. *organization* is the
    kommune, or anything whose ``language`` is a målform (a frozen report: the language
    it was frozen in).
    """
    if switched_language(request) or getattr(request.user, "is_authenticated", False):
        return translation.get_language() or settings.LANGUAGE_CODE
    language = content_language(organization)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def lang_attribute(organization: Any) -> SafeString:
    """`` lang="nn"`` when *organization*'s målform is not the active language, else "".

    For the element around plan content (WCAG 3.1.2, language of parts): an English page
    showing a kommune's Nynorsk plan text marks that text as Nynorsk. No query: it reads
    the organisation the caller has loaded already. Safe to put in HTML as it is: the
    code is one of :data:`CONTENT_LANGUAGES`.
    """
    language = content_language(organization)
    if language == (translation.get_language() or settings.LANGUAGE_CODE):
        return mark_safe("")
    return mark_safe(f' lang="{language}"')  # noqa: S308
