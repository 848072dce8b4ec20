"""The language switch's cookie (issue 14, item 14): in production Secure, host-only
(__Host-), SameSite=Lax and HttpOnly, like the session cookie; and the language it holds
is the one the pages use."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.settings_probe import run_python

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# The switch as a browser uses it, in a process started with production's environment.
PROBE = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.conf import settings
from django.test import Client
answer = Client().post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
morsel = answer.cookies[settings.LANGUAGE_COOKIE_NAME]
print(json.dumps({"status": answer.status_code, "name": morsel.key, "value": morsel.value,
                  "secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
                  "samesite": morsel["samesite"], "path": morsel["path"],
                  "domain": morsel["domain"], "header": morsel.output()}))
"""


def production_set_cookie() -> dict:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYENV_VERSION")}
    env.update(DJANGO_SETTINGS_MODULE="planportal.settings", SECRET_KEY="x" * 64,
               DATABASE_URL="postgres://u@localhost/db", ALLOWED_HOSTS="planportal.kommune.no")
    result = run_python(PROBE, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_in_production_the_language_cookie_is_secure_host_only_lax_and_http_only() -> None:
    cookie = production_set_cookie()

    assert cookie["status"] == 302
    assert cookie["name"] == "__Host-django_language" and cookie["value"] == "en"
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # What the __Host- prefix demands, or browsers drop the cookie.
    assert cookie["path"] == "/" and not cookie["domain"]
    assert cookie["header"].startswith("Set-Cookie: __Host-django_language=en;")


def test_the_language_cookie_is_lax_and_http_only_in_development_too() -> None:
    answer = Client().post("/i18n/setlang/", {"language": "en", "next": "/"})

    morsel = answer.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert morsel.value == "en"
    assert morsel["samesite"] == "Lax" and morsel["httponly"]


def test_the_cookie_the_switch_sets_is_the_one_the_pages_read() -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.get("/logg-inn/")

    assert page["Content-Language"] == "en"
