"""Report pages and downloads. Every view starts from ``Plan.objects.visible_to(user)``:
another organisation's plan is a 404, a public plan is readable without names."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from planportal.formatting import table_date
from planportal.forms import add_service_errors
from planportal.languages import content_language, lang_attribute, use_public_language
from planportal.permissions import sees_people
from reports import services
from reports.compare import compare_indicators, compare_reports
from reports.downloads import attachment, snapshot_file
from reports.forms import ReportDatesForm, ReportParamsForm, SnapshotForm
from reports.models import ReportSnapshot
from reports.progress import compute_progress
from reports.rendering import assessment_labels, report_context, web_base_template
from strategies.models import Plan
from strategies.permissions import can_manage_plans_of

WEB_ROWS = 50  # rows per list on the web page until "Show all"
GOAL_ROWS = 15  # goal rows per focus area on the web page until "Show all"


def visible_plan(request: HttpRequest, pk: int) -> Plan:
    """The plan if the user may read it, else 404 (never 403: that would confirm it exists).

    A visitor who is not signed in reads a public plan's reports in its kommune's målform.
    """
    plans = Plan.objects.visible_to(request.user).select_related("organization")
    plan = get_object_or_404(plans, pk=pk)
    use_public_language(request, plan.organization)
    return plan


def _report_data(request: HttpRequest, plan: Plan) -> dict[str, Any] | HttpResponse:
    form = ReportParamsForm(request.GET or None, plan=plan)
    if request.GET and not form.is_valid():
        return HttpResponseBadRequest(form.errors_text(), content_type="text/plain; charset=utf-8")
    kwargs = form.report_kwargs() if request.GET else {}
    public = not sees_people(request.user, plan.organization_id)
    return compute_progress(plan, public=public, **kwargs)


def _period_label(data: dict[str, Any]) -> str:
    return _("As of %(date)s") % {"date": table_date(data["as_of"])}


def _filename(plan: Plan, data: dict[str, Any], extension: str) -> str:
    return f"{plan.title} – {data['as_of']}.{extension}".replace("/", "-")


@require_GET
def plan_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress report as a web page (printable; charts are inline SVG). Dates it
    cannot use are shown in the error summary above today's report."""
    plan = visible_plan(request, pk)
    form = ReportDatesForm(request.GET or None, plan=plan)
    refused = form.is_bound and not form.is_valid()
    kwargs = form.report_kwargs() if form.is_bound and not refused else {}
    public = not sees_people(request.user, plan.organization_id)
    data = compute_progress(plan, public=public, **kwargs)
    if not form.is_bound:
        form = ReportDatesForm(initial={"as_of": data["as_of"], "since": data["since"]},
                               plan=plan)
    # Long lists show their first rows on the page; "Show all" and the files have them all.
    everything_shown = request.GET.get("rows") == "all"
    # The report itself in its kommune's målform, as its PDF and workbook: one language
    # per document (the page around it keeps the reader's language).
    language = content_language(plan.organization)
    with translation.override(language):
        context = report_context(data, limit=None if everything_shown else WEB_ROWS,
                                 goal_limit=None if everything_shown else GOAL_ROWS)
    everything = request.GET.copy()
    everything["rows"] = "all"
    context.update(report_language=language, report_lang=lang_attribute(plan.organization))
    context.update(base_template=web_base_template(), plan=plan,
                   nav="plans" if request.user.is_authenticated else "public",
                   query=("?" + request.GET.urlencode()) if request.GET and not refused else "",
                   all_rows_query=everything.urlencode(), params_form=form)
    return render(request, "reports/plan_report.html", context, status=400 if refused else 200)


