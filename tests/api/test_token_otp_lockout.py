"""Second-factor codes on POST /api/v1/auth/token/ count in the login lockout (issue 14,
items 2 and 16): a right password does not buy unlimited guesses at the code."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from planportal.login.models import LoginFailure
from tests.factories import UserFactory
from tests.login_helpers import PASSWORD, current_code, make_user_with_totp, use_small_limits

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ADDRESS = "192.0.2.44"
WRONG_CODE = "000000"
LOCKED_15 = ("For mange mislykkede innloggingsforsøk. Vent 15 minutter og prøv igjen, "
             "eller spør administratoren din.")


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    # allauth remembers used codes in the cache; each test starts without any.
    cache.clear()


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    use_small_limits(settings)


@pytest.fixture
def user_with_totp() -> tuple[Any, str]:
    return make_user_with_totp()


def obtain(user: Any, code: str | None = None, *, password: str = PASSWORD,
           address: str = ADDRESS) -> Any:
    body = {"username": user.username, "password": password, "name": "Power BI"}
    if code is not None:
        body["otp_code"] = code
    return APIClient(REMOTE_ADDR=address).post(TOKEN_URL, body, format="json")


def test_wrong_codes_with_the_right_password_lock_the_account_with_429(user_with_totp) -> None:
    user, _secret = user_with_totp
    for _ in range(2):
        wrong = obtain(user, WRONG_CODE)
        assert wrong.status_code == 400
        assert set(wrong.json()) == {"otp_code"}

    third = obtain(user, WRONG_CODE)

    assert third.status_code == 429
    assert third.json() == {"detail": LOCKED_15}
    assert 0 < int(third["Retry-After"]) <= 900
    assert not user.api_tokens.exists()


def test_once_locked_the_right_password_and_the_right_code_get_429_until_the_lock_ends(
    user_with_totp,
) -> None:
    user, secret = user_with_totp
    answers = [obtain(user, WRONG_CODE).status_code for _ in range(40)]
    assert answers[:2] == [400, 400] and set(answers[2:]) == {429}

    refused = obtain(user, current_code(secret))

    assert refused.status_code == 429
    assert refused.json() == {"detail": LOCKED_15}
    assert int(refused["Retry-After"]) > 0
    assert not user.api_tokens.exists()


def test_the_lock_from_wrong_codes_is_the_same_one_the_login_page_obeys(user_with_totp) -> None:
    from django.test import Client

    user, _secret = user_with_totp
    for _ in range(3):
        obtain(user, WRONG_CODE)
    page = Client(REMOTE_ADDR=ADDRESS).post("/logg-inn/", {"username": user.username,
                                                           "password": PASSWORD})
    assert page.status_code == 200
    assert "For mange mislykkede innloggingsforsøk" in page.content.decode()


def test_wrong_codes_count_per_account_and_per_address_in_the_database(user_with_totp) -> None:
    user, _secret = user_with_totp
    obtain(user, WRONG_CODE)
    obtain(user, WRONG_CODE)
    rows = set(LoginFailure.objects.values_list("kind", "key", "failures"))
    assert rows == {("username", user.username.casefold(), 2), ("address", ADDRESS, 2)}


def test_the_right_password_alone_does_not_forget_the_wrong_codes(user_with_totp) -> None:
    user, _secret = user_with_totp
    obtain(user, WRONG_CODE)
    obtain(user, WRONG_CODE)
    # Without a code: no guess, not counted; but not a completed login either.
    assert obtain(user).status_code == 400

    assert obtain(user, WRONG_CODE).status_code == 429


def test_the_right_code_forgets_the_accounts_failures(user_with_totp) -> None:
    user, secret = user_with_totp
    obtain(user, WRONG_CODE)
    obtain(user, WRONG_CODE)
    assert obtain(user, current_code(secret)).status_code == 201
    assert not LoginFailure.objects.filter(kind="username").exists()
    assert obtain(user, WRONG_CODE).status_code == 400


def test_a_lock_from_wrong_passwords_answers_only_our_message_with_retry_after() -> None:
    user = UserFactory()
    for _ in range(2):
        assert obtain(user, password="feil").status_code == 400

    third = obtain(user, password="feil")

    assert third.status_code == 429
    # DRF's English "Expected available in 900 seconds." is not appended.
    assert third.json() == {"detail": LOCKED_15}
    assert "Expected" not in third.content.decode()
    assert 0 < int(third["Retry-After"]) <= 900


def test_the_lock_message_follows_the_language_switch(settings: Any) -> None:
    user = UserFactory()
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(3):
        answer = client.post(TOKEN_URL, {"username": user.username, "password": "feil",
                                         "name": "Power BI"}, format="json")
    assert answer.status_code == 429
    assert answer.json() == {"detail": "Too many failed login attempts. Wait 15 minutes and "
                                       "try again, or ask your administrator."}
