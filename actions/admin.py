"""Admin for actions: edits, assignment, status updates and evaluation via the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actions import services
from actions.choices import (
    PeopleGroup,
    merge_people,
    people_choices,
    responsible_people,
    with_current_person,
)
from actions.models import Action, ReminderDigest, StatusUpdate
from actions.placement import LEVELS, place, placement_label
from actions.reminders.sending import requeue_reminder_emails
from planportal.admin_dates import SaneDateHierarchyMixin
from planportal.admin_forms import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdmin,
    ServiceForm,
    admin_link,
)
from planportal.dates import SaneDateFormField
from planportal.formatting import percent, table_date, tag_label
from planportal.models import Organization, Unit, User
from planportal.permissions import administered_q, get_access
from strategies.admin import ContributionTargetsField
from strategies.models import FocusArea, Goal, Plan

ASSIGNMENT_FIELDS = ["responsible_unit", "responsible_person", "due_date"]
PLACEMENT_FIELDS = ["plan", "focus_area", "goal"]


class PersonChoiceField(forms.ModelChoiceField):
    """A responsible person: checked against the queryset, offered in ``groups``, the
    option groups by unit of :func:`actions.choices.people_choices` (kept when Django
    copies the field for each form)."""

    groups: list[PeopleGroup] | None = None

    def _get_choices(self) -> Any:
        if self.groups is None:
            return super()._get_choices()
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        return [*empty, *self.groups]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def offer(self, people: Any, groups: list[PeopleGroup]) -> None:
        """Accept *people* (a queryset), show *groups*."""
        self.groups = groups
        self.queryset = people  # also hands the widget the grouped choices


def people_of(organization_ids: set[int]) -> list[PeopleGroup]:
    """The option groups of people for the admin's forms: by kommune and unit."""
    names = dict(Organization.objects.filter(pk__in=organization_ids)
                 .values_list("pk", "name")) if len(organization_ids) > 1 else None
    return merge_people(people_choices(organization_ids), names)


