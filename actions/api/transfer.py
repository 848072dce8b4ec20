"""API for moving plans in and out: import (with dry run), JSON/XLSX export, rullering.

``POST /api/v1/plans/import/`` (multipart), ``GET /api/v1/plans/{id}/export/``,
``GET /api/v1/plans/{id}/export-xlsx/`` and ``POST /api/v1/plans/{id}/roll-over/``.
The views stay thin: the importer, exporters and ``roll_over_plan`` do the work.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from actions.exporting.data import export_plan_data
from actions.exporting.workbook import export_plan_xlsx
from actions.importing.preview import PlanSpec
from actions.importing.readers import max_bytes
from actions.importing.service import ImportRefused, commit_import, preview_import
from actions.rollover import roll_over_plan
from actions.services import record_plan_export
from planportal.api.fields import VisiblePrimaryKeyField
from planportal.models import Organization
from planportal.permissions import sees_people
from strategies.models import Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JsonErrorsNegotiation(BaseContentNegotiation):
    """For the XLSX download: any Accept header is fine. The workbook is answered as
    bytes by the view itself; errors (404, 403) are JSON, like everywhere in the API."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: list[Any],
                        format_suffix: Any = None) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


class ImportRequestSerializer(serializers.Serializer):
    # An empty file reaches the importer, whose refusal is the same through every door.
    file = serializers.FileField(allow_empty_file=True,
                                 help_text="A .docx, .xlsx or .csv handlingsplan, or a "
                                           "Planportal JSON export.")
    organization = VisiblePrimaryKeyField(Organization)
    plan = VisiblePrimaryKeyField(Plan, required=False, allow_null=True,
                                  help_text="Import into this plan (else a new one, or the "
                                            "plan with the same title and start year).")
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    kind = serializers.ChoiceField(choices=Plan.Kind.choices, required=False,
                                   default=Plan.Kind.ACTION_PLAN)
    period_start = serializers.IntegerField(required=False, allow_null=True, min_value=1900,
                                            max_value=2200)
    period_end = serializers.IntegerField(required=False, allow_null=True, min_value=1900,
                                          max_value=2200)
    dry_run = serializers.BooleanField(required=False, default=False,
                                       help_text="Only say what would be imported.")


class ProblemSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["error", "warning"])
    table = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ImportAnswerSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    source = serializers.CharField()
    format = serializers.CharField()
    plan = serializers.DictField()
    counts = serializers.DictField()
    created = serializers.DictField(child=serializers.IntegerField())
    filled = serializers.IntegerField(
        help_text="Existing actions whose blank Ansvar or Tid the file filled in.")
    actions = serializers.ListField(
        child=serializers.DictField(),
        help_text="The plan's own tiltak (rows with no satsingsområde and no delmål).")
    focus_areas = serializers.ListField(
        child=serializers.DictField(),
        help_text="Each area with its own tiltak (rows with no delmål) and its goals with "
                  "theirs; every tiltak says its level (plan, focus_area or goal), table "
                  "and row.")
    problems = ProblemSerializer(many=True)


class RollOverSerializer(serializers.Serializer):
    period_start = serializers.IntegerField(min_value=1900, max_value=2200)
    period_end = serializers.IntegerField(min_value=1900, max_value=2200)
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    close_previous = serializers.BooleanField(required=False, default=True)


