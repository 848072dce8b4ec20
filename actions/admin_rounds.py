"""Reporting rounds and their returns in the admin: read-only lists with links.

Rounds are opened and closed, and returns written and reviewed, on the web pages and
through the API (the services in ``actions.rounds``); the admin only shows them, scoped
to the admin's organisations: a round links to its returns, a return to its action and
its round, and a round shows its assessments.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actions.models import ReportingReturn, ReportingRound, RoundAssessment
from planportal.admin_forms import ReadOnlyAdmin, ReadOnlyInline, admin_link, link_list
from planportal.permissions import administered_q, get_access


class _AdministeredOnly(ReadOnlyAdmin):
    """Shown to staff who administer a kommune, with that kommune's rows only."""

    #: the lookup from the model to its round's organisation, as administered_q takes it
    organization_prefix = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(
            administered_q(request.user, self.organization_prefix))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and get_access(request.user).administers_any


class RoundAssessmentInline(ReadOnlyInline):
    model = RoundAssessment
    fields = ["focus_area", "unit", "text", "author", "updated_at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: Any) -> Any:
        # Each row's __str__ names its round; the rest are the columns shown.
        return super().get_queryset(request).select_related("round", "focus_area", "unit",
                                                            "author")


@admin.register(ReportingRound)
class ReportingRoundAdmin(_AdministeredOnly):
    list_display = ["period_label", "organization", "frequency", "state", "deadline",
                    "case_number", "meeting_date", "returns_link"]
    list_filter = ["state", "frequency", "period_key",
                   ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["period_label", "period_key", "case_number", "committee"]
    list_select_related = ["organization"]
    # The annotated, scoped queryset loses the model's ordering; the admin pages need one.
    ordering = ["organization", "-period_end", "-pk"]
    inlines = [RoundAssessmentInline]
    fields = ["organization", "plan_links", "all_plans", "frequency", "period_key",
              "period_label", "period_start", "period_end", "deadline", "state",
              "case_number", "committee", "meeting_date", "opened_by", "opened_at",
              "closed_by", "closed_at", "version", "returns_link"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (super().get_queryset(request).annotate(return_count=Count("returns"))
                .prefetch_related("plans"))

    @admin.display(description=_("plans"))
    def plan_links(self, round_: ReportingRound) -> str:
        return link_list(round_.plans.all())

    @admin.display(description=_("returns"), ordering="return_count")
    def returns_link(self, round_: ReportingRound) -> str:
        url = reverse("admin:actions_reportingreturn_changelist")
        return format_html('<a href="{}?round__id__exact={}">{}</a>', url, round_.pk,
                           ngettext("%(count)d return", "%(count)d returns",
                                    round_.return_count) % {"count": round_.return_count})


@admin.register(ReportingReturn)
class ReportingReturnAdmin(_AdministeredOnly):
    organization_prefix = "round__"
    list_display = ["action_title", "round_link", "state", "status", "progress", "risk",
                    "submitted_at", "reviewed_at"]
    list_filter = ["state", "round__state", "round__period_key"]
    search_fields = ["action__title", "action__code", "done", "next_steps",
                     "review_comment"]
    list_select_related = ["round", "action"]
    fields = ["round_link", "action_link", "state", "status", "progress", "risk", "done",
              "next_steps", "indicator_values", "review_comment", "submitted_by",
              "submitted_at", "reviewed_by", "reviewed_at", "status_update", "version"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related(
            "round", "action", "submitted_by", "reviewed_by", "status_update")

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest | None = None
                       ) -> bool:
        # The round's link to its returns.
        return lookup == "round__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("action"), ordering="action__title")
    def action_title(self, ret: ReportingReturn) -> str:
        title = ret.action.title
        return title if len(title) <= 90 else title[:88] + " …"

    @admin.display(description=_("action"))
    def action_link(self, ret: ReportingReturn) -> str:
        return admin_link(ret.action)

    @admin.display(description=_("reporting round"), ordering="round__period_end")
    def round_link(self, ret: ReportingReturn) -> str:
        return admin_link(ret.round)
