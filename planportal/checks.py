"""Planportal's own system checks (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_field_encryption_keys(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Warn when production encrypts secrets with a key derived from SECRET_KEY."""
    if settings.DEBUG or settings.FIELD_ENCRYPTION_KEYS:
        return []
    return [checks.Warning(
        "FIELD_ENCRYPTION_KEYS is not set: the login providers' client secrets are "
        "encrypted with a key derived from SECRET_KEY, so a new SECRET_KEY (without the old "
        "one in SECRET_KEY_FALLBACKS) makes them unreadable.",
        hint="Set FIELD_ENCRYPTION_KEYS to a Fernet key of its own (see README, Settings), "
        "then run 'manage.py rotate_field_encryption'.",
        id="planportal.W001",
    )]
