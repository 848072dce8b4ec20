"""Test clients that sign in the way the API's real clients do (issue 14).

* :class:`SessionClient` is a browser: a session cookie from a real login (``force_login``
  or the login form), the CSRF cookie the server hands out, and the ``X-CSRFToken``
  header that a page's script sends with every unsafe request. CSRF is enforced.
* :class:`TokenClient` is an integration: it exchanges a username and password for a
  token at ``POST /api/v1/auth/token/`` and sends ``Authorization: Token <token>``. It
  keeps no cookies, so CSRF never applies to it.

``force_authenticate`` skips authentication, CSRF and the per-request user load, so a
test using it can pass where a real client fails; use these instead.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from rest_framework.test import APIClient

#: UserFactory's password (tests/factories.py).
PASSWORD = "riktig-passord-123"
TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/logg-inn/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SessionClient(APIClient):
    """A browser session: CSRF enforced, the ``X-CSRFToken`` header sent on writes.

    ``SessionClient(user)`` is signed in with ``force_login`` (a real session, read
    back from the database on every request); ``SessionClient()`` is an anonymous
    visitor, who can sign in with :meth:`log_in_with_form`. Set ``send_csrf_header``
    to False to act as a forged cross-site request.
    """

    def __init__(self, user: Any = None, *, send_csrf_header: bool = True,
                 **defaults: Any) -> None:
        super().__init__(enforce_csrf_checks=True, **defaults)
        self.send_csrf_header = send_csrf_header
        if user is not None:
            self.force_login(user)

    def force_login(self, user: Any, backend: str | None = None) -> None:
        """Sign in as *user*, and hold a CSRF cookie as a browser on a page would."""
        super().force_login(user, backend)
        self.ensure_csrf_cookie()

    def ensure_csrf_cookie(self) -> str:
        """The CSRF cookie's value, minting one as the server's ``get_token`` does."""
        name = settings.CSRF_COOKIE_NAME
        if name not in self.cookies or not self.cookies[name].value:
            request = HttpRequest()
            get_token(request)
            self.cookies[name] = request.META["CSRF_COOKIE"]
        return self.cookies[name].value

    def log_in_with_form(self, username: str, password: str = PASSWORD) -> Any:
        """Sign in through the login page, as a person does: GET it, POST the form."""
        page = self.get(LOGIN_URL)
        assert page.status_code == 200, page.status_code
        return self.post(LOGIN_URL, {"username": username, "password": password,
                                     "csrfmiddlewaretoken": self.cookies[
                                         settings.CSRF_COOKIE_NAME].value},
                         format="multipart")

    def request(self, **kwargs: Any) -> Any:
        """Add the CSRF header to unsafe requests, read from the cookie as a script does."""
        header = settings.CSRF_HEADER_NAME
        if (self.send_csrf_header and kwargs.get("REQUEST_METHOD") in UNSAFE_METHODS
                and header not in kwargs and settings.CSRF_COOKIE_NAME in self.cookies):
            kwargs[header] = self.cookies[settings.CSRF_COOKIE_NAME].value
        return super().request(**kwargs)


class TokenClient(APIClient):
    """An integration with an API token obtained with a password; sends no cookies.

    ``TokenClient(user)`` obtains a token for *user* (UserFactory's password unless
    *password* is given); ``TokenClient()`` has no token, an anonymous integration.
    """

    def __init__(self, user: Any = None, *, password: str = PASSWORD,
                 **defaults: Any) -> None:
        super().__init__(enforce_csrf_checks=True, **defaults)
        self.token: str | None = None
        if user is not None:
            self.obtain_token(user.username, password)

    def obtain_token(self, username: str, password: str = PASSWORD,
                     name: str = "Testintegrasjon") -> str:
        """POST the credentials to the token endpoint and use the token from now on."""
        response = APIClient().post(TOKEN_URL, {"username": username, "password": password,
                                                "name": name}, format="json")
        assert response.status_code == 201, (response.status_code, response.content)
        self.token = response.json()["token"]
        self.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")
        return self.token

    def request(self, **kwargs: Any) -> Any:
        """Send the token only: an integration keeps no cookies between requests."""
        self.cookies = SimpleCookie()
        return super().request(**kwargs)


def session_client(user: Any = None) -> SessionClient:
    """A browser session signed in as *user* (anonymous for None)."""
    return SessionClient(user)


def token_client(user: Any = None) -> TokenClient:
    """An integration holding a fresh token of *user* (no token for None)."""
    return TokenClient(user)


#: The two ways a client signs in, for ``pytest.mark.parametrize("auth", AUTH_KINDS)``.
AUTH_KINDS = ("session", "token")
CLIENTS = {"session": session_client, "token": token_client}
