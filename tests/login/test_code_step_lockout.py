"""Wrong TOTP codes on the login page's code step count in the same database lockout as
wrong passwords, per account and per address (issue 14, item 2): the rule the token
endpoint follows too."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from planportal.login.models import LoginFailure
from tests.login_helpers import PASSWORD, current_code, make_user_with_totp, use_small_limits

pytestmark = pytest.mark.django_db

ADDRESS = "192.0.2.77"
CODE_STEP = "/accounts/2fa/authenticate/"
LOCKED = "For mange mislykkede innloggingsforsøk"


@pytest.fixture(autouse=True)
def fresh_cache(settings: Any) -> None:
    cache.clear()
    # allauth's own cache-based limit on codes, out of the way: the database lock is tested.
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    use_small_limits(settings)


@pytest.fixture
def user_with_totp() -> tuple[Any, str]:
    return make_user_with_totp()


def at_code_step(user: Any) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    step = client.post("/logg-inn/", {"username": user.username, "password": PASSWORD})
    assert step.status_code == 302 and step["Location"] == CODE_STEP
    return client


def test_wrong_codes_on_the_login_page_are_counted_in_the_database(user_with_totp) -> None:
    user, _secret = user_with_totp
    client = at_code_step(user)
    for _ in range(2):
        assert client.post(CODE_STEP, {"code": "000000"}).status_code == 200
    rows = set(LoginFailure.objects.values_list("kind", "key", "failures"))
    assert rows == {("username", user.username.casefold(), 2), ("address", ADDRESS, 2)}


def test_once_wrong_codes_lock_the_account_the_right_code_is_refused_too(user_with_totp) -> None:
    user, secret = user_with_totp
    client = at_code_step(user)
    for _ in range(3):
        client.post(CODE_STEP, {"code": "000000"})

    refused = client.post(CODE_STEP, {"code": current_code(secret)})

    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    assert not client.get("/planer/").wsgi_request.user.is_authenticated
    # A new login with the right password is refused as well, until the lock ends.
    again = Client(REMOTE_ADDR=ADDRESS).post("/logg-inn/", {"username": user.username,
                                                            "password": PASSWORD})
    assert again.status_code == 200 and LOCKED in again.content.decode()


def test_logging_in_again_with_the_password_does_not_reset_the_count(user_with_totp) -> None:
    user, secret = user_with_totp
    at_code_step(user).post(CODE_STEP, {"code": "000000"})
    at_code_step(user).post(CODE_STEP, {"code": "000000"})
    client = at_code_step(user)
    client.post(CODE_STEP, {"code": "000000"})

    refused = client.post(CODE_STEP, {"code": current_code(secret)})

    assert LOCKED in refused.content.decode()


def test_the_right_code_completes_the_login_and_forgets_the_failures(user_with_totp) -> None:
    user, secret = user_with_totp
    client = at_code_step(user)
    client.post(CODE_STEP, {"code": "000000"})

    assert client.post(CODE_STEP, {"code": current_code(secret)}).status_code == 302
    assert client.get("/planer/").wsgi_request.user == user
    assert not LoginFailure.objects.filter(kind="username").exists()
