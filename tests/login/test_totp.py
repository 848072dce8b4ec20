"""Optional TOTP (allauth.mfa) after the password, with codes computed as an app would."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "riktig-passord-123"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    # allauth remembers used codes in the cache; each test starts without any.
    cache.clear()


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def admin_with_totp() -> tuple[Any, str]:
    user = UserFactory(is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_a_user_with_totp_is_asked_for_the_code_after_the_password(admin_with_totp) -> None:
    user, secret = admin_with_totp
    client = Client()

    step = client.post("/logg-inn/", {"username": user.username, "password": PASSWORD})
    assert step.status_code == 302 and step["Location"] == "/accounts/2fa/authenticate/"
    assert not client.get("/planer/").wsgi_request.user.is_authenticated
    page = client.get("/accounts/2fa/authenticate/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    done = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert done.status_code == 302
    assert client.get("/planer/").wsgi_request.user == user


def test_a_used_code_cannot_be_replayed(admin_with_totp) -> None:
    user, secret = admin_with_totp
    code = current_code(secret)
    first = Client()
    first.post("/logg-inn/", {"username": user.username, "password": PASSWORD})
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    second = Client()
    second.post("/logg-inn/", {"username": user.username, "password": PASSWORD})
    assert second.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert not second.get("/planer/").wsgi_request.user.is_authenticated


def test_the_token_endpoint_wants_the_code_from_a_user_with_totp(admin_with_totp) -> None:
    user, secret = admin_with_totp
    body = {"username": user.username, "password": PASSWORD, "name": "Power BI"}
    without = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert without.status_code == 400
    assert without.json() == {
        "otp_code": ["Skriv inn gjeldende kode fra autentiseringsappen din."]
    }
    assert not user.api_tokens.exists()
    with_code = APIClient().post("/api/v1/auth/token/", {**body, "otp_code": current_code(secret)},
                                 format="json")
    assert with_code.status_code == 201


def test_with_the_setting_an_admin_without_totp_sets_it_up_before_anything_else(
    settings: Any,
) -> None:
    settings.LOGIN_REQUIRE_TOTP_FOR_ADMINS = True
    staff, reader = UserFactory(is_staff=True), UserFactory()
    client = Client()
    client.post("/logg-inn/", {"username": staff.username, "password": PASSWORD})
    answer = client.get("/planer/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/2fa/totp/activate/"

    # allauth asks for the password again before a new authenticator is added.
    confirm = client.get("/accounts/2fa/totp/activate/")
    assert confirm["Location"].startswith("/accounts/reauthenticate/")
    confirmed = client.post(confirm["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'class="pp-header"' in page  # allauth's page in the Planportal layout
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    assert secret is not None, page
    done = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret.group(1))})
    assert done.status_code == 302
    assert client.get("/planer/").status_code == 200

    plain = Client()
    plain.post("/logg-inn/", {"username": reader.username, "password": PASSWORD})
    assert plain.get("/planer/").status_code == 200


def test_with_the_setting_an_admin_with_totp_goes_about_their_work(
    settings: Any, admin_with_totp
) -> None:
    settings.LOGIN_REQUIRE_TOTP_FOR_ADMINS = True
    user, _secret = admin_with_totp
    client = Client()
    client.force_login(user)
    assert client.get("/planer/").status_code == 200
