"""Scheduled upkeep of the audit trail."""

from __future__ import annotations

from celery import shared_task

from planportal.audit import services


@shared_task(name="planportal.audit.tasks.prune_audit_events")
def prune_audit_events() -> int:
    """Remove audit events past the retention period (idempotent)."""
    return services.prune_audit_events()
