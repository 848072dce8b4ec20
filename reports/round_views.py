"""Reporting round pages: the rounds, opening one, the chase view, the return form, review,
assessments, closing, the documents of a closed round, and the public round reports.

Reads start from the round querysets' ``visible_to``: another kommune's round or return
is a 404, never a 403. Every write goes through ``actions.rounds`` (or
``reports.round_services`` for closing), which checks the rules again; a stale version
(:class:`~planportal.locking.VersionConflict`) keeps what was typed and shows the stored
values beside it. Pages run a fixed number of queries whatever the number of returns.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import rounds as round_services
from actions.models import ReportingReturn, ReportingRound, RoundAssessment
from actions.permissions import can_assess_in
from actions.querysets import missing_q
from planportal.forms import add_service_errors
from planportal.languages import lang_attribute, use_public_language
from planportal.locking import VersionConflict
from planportal.models import Organization, Unit
from planportal.permissions import deny, get_access
from reports.downloads import FORMATS, snapshot_file
from reports.models import ReportSnapshot
from reports.progress import reading_order
from reports.rendering import report_context, risk_labels, status_labels, web_base_template
from reports.round_forms import (
    AssessmentForm,
    CloseRoundForm,
    OpenRoundForm,
    ReturnForm,
    ReviewForm,
)
from strategies.models import FocusArea, Indicator, Plan

RETURNS_PER_PAGE = 50
State = ReportingReturn.State
MISSING = "missing"
#: The state filters of the returns list: a state, or "missing" (not yet submitted, of a
#: tiltak still going on: ``actions.querysets.missing_q``).
STATE_FILTERS = (MISSING, *State.values)


def _visible_round(request: HttpRequest, pk: int) -> ReportingRound:
    rounds = ReportingRound.objects.visible_to(request.user).select_related("organization")
    return get_object_or_404(rounds, pk=pk)


def _can_manage(user: Any, round_: ReportingRound) -> bool:
    return get_access(user).is_admin_of(round_.organization_id)


# --- The rounds ----------------------------------------------------------------------------


def _with_counts(rounds: Any) -> Any:
    return rounds.annotate(
        total=Count("returns"),
        submitted=Count("returns", filter=Q(returns__state=State.SUBMITTED)),
        approved=Count("returns", filter=Q(returns__state=State.APPROVED)),
        missing=Count("returns", filter=missing_q("returns__")),
    )


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    """The rounds the user can see, open ones first, with their counts."""
    rounds = list(
        _with_counts(ReportingRound.objects.visible_to(request.user))
        .select_related("organization").prefetch_related("plans")
        .order_by("-state", "-period_end", "-pk")  # "open" sorts after "closed"
    )
    access = get_access(request.user)
    return render(request, "reports/rounds/round_list.html", {
        "rounds": rounds, "can_open": access.administers_any,
        "nav": "rounds", "several_orgs": len({r.organization_id for r in rounds}) > 1,
        # A reader sees the closed rounds only: "none opened" would not be true.
        "closed_only": not (access.everything or access.admin_org_ids
                            or access.sector_leader_units or access.unit_manager_units),
    })


def _administered_orgs(user: Any) -> list[Organization]:
    access = get_access(user)
    orgs = Organization.objects.order_by("name")
    if not access.everything:
        orgs = orgs.filter(pk__in=access.admin_org_ids)
    return list(orgs)


@login_required
@require_http_methods(["GET", "POST"])
def open_round(request: HttpRequest) -> HttpResponse:
    """Open a round (plan administrators): all adopted plans or some, period, deadline."""
    orgs = _administered_orgs(request.user)
    if not orgs:
        raise deny(_("Only an administrator of the organisation can open reporting rounds."))
    plans = list(Plan.objects.filter(organization__in=orgs)
                 .select_related("organization").order_by("organization__name", "title"))
    several = len(orgs) > 1
    form = OpenRoundForm(
        request.POST or None,
        organizations=[(org.pk, org.name) for org in orgs],
        plans=[(plan.pk, f"{plan.title} ({plan.organization.name})" if several
                else f"{plan.title} ({plan.get_status_display()})") for plan in plans],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = next((o for o in orgs if o.pk == data["organization"]), None)
        chosen = None
        if data["scope"] == "some":
            chosen = [plan for plan in plans if plan.pk in set(data["plans"])]
        if org is None:
            form.add_error("organization", _("Choose an organisation you administer."))
        else:
            try:
                round_ = round_services.open_round(
                    actor=request.user, organization=org, frequency=data["frequency"],
                    period_key=data["period_key"], deadline=data["deadline"], plans=chosen,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The reporting round for %(period)s is open.")
                                 % {"period": round_.period_label})
                return redirect("rounds:detail", pk=round_.pk)
    return render(request, "reports/rounds/open_round.html", {"form": form, "nav": "rounds"},
                  status=400 if form.errors else 200)


# --- The chase view ------------------------------------------------------------------------


def _user_units(user: Any, round_: ReportingRound) -> list[Unit]:
    """The units whose counts the user sees: every unit for administrators, else the
    subtrees of the user's sector-leader and unit-manager roles in the kommune."""
    access = get_access(user)
    units = Unit.objects.filter(organization_id=round_.organization_id).order_by("path")
    if access.is_admin_of(round_.organization_id):
        return list(units)
    paths = [path for org, path in (*access.sector_leader_units, *access.unit_manager_units)
             if org == round_.organization_id]
    if not paths:
        return []
    return list(units.filter(Q(*[Q(path__startswith=p) for p in paths], _connector=Q.OR)))


