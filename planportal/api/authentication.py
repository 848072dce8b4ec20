"""API token authentication: ``Authorization: Token <token>`` (or ``Bearer <token>``)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from planportal.languages import language_for

KEYWORDS = (b"token", b"bearer")
#: The ``WWW-Authenticate`` challenge of a 401 (RFC 9110 §11.6.1): the scheme tokens use.
CHALLENGE = 'Token realm="api"'


class TokenAuthenticationFailed(AuthenticationFailed):
    """A token was sent but is wrong, expired or revoked: always 401 with a challenge.

    DRF takes the ``WWW-Authenticate`` challenge from the *first* authentication class
    only, and turns the answer into a 403 when that class has none (session
    authentication has none). Token authentication comes first in the settings, but a
    view may list its own classes; this exception carries its own challenge and keeps
    its 401 whatever the order.
    """

    auth_header = CHALLENGE

    @property
    def status_code(self) -> int:
        """Always 401 Unauthorized."""
        return status.HTTP_401_UNAUTHORIZED

    @status_code.setter
    def status_code(self, value: int) -> None:
        """Ignore DRF's coercion to 403 (see the class docstring)."""


class ApiTokenAuthentication(BaseAuthentication):
    """Sign a request in with a hashed :class:`~planportal.tokens.ApiToken`.

    Requests without an ``Authorization: Token …``/``Bearer …`` header are left to the
    other authentication classes; a header with a bad token is a 401.
    """

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        """Return ``(user, token)`` for a valid token header, None if there is none."""
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) == 1:
            raise TokenAuthenticationFailed(_("Invalid token header: no token given."))
        if len(parts) > 2:
            raise TokenAuthenticationFailed(
                _("Invalid token header: the token must not contain spaces.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise TokenAuthenticationFailed(
                _("Invalid token header: the token contains invalid characters.")
            ) from None
        user, token = self.authenticate_credentials(raw)
        # The language middleware ran before DRF knew who this is: answer a token client
        # in its person's language (their choice, else their kommune's målform), as their
        # pages are. The middleware deactivates it when the response is done.
        language = language_for(user)
        translation.activate(language)
        request._request.LANGUAGE_CODE = language
        return user, token

    def authenticate_credentials(self, raw: str) -> tuple[Any, Any]:
        """Return ``(user, token)`` for the plain token *raw*, or raise a 401."""
        # Imported here: DRF loads this class while its settings are read, which can be
        # before the app registry is ready to import models.
        from planportal.tokens import authenticate_token

        token = authenticate_token(raw)
        if token is None:
            raise TokenAuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        """The ``WWW-Authenticate`` challenge, so DRF answers 401 rather than 403.

        This class is first in ``DEFAULT_AUTHENTICATION_CLASSES`` for that reason: a
        request without credentials gets 401 with this challenge, while a signed-in user
        without permission still gets 403.
        """
        return CHALLENGE


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Document :class:`ApiTokenAuthentication` in the OpenAPI schema."""

    target_class = "planportal.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        """An API-key header scheme: ``Authorization: Token <token>``."""
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'API token from POST /api/v1/auth/token/, sent as "Token <token>" '
                '(or "Bearer <token>").'
            ),
        }
