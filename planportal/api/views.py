"""Read-only API views: units and the signed-in user (the UN goals are in strategies.api)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planportal.api.caching import NoStoreMixin
from planportal.api.filters import FilterSet, IdFilter
from planportal.api.serializers import (
    MeSerializer,
    PreferencesSerializer,
    UnitSerializer,
)
from planportal.api.viewsets import ScopedViewSet
from planportal.models import Membership, Unit
from planportal.services import update_preferences


class UnitFilterSet(FilterSet):
    organization = IdFilter(field_name="organization_id")
    parent = IdFilter(field_name="parent_id")
    subtree_of = IdFilter(method="filter_subtree", label="a unit and all below it")

    class Meta:
        model = Unit
        fields = {"kind": ["exact"]}

    def filter_subtree(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        path = Unit.objects.path_of(value)
        return queryset.filter(path__startswith=path) if path else queryset.none()


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The unit trees of the user's own kommuner."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["path", "name", "id"]
    ordering = ["path"]

    def get_queryset(self) -> QuerySet:
        return self.scoped(Unit.objects.all())


class PersonalDataView(NoStoreMixin, APIView):
    """Everything Planportal holds about you, as JSON (GDPR art. 15 and 20); never cached."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        from planportal.privacy import export_personal_data

        data = export_personal_data(actor=request.user, user=request.user)
        response = Response(data)
        response["Content-Disposition"] = (
            'attachment; filename="planportal-personopplysninger.json"')
        return response


class MeView(NoStoreMixin, APIView):
    """The signed-in user, with memberships and roles; PATCH changes their preferences.

    Never cached: the answer holds the user's name, e-mail and roles.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PreferencesSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update_preferences(actor=request.user, user=request.user, **serializer.validated_data)
        return self.get(request)

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        # The model class, not type(request.user): a session's user is a lazy wrapper.
        user = get_user_model().objects.prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
        ).get(pk=request.user.pk)
        return Response(MeSerializer(user).data)
