"""Which address the lockout counts: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory

from planportal.login.lockout import client_address
from planportal.login.models import LoginFailure
from tests.settings_probe import run_python

ROOT = Path(__file__).resolve().parent.parent.parent
PROXY = "10.0.0.5"  # REMOTE_ADDR: the proxy next to Planportal


def address(forwarded_for: str | None = None, remote: str = PROXY) -> str:
    extra = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_by_default_the_forwarded_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert address("198.51.100.7") == PROXY
    assert address() == PROXY


def test_behind_one_proxy_the_rightmost_entry_is_the_client(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "203.0.113.66" itself; the proxy appended what it saw.
    assert address("203.0.113.66, 198.51.100.7") == "198.51.100.7"
    assert address("198.51.100.7") == "198.51.100.7"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(
    settings: Any,
) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    assert address("203.0.113.66, 198.51.100.7, 10.0.0.1") == "198.51.100.7"
    assert address("2001:db8::7,10.0.0.1") == "2001:db8::7"


def test_an_ipv6_address_is_counted_in_one_spelling(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert address("2001:DB8:0:0::7") == "2001:db8::7"


@pytest.mark.parametrize("header", [
    "198.51.100.7",  # fewer entries than proxies
    "",
    "not-an-address, 10.0.0.1",
    "198.51.100.7:443, 10.0.0.1",  # with a port
    " , 10.0.0.1",
    "<script>, 10.0.0.1",
])
def test_too_few_entries_or_garbage_fall_back_to_the_remote_address(
    settings: Any, header: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(header) == PROXY


def test_without_a_header_behind_a_proxy_the_remote_address_is_used(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert address() == PROXY


def start_up(value: str | None) -> subprocess.CompletedProcess[str]:
    """Load the real settings in a fresh process with TRUSTED_PROXY_COUNT=*value*."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYENV_VERSION")}
    env["DJANGO_SETTINGS_MODULE"] = "planportal.settings"
    if value is not None:
        env["TRUSTED_PROXY_COUNT"] = value
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.TRUSTED_PROXY_COUNT)")
    return run_python(code, cwd=ROOT, env=env, timeout=120)


@pytest.mark.parametrize(("value", "expected"), [(None, "0"), ("2", "2")])
def test_the_setting_comes_from_the_environment_and_defaults_to_zero(
    value: str | None, expected: str
) -> None:
    result = start_up(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_a_negative_proxy_count_stops_start_up_by_name() -> None:
    result = start_up("-1")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


def failed_login(forwarded_for: str, username: str) -> None:
    Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for).post(
        "/logg-inn/", {"username": username, "password": "feil"})


@pytest.mark.django_db
def test_a_forged_header_does_not_escape_the_address_lockout_by_default(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    settings.LOGIN_LOCKOUT_ADDRESS_FAILURES = 3
    for number in range(3):
        failed_login(f"198.51.100.{number}", f"konto{number}")

    row = LoginFailure.objects.get(kind=LoginFailure.Kind.ADDRESS)
    assert (row.key, row.failures) == (PROXY, 3)
    assert row.locked_until is not None


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_lockout_counts_the_address_the_proxy_saw(
    settings: Any,
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    failed_login("203.0.113.66, 198.51.100.7", "kari")
    failed_login("192.0.2.1, 198.51.100.7", "ola")  # another forged prefix, same client

    keys = dict(LoginFailure.objects.filter(kind=LoginFailure.Kind.ADDRESS)
                .values_list("key", "failures"))
    assert keys == {"198.51.100.7": 2}
