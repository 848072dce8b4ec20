"""Plan pages: the list, the plan page with its tree, and the public plan pages.

Public pages show plans marked public to anyone, and never load a person; nor does the
plan page for a logged-in user outside the plan's kommune (:func:`sees_people`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, OuterRef, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from actions.querysets import average_progress, average_progress_of, overdue_q
from actions.queues import page_of
from planportal.languages import lang_attribute, use_public_language
from planportal.models import Organization, Unit
from planportal.permissions import get_access, sees_people
from reports.interpretations import plan_interpretations
from reports.models import ReportSnapshot
from reports.plan_forms import PlanFilterForm
from reports.rows import ActionRowRenderer
from reports.thread import goal_threads, plan_place
from reports.tree import ActionRow, FocusAreaNode, GoalNode, PlanTree, plan_tree
from strategies.models import Plan

# Every tiltak of the plan, on any level (through Action.plan, not the goals: a tiltak
# on a focus area or on the whole plan counts too).
ACTIONS = "actions__"


def _with_progress(plans: Any) -> Any:
    """Plans with their actions' mean progress (cancelled left out) and counts."""
    today = timezone.localdate()
    return plans.select_related("organization").annotate(
        progress=average_progress_of(ACTIONS),
        action_count=Count(f"{ACTIONS}id"),
        overdue_count=Count(f"{ACTIONS}id", filter=overdue_q(today, prefix=ACTIONS)),
    )


def own_kommune_first(user: Any) -> list[Any]:
    """The ordering that puts the plans of *user*'s own kommuner before the public plans of
    others (nothing for a platform operator, who has no own kommune)."""
    own = get_access(user).member_org_ids
    if not own:
        return []
    return [Case(When(organization_id__in=own, then=Value(0)), default=Value(1))]


def _with_parent(plans: Any, readable: Any) -> Any:
    """Plans with their parent plan, and whether the reader may read it (in the same
    query): a plan's page never names a parent plan its reader may not open."""
    return plans.select_related("parent").annotate(
        parent_readable=Exists(readable.filter(pk=OuterRef("parent_id"))))


#: Plan cards on a page of the plan lists: an installation may hold thousands of plans.
PLANS_PER_PAGE = 24
#: ``?kommune=`` value for the plans of every kommune.
ALL_KOMMUNER = "alle"


@dataclass
class KommuneChoice:
    """Which kommune a plan list shows (``?kommune=<slug>``, or every kommune)."""

    selected: str
    options: list[tuple[str, str]]

    @property
    def offered(self) -> bool:
        return len(self.options) > 1


def _kommune_choice(request: HttpRequest, readable: Any) -> tuple[Any, KommuneChoice]:
    """*readable* cut to the chosen kommune, and the choice for the form (one query).

    A member of a kommune starts on that kommune's plans; anyone else starts on all of
    them. An unknown slug shows every kommune rather than an error: the form is a filter.
    """
    own = get_access(request.user).member_org_ids
    kommuner = list(Organization.objects.filter(
        Exists(readable.filter(organization_id=OuterRef("pk"))))
        .order_by(Case(When(pk__in=own, then=Value(0)), default=Value(1)), "name")
        .values_list("pk", "slug", "name"))
    wanted = request.GET.get("kommune", "")
    slugs = {slug: pk for pk, slug, _name in kommuner}
    own_slugs = [slug for pk, slug, _name in kommuner if pk in own]
    if wanted in slugs:
        readable, selected = readable.filter(organization_id=slugs[wanted]), wanted
    elif own_slugs and wanted != ALL_KOMMUNER:
        readable = readable.filter(organization_id__in=own)
        # Several own kommuner: all of them, as before, and none chosen in the form.
        selected = own_slugs[0] if len(own_slugs) == 1 else ""
    else:
        selected = ALL_KOMMUNER
    options = [(ALL_KOMMUNER, _("All kommuner"))] + [(slug, name) for _pk, slug, name in kommuner]
    return readable, KommuneChoice(selected, options)


