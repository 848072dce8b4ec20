"""Audit tests start from an empty trail (the world fixture's own set-up is audited)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from planportal.audit.services import prune_audit_events
from tests.actions.reminder_helpers import eager_celery  # noqa: F401 - fixture used by name


def clear_trail() -> None:
    """Empty the trail the only way the trail allows: retention, with time moved ahead."""
    from django.conf import settings

    prune_audit_events(now=timezone.now() + timedelta(days=settings.AUDIT_RETENTION_DAYS + 1))


@pytest.fixture(autouse=True)
def empty_trail(db):
    clear_trail()
