"""Strict readers for settings taken from the environment.

Every reader raises :class:`ImproperlyConfigured` naming the variable when a value is
malformed, so a typo stops start-up instead of silently falling back to a default.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    value = (environ if environ is not None else os.environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    """Return the variable as a string, or *default* when unset or empty."""
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Return a boolean; anything but a recognised true/false word is an error."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of "
        f"{', '.join(sorted(TRUE_VALUES | FALSE_VALUES))}."
    )


def env_int(
    name: str,
    default: int,
    environ: Mapping[str, str] | None = None,
    *,
    minimum: int | None = None,
) -> int:
    """Return an integer, optionally checked against a lower bound."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(
    name: str, default: list[str], environ: Mapping[str, str] | None = None
) -> list[str]:
    """Return a comma-separated list with blanks removed."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    """Return a secret from NAME, or from the file named by NAME_FILE (Docker secrets)."""
    env = environ if environ is not None else os.environ
    value = _raw(name, env)
    file_name = _raw(f"{name}_FILE", env)
    if value is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name is not None:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from None
    return default if value is None else value


def env_fernet_keys(name: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """Return comma-separated Fernet keys from NAME (or NAME_FILE), newest first.

    Each must be 32 url-safe base64-encoded bytes. The error names the variable and the
    key's position, never the key itself: the message may end up in a log.
    """
    keys = [item.strip() for item in env_secret(name, environ=environ).split(",") if item.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
        except (binascii.Error, UnicodeEncodeError, ValueError):
            valid = False
        if not valid:
            raise ImproperlyConfigured(
                f"Key {position} in {name} is not a Fernet key (32 url-safe base64-encoded "
                "bytes); make one with: python3 -c 'import base64, os; "
                "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
            )
    return keys


def env_url(
    name: str,
    schemes: tuple[str, ...],
    environ: Mapping[str, str] | None = None,
    *,
    require_host: bool = True,
) -> str | None:
    """Return a URL whose scheme is one of *schemes* (and which has a host), or None."""
    value = _raw(name, environ)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must start with {' or '.join(s + '://' for s in schemes)}, got {value!r}."
        )
    if require_host and not parts.hostname:
        raise ImproperlyConfigured(f"{name}={value!r} has no host name.")
    try:
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} has an invalid port.") from None
    return value


def database_from_url(name: str, url: str) -> dict[str, Any]:
    """Turn ``postgres://user:pass@host:port/db?opt=v`` into a Django DATABASES entry."""
    parts = urlsplit(url)
    db_name = unquote(parts.path.lstrip("/"))
    if not db_name:
        raise ImproperlyConfigured(f"{name}={url!r} names no database (…/dbname).")
    options: dict[str, Any] = {}
    for key, values in parse_qs(parts.query).items():
        options[key] = values[-1]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db_name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def mailers_from_url(name: str, url: str | None) -> dict[str, Any]:
    """Build Django's ``MAILERS`` from ``smtp://user:pass@host:587`` (``smtps://`` = TLS).

    Without a URL, mail is written to the console (the embedded default).
    """
    if url is None:
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    implicit_tls = parts.scheme == "smtps"
    try:
        timeout = int(query.get("timeout", "30"))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}: timeout must be an integer number of seconds."
        ) from None
    # STARTTLS by default when credentials are sent, unless ?tls=false says otherwise.
    starttls = (not implicit_tls) and query.get(
        "tls", "true" if parts.username else "false"
    ).lower() in TRUE_VALUES
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": parts.port or (465 if implicit_tls else 587 if starttls else 25),
                "username": unquote(parts.username or "") or None,
                "password": unquote(parts.password or "") or None,
                "use_ssl": implicit_tls,
                "use_tls": starttls,
                # Django's default is no timeout: a hung server would block a worker forever.
                "timeout": timeout,
            },
        }
    }