def _plan_cards(request: HttpRequest, plans: Any, readable: Any) -> Page:
    """One page of *plans* (ordered), with progress and parent for that page's plans only.

    The figures are summed in a second query over the page's ids: summed in the query
    that pages, the database would add up every plan's tiltak before it could sort.
    """
    page = page_of(request, plans.values_list("pk", flat=True), PLANS_PER_PAGE)
    ids = list(page.object_list)
    figures = {plan.pk: plan for plan in _with_parent(
        _with_progress(Plan.objects.filter(pk__in=ids)), readable)}
    page.object_list = [figures[pk] for pk in ids]
    return page


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the user may read, with a progress bar: his own kommune's, unless he
    chooses another kommune or all of them (24 to a page)."""
    readable = Plan.objects.visible_to(request.user)
    shown, kommune = _kommune_choice(request, readable)
    page = _plan_cards(request, shown.order_by(*own_kommune_first(request.user),
                                               *Plan._meta.ordering), readable)
    return render(request, "strategies/plan_list.html", {
        "plans": page.object_list, "page": page, "kommune": kommune, "nav": "plans",
        "public": False})


def public_plan_list(request: HttpRequest) -> HttpResponse:
    """The plans marked public, for everyone (the landing page when not logged in),
    24 to a page, of one kommune or of all."""
    readable = Plan.objects.public()
    shown, kommune = _kommune_choice(request, readable)
    page = _plan_cards(request, shown.order_by(*Plan._meta.ordering), readable)
    return render(request, "strategies/plan_list.html", {
        "plans": page.object_list, "page": page, "kommune": kommune, "nav": "public",
        "public": True})


def report_links(plan: Plan) -> list[tuple[str, str, str]]:
    """(URL name, label, url) for the plan's HTML, PDF and XLSX reports."""
    labels = {
        "plan-report": _("Progress report (web page)"),
        "plan-report-pdf": _("Progress report (PDF)"),
        "plan-report-xlsx": _("Progress report (Excel)"),
    }
    return [(name, label, reverse(f"reports:{name}", args=[plan.pk]))
            for name, label in labels.items()]


#: A plan page shows at most this many tiltak in full. A bigger plan shows its focus
#: areas as summaries (counts and progress) that open one at a time (``?area=``); an
#: opened area bigger than this shows its goals so (``?goal=``).
FULL_ROWS = 150
#: A list of tiltak in the page's focus (the plan-wide ones of a big plan, an opened big
#: area's own, an opened goal's) shows this many a page (``?page=``).
LIST_ROWS = 50


