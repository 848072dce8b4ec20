"""ACCESSIBILITY_STATEMENT_URL is read strictly from the environment, like every setting."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.settings_probe import run_python

ROOT = Path(__file__).resolve().parent.parent.parent
PROBE = ("import django; django.setup(); from django.conf import settings; "
         "print(settings.ACCESSIBILITY_STATEMENT_URL)")


def _start(**overrides: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYENV_VERSION")}
    env = {**keep, "DJANGO_SETTINGS_MODULE": "planportal.settings", **overrides}
    return run_python(PROBE, cwd=ROOT, env=env, timeout=120)


@pytest.mark.slow
def test_the_statement_url_comes_from_the_environment():
    started = _start(ACCESSIBILITY_STATEMENT_URL="https://uustatus.no/nb/erklaringer/123")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "https://uustatus.no/nb/erklaringer/123"


@pytest.mark.slow
def test_a_statement_url_that_is_not_http_stops_start_up_by_name():
    started = _start(ACCESSIBILITY_STATEMENT_URL="uustatus.no/erklaring")
    assert started.returncode != 0
    assert "ACCESSIBILITY_STATEMENT_URL" in started.stderr


@pytest.mark.slow
def test_without_a_statement_url_the_footer_points_to_uustatus():
    started = _start()
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "https://uustatus.no/"