def _unit_overview(round_: ReportingRound, returns: Any, units: list[Unit]) -> list[Any]:
    """Per unit, the counts of its subtree's returns (one query, rolled up by path)."""
    rows = (returns.order_by().values("action__responsible_unit__path", "state")
            .annotate(n=Count("pk"), owed=Count("pk", filter=missing_q())))
    by_path: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_path[row["action__responsible_unit__path"]][row["state"]] += row["n"]
        by_path[row["action__responsible_unit__path"]][MISSING] += row["owed"]
    overview = []
    for unit in units:
        counts: dict[str, int] = defaultdict(int)
        for path, states in by_path.items():
            if path is not None and path.startswith(unit.path):
                for state, n in states.items():
                    counts[state] += n
        if not any(n for state, n in counts.items() if state != MISSING):
            continue
        overview.append(_overview_row(unit, counts))
    if None in by_path:
        overview.append(_overview_row(None, by_path[None]))
    return overview


def _overview_row(unit: Unit | None, counts: dict[str, int]) -> dict[str, Any]:
    # "missing" is counted apart (missing_q): a tiltak cancelled or carried over since
    # the round opened is requested, but owes nothing.
    return {
        "unit": unit, "indent": "\u2003" * (unit.path.count("/") - 1) if unit else "",
        "requested": sum(n for state, n in counts.items() if state != MISSING),
        "submitted": counts.get(State.SUBMITTED, 0),
        "approved": counts.get(State.APPROVED, 0), "sent_back": counts.get(State.SENT_BACK, 0),
        "missing": counts.get(MISSING, 0),
    }