def _number(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


def _overdue(rows: list[ActionRow]) -> int:
    return sum(1 for row in rows if row.overdue)


def _rows(render: ActionRowRenderer, rows: list[ActionRow], page: str | None = None,
          limit: int | None = None) -> tuple[SafeString, Page | None]:
    """*rows* as markup; with *limit*, one page of them (and the page, for its links)."""
    if limit is None or len(rows) <= limit:
        return render(rows), None
    window = Paginator(rows, limit).get_page(page)
    return render(window.object_list), window


class PlanLayout:
    """What of a plan's tree the page shows in full, and what as summaries.

    A plan of at most :data:`FULL_ROWS` shown tiltak, asked for nothing in particular,
    is shown whole, as it always was. Otherwise the page has a *focus*: the plan (no
    area opened), an opened focus area (``?area=``) or an opened goal (``?goal=``).
    The areas out of focus are summaries; in an opened area of at most
    :data:`FULL_ROWS` shown tiltak everything is shown, in a bigger one the goals out of
    focus are summaries. The list of tiltak in focus is paged (:data:`LIST_ROWS`); the
    plan's and an area's own list above the focus become a line with a link. So a page
    holds a bounded number of rows whatever the size of the plan; all is in memory (the
    tree's queries are the same), so its queries do not grow either.
    """

    def __init__(self, request: HttpRequest, tree: PlanTree) -> None:
        goal_id, area_id = _number(request, "goal"), _number(request, "area")
        self.area: FocusAreaNode | None = None
        self.goal: GoalNode | None = None
        for area in tree:
            for node in area.goals:
                if node.goal.pk == goal_id:
                    self.area, self.goal = area, node
            if self.area is None and area.focus_area.pk == area_id:
                self.area = area
        self.whole = self.area is None and tree.shown_count <= FULL_ROWS
        # An opened area small enough is shown whole, its opened goal (if any) in it.
        self.area_whole = self.area is not None and self.area.shown_count <= FULL_ROWS
        # Links keep the filters; each opens its part and leads the reader to it.
        kept = request.GET.copy()
        for name in ("area", "goal", "page"):
            kept.pop(name, None)
        self.filters_query = kept.urlencode()
        self.path = request.path

    def url(self, **params: Any) -> str:
        """This page with *params* (the filters kept)."""
        query = "&".join(part for part in (self.filters_query, urlencode(params)) if part)
        return f"{self.path}?{query}" if query else self.path

    def hidden_fields(self) -> dict[str, int]:
        """What the filter form sends along so that filtering keeps the part opened."""
        if self.goal is not None:
            return {"goal": self.goal.goal.pk}
        if self.area is not None:
            return {"area": self.area.focus_area.pk}
        return {}


def _lay_out(layout: PlanLayout, tree: PlanTree, render: ActionRowRenderer,
             page: str | None) -> None:
    """Set on each node of *tree* whether it is open, its rows as markup, their page
    and the links that open it."""
    if layout.whole:
        tree.open, (tree.rows_html, tree.page) = True, (render(tree.shown), None)
    elif layout.area is None:
        tree.open = True
        tree.rows_html, tree.page = _rows(render, tree.shown, page, LIST_ROWS)
    else:
        tree.open, tree.rows_html, tree.page = False, "", None
    tree.overview_url = layout.url()
    for area in tree:
        fa = area.focus_area
        area.open = layout.whole or area is layout.area
        area.open_url = layout.url(area=fa.pk)
        area.own_anchor = f"fa-{fa.pk}-egne"
        area.overdue_count = _overdue(area.actions)
        area.own_open = layout.whole or (area.open and (layout.area_whole
                                                         or layout.goal is None))
        area.own_rows_html, area.own_page = "", None
        if area.own_open:
            limit = None if layout.whole or layout.area_whole else LIST_ROWS
            area.own_rows_html, area.own_page = _rows(render, area.own_shown, page, limit)
        for node in area.goals:
            node.open = area.open and (layout.whole or layout.area_whole
                                       or node is layout.goal)
            node.open_url = layout.url(goal=node.goal.pk)
            node.anchor = f"mal-{node.goal.pk}"
            node.overdue_count = _overdue(node.actions)
            node.rows_html, node.page = "", None
            if node.open:
                limit = LIST_ROWS if node is layout.goal and not layout.area_whole else None
                node.rows_html, node.page = _rows(render, node.shown, page, limit)


def _plan_page(request: HttpRequest, plan: Plan, *, public: bool) -> HttpResponse:
    units = list(
        Unit.objects.filter(organization_id=plan.organization_id).values_list("pk", "name",
                                                                              "path")
    )
    form = PlanFilterForm(
        request.GET or None,
        units=[(pk, "\u2003" * (path.count("/") - 1) + name) for pk, name, path in units],
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():  # invalid: show the error, leave the tree whole
        paths = {pk: path for pk, _name, path in units}
        filters = {
            "status": form.cleaned_data["status"] or None,
            "unit_path": paths.get(form.cleaned_data["unit"]),
            "overdue_only": form.cleaned_data["overdue"],
        }
    # Names only for the plan's own kommune: other kommuner's staff reading a public
    # plan see it as the public does (the rule of the API and the reports).
    people = not public and sees_people(request.user, plan.organization_id)
    # "Tolket" markers: for the administrators of the plan's kommune, never in public.
    markers = (plan_interpretations(plan) if not public
               and get_access(request.user).is_admin_of(plan.organization_id) else None)
    tree = plan_tree(plan, with_people=people, **filters)
    render_rows = ActionRowRenderer(public=public, people=people, interpretations=markers,
                                    lang=lang_attribute(plan.organization))
    layout = PlanLayout(request, tree)
    _lay_out(layout, tree, render_rows, request.GET.get("page"))
    # The golden thread: only links into plans this reader may read (public: public ones).
    readable = Plan.objects.public() if public else Plan.objects.visible_to(request.user)
    threads = goal_threads(plan, readable, public=public)
    for area in tree:
        for node in area.goals:
            node.thread = threads.get(node.goal.pk)
    all_actions = tree.all_actions
    shown = tree.shown_count
    context = {
        "plan": plan,
        "place": plan_place(plan, readable),
        "tree": tree,
        "layout": layout,
        "form": form,
        "filtered": bool(filters),
        "shown_count": shown,
        "action_count": len(all_actions),
        "progress": average_progress(all_actions),
        "public": public,
        "interpretations": markers,
        # The progress report is public with its plan (no names): the public page links it.
        "report_links": report_links(plan),
        # A public plan lists the reports of its closed reporting rounds.
        "round_reports": list(ReportSnapshot.objects.of_closed_rounds(plan)) if public else [],
        "nav": "public" if public else "plans",
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "strategies/plan_detail.html", context, status=status)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan page: the plan-wide actions, then focus areas (their own actions, then
    goals → actions) with filters, indicators, reports."""
    plan = get_object_or_404(
        Plan.objects.visible_to(request.user).select_related("organization", "owner_unit"),
        pk=pk,
    )
    return _plan_page(request, plan, public=False)


def public_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A public plan for anyone, without login and without any personal data."""
    plan = get_object_or_404(
        Plan.objects.public().select_related("organization", "owner_unit"), pk=pk
    )
    # In the kommune's målform, unless the visitor is signed in or used the switch.
    use_public_language(request, plan.organization)
    return _plan_page(request, plan, public=True)
