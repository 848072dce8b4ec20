"""API viewsets for actions (with transitions) and the append-only status history."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action as transition
from rest_framework.request import Request
from rest_framework.response import Response

from actions import services
from actions.api.serializers import (
    ActionSerializer,
    ActionUpdateSerializer,
    ActionWriteSerializer,
    AssignSerializer,
    EvaluateSerializer,
    StatusUpdateCreateSerializer,
    StatusUpdateInputSerializer,
    StatusUpdateSerializer,
    placement_change,
)
from actions.filtersets import ActionFilterSet, StatusUpdateFilterSet
from actions.models import Action, StatusUpdate
from actions.read_model import PEOPLE, action_row
from planportal.api.concurrency import run_versioned, with_etag
from planportal.api.pagination import KeyPagePagination
from planportal.api.serializers import hide_people_from
from planportal.api.viewsets import ScopedViewSet
from planportal.permissions import deny, get_access
from strategies.models import Goal

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description='The ETag of the version you read, e.g. "3". Or send "version" in the body.',
)
VERSIONED_ERRORS = {
    400: OpenApiResponse(description="Invalid input; the body names each field and why."),
    403: OpenApiResponse(description="Visible to you, but you may not change it."),
    404: OpenApiResponse(description="No such action, or not visible to you."),
    409: OpenApiResponse(description="The body's version is stale; current_version says which."),
    412: OpenApiResponse(description="The If-Match version is stale; the ETag is the current."),
    428: OpenApiResponse(description="Neither If-Match nor version was sent."),
}


class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Actions (tiltak). Writes go through the services and carry the version."""

    filterset_class = ActionFilterSet
    pagination_class = KeyPagePagination
    ordering_fields = ["due_date", "status", "progress", "title", "order", "updated_at", "id"]
    # Grouped as the plan groups them, with no join: per plan its plan-wide tiltak first,
    # then per focus area the area's own before its goals' (ids, not the areas' order).
    ordering = ["plan_id", F("focus_area_id").asc(nulls_first=True),
                F("goal_id").asc(nulls_first=True), "order", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        actions = self.scoped(Action.objects.all())
        if getattr(self, "action", None) == "list":
            return actions  # only the page's keys come from here; list() reads the rows
        # The object a write acts on; what is answered is read afresh (_answer).
        return actions.for_api()

    def _document(self, row: dict[str, Any], zone: Any) -> dict[str, Any]:
        """A read-model row as this reader may see it (people hidden outside the kommune)."""
        return hide_people_from(action_row(row, zone), self.request, *PEOPLE,
                                organization_id=row["plan__organization_id"])

    def _readable(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows with only the contributed-to goals this reader may read (a public
        tiltak may contribute to a goal of a plan that is not public): one query."""
        linked = {pk for row in rows for pk in row["contributes_to_ids"]}
        if linked:
            seen = set(Goal.objects.visible_to(self.request.user).filter(pk__in=linked)
                       .values_list("pk", flat=True))
            for row in rows:
                row["contributes_to_ids"] = [pk for pk in row["contributes_to_ids"]
                                             if pk in seen]
        return rows

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Two queries: the page's keys with the total, then their rows (with the
        # contributing units) as plain values. Filters and ordering apply to the first.
        pks = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        zone = timezone.get_current_timezone()
        return self.get_paginated_response([
            self._document(row, zone) for row in self._readable(Action.objects.api_rows(pks))])

    def get_serializer_class(self) -> Any:
        return {
            "create": ActionWriteSerializer,
            "update": ActionUpdateSerializer,
            "partial_update": ActionUpdateSerializer,
            "assign": AssignSerializer,
            "status_updates": StatusUpdateInputSerializer,
            "evaluate": EvaluateSerializer,
        }.get(self.action, ActionSerializer)

    def _answer(self, action: Action, code: int = status.HTTP_200_OK) -> Response:
        # The same read model as the list, for this one action.
        row = Action.objects.api_row(action.pk)
        if row is None:
            raise Http404
        self._readable([row])
        document = self._document(row, timezone.get_current_timezone())
        return with_etag(Response(document, status=code), row["version"])

    def _input(self, request: Request, **kwargs: Any) -> dict[str, Any]:
        serializer = self.get_serializer(data=request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return data

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._answer(self.get_object())

    @extend_schema(request=ActionWriteSerializer, responses={201: ActionSerializer})
    def create(self, request: Request) -> Response:
        access = get_access(request.user)
        if not access.writes_actions_anywhere:
            raise deny(_("You cannot create actions for this unit."))
        data = self._input(request)
        targets = data.pop("contributes_to", None)
        with transaction.atomic():  # a refused contribution creates no action
            action = services.create_action(actor=request.user, **data)
            if targets:
                services.set_action_contributions(actor=request.user, action=action,
                                                  targets=targets)
        return self._answer(action, status.HTTP_201_CREATED)

    @extend_schema(request=ActionUpdateSerializer, parameters=[IF_MATCH],
                   responses={200: ActionSerializer, **VERSIONED_ERRORS})
    def update(self, request: Request, *args: Any, partial: bool = False, **kwargs: Any) -> Any:
        action = self.get_object()
        # Before the body is read: a reader hears 403, not field errors.
        services.require_permitted(request.user, action, "manage",
                                   _("You cannot edit this action."))
        data = self._input(request, partial=partial)
        placement = placement_change(data, action)
        targets = data.pop("contributes_to", None)

        def write(version: int) -> None:
            # A move, an edit and the contributions in one request: one transaction.
            with transaction.atomic():
                if placement is not None:
                    services.move_action(actor=request.user, action=action,
                                         expected_version=version, **placement)
                    version = action.version
                if data or placement is None:
                    services.update_action(actor=request.user, action=action,
                                           expected_version=version, **data)
                if targets is not None:
                    services.set_action_contributions(actor=request.user, action=action,
                                                      targets=targets)

        run_versioned(request, action.version, write)
        return self._answer(action)

    @extend_schema(request=ActionUpdateSerializer, parameters=[IF_MATCH],
                   responses={200: ActionSerializer, **VERSIONED_ERRORS})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=AssignSerializer, parameters=[IF_MATCH],
                   responses={200: ActionSerializer, **VERSIONED_ERRORS})
    @transition(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Set the responsible unit and person, the deadline and the period text."""
        action = self.get_object()
        # Before the body is read: a reader hears 403, not field errors.
        services.require_permitted(request.user, action, "manage",
                                   _("You cannot assign this action."))
        data = self._input(request)
        run_versioned(request, action.version, lambda version: services.assign_action(
            actor=request.user, action=action, expected_version=version, **data))
        return self._answer(action)

    @extend_schema(request=StatusUpdateInputSerializer, parameters=[IF_MATCH],
                   responses={201: ActionSerializer, **VERSIONED_ERRORS})
    @transition(detail=True, methods=["post"], url_path="status-updates")
    def status_updates(self, request: Request, pk: str | None = None) -> Response:
        """Post a status update; it becomes the action's current status and progress."""
        action = self.get_object()
        # Before the body is read: a reader hears 403, not field errors.
        services.require_permitted(request.user, action, "report",
                                   _("You cannot post status updates on this action."))
        data = self._input(request)
        run_versioned(request, action.version, lambda version: services.post_status_update(
            actor=request.user, action=action, expected_version=version, **data))
        return self._answer(action, status.HTTP_201_CREATED)

    @extend_schema(request=EvaluateSerializer, parameters=[IF_MATCH],
                   responses={200: ActionSerializer, **VERSIONED_ERRORS})
    @transition(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: str | None = None) -> Response:
        """Write the final evaluation of a completed or cancelled action."""
        action = self.get_object()
        # Before the body is read: a reader hears 403, not field errors.
        services.require_permitted(request.user, action, "report",
                                   _("You cannot evaluate this action."))
        data = self._input(request)
        run_versioned(request, action.version, lambda version: services.evaluate_action(
            actor=request.user, action=action, expected_version=version, **data))
        return self._answer(action)


class StatusUpdateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The status history: list, read and append. Never edited or deleted."""

    filterset_class = StatusUpdateFilterSet
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return self.scoped(StatusUpdate.objects.select_related("author")).annotate(
            plan_organization_id=F("action__plan__organization_id"))

    def get_serializer_class(self) -> Any:
        return StatusUpdateCreateSerializer if self.action == "create" else StatusUpdateSerializer

    @extend_schema(request=StatusUpdateCreateSerializer,
                   responses={201: StatusUpdateSerializer, **VERSIONED_ERRORS})
    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        action = data.pop("action")
        update = run_versioned(request, action.version, lambda version: (
            services.post_status_update(actor=request.user, action=action,
                                        expected_version=version, **data)))
        fresh = self.get_queryset().get(pk=update.pk)
        return Response(StatusUpdateSerializer(fresh, context=self.get_serializer_context())
                        .data, status=status.HTTP_201_CREATED)
