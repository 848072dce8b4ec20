"""Audit events: readable by the admins of their organisation, never changed."""

from __future__ import annotations

from typing import Any

from django.db import models

from planportal.access import get_access


class AuditEventQuerySet(models.QuerySet):
    """Scoped reads; updates and deletes are refused (retention uses its own service)."""

    def visible_to(self, user: Any) -> AuditEventQuerySet:
        """Events of the organisations the user administers (all of them for superusers)."""
        access = get_access(user)
        if access.everything:
            return self.all()
        return self.filter(organization_id__in=access.admin_org_ids)

    def update(self, **kwargs: Any) -> int:
        raise ValueError("Audit events are append-only and cannot be changed.")

    def delete(self) -> Any:
        raise ValueError("Audit events are removed only by the retention service.")
