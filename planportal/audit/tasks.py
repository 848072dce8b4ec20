"""Scheduled upkeep of the audit trail."""

from __future__ import annotations

from celery import shared_task

from planportal.audit import services


@shared_task(name="planportal.audit.tasks.prune_audit_events")
def prune_audit_events() -> int:
    """Remove audit events past the retention period (idempotent)."""
    return services.prune_audit_events()


@shared_task(name="planportal.audit.tasks.prune_delivery_logs")
def prune_delivery_logs() -> dict[str, int]:
    """Remove finished delivery-log rows past the retention period (idempotent)."""
    from planportal.retention import prune_delivery_logs as prune

    return prune()
