"""``/api/v1/reporting-rounds/``: reporting rounds and their returns, through the services.

- rounds: list, read, open (``POST``, the kommune's administrators) and close
  (``POST …/{id}/close/``, after the period, freezing the report:
  ``reports.round_services.close_round``);
- returns: ``…/{round_id}/returns/`` list (filters ``unit`` subtree, ``state``,
  ``person``) and read; ``…/returns/{id}/save/`` (draft), ``submit/``, ``approve/`` and
  ``send-back/``.

Every write carries the version it saw (``If-Match`` or ``version`` in the body, as the
actions API: ``planportal.api.concurrency``) and answers with the object and its ETag.
What one may not see is a 404; what one sees but may not do, a 403, before any field
error. Lists run a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action as transition
from rest_framework.request import Request
from rest_framework.response import Response

from actions import rounds
from actions.models import ReportingReturn, ReportingRound
from planportal.api.concurrency import run_versioned, with_etag
from planportal.api.viewsets import ScopedViewSet
from planportal.models import Organization
from planportal.permissions import deny, get_access
from reports.progress import reading_order
from reports.round_filtersets import ReturnFilterSet, RoundFilterSet
from reports.round_serializers import (
    ReportingReturnSerializer,
    ReportingRoundSerializer,
    ReturnApproveSerializer,
    ReturnDraftSerializer,
    ReturnSendBackSerializer,
    ReturnSubmitSerializer,
    RoundCloseSerializer,
    RoundCreateSerializer,
    return_fields,
)
from strategies.models import Plan

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description='The ETag of the version you read, e.g. "3". Or send "version" in the body.',
)
ROUND_ID = OpenApiParameter("round_pk", OpenApiTypes.INT, OpenApiParameter.PATH,
                            description="The reporting round's id.")


def _versioned_errors(thing: str) -> dict[int, OpenApiResponse]:
    return {
        400: OpenApiResponse(description="Invalid input; the body names each field and why."),
        403: OpenApiResponse(description=f"The {thing} is visible to you, but you may not "
                                         "do this."),
        404: OpenApiResponse(description=f"No such {thing}, or not visible to you."),
        409: OpenApiResponse(description="The body's version is stale; current_version says "
                                         "which."),
        412: OpenApiResponse(description="The If-Match version is stale; the ETag is the "
                                         "current."),
        428: OpenApiResponse(description="Neither If-Match nor version was sent."),
    }


class _Writes:
    """Input checked by a serializer, the version by ``run_versioned``."""

    request: Request

    def _input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data,
                                      context={"request": self.request, "view": self})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="Reporting rounds",
                       description="The rounds of your kommune(s), newest period first: "
                                   "a reader sees only the closed ones (and an open one "
                                   "in which they report on a tiltak)."),
    retrieve=extend_schema(summary="One reporting round",
                           responses={200: ReportingRoundSerializer,
                                      404: OpenApiResponse(description="No such round, or "
                                                                       "not visible to you.")}),
)
class ReportingRoundViewSet(_Writes, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            ScopedViewSet):
    """Reporting rounds (rapporteringsrunder): opened and closed by the kommune's
    administrators; read while open by its staff (administrators, sector leaders, unit
    managers) and the people reporting in them, and once closed by every member."""

    serializer_class = ReportingRoundSerializer
    filterset_class = RoundFilterSet
    ordering_fields = ["period_end", "deadline", "opened_at", "id"]
    ordering = ["-period_end", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return self.scoped(ReportingRound.objects.all()).prefetch_related(
            Prefetch("plans", queryset=Plan.objects.only("pk")))

    def get_serializer_class(self) -> Any:
        return {"create": RoundCreateSerializer,
                "close": RoundCloseSerializer}.get(self.action, ReportingRoundSerializer)

    def _answer(self, round_: ReportingRound, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=round_.pk).first()
        if fresh is None:
            raise Http404
        data = ReportingRoundSerializer(fresh, context=self.get_serializer_context()).data
        return with_etag(Response(data, status=code), fresh.version)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        round_ = self.get_object()
        data = ReportingRoundSerializer(round_, context=self.get_serializer_context()).data
        return with_etag(Response(data), round_.version)

    @extend_schema(summary="Open a reporting round", request=RoundCreateSerializer,
                   responses={201: ReportingRoundSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access = get_access(request.user)
        # Before the body is read: whoever may not open rounds hears 403, not field errors.
        if not access.administers_any:
            raise deny(_("Only an administrator of the organisation can open reporting "
                         "rounds."))
        data = self._input(RoundCreateSerializer)
        plans = data.get("plans")
        organization = data.get("organization") or _organization_of(request, plans)
        round_ = rounds.open_round(
            actor=request.user, organization=organization, frequency=data["frequency"],
            period_key=data["period_key"], deadline=data["deadline"], plans=plans)
        return self._answer(round_, status.HTTP_201_CREATED)

    @extend_schema(summary="Close a reporting round and freeze its report",
                   description="Only once the period has ended. Freezes one report per plan "
                               "with the approved returns and the assessments, and records "
                               "the case number, the committee and the meeting date.",
                   request=RoundCloseSerializer, parameters=[IF_MATCH],
                   responses={200: ReportingRoundSerializer, **_versioned_errors("round")})
    @transition(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        round_ = self.get_object()
        if not ReportingRound.objects.permitted(request.user, "manage").filter(
                pk=round_.pk).exists():
            raise deny(_("Only an administrator of the organisation can close reporting "
                         "rounds."))
        data = self._input(RoundCloseSerializer)
        # Written by reports (the report is frozen in the same transaction as the close).
        from reports import round_services

        run_versioned(request, round_.version, lambda version: round_services.close_round(
            actor=request.user, round=round_, expected_version=version,
            case_number=data["case_number"], committee=data["committee"],
            meeting_date=data["meeting_date"]))
        return self._answer(round_)


def _organization_of(request: Request, plans: list[Plan] | None) -> Any:
    """The kommune of a round whose body does not name it: the plans', or the one kommune
    the caller administers."""
    if plans:
        return plans[0].organization
    administered = sorted(get_access(request.user).admin_org_ids)
    if len(administered) != 1:
        raise serializers.ValidationError(
            {"organization": [_("Choose the organisation of the round.")]})
    return Organization.objects.get(pk=administered[0])


RETURN_ERRORS = _versioned_errors("return")


@extend_schema_view(
    list=extend_schema(summary="The returns of a reporting round",
                       description="The returns you may read: your own and those of the "
                                   "units you manage or lead; in a closed round every "
                                   "approved one. 404 if the round is not visible to you.",
                       parameters=[ROUND_ID]),
    retrieve=extend_schema(summary="One return", parameters=[ROUND_ID],
                           responses={200: ReportingReturnSerializer,
                                      404: OpenApiResponse(description="No such return, or "
                                                                       "not visible to you.")}),
)
class ReportingReturnViewSet(_Writes, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             ScopedViewSet):
    """The returns (rapporter) of one round: written by the person responsible or their
    unit manager, reviewed by the sector leader of the unit's sector."""

    serializer_class = ReportingReturnSerializer
    filterset_class = ReturnFilterSet
    ordering_fields = ["state", "submitted_at", "reviewed_at", "id"]
    # The plan's reading order: plan-wide tiltak first, an area's own before its goals'.
    ordering = list(reading_order("action__"))
    http_method_names = ["get", "post", "head", "options"]

    def _round_id(self) -> int:
        value = str(self.kwargs.get("round_pk", ""))
        if not value.isdigit() or int(value) > 2**63 - 1:
            raise Http404
        return int(value)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # the schema generator's dry run
            return ReportingReturn.objects.none()
        return (self.scoped(ReportingReturn.objects.all())
                .filter(round_id=self._round_id())
                .select_related("round", "action__focus_area",
                                "action__responsible_unit", "action__responsible_person"))

    def get_serializer_class(self) -> Any:
        return {"save": ReturnDraftSerializer, "submit": ReturnSubmitSerializer,
                "approve": ReturnApproveSerializer,
                "send_back": ReturnSendBackSerializer}.get(self.action, ReportingReturnSerializer)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not ReportingRound.objects.visible_to(request.user).filter(
                pk=self._round_id()).exists():
            raise Http404
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ret = self.get_object()
        return with_etag(Response(self._render(ret)), ret.version)

    def _render(self, ret: ReportingReturn) -> dict[str, Any]:
        return ReportingReturnSerializer(ret, context=self.get_serializer_context()).data

    def _answer(self, ret: ReportingReturn) -> Response:
        fresh = self.get_queryset().filter(pk=ret.pk).first()
        if fresh is None:
            raise Http404
        return with_etag(Response(self._render(fresh)), fresh.version)

    def _may(self, ret: ReportingReturn, verb: str, message: str) -> None:
        # Before the body is read: a reader hears 403, not field errors.
        if not ReportingReturn.objects.permitted(self.request.user, verb).filter(
                pk=ret.pk).exists():
            raise deny(message)

    def _report(self, serializer_class: type[serializers.Serializer], service: Any
                ) -> Response:
        ret = self.get_object()
        self._may(ret, "report", _("You cannot report on this action."))
        fields = return_fields(self._input(serializer_class))
        run_versioned(self.request, ret.version, lambda version: service(
            actor=self.request.user, ret=ret, expected_version=version, **fields))
        return self._answer(ret)

    @extend_schema(summary="Save a draft of the return", request=ReturnDraftSerializer,
                   parameters=[ROUND_ID, IF_MATCH],
                   responses={200: ReportingReturnSerializer, **RETURN_ERRORS})
    @transition(detail=True, methods=["post"])
    def save(self, request: Request, round_pk: str | None = None,
             pk: str | None = None) -> Response:
        """Keep what is written so far; nothing is posted yet."""
        return self._report(ReturnDraftSerializer, rounds.save_return)

    @extend_schema(summary="Submit the return for review", request=ReturnSubmitSerializer,
                   parameters=[ROUND_ID, IF_MATCH],
                   responses={200: ReportingReturnSerializer, **RETURN_ERRORS})
    @transition(detail=True, methods=["post"])
    def submit(self, request: Request, round_pk: str | None = None,
               pk: str | None = None) -> Response:
        """Submit the return; its status update is posted on the action at once."""
        return self._report(ReturnSubmitSerializer, rounds.submit_return)

    @extend_schema(summary="Approve a submitted return", request=ReturnApproveSerializer,
                   parameters=[ROUND_ID, IF_MATCH],
                   responses={200: ReportingReturnSerializer, **RETURN_ERRORS})
    @transition(detail=True, methods=["post"])
    def approve(self, request: Request, round_pk: str | None = None,
                pk: str | None = None) -> Response:
        """Approve the return: its text may now reach the round's report."""
        ret = self.get_object()
        self._may(ret, "review", _("Only the sector leader of the unit's sector can approve "
                                   "this return."))
        self._input(ReturnApproveSerializer)
        run_versioned(request, ret.version, lambda version: rounds.approve_return(
            actor=request.user, ret=ret, expected_version=version))
        return self._answer(ret)

    @extend_schema(summary="Send a submitted return back with a comment",
                   request=ReturnSendBackSerializer, parameters=[ROUND_ID, IF_MATCH],
                   responses={200: ReportingReturnSerializer, **RETURN_ERRORS})
    @transition(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, round_pk: str | None = None,
                  pk: str | None = None) -> Response:
        """Send the return back; the person is told and submits again."""
        ret = self.get_object()
        self._may(ret, "review", _("Only the sector leader of the unit's sector can send "
                                   "this return back."))
        data = self._input(ReturnSendBackSerializer)
        run_versioned(request, ret.version, lambda version: rounds.send_back_return(
            actor=request.user, ret=ret, expected_version=version, comment=data["comment"]))
        return self._answer(ret)
