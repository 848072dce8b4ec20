"""The work queues (*Fordel ansvar*, *Mine tiltak*): filters kept in the URL, and pages.

A big kommune's sector leader has thousands of tiltak to look after; a page lists 50 of
them, says how many there are in all, and filters by plan, focus area, delmål, unit,
status, risk and overdue. The filters mean what the API's do
(:class:`actions.filtersets.ActionFilterSet` applies them), and each choice lists only
what the user can see, in a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from actions.filtersets import ActionFilterSet
from actions.models import Action, StatusUpdate
from planportal.formatting import tag_label
from planportal.forms import AccessibleFormMixin, QuickSelect
from strategies.models import FocusArea, Goal, Plan

PAGE_SIZE = 50
OPEN_STATUSES = [(value, label) for value, label in Action.Status.choices
                 if value not in Action.CLOSED_STATUSES]


class QueueFilterForm(AccessibleFormMixin, forms.Form):
    """The filters of a work queue, read from the query string (all optional).

    The focus area and delmål lists appear once a plan is chosen: a kommune's thousand
    delmål in one list would help nobody and weigh down every page.
    """

    # QuickSelect: a sector's units and a plan's delmål are long lists (planportal.forms).
    show = forms.ChoiceField(label=_("Show"), required=False, widget=QuickSelect, choices=[
        ("", _("Missing responsibility or deadline")), ("all", _("All open actions"))])
    plan = forms.TypedChoiceField(label=_("Plan"), required=False, coerce=int,
                                  empty_value=None, widget=QuickSelect)
    focus_area = forms.TypedChoiceField(label=_("Focus area"), required=False, coerce=int,
                                        empty_value=None, widget=QuickSelect)
    goal = forms.TypedChoiceField(label=_("Goal"), required=False, coerce=int,
                                  empty_value=None, widget=QuickSelect)
    unit = forms.TypedChoiceField(label=_("Unit (with the units below it)"), required=False,
                                  coerce=int, empty_value=None, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    risk = forms.ChoiceField(label=_("Risk"), required=False, widget=QuickSelect)
    overdue = forms.BooleanField(label=pgettext_lazy("filter", "Only overdue"),
                                 required=False)

    def __init__(self, data: Any, *, base: QuerySet, units: list[tuple[int, str]],
                 show: bool = False, statuses: list[tuple[str, str]] | None = None) -> None:
        super().__init__(data)
        everything = [("", _("All"))]
        if not show:
            del self.fields["show"]
        plans = list(Plan.objects.filter(pk__in=base.order_by().values("plan_id"))
                     .order_by("title", "pk").values_list("pk", "title"))
        self.fields["plan"].choices = everything + plans
        self.fields["unit"].choices = everything + list(units)
        self.fields["status"].choices = everything + [
            (value, tag_label(label)) for value, label in (statuses or OPEN_STATUSES)]
        self.fields["risk"].choices = everything + [
            (value, tag_label(label)) for value, label in StatusUpdate.Risk.choices]
        plan = self._chosen_plan({pk for pk, _title in plans})
        if plan is None:
            del self.fields["focus_area"], self.fields["goal"]
        else:
            self.fields["focus_area"].choices = everything + [
                (pk, f"{code} {title}".strip()) for pk, code, title in
                FocusArea.objects.filter(plan_id=plan).values_list("pk", "code", "title")]
            self.fields["goal"].choices = everything + [
                (pk, f"{code} {title}".strip()[:120]) for pk, code, title in
                Goal.objects.filter(focus_area__plan_id=plan)
                .order_by("focus_area__order", "order", "pk")
                .values_list("pk", "code", "title")]

    def _chosen_plan(self, plans: set[int]) -> int | None:
        raw = self.data.get("plan") if self.data else None
        try:
            plan = int(raw) if raw else None
        except (TypeError, ValueError):
            return None
        return plan if plan in plans else None

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (the page says so, and offers to clear)."""
        return self.is_bound and self.is_valid() and any(
            value for name, value in self.cleaned_data.items() if name != "show")

    def apply(self, queryset: QuerySet) -> QuerySet:
        """*queryset* narrowed by the valid filters (an invalid one narrows nothing and
        is shown with its error)."""
        if not self.is_bound or not self.is_valid():
            return queryset
        data = self.cleaned_data
        params = {name: data.get(name) for name in ("plan", "focus_area", "goal")
                  if data.get(name)}
        if data.get("unit"):
            params["responsible_unit_subtree"] = data["unit"]
        for name in ("status", "risk"):
            if data.get(name):
                params[name] = [data[name]]
        if data.get("overdue"):
            params["overdue"] = "true"
        return ActionFilterSet(params, queryset=queryset).qs


def page_of(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE,
            count: int | None = None) -> Page:
    """The requested page (``?page=``) of *queryset*; a page past the end shows the last.

    Two queries: the count and the page's rows; one when the caller knows the *count*
    already (*Mine tiltak* counts its groups anyway).
    """
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not counted again
    return paginator.get_page(request.GET.get("page"))
