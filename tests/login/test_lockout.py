"""Brute-force lockout, per account and per client address, on the login page and the
API token endpoint alike (checklist B5)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from planportal.login.models import LoginFailure
from tests.factories import UserFactory
from tests.login_helpers import PASSWORD, use_small_limits

pytestmark = pytest.mark.django_db

LOCKED = "For mange mislykkede innloggingsforsøk"
WRONG = "Vennligst oppgi korrekt brukernavn og passord"


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    use_small_limits(settings)


def log_in(username: str, password: str, address: str = "192.0.2.10") -> Any:
    return Client(REMOTE_ADDR=address).post(
        "/logg-inn/", {"username": username, "password": password}
    )


def obtain_token(username: str, password: str, address: str = "192.0.2.10") -> Any:
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/",
        {"username": username, "password": password, "name": "Power BI"},
        format="json",
    )


def test_the_right_password_is_refused_after_too_many_wrong_ones_with_a_clear_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = UserFactory()
    for _ in range(2):
        assert WRONG in log_in(user.username, "feil").content.decode()
    third = log_in(user.username, "feil").content.decode()
    assert LOCKED in third and "15 minutter" in third

    refused = log_in(user.username, PASSWORD)
    assert refused.status_code == 200  # the form again, not a redirect into the app
    assert LOCKED in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session
    assert any("locked" in r.getMessage() for r in caplog.records)
    assert PASSWORD not in caplog.text


def test_an_unknown_account_is_locked_with_the_same_message_as_a_real_one() -> None:
    UserFactory(username="finnes")
    answers = []
    for username in ("finnes", "finnes-ikke"):
        for _ in range(3):
            page = log_in(username, "feil", address=f"192.0.2.{len(username)}")
        alert = re.search(r'role="alert".*?</div>', page.content.decode(), re.S)
        answers.append(alert.group(0))
    assert LOCKED in answers[0]
    assert answers[0] == answers[1]


def test_the_lock_ends_after_the_lockout_duration() -> None:
    user = UserFactory()
    for _ in range(3):
        log_in(user.username, "feil")
    with time_machine.travel(timezone.now() + timedelta(seconds=901)):
        assert log_in(user.username, PASSWORD).status_code == 302


def test_failures_outside_the_window_do_not_add_up() -> None:
    user = UserFactory()
    start = timezone.now()
    for minutes in (0, 11, 22):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            log_in(user.username, "feil")
    with time_machine.travel(start + timedelta(minutes=23)):
        assert log_in(user.username, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_locked_for_every_account() -> None:
    users = UserFactory.create_batch(6)
    for user in users[:5]:
        log_in(user.username, "feil", address="198.51.100.7")
    assert LOCKED in log_in(users[5].username, PASSWORD, address="198.51.100.7").content.decode()
    # The same account from another address still gets in.
    assert log_in(users[5].username, PASSWORD, address="198.51.100.8").status_code == 302


def test_a_correct_password_forgets_the_accounts_earlier_failures() -> None:
    user = UserFactory()
    for _ in range(2):
        log_in(user.username, "feil")
    assert log_in(user.username, PASSWORD).status_code == 302
    for _ in range(2):
        log_in(user.username, "feil")
    assert log_in(user.username, PASSWORD).status_code == 302


def test_the_api_token_endpoint_is_covered_by_the_same_lockout() -> None:
    user = UserFactory()
    for _ in range(2):
        log_in(user.username, "feil")
    third = obtain_token(user.username, "feil")
    assert third.status_code == 429
    assert LOCKED in str(third.json())
    assert 0 < int(third.headers["Retry-After"]) <= 900

    refused = obtain_token(user.username, PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in third.json()["detail"] and LOCKED in refused.json()["detail"]
    assert not user.api_tokens.exists()


def test_failures_are_kept_in_the_database_per_account_and_per_address() -> None:
    UserFactory(username="ola")
    log_in("OLA ", "feil", address="203.0.113.5")
    rows = set(LoginFailure.objects.values_list("kind", "key", "failures"))
    assert rows == {("username", "ola", 1), ("address", "203.0.113.5", 1)}
