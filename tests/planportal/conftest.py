"""The reminder fixtures, for the retention tests that sweep real reminders."""

from tests.actions.reminder_helpers import (  # noqa: F401 - fixtures used by name
    eager_celery,
    reminder_settings,
    run_sweep,
)
