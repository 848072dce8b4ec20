"""GET /api/v1/audit-events/: the trail for admins, filtered; never written through."""

from __future__ import annotations

import django_filters as filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from planportal.api.filters import FilterSet, IdFilter, IsoDateTimeFilter
from planportal.api.viewsets import ScopedViewSet
from planportal.audit.models import AuditEvent
from planportal.permissions import get_access


class AuditEventSerializer(serializers.ModelSerializer):
    """One event; the object is named by type (``app.model``) and id."""

    object_type = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "occurred_at", "actor", "actor_kind", "organization", "object_type",
                  "object_id", "object_repr", "verb", "changes", "origin", "reference"]
        read_only_fields = fields

    def get_object_type(self, event: AuditEvent) -> str:
        content_type = ContentType.objects.get_for_id(event.content_type_id)  # cached
        return f"{content_type.app_label}.{content_type.model}"


class AuditEventFilterSet(FilterSet):
    """Filters by object (``object_type`` + ``object_id``), actor, verb and time range."""

    object_type = filters.CharFilter(method="filter_object_type",
                                     label='object type as "app.model", e.g. actions.action')
    object_id = filters.CharFilter(field_name="object_id")
    actor = IdFilter(field_name="actor_id")
    organization = IdFilter(field_name="organization_id")
    verb = filters.MultipleChoiceFilter(choices=AuditEvent.Verb.choices, distinct=False)
    actor_kind = filters.MultipleChoiceFilter(choices=AuditEvent.ActorKind.choices,
                                              distinct=False)
    occurred_after = IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")
    reference = filters.CharFilter(field_name="reference")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_object_type(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        app_label, _dot, model = value.lower().partition(".")
        try:
            content_type = ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            raise ValidationError(
                {"object_type": [_('Unknown object type "%(value)s"; use app.model, e.g. '
                                   'actions.action.') % {"value": value}]}
            ) from None
        return queryset.filter(content_type=content_type)


class IsOrganizationAdmin(BasePermission):
    """Only superusers and organisation admins read the trail."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return get_access(request.user).administers_any


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The audit trail of the organisations you administer. Read-only."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    permission_classes = [IsAuthenticated, IsOrganizationAdmin]
    ordering_fields = ["occurred_at", "id"]
    ordering = ["-occurred_at", "-id"]
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return self.scoped(AuditEvent.objects.all())
