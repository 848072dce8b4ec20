"""``GET /api/v1/plans/{id}/progress/``: the report's data as JSON (same as the other formats)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from actions.api import plans as plan_views
from planportal.api.schema import ALLOW_EMPTY
from planportal.permissions import sees_people
from reports.api_schema import ProgressReportSerializer
from reports.forms import ReportParamsForm
from reports.progress import compute_progress

PROGRESS_SCHEMA = extend_schema(
    summary="Progress report of a plan",
    description=(
        "For the whole plan, its plan-wide actions, each focus area (its own actions and "
        "its goals') and each goal: actions by status, % completed (of actions not cancelled), "
        "overdue and unassigned counts, average progress; indicators with baseline, target, "
        "latest measurement and assessment (reached, on_track, off_track, unknown); overdue "
        "and at-risk actions; and what changed since the previous report. Person names are "
        "left out for readers outside the plan's organisation."
    ),
    parameters=[
        # Every parameter may be sent empty, meaning "not given", as the report page's
        # own form sends a field left blank (ReportParamsForm, shared with the page).
        OpenApiParameter("as_of", OpenApiTypes.DATE, extensions=ALLOW_EMPTY,
                         description="Report date (default today), 1900-01-01 to 2199-12-31."),
        OpenApiParameter("since", OpenApiTypes.DATE, extensions=ALLOW_EMPTY,
                         description="Start of 'since the previous report' (default: the "
                                     "previous snapshot, else the end of the last tertial)."),
        OpenApiParameter("focus_area", OpenApiTypes.INT, extensions=ALLOW_EMPTY,
                         description="Narrow to one focus area of the plan."),
        OpenApiParameter("unit", OpenApiTypes.INT, extensions=ALLOW_EMPTY,
                         description="Narrow to actions whose responsible unit is in this "
                                     "unit's subtree."),
        OpenApiParameter("actions", OpenApiTypes.STR, enum=["all"], extensions=ALLOW_EMPTY,
                         description="'all' adds every action of the report's scope."),
        OpenApiParameter("contributions", OpenApiTypes.STR, enum=["include"],
                         extensions=ALLOW_EMPTY,
                         description="'include' adds, per goal, the progress of the goals "
                                     "and actions of lower plans that contribute to it."),
    ],
    responses={200: ProgressReportSerializer},
)


def progress_response(view: Any, request: Request, pk: Any) -> Response:
    """The plan's progress data; the plan must be visible to the user (404 otherwise).

    DRF's ``get_object_or_404`` also turns a malformed id ("null,null") into a 404.
    """
    plan = get_object_or_404(view.get_queryset().select_related("organization"), pk=pk)
    params = request.query_params
    form = ReportParamsForm(params or None, plan=plan)
    if params and not form.is_valid():
        raise serializers.ValidationError(
            {name: list(messages) for name, messages in form.errors.items()}
        )
    kwargs = form.report_kwargs() if params else {}
    public = not sees_people(request.user, plan.organization_id)
    return Response(compute_progress(plan, public=public, **kwargs))


# The plans endpoint as served: strategies' CRUD, actions' import/export/roll-over and the
# progress report. No docstring: the schema's description is the base class's.
class PlanViewSet(plan_views.PlanViewSet):
    @PROGRESS_SCHEMA
    @action(detail=True, methods=["get"], url_path="progress", filter_backends=[],
            pagination_class=None)
    def progress(self, request: Any, pk: Any = None) -> Any:
        """The plan's progress report as JSON (reports app)."""
        return progress_response(self, request, pk)
