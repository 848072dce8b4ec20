"""Audit events: readable by the admins of their organisation, never changed."""

from __future__ import annotations

from typing import Any

from django.db import models

from planportal.access import administered_q


class AuditEventQuerySet(models.QuerySet):
    """Scoped reads; updates and deletes are refused (retention uses its own service)."""

    def visible_to(self, user: Any) -> AuditEventQuerySet:
        """Events of the organisations the user administers (all of them for superusers)."""
        return self.filter(administered_q(user))

    def update(self, **kwargs: Any) -> int:
        raise ValueError("Audit events are append-only and cannot be changed.")

    def delete(self) -> Any:
        raise ValueError("Audit events are removed only by the retention service.")