def _filter_returns(request: HttpRequest, returns: Any, units: dict[int, Unit]
                    ) -> tuple[Any, dict[str, str]]:
    """Narrow the returns by ``?unit=<id>`` (its subtree; ``none``: without a unit) and
    ``?state=<state>|missing``; the filters that were understood, for the links."""
    filters: dict[str, str] = {}
    unit = request.GET.get("unit", "")
    if unit == "none":
        returns = returns.filter(action__responsible_unit__isnull=True)
        filters["unit"] = unit
    elif unit.isdigit() and int(unit) in units:
        returns = returns.filter(action__responsible_unit__path__startswith=units[int(unit)].path)
        filters["unit"] = unit
    state = request.GET.get("state", "")
    if state == MISSING:
        returns = returns.missing()
        filters["state"] = state
    elif state in State.values:
        returns = returns.filter(state=state)
        filters["state"] = state
    return returns, filters


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The chase view: per unit requested / submitted / approved / sent back / missing,
    the returns (filtered and paged in the URL) and the assessments."""
    round_ = _visible_round(request, pk)
    user = request.user
    returns = ReportingReturn.objects.visible_to(user).filter(round=round_)
    units = _user_units(user, round_)
    overview = _unit_overview(round_, returns, units)
    filtered, filters = _filter_returns(request, returns, {u.pk: u for u in units})
    listed = filtered.select_related(
        "action__goal", "action__focus_area", "action__plan", "action__responsible_unit",
        "action__responsible_person").order_by(*reading_order("action__"))
    page = Paginator(listed, RETURNS_PER_PAGE).get_page(request.GET.get("page"))
    assessments = list(RoundAssessment.objects.visible_to(user).filter(round=round_)
                       .select_related("focus_area", "unit", "author"))
    can_assess = round_.is_open and can_assess_in(user, round_.organization_id)
    to_assess: list[tuple[str, str, Any]] = []
    if can_assess:
        done = {("focus_area", a.focus_area_id) for a in assessments if a.focus_area_id} | {
            ("unit", a.unit_id) for a in assessments if a.unit_id}
        areas = FocusArea.objects.filter(plan__in=round_.plans.values("pk")).select_related(
            "plan").order_by("plan__title", "order")
        to_assess += [("focus_area", f"{area.plan.title}: {area}", area) for area in areas
                      if ("focus_area", area.pk) not in done]
        access = get_access(user)
        own = [path for org, path in access.sector_leader_units if org == round_.organization_id]
        sectors = [u for u in units if u.kind == Unit.Kind.SECTOR or u.path in own]
        if not access.is_admin_of(round_.organization_id):
            sectors = [u for u in sectors if u.path in own]
        to_assess += [("unit", unit.name, unit) for unit in sectors
                      if ("unit", unit.pk) not in done]
    unit_names = {str(u.pk): u.name for u in units}
    return render(request, "reports/rounds/round_detail.html", {
        "round": round_, "overview": overview, "page": page, "filters": filters,
        "filter_unit": unit_names.get(filters.get("unit", ""), _("no unit")
                                      if filters.get("unit") == "none" else ""),
        "filter_state": _state_label(filters.get("state", "")),
        "page_query": urlencode(filters), "assessments": assessments,
        "to_assess": to_assess, "can_assess": can_assess,
        "can_manage": _can_manage(user, round_), "nav": "rounds",
        "snapshots": _round_snapshots(round_) if not round_.is_open else [],
    })


def _state_label(state: str) -> str:
    if state == MISSING:
        return _("missing")
    return str(State(state).label) if state in State.values else ""


def _round_snapshots(round_: ReportingRound) -> list[ReportSnapshot]:
    return list(ReportSnapshot.objects.filter(round=round_).select_related("plan")
                .defer("data").order_by("plan__title", "pk"))


# --- The return ----------------------------------------------------------------------------


def _visible_return(request: HttpRequest, pk: int, return_pk: int) -> ReportingReturn:
    """The return if the user may read it. A return of the user's own kommune that their
    role does not show (another unit's draft) is a 403: the round is theirs to see; any
    other is a 404. A return of another round is a 404 too (the page redirects)."""
    returns = (ReportingReturn.objects.visible_to(request.user)
               .select_related("round__organization", "action__goal", "action__focus_area",
                               "action__plan",
                               "action__responsible_unit", "action__responsible_person",
                               "submitted_by", "reviewed_by"))
    ret = returns.filter(pk=return_pk).first()
    if ret is None:
        rounds = ReportingRound.objects.visible_to(request.user)
        if ReportingReturn.objects.filter(pk=return_pk, round__in=rounds).exists():
            raise deny(_("You cannot see this return."))
        raise Http404
    return ret


def _permitted(user: Any, ret: ReportingReturn, verb: str) -> bool:
    return ReportingReturn.objects.permitted(user, verb).filter(pk=ret.pk).exists()


def _return_page(request: HttpRequest, ret: ReportingReturn, *, form: ReturnForm | None = None,
                 review_form: ReviewForm | None = None, stored: ReportingReturn | None = None,
                 status: int = 200) -> HttpResponse:
    indicators = list(Indicator.objects.filter(goal_id=ret.action.goal_id).order_by("order",
                                                                                     "pk"))
    editable = (ret.round.is_open and ret.state in ReportingReturn.AWAITING_SUBMISSION
                and _permitted(request.user, ret, "report"))
    if editable and form is None:
        form = ReturnForm(initial=ReturnForm.initial_for(ret), indicators=indicators)
    reviewable = (ret.round.is_open and ret.state == State.SUBMITTED
                  and _permitted(request.user, ret, "review"))
    if reviewable and review_form is None:
        review_form = ReviewForm(initial={"version": ret.version}, prefix="vurder")
    names = {indicator.pk: indicator for indicator in indicators}
    reported = [(names.get(row["indicator"]), row["value"]) for row in ret.indicator_values or []]
    return render(request, "reports/rounds/return.html", {
        "ret": ret, "round": ret.round, "action": ret.action,
        "plan": ret.action.plan, "form": form if editable else None,
        "review_form": review_form if reviewable else None, "stored": stored,
        "reported_values": reported, "nav": "rounds", "statuses": status_labels(),
        "risks": risk_labels(),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def return_form(request: HttpRequest, pk: int, return_pk: int) -> HttpResponse:
    """The return form for the person (or unit manager); read-only for others who may see
    it. "Save draft" saves through ``save_return``, "Submit" through ``submit_return``."""
    ret = _visible_return(request, pk, return_pk)
    if ret.round_id != pk:
        if request.method != "POST":  # an address with another round: the right one
            return redirect("rounds:return", pk=ret.round_id, return_pk=ret.pk)
        raise Http404
    if request.method != "POST":
        return _return_page(request, ret)
    if not _permitted(request.user, ret, "report"):
        raise deny(_("You cannot report on this action."))
    indicators = list(Indicator.objects.filter(goal_id=ret.action.goal_id).order_by("order",
                                                                                     "pk"))
    form = ReturnForm(request.POST, indicators=indicators)
    submit = "submit" in request.POST
    if not form.is_valid():
        return _return_page(request, ret, form=form, status=400)
    service = round_services.submit_return if submit else round_services.save_return
    try:
        service(actor=request.user, ret=ret, expected_version=form.cleaned_data["version"],
                **form.service_fields())
    except VersionConflict as exc:
        form.keep_input_with_version(exc.current_version)
        form.add_error(None, _(
            "Someone else changed this return while you were writing. Your text is kept "
            "in the form; what is stored now is shown beside it. Check both, then save or "
            "submit again."))
        stored = _visible_return(request, pk, return_pk)
        return _return_page(request, stored, form=form, stored=stored, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _return_page(request, _visible_return(request, pk, return_pk), form=form,
                            status=400)
    if submit:
        messages.success(request, _("The return is submitted. Thank you!"))
    else:
        messages.success(request, _("The draft is saved. Submit it when you are done."))
    return redirect("rounds:return", pk=pk, return_pk=return_pk)


@login_required
@require_POST
def review_return(request: HttpRequest, pk: int, return_pk: int) -> HttpResponse:
    """Approve a submitted return, or send it back with a required comment."""
    ret = _visible_return(request, pk, return_pk)
    if ret.round_id != pk:
        raise Http404
    if not _permitted(request.user, ret, "review"):
        raise deny(_("Only the sector leader of the unit's sector can review this return."))
    form = ReviewForm(request.POST, prefix="vurder")
    if not form.is_valid():
        return _return_page(request, ret, review_form=form, status=400)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            round_services.approve_return(actor=request.user, ret=ret,
                                          expected_version=data["version"])
        else:
            round_services.send_back_return(actor=request.user, ret=ret,
                                            expected_version=data["version"],
                                            comment=data["comment"])
    except VersionConflict as exc:
        form.keep_input_with_version(exc.current_version)
        form.add_error(None, _("The return was changed while you were reading it. Read it "
                               "again below, then decide."))
        return _return_page(request, _visible_return(request, pk, return_pk),
                            review_form=form, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _return_page(request, _visible_return(request, pk, return_pk),
                            review_form=form, status=400)
    messages.success(request, _("The return is approved.") if data["decision"] == "approve"
                     else _("The return is sent back; the person is told."))
    return redirect("rounds:detail", pk=pk)


# --- Assessments ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or rewrite the assessment of a focus area (``?focus_area=<id>``) or a sector
    (``?unit=<id>``) of the round."""
    round_ = _visible_round(request, pk)
    if not can_assess_in(request.user, round_.organization_id):
        raise deny(_("Only administrators and sector leaders write assessments."))
    source = request.POST if request.method == "POST" else request.GET
    focus_area = unit = None
    if str(source.get("focus_area", "")).isdigit():
        focus_area = get_object_or_404(
            FocusArea.objects.filter(plan__in=round_.plans.values("pk")).select_related("plan"),
            pk=source["focus_area"])
    elif str(source.get("unit", "")).isdigit():
        unit = get_object_or_404(Unit.objects.filter(organization_id=round_.organization_id),
                                 pk=source["unit"])
    else:
        raise Http404
    existing = RoundAssessment.objects.filter(round=round_, focus_area=focus_area,
                                              unit=unit).order_by().first()
    form = AssessmentForm(request.POST or None, initial={
        "version": existing.version if existing else None,
        "text": existing.text if existing else ""})
    stored = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                round_services.write_assessment(
                    actor=request.user, round=round_, text=form.cleaned_data["text"],
                    focus_area=focus_area, unit=unit,
                    expected_version=form.cleaned_data["version"])
            except VersionConflict:
                form.keep_input_with_version(existing.version if existing else None)
                form.add_error(None, _(
                    "Someone else changed this assessment while you were writing. Your text "
                    "is kept in the form; the stored text is shown beside it."))
                stored, status = existing, 409
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The assessment is saved."))
                return redirect(reverse("rounds:detail", args=[round_.pk]) + "#vurderinger")
    return render(request, "reports/rounds/assessment.html", {
        "round": round_, "form": form, "focus_area": focus_area, "unit": unit,
        "stored": stored, "nav": "rounds",
    }, status=status)


# --- Closing -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def close_round(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the round (plan administrators) with case number, committee and meeting
    date; before the period has ended the form is disabled (the service refuses too)."""
    round_ = _visible_round(request, pk)
    if not _can_manage(request.user, round_):
        raise deny(_("Only an administrator of the organisation can close reporting rounds."))
    ended = timezone.localdate() > round_.period_end
    form = CloseRoundForm(request.POST or None, initial={
        "version": round_.version, "case_number": round_.case_number,
        "committee": round_.committee, "meeting_date": round_.meeting_date})
    if request.method == "POST" and round_.is_open and form.is_valid():
        from reports.round_services import close_round as close

        data = form.cleaned_data
        try:
            close(actor=request.user, round=round_, expected_version=data["version"],
                  case_number=data["case_number"], committee=data["committee"],
                  meeting_date=data["meeting_date"])
        except VersionConflict as exc:
            form.keep_input_with_version(exc.current_version)
            form.add_error(None, _("The round was changed while you were writing. Check it "
                                   "and send again."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The round is closed and its report frozen."))
            return redirect("rounds:detail", pk=round_.pk)
    if not round_.is_open and request.method == "POST":
        form.add_error(None, _("The reporting round is already closed."))
    return render(request, "reports/rounds/close_round.html", {
        "round": round_, "form": form, "ended": ended, "nav": "rounds",
    }, status=400 if form.errors else 200)


# --- Documents -----------------------------------------------------------------------------


@login_required
@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> Any:
    """A closed round's frozen report for one plan (``?plan=<id>`` when it has several)."""
    if fmt not in FORMATS:
        raise Http404
    round_ = _visible_round(request, pk)
    if round_.is_open:
        raise Http404
    snapshots = ReportSnapshot.objects.filter(round=round_).select_related("plan")
    plan = request.GET.get("plan", "")
    if plan.isdigit():
        snapshots = snapshots.filter(plan_id=int(plan))
    found = list(snapshots.order_by("pk")[:2])
    if not found or (len(found) > 1 and not plan):
        raise Http404
    snapshot = found[0]
    name = f"{snapshot.plan.title} – {snapshot.period_label}".replace("/", "-")
    return snapshot_file(snapshot, fmt, name)


# --- Public round reports ------------------------------------------------------------------


def _public_snapshot(request: HttpRequest, pk: int, snapshot_pk: int) -> ReportSnapshot:
    """A frozen report of a public plan. Its data is frozen public (no names, and of a
    round only approved text); a preliminary one says so on the page. A visitor who is
    not signed in reads it in the kommune's målform."""
    plan = get_object_or_404(Plan.objects.public().select_related("organization"), pk=pk)
    snapshots = ReportSnapshot.objects.filter(plan=plan).select_related("plan__organization")
    snapshot = get_object_or_404(snapshots, pk=snapshot_pk)
    # The language it was frozen in (snapshot.language), like its files.
    use_public_language(request, snapshot)
    return snapshot


@require_GET
def public_report(request: HttpRequest, pk: int, snapshot_pk: int) -> HttpResponse:
    """A public plan's frozen round report as a web page, for anyone."""
    snapshot = _public_snapshot(request, pk, snapshot_pk)
    # The report in the language it was frozen in, as its PDF (one language per document).
    with translation.override(snapshot.language):
        context = report_context(snapshot.data)
    context.update(report_language=snapshot.language, report_lang=lang_attribute(snapshot))
    # report_context gives the round's facts, assessments and approved returns (the data
    # is frozen public: no names, only approved text).
    context.update(base_template=web_base_template(), plan=snapshot.plan, snapshot=snapshot,
                   period_label=snapshot.period_label, preliminary=snapshot.preliminary,
                   pdf_url=reverse("rounds:public-report-pdf", args=[pk, snapshot_pk])
                   if snapshot.status == ReportSnapshot.Status.READY else "",
                   nav="public")
    return render(request, "reports/round_report_public.html", context)


@require_GET
def public_report_pdf(request: HttpRequest, pk: int, snapshot_pk: int) -> Any:
    """A public plan's frozen round report as its stored PDF."""
    snapshot = _public_snapshot(request, pk, snapshot_pk)
    name = f"{snapshot.plan.title} – {snapshot.period_label}".replace("/", "-")
    return snapshot_file(snapshot, "pdf", name)

