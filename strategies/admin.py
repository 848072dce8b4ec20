"""Admin for the plan hierarchy: plan → focus areas → goals, with links.

The parts that need actions (the goal's actions, import, rullering) are added by
``actions.admin_plans``, which extends these admins: this app never imports actions.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from planportal.admin_forms import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdmin,
    ServiceForm,
    add_link,
    admin_link,
)
from planportal.models import Membership, Organization, Unit, User
from planportal.permissions import get_access, responsible_membership_q
from strategies import services
from strategies.models import (
    FocusArea,
    Goal,
    Indicator,
    Measurement,
    Plan,
    SustainableDevelopmentGoal,
)


class PlanForm(ServiceForm):
    class Meta:
        model = Plan
        fields = [
            "organization", "title", "kind", "status", "period_start", "period_end",
            "adopted_on", "adopted_by", "vision", "description", "owner_unit",
            "revision_interval_years", "next_revision_on", "is_public", "parent",
            "previous_version",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.organization_id:
            # Owner unit and related plans come from the plan's own kommune.
            for name in ("owner_unit", "parent", "previous_version"):
                if name in self.fields:
                    field = self.fields[name]
                    field.queryset = field.queryset.filter(
                        organization_id=self.instance.organization_id
                    ).exclude(**({"pk": self.instance.pk} if name != "owner_unit" else {}))

    def call_service(self, actor: Any, original: Plan | None, data: dict[str, Any]) -> Plan:
        if original is None:
            return services.create_plan(actor=actor, **data)
        # Read-only on the change page, so absent from the form's data: a plan stays put.
        data.pop("organization", None)
        return services.update_plan(actor=actor, plan=original, **data)


class FocusAreaInline(ReadOnlyInline):
    model = FocusArea
    fields = ["code", "title", "goal_count"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(goal_total=Count("goals"))

    @admin.display(description=_("goals"))
    def goal_count(self, focus_area: FocusArea) -> int:
        return focus_area.goal_total


@admin.register(Plan)
class PlanAdmin(ServiceAdmin):
    form = PlanForm
    list_display = ["title", "organization", "kind", "period", "status", "is_public"]
    list_filter = ["organization", "kind", "status", "is_public"]
    search_fields = ["title", "description", "adopted_by"]
    list_select_related = ["organization"]
    inlines = [FocusAreaInline]
    readonly_fields = ["add_focus_area"]
    fieldsets = [
        (None, {"fields": ["organization", "title", "kind", "status", "owner_unit",
                           "is_public"]}),
        (_("Period and adoption"), {"fields": [("period_start", "period_end"),
                                              ("adopted_on", "adopted_by"),
                                              ("revision_interval_years", "next_revision_on")]}),
        (_("Content"), {"fields": ["vision", "description"]}),
        (_("Related plans"), {"fields": ["parent", "previous_version"]}),
        (_("Focus areas"), {"fields": ["add_focus_area"]}),
    ]

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, plan: Plan) -> str:
        return plan.period_label

    @admin.display(description=_("new focus area"))
    def add_focus_area(self, plan: Plan) -> str:
        if plan.pk is None:
            return "–"
        return add_link(FocusArea, _("Add a focus area to this plan"), plan=plan.pk)

    def get_readonly_fields(self, request: HttpRequest, obj: Plan | None = None) -> Any:
        return ["organization", "add_focus_area"] if obj else ["add_focus_area"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        access = get_access(request.user)
        if db_field.name == "organization" and not access.everything:
            # create_plan decides; the choices only spare the admin kommuner he cannot use.
            kwargs["queryset"] = Organization.objects.administered_by(request.user)
        elif db_field.name == "owner_unit":
            kwargs["queryset"] = Unit.objects.visible_to(request.user)
        elif db_field.name in ("parent", "previous_version"):
            kwargs["queryset"] = self.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FocusAreaForm(ServiceForm):
    class Meta:
        model = FocusArea
        fields = ["plan", "order", "code", "title", "description", "current_state", "vision",
                  "sdgs", "lead_units", "partners"]

    def call_service(self, actor: Any, original: FocusArea | None, data: dict[str, Any]) -> Any:
        data["sdg_numbers"] = [sdg.number for sdg in data.pop("sdgs")]
        data["lead_units"] = list(data["lead_units"])
        if original is None:
            return services.create_focus_area(actor=actor, **data)
        data.pop("plan", None)  # not on the change page: a focus area stays in its plan
        return services.update_focus_area(actor=actor, focus_area=original, **data)


class GoalInline(ReadOnlyInline):
    model = Goal
    fields = ["code", "title", "action_count"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(action_total=Count("actions"))

    @admin.display(description=_("actions"))
    def action_count(self, goal: Goal) -> int:
        return goal.action_total


@admin.register(FocusArea)
class FocusAreaAdmin(ServiceAdmin):
    form = FocusAreaForm
    organization_lookup = "plan__organization_id"
    list_display = ["__str__", "plan_link", "order"]
    list_filter = ["plan__organization", "plan"]
    search_fields = ["title", "description", "code"]
    list_select_related = ["plan"]
    inlines = [GoalInline]
    filter_horizontal = ["sdgs", "lead_units"]
    readonly_fields = ["plan_link", "add_goal"]

    @admin.display(description=_("plan"))
    def plan_link(self, focus_area: FocusArea) -> str:
        return admin_link(focus_area.plan)

    @admin.display(description=_("new goal"))
    def add_goal(self, focus_area: FocusArea) -> str:
        if focus_area.pk is None:
            return "–"
        return add_link(Goal, _("Add a goal to this focus area"), focus_area=focus_area.pk)

    def get_fields(self, request: HttpRequest, obj: FocusArea | None = None) -> Any:
        fields = [f for f in FocusAreaForm.Meta.fields if not (obj and f == "plan")]
        return (["plan_link", *fields, "add_goal"]) if obj else fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "plan":
            kwargs["queryset"] = Plan.objects.manageable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "lead_units":
            kwargs["queryset"] = Unit.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class GoalForm(ServiceForm):
    class Meta:
        model = Goal
        fields = ["focus_area", "order", "code", "title", "description", "success_criteria"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def call_service(self, actor: Any, original: Goal | None, data: dict[str, Any]) -> Goal:
        if original is None:
            return services.create_goal(actor=actor, **data)
        data.pop("focus_area", None)  # not on the change page: a goal stays put
        return services.update_goal(actor=actor, goal=original, **data)


class IndicatorInline(ReadOnlyInline):
    model = Indicator
    fields = ["name", "unit", "direction", "baseline_value", "target_value", "target_year"]
    readonly_fields = fields


@admin.register(Goal)
class GoalAdmin(ServiceAdmin):
    form = GoalForm
    organization_lookup = "focus_area__plan__organization_id"
    list_display = ["__str__", "focus_area", "plan"]
    list_filter = ["focus_area__plan__organization", "focus_area__plan"]
    search_fields = ["title", "description", "success_criteria", "code"]
    list_select_related = ["focus_area__plan"]
    inlines = [IndicatorInline]
    readonly_fields = ["focus_area_link", "add_children"]

    @admin.display(description=_("plan"))
    def plan(self, goal: Goal) -> str:
        return str(goal.focus_area.plan)

    @admin.display(description=_("focus area"))
    def focus_area_link(self, goal: Goal) -> str:
        return admin_link(goal.focus_area)

    @admin.display(description=_("add"))
    def add_children(self, goal: Goal) -> str:
        if goal.pk is None:
            return "–"
        return add_link(Indicator, _("Add an indicator"), goal=goal.pk)

    def get_fields(self, request: HttpRequest, obj: Goal | None = None) -> Any:
        fields = [f for f in GoalForm.Meta.fields if not (obj and f == "focus_area")]
        return (["focus_area_link", *fields, "add_children"]) if obj else fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "focus_area":
            kwargs["queryset"] = FocusArea.objects.manageable_by(request.user).select_related(
                "plan"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class IndicatorForm(ServiceForm):
    class Meta:
        model = Indicator
        fields = ["goal", "order", "name", "unit", "direction", "baseline_value",
                  "baseline_year", "target_value", "target_year", "source",
                  *services.ASSIGNMENT_FIELDS]
        widgets = {"next_due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("responsible_person")
        current = self.instance.responsible_person_id if self.instance.pk else None
        if field is not None and current is not None:
            # The present person stays a choice (a role lost since): a form must not drop
            # him unasked; assign_indicator judges a new one.
            field.queryset = field.queryset | User.objects.filter(pk=current)

    def call_service(self, actor: Any, original: Indicator | None, data: dict[str, Any]) -> Any:
        # Who follows it up goes through assign_indicator, the rest through the
        # definition's services; both in the admin form's one transaction.
        follow_up = {name: data.pop(name) for name in services.ASSIGNMENT_FIELDS if name in data}
        if original is None:
            indicator = services.create_indicator(actor=actor, **data)
            if any(value not in (None, "") for value in follow_up.values()):
                services.assign_indicator(actor=actor, indicator=indicator, **follow_up)
            return indicator
        data.pop("goal", None)  # read-only on the change page: update_indicator moves nothing
        indicator = services.update_indicator(actor=actor, indicator=original, **data)
        if any(getattr(indicator, name) != value for name, value in follow_up.items()):
            services.assign_indicator(actor=actor, indicator=indicator, **follow_up)
        return indicator


class MeasurementInline(ReadOnlyInline):
    model = Measurement
    fields = ["period_end", "period_label", "value", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields
    list_select_related = ["recorded_by"]


@admin.register(Indicator)
class IndicatorAdmin(ServiceAdmin):
    form = IndicatorForm
    organization_lookup = "goal__focus_area__plan__organization_id"
    list_display = ["name", "goal", "unit", "direction", "baseline_value", "target_value",
                    "target_year"]
    list_filter = ["goal__focus_area__plan__organization", "goal__focus_area__plan", "source"]
    search_fields = ["name", "goal__title"]
    list_select_related = ["goal"]
    inlines = [MeasurementInline]
    raw_id_fields = ["goal"]

    def get_readonly_fields(self, request: HttpRequest, obj: Indicator | None = None) -> Any:
        # update_indicator keeps an indicator under its goal: offering the field said
        # "changed goal" and moved nothing.
        return ["goal"] if obj else []

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # The choices spare the admin what assign_indicator would refuse; it decides.
        if db_field.name == "responsible_unit":
            kwargs["queryset"] = Unit.objects.visible_to(request.user)
        elif db_field.name == "responsible_person":
            access = get_access(request.user)
            members = Membership.objects.all() if access.everything else (
                Membership.objects.filter(responsible_membership_q(access.member_org_ids)))
            kwargs["queryset"] = User.objects.filter(
                pk__in=members.values("user_id")).order_by("first_name", "last_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MeasurementForm(ServiceForm):
    class Meta:
        model = Measurement
        fields = ["indicator", "period_end", "period_label", "value", "note", "source",
                  "national_average"]

    def call_service(self, actor: Any, original: Any, data: dict[str, Any]) -> Measurement:
        if original is not None:
            raise forms.ValidationError(
                _("Recorded values are kept; record a value for another period instead.")
            )
        return services.record_measurement(actor=actor, **data)


@admin.register(Measurement)
class MeasurementAdmin(ServiceAdmin):
    form = MeasurementForm
    organization_lookup = "indicator__goal__focus_area__plan__organization_id"
    list_display = ["indicator", "period_label", "period_end", "value", "recorded_by"]
    list_filter = ["indicator__goal__focus_area__plan"]
    search_fields = ["indicator__name", "note"]
    list_select_related = ["indicator", "recorded_by"]
    raw_id_fields = ["indicator"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request)


@admin.register(SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(ReadOnlyAdmin):
    list_display = ["number", "name_nb", "name_en"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff
