"""Settings come from the environment; a malformed value stops start-up by name."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from planportal import env
from tests.settings_probe import run_python

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'db': s.DATABASES['default']['NAME'], 'host': s.DATABASES['default'].get('HOST'), "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
    "'cache': s.CACHES['default']['BACKEND'], 'mail': s.MAILERS['default'], "
    "'debug': s.DEBUG, 'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE, "
    "'langs': [c for c, _ in s.LANGUAGES], 'hosts': s.ALLOWED_HOSTS, "
    "'celery': [__import__('planportal').celery_app.conf.broker_url, "
    "__import__('planportal').celery_app.conf.task_always_eager]}))"
)
SECRET = "a-production-secret-key-that-is-long-and-random-enough-0123456789abcdef"


def _clean_env(**overrides):
    """The process environment without any Planportal setting, plus *overrides*."""
    keep = {k: v for k, v in os.environ.items()
            if k in ("PATH", "HOME", "LANG", "PYENV_VERSION", "SYSTEMROOT")}
    return {**keep, "DJANGO_SETTINGS_MODULE": "planportal.settings", **overrides}


def _start(code, **overrides):
    return run_python(code, cwd=ROOT, env=_clean_env(**overrides), timeout=120)


def _settings(**overrides):
    result = _start(PROBE, **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_nothing_set_it_runs_embedded_on_sqlite_with_eager_celery_and_console_mail():
    s = _settings()
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["eager"] is True
    assert s["broker"] == "memory://localhost/"
    assert s["celery"] == ["memory://localhost/", True]  # the Celery app itself reads the settings
    assert s["cache"].endswith("LocMemCache")
    assert s["mail"]["BACKEND"].endswith("console.EmailBackend")
    assert s["debug"] is True
    assert (s["tz"], s["lang"], s["langs"]) == ("Europe/Oslo", "nb", ["nb", "nn", "en"])


def test_database_redis_and_email_urls_switch_to_the_real_services():
    s = _settings(
        DATABASE_URL="postgres://plan:hemmelig@db.example:5433/planportal",
        REDIS_URL="redis://redis:6379/0",
        EMAIL_URL="smtp://bruker:p%C3%A5ss@smtp.example:587",
        SECRET_KEY=SECRET,
        SITE_URL="https://plan.kommune.no",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert (s["db"], s["host"]) == ("planportal", "db.example")
    assert s["eager"] is False
    assert s["broker"] == "redis://redis:6379/0"
    assert s["celery"] == ["redis://redis:6379/0", False]
    assert s["cache"].endswith("RedisCache")
    options = s["mail"]["OPTIONS"]
    assert (options["host"], options["port"], options["username"]) == (
        "smtp.example", 587, "bruker")
    assert options["password"] == "påss"
    assert options["use_tls"] is True and options["timeout"] == 30
    assert s["debug"] is False
    assert s["hosts"] == ["plan.kommune.no"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://db/planportal"),
        ("DATABASE_URL", "postgres://db:notaport/planportal"),
        ("DATABASE_URL", "postgres://db:5432/"),
        ("REDIS_URL", "localhost:6379"),
        ("EMAIL_URL", "smtp://"),
        ("DEBUG", "kanskje"),
        ("SITE_URL", "plan.kommune.no"),
        ("DB_POOL_SIZE", "mange"),
        ("LOG_LEVEL", "mye"),
        ("SESSION_COOKIE_AGE", "lenge"),
    ],
)
def test_a_malformed_value_stops_start_up_with_a_message_naming_the_variable(name, value):
    extra = {"SECRET_KEY": SECRET} if name != "DEBUG" else {}
    if name == "DB_POOL_SIZE":
        extra["DATABASE_URL"] = "postgres://db/planportal"
    result = _start("import django; django.setup()", **{name: value, **extra})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.strip().splitlines()[-1]


def test_production_without_a_secret_key_refuses_to_start():
    result = _start("import django; django.setup()", DATABASE_URL="postgres://db/planportal")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_the_secret_key_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.SECRET_KEY)")
    result = _start(code, DEBUG="false", SECRET_KEY_FILE=str(secret_file))
    assert result.stdout.strip() == SECRET


@pytest.mark.slow
def test_production_settings_from_the_readme_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env=_clean_env(DATABASE_URL="postgres://planportal@127.0.0.1:5432/planportal",
                       SECRET_KEY=SECRET, SITE_URL="https://planportal.example.no",
                       EMAIL_URL="smtp://planportal:passord@smtp.example.no:587",
                       FIELD_ENCRYPTION_KEYS="dGVzdC1kZXBsb3ktY2hlY2stZmVybmV0LWtleS0zMmI="),
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("Off", False), ("no", False)]
)
def test_env_bool_reads_common_spellings(raw, expected):
    assert env.env_bool("X", default=not expected, environ={"X": raw}) is expected


def test_env_bool_uses_the_default_when_unset_or_blank():
    assert env.env_bool("X", default=True, environ={}) is True
    assert env.env_bool("X", default=False, environ={"X": "  "}) is False


def test_env_int_refuses_junk_and_values_below_the_minimum():
    assert env.env_int("N", 5, environ={"N": "7"}) == 7
    with pytest.raises(ImproperlyConfigured, match="N="):
        env.env_int("N", 5, environ={"N": "sju"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("N", 5, environ={"N": "0"}, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks():
    assert env.env_list("H", [], environ={"H": "a.no, b.no,,"}) == ["a.no", "b.no"]


def test_env_secret_refuses_both_a_value_and_a_file():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        env.env_secret("SECRET_KEY", environ={"SECRET_KEY": "a", "SECRET_KEY_FILE": "/x"})


def test_database_url_parses_credentials_and_options():
    db = env.database_from_url("DATABASE_URL",
                               "postgresql://u%40x:p%2Fw@h:6543/plan?sslmode=require")
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u@x", "p/w", "h", "6543", "plan")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_smtps_means_implicit_tls_on_port_465():
    options = env.mailers_from_url("EMAIL_URL", "smtps://mail.example")["default"]["OPTIONS"]
    assert (options["port"], options["use_ssl"], options["use_tls"]) == (465, True, False)


def test_an_smtp_url_without_credentials_sends_in_plain_on_port_25():
    options = env.mailers_from_url("EMAIL_URL", "smtp://127.0.0.1")["default"]["OPTIONS"]
    assert (options["port"], options["use_tls"], options["username"]) == (25, False, None)
