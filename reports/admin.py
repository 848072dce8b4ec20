"""Admin: snapshots and the delivery log read-only; subscriptions edited through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from planportal.admin_forms import ServiceAdmin, ServiceForm
from reports import services
from reports.models import ReportDelivery, ReportSnapshot, ReportSubscription


class ReadOnlyAdmin(ServiceAdmin):
    """Rows written by services and tasks only; the admin shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(ReadOnlyAdmin):
    organization_lookup = "plan__organization_id"
    list_display = ["plan", "period_label", "period_end", "status", "pdf_pages", "created_at"]
    list_filter = ["status", "frequency"]
    list_select_related = ["plan"]
    search_fields = ["plan__title", "period_label"]
    exclude = ["data"]
    readonly_fields = ["pdf_link"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The autocomplete of a delivery's snapshot labels each one with its plan.
        return super().get_queryset(request).select_related("plan")

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: ReportSnapshot) -> str:
        if obj.status != ReportSnapshot.Status.READY:
            return "–"
        from django.urls import reverse

        url = reverse("reports:snapshot-download", args=[obj.plan_id, obj.pk, "pdf"])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyAdmin):
    organization_lookup = "subscription__plan__organization_id"
    list_display = ["email", "period_key", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    list_select_related = ["subscription"]
    search_fields = ["email"]


class ReportSubscriptionForm(ServiceForm):
    class Meta:
        model = ReportSubscription
        fields = ["plan", "email", "name", "frequency", "language", "starts_on", "is_active"]

    def call_service(self, actor: Any, original: ReportSubscription | None,
                     data: dict[str, Any]) -> ReportSubscription:
        if original is None:
            return services.create_subscription(actor=actor, **data)
        plan = data.pop("plan")
        if plan != original.plan:
            from django.core.exceptions import ValidationError

            raise ValidationError({"plan": _("A recipient cannot be moved to another plan; "
                                             "add a new one instead.")})
        return services.update_subscription(actor=actor, subscription=original, **data)


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ServiceAdmin):
    form = ReportSubscriptionForm
    organization_lookup = "plan__organization_id"
    list_display = ["email", "name", "plan", "frequency", "is_active", "starts_on"]
    list_filter = ["frequency", "is_active"]
    list_select_related = ["plan"]
    search_fields = ["email", "name", "plan__title"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "plan":
            field.queryset = field.queryset.manageable_by(request.user)
        return field