@require_GET
def plan_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as an A4 PDF in the kommune's målform (the plan text's language)."""
    from reports.pdf import render_report_pdf

    plan = visible_plan(request, pk)
    data = _report_data(request, plan)
    if isinstance(data, HttpResponse):
        return data
    language = content_language(plan.organization)
    with translation.override(language):
        label = _period_label(data)
    content = render_report_pdf(data, label, language=language)
    return attachment(content, "application/pdf", _filename(plan, data, "pdf"), inline=True)


@require_GET
def plan_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as an Excel workbook, with every action listed per focus area, in the
    kommune's målform whatever the page's language (a document is in one language)."""
    from reports.xlsx import render_report_xlsx

    plan = visible_plan(request, pk)
    form = ReportParamsForm(request.GET or None, plan=plan)
    if request.GET and not form.is_valid():
        return HttpResponseBadRequest(form.errors_text(), content_type="text/plain; charset=utf-8")
    kwargs = form.report_kwargs() if request.GET else {}
    kwargs["include_actions"] = True
    public = not sees_people(request.user, plan.organization_id)
    data = compute_progress(plan, public=public, **kwargs)
    language = content_language(plan.organization)
    with translation.override(language):
        label = _period_label(data)
    content = render_report_xlsx(data, label, language=language)
    return attachment(
        content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _filename(plan, data, "xlsx"),
    )


@require_http_methods(["GET", "POST"])
def snapshot_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Earlier frozen reports of the plan; plan administrators can freeze a new one."""
    plan = visible_plan(request, pk)
    can_freeze = can_manage_plans_of(request.user, plan.organization_id)
    form = SnapshotForm(request.POST or None) if can_freeze else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the plan's administrators can freeze reports."))
        if form.is_valid():
            try:
                snapshot = services.create_snapshot(
                    actor=request.user, plan=plan, frequency=form.cleaned_data["frequency"],
                    period_key=form.cleaned_data.get("period_key") or "",
                    as_of=form.cleaned_data.get("as_of"),
                    preliminary=form.cleaned_data.get("preliminary", False),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, services.freeze_message(snapshot))
                return redirect("reports:snapshot-list", pk=plan.pk)
    snapshots = list(
        ReportSnapshot.objects.filter(plan=plan)
        .select_related("focus_area", "unit")
        .defer("data")
        .order_by("-period_end", "-pk")
    )
    return render(request, "reports/snapshot_list.html", {
        "base_template": web_base_template(), "plan": plan, "snapshots": snapshots,
        "form": form, "nav": "plans",
    }, status=400 if form is not None and form.errors else 200)


@require_GET
def snapshot_download(request: HttpRequest, pk: int, snapshot_pk: int, fmt: str) -> Any:
    """A frozen report as its stored PDF, or its frozen data as XLSX or JSON."""
    plan = visible_plan(request, pk)
    snapshot = get_object_or_404(ReportSnapshot.objects.filter(plan=plan), pk=snapshot_pk)
    name = f"{plan.title} – {snapshot.period_label}".replace("/", "-")
    return snapshot_file(snapshot, fmt, name)


@require_GET
def snapshot_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two frozen reports of the plan side by side (``?a=<id>&b=<id>``)."""
    plan = visible_plan(request, pk)
    try:
        ids = [int(request.GET[key]) for key in ("a", "b")]
    except (KeyError, ValueError):
        return HttpResponseBadRequest(_("Choose two reports to compare (a and b)."),
                                      content_type="text/plain; charset=utf-8")
    found = {s.pk: s for s in ReportSnapshot.objects.filter(plan=plan, pk__in=ids)}
    if len(found) != len(set(ids)):
        raise Http404
    first, second = sorted((found[ids[0]], found[ids[1]]), key=lambda s: (s.period_end, s.pk))
    return render(request, "reports/snapshot_compare.html", {
        "base_template": web_base_template(), "plan": plan, "a": first, "b": second,
        "rows": compare_reports(first.data, second.data),
        "indicators": compare_indicators(first.data, second.data),
        "assessments": assessment_labels(), "nav": "plans", "today": timezone.localdate(),
    })