IMPORT_SCHEMA = extend_schema(
    summary="Import a handlingsplan",
    description=(
        "Reads a Word, Excel or CSV handlingsplan (or a Planportal JSON export). With "
        "dry_run it only answers what would be created and every problem by table, row and "
        "column. Otherwise it imports in one transaction; any error imports nothing (400). "
        "A tiltak lands on the lowest level its row gives: the delmål above it, else its "
        "satsingsområde, else the plan itself (a table with only Tiltak rows). "
        "Rows already in the plan (same focus area, goal and tiltak text) are not created "
        "again; where such an action has no Ansvar or no Tid and the file gives one, it is "
        "filled in (counts.actions.filled, and each action's fills), never overwritten. "
        "Organisation administrators only."
    ),
    request={"multipart/form-data": ImportRequestSerializer},
    responses={
        200: ImportAnswerSerializer,
        201: ImportAnswerSerializer,
        400: OpenApiResponse(description=(
            "Nothing was imported: either invalid fields (each named with the reason), or "
            "an import answer whose problems list every error by table, row and column.")),
    },
)
EXPORT_SCHEMA = extend_schema(
    summary="Export a plan as JSON",
    description="Every field, the unit tree, the people referred to, status history, "
                "indicators and measurements; each tiltak on its level (plan.actions, a focus "
                "area's actions, a goal's actions), the goals of higher plans each goal or "
                "tiltak contributes to (contributes_to) and the 'tolket' markers "
                "(plan.interpretations). Import it again with /plans/import/. Members of the "
                "plan's organisation only.",
    responses={200: OpenApiTypes.OBJECT},
)
EXPORT_XLSX_SCHEMA = extend_schema(
    summary="Export a plan as an Excel workbook",
    description="One row per tiltak in the importer's columns (Satsingsområde and Delmål "
                "blank where the tiltak hangs on its area or the plan itself). Members of the "
                "plan's organisation only.",
    responses={(200, XLSX): OpenApiTypes.BINARY},
)
ROLL_OVER_SCHEMA = extend_schema(
    summary="Roll a plan into its next period (rullering)",
    description="Creates the next version (a draft, same level) with the structure and every "
                "unfinished action on its level, each linked to its earlier self, with their "
                "links to higher plans and their 'tolket' markers. Completed and cancelled "
                "actions stay in this version, which becomes 'expired' unless close_previous "
                "is false.",
    request=RollOverSerializer,
    responses={201: OpenApiTypes.OBJECT},
)


def _read_upload(upload: Any) -> bytes:
    # Never read more than the limit (plus one byte, to know it was exceeded); the
    # refusal names the upload's real size (upload.size), not what was read.
    return upload.read(max_bytes() + 1)


def import_response(request: Request) -> Response:
    """Preview or import the uploaded file."""
    serializer = ImportRequestSerializer(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    upload = data["file"]
    spec = PlanSpec(plan=data.get("plan"), title=data.get("title") or "",
                    kind=data.get("kind") or Plan.Kind.ACTION_PLAN,
                    period_start=data.get("period_start"), period_end=data.get("period_end"))
    preview = preview_import(actor=request.user, organization=data["organization"],
                             content=_read_upload(upload), filename=upload.name, spec=spec,
                             size=upload.size)
    answer = {"dry_run": data["dry_run"], "created": {}, "filled": 0, **preview.as_dict()}
    if preview.errors:
        return Response(answer, status=400)
    if data["dry_run"]:
        return Response(answer, status=200)
    try:
        result = commit_import(actor=request.user, preview=preview)
    except ImportRefused as exc:
        answer["problems"] = [p.as_dict() for p in exc.problems]
        return Response(answer, status=400)
    answer["created"] = result.created
    answer["filled"] = result.filled
    # The commit may warn too (a JSON export's people who are left out).
    answer["problems"] = [p.as_dict() for p in preview.problems]
    answer["plan"] = {"id": result.plan.pk, "title": result.plan.title,
                      "exists": preview.plan_exists}
    return Response(answer, status=201)


def _exportable_plan(view: Any, pk: Any) -> Plan:
    plan = get_object_or_404(view.get_queryset().select_related("organization"), pk=pk)
    # The export names people; outside the organisation a public plan is read elsewhere.
    if not sees_people(view.request.user, plan.organization_id):
        raise PermissionDenied(_("Only members of the plan's organisation can export it."))
    return plan


def export_json_response(view: Any, pk: Any) -> Response:
    plan = _exportable_plan(view, pk)
    record_plan_export(actor=view.request.user, plan=plan, kind="json")
    response = Response(export_plan_data(plan))
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan)}.json"'
    return response


def export_xlsx_response(view: Any, pk: Any) -> HttpResponse:
    plan = _exportable_plan(view, pk)
    record_plan_export(actor=view.request.user, plan=plan, kind="xlsx")
    response = HttpResponse(export_plan_xlsx(plan), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan)}.xlsx"'
    return response


def roll_over_response(view: Any, request: Request, pk: Any) -> Response:
    plan = get_object_or_404(view.get_queryset(), pk=pk)
    serializer = RollOverSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    new_plan = roll_over_plan(actor=request.user, plan=plan, **serializer.validated_data)
    return Response(view.get_serializer(view.get_queryset().get(pk=new_plan.pk)).data,
                    status=201)


def _filename(plan: Plan) -> str:
    return slugify(plan.title) or f"plan-{plan.pk}"
