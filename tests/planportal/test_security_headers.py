"""Security headers of the reliability checklist §1, each checked on real responses."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/logg-inn/", "/admin/login/", "/api/docs/", "/api/v1/sdgs/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_a_policy_that_forbids_inline_scripts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


@pytest.mark.parametrize("path", ["/logg-inn/", "/admin/login/", "/api/docs/"])
def test_pages_hold_no_inline_script_or_event_handler(client, path):
    import re

    html = client.get(path).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"


@pytest.mark.parametrize("path", PAGES)
def test_pages_cannot_be_framed_or_sniffed(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_https_responses_carry_hsts_in_production(client, settings):
    from django.test import override_settings

    with override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        from django.test import Client

        response = Client().get("/logg-inn/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_session_and_csrf_cookies_are_http_only_secure_and_host_only_in_production():
    import os
    from pathlib import Path

    from tests.settings_probe import run_python

    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
             " s.SESSION_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_NAME,"
             " s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN,"
             " s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH)")
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(DJANGO_SETTINGS_MODULE="planportal.settings", SECRET_KEY="x" * 64,
               DATABASE_URL="postgres://u@localhost/db", ALLOWED_HOSTS="planportal.kommune.no")
    result = run_python(probe, env=env, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "Lax", "True",
                                     "__Host-sessionid", "__Host-csrftoken", "None", "None",
                                     "/", "/"]


def test_a_login_sets_the_host_only_session_cookie_in_production(db, settings):
    from django.test import Client

    from tests.factories import UserFactory

    settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE = "__Host-sessionid", True
    UserFactory(username="kari", password="Et langt passord 2026!")
    client = Client()
    response = client.post("/logg-inn/", {"username": "kari", "password": "Et langt passord 2026!"},
                           secure=True)
    assert response.status_code == 302
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert cookie["httponly"]
