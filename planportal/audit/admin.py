"""The audit trail in the admin: read-only, scoped to the admin's organisations."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from planportal.admin_dates import SaneDateHierarchyMixin
from planportal.admin_forms import ReadOnlyAdmin
from planportal.audit.models import AuditEvent
from planportal.permissions import get_access


@admin.register(AuditEvent)
class AuditEventAdmin(SaneDateHierarchyMixin, ReadOnlyAdmin):
    """Nobody adds, edits or deletes events here; admins only read their kommune's."""

    list_display = ("occurred_at", "verb", "object_repr", "content_type", "actor", "actor_kind",
                    "organization", "origin")
    list_filter = ("verb", "actor_kind", "content_type", "organization")
    search_fields = ("object_repr", "object_id", "reference", "actor__username")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor", "organization", "content_type")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and get_access(request.user).administers_any
