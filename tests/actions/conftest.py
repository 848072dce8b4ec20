"""Fixtures for the action tests (the reminder fixtures live in reminder_helpers)."""

from tests.actions.reminder_helpers import (  # noqa: F401 - fixtures used by name
    eager_celery,
    reminder_settings,
    run_sweep,
    smtp_sink,
)
