"""Admin for the plan hierarchy: plan → focus areas → goals, with links.

The parts that need actions (the goal's actions, import, rullering) are added by
``actions.admin_plans``, which extends these admins: this app never imports actions.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
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
from strategies.admin_statistics import StatisticsImportAdminMixin
from strategies.golden_thread import allowed_targets_q
from strategies.models import (
    FocusArea,
    Goal,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Plan,
    SustainableDevelopmentGoal,
)
from strategies.targets import target_label


class ContributionTargetsField(forms.ModelMultipleChoiceField):
    """The goals of higher plans a goal or tiltak contributes to, named with their plan
    (two plans may both have a goal "1.1")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("contributes to"))
        kwargs.setdefault("help_text", _("Goals of a higher plan of the kommune this "
                                         "contributes to (“bidrar til”)."))
        super().__init__(queryset=Goal.objects.none(), required=False,
                         widget=FilteredSelectMultiple(_("goals"), is_stacked=False), **kwargs)

    def label_from_instance(self, goal: Goal) -> str:
        return f"{goal.focus_area.plan.title}: {goal}"

    def offer(self, source_plan: Plan | None, user: Any) -> None:
        """Offer the goals *source_plan* may contribute to; without a plan yet (an add
        page), every goal above the lowest level in the kommuner *user* administers
        (the service checks the choice against the plan)."""
        goals = Goal.objects.select_related("focus_area__plan").order_by(
            "focus_area__plan__level", "focus_area__plan__title", "focus_area__order", "order")
        if source_plan is not None:
            goals = goals.filter(allowed_targets_q(source_plan))
        else:
            goals = goals.filter(focus_area__plan__in=Plan.objects.manageable_by(user),
                                 focus_area__plan__level__lt=max(Plan.Level.values))
        self.queryset = goals


