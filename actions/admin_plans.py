"""The plan, focus area and goal admins' parts that need actions: the goal's actions
inline, the "add an action" links (to a goal, a focus area or the whole plan), the plan
import upload and rullering.

``strategies.admin`` registers the plain admins (strategies never imports actions); this
module replaces those registrations with subclasses, so the admin URLs stay the same.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from actions.admin_transfer import import_view, roll_over_action
from actions.models import Action
from planportal.admin_forms import ReadOnlyInline, add_link
from strategies import admin as plan_admin
from strategies.models import FocusArea, Goal, Indicator, Plan


class ActionInline(ReadOnlyInline):
    model = Action
    fields = ["code", "title", "responsible_unit", "due_date", "period_text", "status",
              "progress"]
    readonly_fields = fields
    list_select_related = ["responsible_unit"]


class PlanAdmin(plan_admin.PlanAdmin):
    """The plan admin with the import upload and the rullering action."""

    actions = [roll_over_action]
    change_list_template = "admin/strategies/plan/change_list.html"

    def get_urls(self) -> list[Any]:
        upload = path("import/", self.admin_site.admin_view(self.import_plan),
                      name="strategies_plan_import")
        return [upload, *super().get_urls()]

    def import_plan(self, request: HttpRequest) -> Any:
        """Upload a handlingsplan, see the preview, then confirm (admin_transfer)."""
        return import_view(self, request)

    @admin.display(description=_("add"))
    def add_focus_area(self, plan: Plan) -> str:
        if plan.pk is None:
            return "–"
        return format_html("{} {}", super().add_focus_area(plan), add_link(
            Action, _("Add an action for the whole plan"), plan=plan.pk))


class FocusAreaAdmin(plan_admin.FocusAreaAdmin):
    """The focus area admin with an "add an action" link for the area's own tiltak."""

    @admin.display(description=_("add"))
    def add_goal(self, focus_area: FocusArea) -> str:
        if focus_area.pk is None:
            return "–"
        return format_html("{} {}", super().add_goal(focus_area), add_link(
            Action, _("Add an action to this focus area"), focus_area=focus_area.pk))


class GoalAdmin(plan_admin.GoalAdmin):
    """The goal admin with the goal's actions listed and an "add an action" link."""

    inlines = [*plan_admin.GoalAdmin.inlines, ActionInline]

    @admin.display(description=_("add"))
    def add_children(self, goal: Goal) -> str:
        if goal.pk is None:
            return "–"
        return format_html("{} {}", add_link(Action, _("Add an action"), goal=goal.pk),
                           add_link(Indicator, _("Add an indicator"), goal=goal.pk))


for model, model_admin in ((Plan, PlanAdmin), (FocusArea, FocusAreaAdmin), (Goal, GoalAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