class ActionForm(ServiceForm):
    """Edit an action; the extra fields post a status update or the final evaluation."""

    service_field_names = {"status": "new_status", "progress": "new_progress",
                           "risk": "new_risk", "comment": "new_comment"}

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    new_status = forms.ChoiceField(
        label=_("new status"),
        # "Carried over" is set by rullering alone (Action.REPORTABLE_STATUSES).
        choices=[("", _("(no new status update)")),
                 *[(value, label) for value, label in Action.Status.choices
                   if value in Action.REPORTABLE_STATUSES]],
        required=False,
    )
    new_progress = forms.IntegerField(
        label=_("progress (%)"), min_value=0, max_value=100, required=False
    )
    new_risk = forms.ChoiceField(
        label=_("risk"), choices=StatusUpdate.Risk.choices, required=False
    )
    new_comment = forms.CharField(
        label=_("comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Do not write personal data about patients or users."),
    )
    # Saved by set_action_contributions after the edit, in the same transaction.
    contributes_to = ContributionTargetsField()

    class Meta:
        model = Action
        fields = [
            "plan", "focus_area", "goal", "order", "code", "title", "description",
            "responsible_unit",
            "responsible_person", "contributing_units", "start_date", "due_date",
            "period_text", "budget", "budget_reference", "evaluation",
        ]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version
        plan_id = self.instance.plan_id or self._initial_plan_id()
        if plan_id:
            self._limit_choices_to_organization(plan_id)
        self._offer_contributions(plan_id)

    def _offer_contributions(self, plan_id: Any) -> None:
        """The goals the action's plan may contribute to, and those it does."""
        plan = self.instance.plan if self.instance.pk else (
            Plan.objects.filter(pk=plan_id).first() if plan_id else None)
        self.fields["contributes_to"].offer(plan, self.request.user)
        if self.instance.pk:
            self.initial["contributes_to"] = list(self.instance.contributes_to.all())

    def _initial_plan_id(self) -> int | None:
        """The plan of the add page's ``?plan=``, ``?focus_area=`` or ``?goal=`` (the
        "add an action" links), filled in as the plan: the plan is what the form needs."""
        for name, plan_of in (("goal", "focus_area__plan_id"), ("focus_area", "plan_id"),
                              ("plan", "pk")):
            value = self.initial.get(name)
            field = self.fields.get(name)
            if value and field is not None and str(value).isdigit():
                plan_id = (field.queryset.filter(pk=value)
                           .values_list(plan_of, flat=True).first())
                if plan_id is not None:
                    if "plan" in self.fields:
                        self.initial["plan"] = plan_id
                    return plan_id
        return None

    def _limit_choices_to_organization(self, plan_id: Any) -> None:
        """Offer only the units and people of the action's own kommune, and on the change
        page only its own plan's focus areas and goals (a tiltak moves within its plan)."""
        organization_id = (
            Plan.objects.filter(pk=plan_id).values_list("organization_id", flat=True).first()
        )
        if self.instance.pk is not None:
            for name, lookup in (("focus_area", "plan_id"), ("goal", "focus_area__plan_id")):
                if name in self.fields:
                    field = self.fields[name]
                    field.queryset = field.queryset.filter(**{lookup: plan_id})
        for name in ("responsible_unit", "contributing_units"):
            if name in self.fields:
                field = self.fields[name]
                field.queryset = field.queryset.filter(organization_id=organization_id)
        field = self.fields.get("responsible_person")
        if field is not None:
            current = self.instance.responsible_person if self.instance.pk else None
            people = responsible_people([organization_id], current)
            if isinstance(field, PersonChoiceField):
                field.offer(people, with_current_person(
                    people_choices([organization_id])[organization_id], current))
            else:
                field.queryset = people

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_status") and data.get("new_progress") is None:
            self.add_error("new_progress", _("Give the progress with the new status."))
        self._clean_placement(data)
        return data

    def _clean_placement(self, data: dict[str, Any]) -> None:
        """Check the plan, focus area and goal with :func:`actions.placement.place` and
        fill in the levels above the lowest one chosen (a goal names its area), so the
        model's own checks see the placement the service will make."""
        if not {"focus_area", "goal"} <= set(self.fields) or any(
                name in self.errors for name in PLACEMENT_FIELDS):
            return
        plan = data.get("plan") if "plan" in self.fields else self.instance.plan
        try:
            where = place(goal=data.get("goal"), focus_area=data.get("focus_area"), plan=plan)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
            return
        data.update({name: value for name, value in where.fields().items()
                     if name in self.fields})

    def call_service(self, actor: Any, original: Action | None, data: dict[str, Any]) -> Action:
        action = self._save_action(actor, original, data)
        targets = list(data["contributes_to"])
        if set(targets) != (set(original.contributes_to.all()) if original else set()):
            services.set_action_contributions(actor=actor, action=action, targets=targets)
        return action

    def _save_action(self, actor: Any, original: Action | None, data: dict[str, Any]) -> Action:
        if original is None:
            return services.create_action(
                actor=actor,
                # The links are set after, by their own service (call_service).
                **{k: v for k, v in data.items() if k in self.Meta.fields
                   and k not in ("evaluation", "contributes_to")},
            )
        if data["expected_version"] is None:
            raise ValidationError(_("The form is missing the version; reload the page."))
        status_update = None
        if data.get("new_status"):
            status_update = {
                "status": data["new_status"],
                "progress": data["new_progress"],
                "risk": data.get("new_risk") or StatusUpdate.Risk.ON_TRACK,
                "comment": data.get("new_comment", ""),
            }
        return services.edit_action(
            actor=actor,
            action=original,
            expected_version=data["expected_version"],
            contributing_units=data["contributing_units"],
            status_update=status_update,
            evaluation=data["evaluation"],
            placement={"plan": original.plan, "focus_area": data.get("focus_area"),
                       "goal": data.get("goal")},
            **{name: data[name] for name in ASSIGNMENT_FIELDS},
            **{name: data[name] for name in services.EDITABLE_FIELDS if name in data},
        )


class StatusUpdateInline(ReadOnlyInline):
    model = StatusUpdate
    fields = ["created_at", "author", "status", "progress", "risk", "comment"]
    readonly_fields = fields
    show_change_link = False
    ordering = ["-created_at", "-pk"]
    list_select_related = ["author", "action"]


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.overdue().values("pk"))
        return queryset


