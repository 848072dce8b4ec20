"""The plan admin's "tolket" markers: a read-only inline of what the plan says more than
its document, and why, shown to the administrators of the plan's kommune.

Markers are written through :mod:`actions.interpretations` (the demo loader, an import);
``strategies.admin`` cannot know them (strategies never imports actions), so this module
extends whichever plan admin is registered, as :mod:`actions.admin_plans` does.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from actions import admin_plans  # noqa: F401 - its plan admin is the one extended here
from actions.interpretation_models import Interpretation
from planportal.admin_forms import ReadOnlyInline
from planportal.permissions import get_access
from strategies.models import Plan


class InterpretationInline(ReadOnlyInline):
    model = Interpretation
    fields = ["focus_area", "goal", "indicator", "action", "field", "reason"]
    readonly_fields = fields
    list_select_related = ["focus_area", "goal", "indicator", "action"]
    show_change_link = False  # a marker has no page of its own

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Like the plan page: the kommune's administrators, not its other staff. Without a
        # plan (the admin's queryset check) the rows are the plan's anyway.
        return obj is None or get_access(request.user).is_admin_of(obj.organization_id)


_base: Any = type(admin.site.get_model_admin(Plan))


class PlanAdmin(_base):
    """The registered plan admin, with the plan's markers listed last."""

    inlines = [*_base.inlines, InterpretationInline]

    def get_inline_instances(self, request: HttpRequest, obj: Model | None = None) -> list:
        # A plan being added has no markers yet: no empty inline (and no management form
        # that a form posted by a script would have to carry).
        inlines = super().get_inline_instances(request, obj)
        return inlines if obj is not None else [
            i for i in inlines if not isinstance(i, InterpretationInline)]


admin.site.unregister(Plan)
admin.site.register(Plan, PlanAdmin)