class PlanForm(ServiceForm):
    level = forms.TypedChoiceField(
        label=_("level"), coerce=int, empty_value=None, required=False,
        choices=[("", _("From the kind of plan")), *Plan.Level.choices],
        help_text=_("Where the plan sits in the kommune's plan system. Left empty, the kind "
                    "of plan decides."))

    class Meta:
        model = Plan
        fields = [
            "organization", "title", "kind", "level", "status", "period_start", "period_end",
            "adopted_on", "adopted_by", "vision", "description", "sdgs", "owner_unit",
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
        data["sdg_numbers"] = [sdg.number for sdg in data.pop("sdgs")]
        if data.get("level") is None:
            data.pop("level", None)  # the kind of plan decides (services.default_level)
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
    list_display = ["title", "organization", "kind", "level", "period", "status", "is_public"]
    list_filter = ["organization", "kind", "level", "status", "is_public"]
    search_fields = ["title", "description", "adopted_by"]
    list_select_related = ["organization"]
    inlines = [FocusAreaInline]
    readonly_fields = ["add_focus_area"]
    filter_horizontal = ["sdgs"]
    fieldsets = [
        (None, {"fields": ["organization", "title", "kind", "level", "status", "owner_unit",
                           "is_public"]}),
        (_("Period and adoption"), {"fields": [("period_start", "period_end"),
                                              ("adopted_on", "adopted_by"),
                                              ("revision_interval_years", "next_revision_on")]}),
        (_("Content"), {"fields": ["vision", "description", "sdgs"]}),
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
    contributes_to = ContributionTargetsField()

    class Meta:
        model = Goal
        fields = ["focus_area", "order", "code", "title", "description", "success_criteria",
                  "contributes_to"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.instance.focus_area.plan if self.instance.pk else None
        area_id = str(self.initial.get("focus_area") or "")
        if plan is None and area_id.isdigit():  # "Add a goal" from its focus area
            plan = Plan.objects.manageable_by(self.request.user).filter(
                pk__in=FocusArea.objects.filter(pk=area_id).values("plan_id")).first()
        self.fields["contributes_to"].offer(plan, self.request.user)

    def call_service(self, actor: Any, original: Goal | None, data: dict[str, Any]) -> Goal:
        data["contributes_to"] = list(data["contributes_to"])
        if original is None:
            return services.create_goal(actor=actor, **data)
        data.pop("focus_area", None)  # not on the change page: a goal stays put
        return services.update_goal(actor=actor, goal=original, **data)


class IndicatorInline(ReadOnlyInline):
    model = Indicator
    fields = ["name", "unit", "direction", "target"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("targets")

    @admin.display(description=_("target"))
    def target(self, indicator: Indicator) -> str:
        return target_label(indicator.targets.all(), indicator.unit) or "–"


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


# --- Indicator targets and baselines: inlines saved with the indicator by its service ---


class IndicatorRowsFormSet(BaseInlineFormSet):
    """The rows of an indicator's targets or baselines. Never saved by itself: the
    indicator's form hands its rows to the service (:meth:`IndicatorForm.call_service`),
    so the indicator, its targets and its baselines change together or not at all."""

    #: the service's keyword for these rows ("targets" or "baselines")
    rows_name = ""

    def __init__(self, *args: Any, registry: dict[str, Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if registry is not None:
            registry[self.rows_name] = self

    def rows(self) -> list[dict[str, Any]]:
        """The rows as the service takes them: every form kept, blank extra forms left out."""
        names = [name for name in self.form._meta.fields if name not in ("id", self.fk.name)]
        return [{name: form.cleaned_data.get(name) for name in names}
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]

    def validate_unique(self) -> None:
        """A year given twice is the service's refusal, which names the row."""

    def add_service_errors(self, messages: list[str]) -> None:
        self._non_form_errors = self.error_class(
            [*self.non_form_errors(), *messages], error_class="nonform",
            renderer=self.renderer)

    def save(self, commit: bool = True) -> list[Any]:
        """Written by the indicator's service."""
        return []


class IndicatorRowForm(forms.ModelForm):
    """One target or baseline row: its fields checked here, the rules between rows (a year
    once, baselines before targets) by the service, which names the row."""

    def validate_unique(self) -> None:
        """Checked by the service, over the rows as they will be (a swap of years is fine)."""

    def validate_constraints(self) -> None:
        """Checked by the service, as :meth:`validate_unique`."""


class TargetRowsFormSet(IndicatorRowsFormSet):
    rows_name = "targets"


class BaselineRowsFormSet(IndicatorRowsFormSet):
    rows_name = "baselines"


class IndicatorRowsInline(admin.StackedInline):
    """Editable rows of an indicator, for whoever may change the indicator. Stacked, not
    tabular: the tabular layout hides each field's help text in its column header, where
    the input's ``aria-describedby`` cannot find it."""

    extra = 1

    def _may_change(self, request: HttpRequest, obj: Indicator | None) -> bool:
        access = get_access(request.user)
        if obj is None or obj.pk is None:
            return request.user.is_staff and access.administers_any
        return request.user.is_staff and access.is_admin_of(
            obj.goal.focus_area.plan.organization_id)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)


class IndicatorTargetInline(IndicatorRowsInline):
    model = IndicatorTarget
    form = IndicatorRowForm
    formset = TargetRowsFormSet
    fields = ["year", "comparison", "value", "relative_to_national"]


class IndicatorBaselineInline(IndicatorRowsInline):
    model = IndicatorBaseline
    form = IndicatorRowForm
    formset = BaselineRowsFormSet
    fields = ["year", "value"]


class IndicatorForm(ServiceForm):
    class Meta:
        model = Indicator
        fields = ["goal", "order", "name", "unit", "direction", "source",
                  # SSB's statistics bank: what the import and the scheduled fetch follow.
                  "statistics_table", "statistics_content", "statistics_query",
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

    def clean_statistics_query(self) -> Any:
        # An emptied box means "no scheduled fetch", stored as {} like a new indicator's.
        return self.cleaned_data.get("statistics_query") or {}

    def _row_formsets(self) -> dict[str, IndicatorRowsFormSet]:
        return getattr(self.request, "_indicator_row_formsets", {})

    def call_service(self, actor: Any, original: Indicator | None, data: dict[str, Any]) -> Any:
        formsets = self._row_formsets()
        if not all(formset.is_valid() for formset in formsets.values()):
            # The rows' own errors show at the inlines; nothing is saved.
            raise ValidationError(_("Correct the targets and baselines below."))
        data.update({name: formset.rows() for name, formset in formsets.items()})
        # Who follows it up goes through assign_indicator, the rest through the
        # definition's services; both in the admin form's one transaction.
        follow_up = {name: data.pop(name) for name in services.ASSIGNMENT_FIELDS if name in data}
        try:
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
        except ValidationError as exc:
            self._to_inlines(exc, formsets)
            raise

    @staticmethod
    def _to_inlines(exc: ValidationError, formsets: dict[str, IndicatorRowsFormSet]) -> None:
        """Show a refused row at its inline, and at the top only that it is below."""
        if not hasattr(exc, "error_dict"):
            return
        moved = False
        for name, formset in formsets.items():
            errors = exc.error_dict.pop(name, None)
            if errors:
                formset.add_service_errors(ValidationError(errors).messages)
                moved = True
        if moved:
            exc.error_dict.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(_("Correct the targets and baselines below.")))


class MeasurementInline(ReadOnlyInline):
    model = Measurement
    fields = ["period_end", "period_label", "value", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields
    list_select_related = ["recorded_by"]


@admin.register(Indicator)
class IndicatorAdmin(StatisticsImportAdminMixin, ServiceAdmin):
    form = IndicatorForm
    organization_lookup = "goal__focus_area__plan__organization_id"
    list_display = ["name", "goal", "unit", "direction", "target"]
    list_filter = ["goal__focus_area__plan__organization", "goal__focus_area__plan", "source"]
    search_fields = ["name", "goal__title"]
    list_select_related = ["goal"]
    inlines = [IndicatorTargetInline, IndicatorBaselineInline, MeasurementInline]
    raw_id_fields = ["goal"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("targets")

    @admin.display(description=_("target"))
    def target(self, indicator: Indicator) -> str:
        return target_label(indicator.targets.all(), indicator.unit) or "–"

    def get_formset_kwargs(self, request: HttpRequest, obj: Any, inline: Any,
                           prefix: str) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, IndicatorRowsInline):
            # The indicator's form finds its target and baseline rows here.
            kwargs["registry"] = request.__dict__.setdefault("_indicator_row_formsets", {})
        return kwargs

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
class MeasurementAdmin(StatisticsImportAdminMixin, ServiceAdmin):
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