class AssignmentFilter(admin.SimpleListFilter):
    title = _("responsibility and deadline")
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("no", _("Missing unit or deadline")), ("yes", _("Unit and deadline set"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "no":
            return queryset.unassigned()
        if self.value() == "yes":
            return queryset.exclude(pk__in=queryset.unassigned().values("pk"))
        return queryset


class PlanFilter(admin.SimpleListFilter):
    title = _("plan")
    parameter_name = "plan"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        plans = Plan.objects.all()
        access = get_access(request.user)
        if not access.everything:
            plans = plans.filter(organization_id__in=access.member_org_ids)
        return [(str(p.pk), p.title) for p in plans.only("pk", "title")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() and self.value().isdigit():
            return queryset.filter(plan_id=int(self.value()))
        return queryset


class LevelFilter(admin.SimpleListFilter):
    """Where the tiltak hangs: under a goal, on a focus area, or on the whole plan."""

    title = _("placement")
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("goal", _("Under a goal")), ("focus_area", _("Directly on a focus area")),
                ("plan", _("Applies to the whole plan"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.at_level(value) if value in LEVELS else queryset


class BulkAssignForm(forms.Form):
    """Unit, person and deadline for the selected actions; a blank field keeps each
    action's own value (:func:`actions.services.bulk_assign_actions`)."""

    responsible_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("responsible unit"),
        help_text=_("Leave blank to keep each action's unit."))
    responsible_person = PersonChoiceField(
        queryset=User.objects.none(), required=False, label=_("responsible person"),
        help_text=_("Leave blank to keep each action's person."))
    due_date = SaneDateFormField(required=False, label=_("deadline"),
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Leave blank to keep each action's deadline."))
    period_text = forms.CharField(
        required=False, max_length=100, label=_("period"),
        help_text=_("Leave blank to keep each action's period. “løpende”, “2024-”, "
                    "“2025–2026” or “2. tertial 2026” replaces it, and the deadline with the "
                    "period's end (none for an open-ended period) unless a deadline is given "
                    "too."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(user)
        self.fields["responsible_unit"].queryset = units
        org_ids = set(units.values_list("organization_id", flat=True).distinct())
        self.fields["responsible_person"].offer(responsible_people(org_ids), people_of(org_ids))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(name) for name in (*ASSIGNMENT_FIELDS, "period_text")):
            raise forms.ValidationError(
                _("Choose a unit, a person, a deadline or a period to give the selected "
                  "actions.")
            )
        return data


@admin.register(Action)
class ActionAdmin(ServiceAdmin):
    form = ActionForm
    organization_lookup = "plan__organization_id"
    list_display = ["title_short", "plan_title", "placement", "responsible_unit", "deadline",
                    "status", "progress", "overdue"]
    list_filter = [
        "status",
        OverdueFilter,
        AssignmentFilter,
        "continuous",
        ("responsible_unit", admin.RelatedOnlyFieldListFilter),
        PlanFilter,
        LevelFilter,
    ]
    search_fields = ["title", "code", "description", "goal__title", "focus_area__title",
                     "period_text"]
    list_select_related = ["goal", "focus_area", "plan", "responsible_unit"]
    inlines = [StatusUpdateInline]
    readonly_fields = ["plan_link", "current_status", "version"]
    filter_horizontal = ["contributing_units"]
    actions = ["bulk_assign"]
    date_hierarchy = "due_date"

    def get_fieldsets(self, request: HttpRequest, obj: Action | None = None) -> Any:
        # A tiltak moves within its plan (actions.services.move_action).
        main = ["plan_link" if obj else "plan", "focus_area", "goal"]
        sets: list[Any] = [
            (None, {"fields": [*main, "order", "code", "title", "description"]}),
            (_("Responsibility and deadline"), {"fields": [
                "responsible_unit", "responsible_person", "contributing_units",
                ("start_date", "due_date"), "period_text"]}),
            (_("Budget"), {"fields": [("budget", "budget_reference")]}),
            (_("Golden thread"), {"fields": ["contributes_to"]}),
        ]
        if obj:
            sets += [
                (_("Status"), {"fields": ["current_status", "new_status", "new_progress",
                                          "new_risk", "new_comment"]}),
                (_("Final evaluation"), {"fields": ["evaluation"]}),
                (None, {"fields": ["expected_version"], "classes": ["hidden"]}),
            ]
        return sets

    @admin.display(description=_("action"), ordering="title")
    def title_short(self, action: Action) -> str:
        return action.title if len(action.title) <= 90 else action.title[:88] + " …"

    @admin.display(description=_("plan"), ordering="plan__title")
    def plan_title(self, action: Action) -> str:
        return action.plan.title

    @admin.display(description=_("deadline"), ordering="due_date")
    def deadline(self, action: Action) -> str:
        if action.due_date:
            return table_date(action.due_date)
        return action.period_text or "–"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, action: Action) -> bool:
        return action.is_overdue(timezone.localdate())

    @admin.display(description=_("plan"))
    def plan_link(self, action: Action) -> str:
        return admin_link(action.plan)

    @admin.display(description=_("goal or focus area"))
    def placement(self, action: Action) -> str:
        return placement_label(action)

    @admin.display(description=_("current status"))
    def current_status(self, action: Action) -> str:
        return f"{tag_label(action.get_status_display())}, {percent(action.progress, 0)}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        access = get_access(request.user)
        return request.user.is_staff and access.writes_actions_anywhere

    def has_change_permission(self, request: HttpRequest, obj: Action | None = None) -> bool:
        if not request.user.is_staff:
            return False
        if obj is None:
            return self.has_module_permission(request)
        # The admin asks this once per inline row; answer from the database once per request.
        cache = request.__dict__.setdefault("_action_change_permission", {})
        if obj.pk not in cache:
            allowed = Action.objects.permitted(request.user, "manage") | Action.objects.permitted(
                request.user, "report"
            )
            cache[obj.pk] = allowed.filter(pk=obj.pk).exists()
        return cache[obj.pk]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "plan":
            kwargs["queryset"] = Plan.objects.visible_to(request.user).filter(
                organization_id__in=self._org_ids(request))
        elif db_field.name == "focus_area":
            kwargs["queryset"] = FocusArea.objects.visible_to(request.user).filter(
                plan__organization_id__in=self._org_ids(request)
            ).select_related("plan")
        elif db_field.name == "goal":
            kwargs["queryset"] = Goal.objects.visible_to(request.user).filter(
                focus_area__plan__organization_id__in=self._org_ids(request)
            ).select_related("focus_area__plan")
        elif db_field.name == "responsible_unit":
            kwargs["queryset"] = Unit.objects.visible_to(request.user)
        elif db_field.name == "responsible_person":
            # The people of the admin's kommuner; the form narrows them to the action's.
            org_ids = set(Unit.objects.visible_to(request.user)
                          .values_list("organization_id", flat=True).distinct())
            field = super().formfield_for_foreignkey(
                db_field, request, queryset=responsible_people(org_ids),
                form_class=PersonChoiceField, **kwargs)
            field.offer(field.queryset, people_of(org_ids))
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "contributing_units":
            kwargs["queryset"] = Unit.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _org_ids(self, request: HttpRequest) -> Any:
        access = get_access(request.user)
        if access.everything:
            return Plan.objects.values("organization_id")
        return access.member_org_ids

    @admin.action(description=_("Assign responsibility and deadline"))
    def bulk_assign(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = BulkAssignForm(request.POST if "apply" in request.POST else None,
                              user=request.user)
        if "apply" in request.POST and form.is_valid():
            try:
                done = services.bulk_assign_actions(
                    actor=request.user,
                    actions=queryset.for_list(),
                    **form.cleaned_data,
                )
            except services.BulkAssignmentFailed as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            except ValidationError as exc:  # an unreadable period
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, ngettext(
                "%(count)d action assigned.", "%(count)d actions assigned.", len(done)
            ) % {"count": len(done)}, messages.SUCCESS)
            return None
        return render(request, "admin/actions/action/bulk_assign.html", {
            **self.admin_site.each_context(request),
            "title": _("Assign responsibility and deadline"),
            "form": form,
            "queryset": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ServiceAdmin):
    """The status history: read-only, append-only."""

    organization_lookup = "action__plan__organization_id"
    list_display = ["created_at", "action", "author", "status", "progress", "risk"]
    list_filter = ["status", "risk", "action__plan__organization"]
    search_fields = ["comment", "action__title"]
    list_select_related = ["action", "author"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # An update's name is its action's: the autocomplete (a return's status update)
        # names every row it lists.
        return super().get_queryset(request).select_related("action", "author")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Register the calendar feed admin and the plan and goal admins' action parts.
from actions import (  # noqa: E402,F401
    admin_calendar,
    admin_interpretations,
    admin_plans,
    admin_rounds,
)


@admin.register(ReminderDigest)
class ReminderDigestAdmin(SaneDateHierarchyMixin, ReadOnlyAdmin):
    """The reminder e-mails: read-only, with failed/uncertain ones requeueable."""

    list_display = ["date", "kind", "recipient", "organization", "status", "attempts",
                    "sent_at"]
    list_filter = ["status", "kind", "organization"]
    list_select_related = ["recipient", "organization"]
    search_fields = ["recipient__username", "recipient__email"]
    date_hierarchy = "date"
    actions = ["requeue"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(administered_q(request.user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and get_access(request.user).administers_any

    @admin.action(description=_("Send the selected failed or uncertain e-mails again"))
    def requeue(self, request: HttpRequest, queryset: Any) -> None:
        count = requeue_reminder_emails(actor=request.user, digests=queryset)
        self.message_user(request, _("%(count)d e-mails will be sent by the next sweep.")
                          % {"count": count})
