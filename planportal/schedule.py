"""Celery beat entries whose timing comes from the environment.

Each entry has a default crontab ("minute hour day-of-month month day-of-week", read in
``CELERY_TIMEZONE``, Europe/Oslo) that one variable overrides; the value ``disable``
(or ``off``) removes the entry. A malformed value stops start-up naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

DISABLED_WORDS = {"disable", "disabled", "off", "none"}


@dataclass(frozen=True)
class BeatEntry:
    """One periodic task: its name, task path, env variable and default crontab."""

    name: str
    task: str
    env_key: str
    default_cron: str
    #: seconds after which an unconsumed message is dropped; keep it below the interval
    expires: float


def parse_crontab(name: str, value: str) -> crontab:
    """Turn "7 * * * *" into a Celery crontab, or raise naming the variable."""
    fields = value.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"{name}={value!r} must have five crontab fields "
            "(minute hour day-of-month month day-of-week), or be 'disable'."
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        return crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
        )
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a valid crontab: {exc}") from None


def beat_schedule(
    entries: list[BeatEntry], environ: Mapping[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """Build ``CELERY_BEAT_SCHEDULE`` from *entries*, applying env overrides."""
    env = environ if environ is not None else os.environ
    schedule: dict[str, dict[str, Any]] = {}
    for entry in entries:
        value = (env.get(entry.env_key) or "").strip() or entry.default_cron
        if value.lower() in DISABLED_WORDS:
            continue
        schedule[entry.name] = {
            "task": entry.task,
            "schedule": parse_crontab(entry.env_key, value),
            "options": {"expires": entry.expires},
        }
    return schedule
