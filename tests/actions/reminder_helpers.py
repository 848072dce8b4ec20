"""Fixtures and builders shared by the reminder tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from planportal.celery import app as celery_app
from tests.factories import ActionFactory

TODAY = date(2026, 6, 15)  # a Monday


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run tasks in-process even when REDIS_URL is set (CI), as the embedded default does."""
    before = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture
def reminder_settings(settings: Any) -> Any:
    """The documented defaults, whatever the environment says."""
    settings.REMINDER_WINDOWS = [30, 14, 3, 0]
    settings.REMINDER_STALE_DAYS = 60
    settings.REMINDER_SECTOR_DIGEST_WEEKDAY = 1
    settings.REMINDER_MAX_RETRIES = 3
    settings.REMINDER_RETRY_BASE_DELAY = 1
    settings.REMINDER_RETRY_MAX_DELAY = 2
    settings.REMINDER_FAULT_PAUSE_AFTER_SEND = 0
    settings.SITE_URL = "https://planportal.example.no"
    return settings


def action_due(world: Any, due: date | None, **fields: Any) -> Any:
    """An action in the world's plan, due on *due*, for the home-care unit by default."""
    fields.setdefault("responsible_unit", world.home_care)
    fields.setdefault("title", "Øke bemanningen på kveldstid")
    return ActionFactory(goal=world.goal, due_date=due, **fields)
