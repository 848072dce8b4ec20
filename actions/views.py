"""Web pages for actions: read through ``visible_to``/``permitted``, write through services.

Every write goes through :mod:`actions.services`. A stale version
(:class:`~planportal.locking.VersionConflict`) re-shows the form with what the user
typed and a message, against the current version. Pages run a fixed number of queries.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from actions import services
from actions.cards import MineCardRenderer
from actions.choices import merge_people, people_choices, unit_choices, with_current_person
from actions.forms import AssignForm, BulkAssignForm, EvaluationForm, StatusUpdateForm
from actions.models import Action, ReportingReturn, StatusUpdate
from actions.querysets import overdue_q, unassigned_q
from actions.queues import QueueFilterForm, page_of
from planportal.forms import add_service_errors
from planportal.locking import VersionConflict
from planportal.models import Unit, User
from planportal.permissions import any_of, get_access, sees_people
from strategies.models import Indicator

SOON_DAYS = 30


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _can(user: Any, action: Action, verb: str) -> bool:
    return Action.objects.permitted(user, verb).filter(pk=action.pk).exists()


def _require_report(request: HttpRequest, action: Action) -> None:
    """Readers see the action but may not report on it: 403 before any form handling
    (the service checks again when it writes)."""
    services.require_permitted(request.user, action, "report",
                               _("You cannot post status updates on this action."))


def _conflict(form: Any, exc: VersionConflict) -> None:
    form.keep_input_with_version(exc.current_version)
    form.add_error(
        None,
        _("Someone else changed this action while you were writing. Your text is kept "
          "below; check the action's current state and send again to save it."),
    )


def _action_queryset(user: Any) -> Any:
    return Action.objects.visible_to(user).for_list().with_overdue().with_latest_update()


# --- The action page ---------------------------------------------------------------------


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One action with its full status history, the status form (``#ny-status``) and,
    once closed, the final-evaluation form."""
    action = get_object_or_404(_action_queryset(request.user), pk=pk)
    return render(request, "actions/action_detail.html", _detail_context(request, action))


def _detail_context(
    request: HttpRequest,
    action: Action,
    status_form: StatusUpdateForm | None = None,
    evaluation_form: EvaluationForm | None = None,
) -> dict[str, Any]:
    can_report = _can(request.user, action, "report")
    can_manage = _can(request.user, action, "manage")
    if can_report and status_form is None:
        status_form = StatusUpdateForm.for_action(action)
    if can_report and evaluation_form is None and action.status in Action.EVALUABLE_STATUSES:
        evaluation_form = EvaluationForm.for_action(action)
    plan = action.plan
    return {
        "action": action,
        "plan": plan,
        # Staff of another kommune reading a public plan see no names, as the public.
        "public": not sees_people(request.user, plan.organization_id),
        "history": list(
            StatusUpdate.objects.filter(action=action).select_related("author")
        ),
        "contributing_units": list(action.contributing_units.all()),
        "can_report": can_report,
        "can_manage": can_manage,
        "status_form": status_form if can_report else None,
        "evaluation_form": evaluation_form if can_report else None,
        "nav": "plans",
    }


@login_required
@require_POST
def post_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a status update through :func:`actions.services.post_status_update`.

    With htmx the answer is the status panel alone (form, confirmation and the new
    history entry); without JavaScript it is a redirect back, or the page with errors.
    """
    action = get_object_or_404(_action_queryset(request.user), pk=pk)
    _require_report(request, action)
    form = StatusUpdateForm(request.POST, prefix=f"tiltak-{action.pk}")
    view = request.POST.get("visning", "detalj")
    update = None
    if form.is_valid():
        try:
            update = services.post_status_update(
                actor=request.user,
                action=action,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
                risk=form.cleaned_data["risk"],
                comment=form.cleaned_data["comment"],
            )
        except VersionConflict as exc:
            _conflict(form, exc)
            action = get_object_or_404(_action_queryset(request.user), pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if update is not None:
        action = get_object_or_404(_action_queryset(request.user), pk=pk)
        if not _is_htmx(request):
            messages.success(request, _("The status update is saved."))
            return redirect(_after_status_url(request, action, view))
        form = StatusUpdateForm.for_action(action)
    if not _is_htmx(request):
        if view == "mine":
            return my_actions(request, failed=(action.pk, form))
        context = _detail_context(request, action, status_form=form)
        return render(request, "actions/action_detail.html", context, status=400)
    history = (
        list(StatusUpdate.objects.filter(action=action).select_related("author"))
        if view == "detalj" else ([update] if update else [])
    )
    context = {"action": action, "form": form, "history": history, "saved": update,
               "view": view}
    return render(request, "actions/_status_panel.html", context)


@login_required
@require_GET
def status_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The empty status panel of one action, for *Mine tiltak*: a card loads it (htmx)
    when its "Update status" is opened, so a page of fifty cards carries no fifty forms.
    Without htmx, the action's page at its form."""
    action = get_object_or_404(_action_queryset(request.user), pk=pk)
    if not _is_htmx(request):
        return redirect(reverse("actions:detail", args=[action.pk]) + "#ny-status")
    _require_report(request, action)
    context = {"action": action, "form": StatusUpdateForm.for_action(action), "history": None,
               "saved": None, "view": "mine"}
    return render(request, "actions/_status_panel.html", context)


def _after_status_url(request: HttpRequest, action: Action, view: str) -> str:
    if view == "mine":
        return reverse("actions:mine") + f"#tiltak-{action.pk}"
    return reverse("actions:detail", args=[action.pk]) + "#ny-status"


@login_required
@require_POST
def post_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the final evaluation through :func:`actions.services.evaluate_action`."""
    action = get_object_or_404(_action_queryset(request.user), pk=pk)
    _require_report(request, action)
    form = EvaluationForm(request.POST, prefix=f"evaluering-{action.pk}")
    if form.is_valid():
        try:
            services.evaluate_action(
                actor=request.user,
                action=action,
                expected_version=form.cleaned_data["version"],
                evaluation=form.cleaned_data["evaluation"],
            )
        except VersionConflict as exc:
            _conflict(form, exc)
            action = get_object_or_404(_action_queryset(request.user), pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown, and focused, in the evaluation section the page opens at: that is
            # where the person is, not the top of the page.
            messages.success(request, _("The final evaluation is saved."),
                             extra_tags="pp-inline sluttevaluering")
            return redirect(reverse("actions:detail", args=[action.pk]) + "#sluttevaluering")
    context = _detail_context(request, action, evaluation_form=form)
    return render(request, "actions/action_detail.html", context, status=400)


# --- Mine tiltak ---------------------------------------------------------------------------


def managed_unit_ids(user: Any) -> list[int]:
    """The units the user manages as unit manager, and every unit below them (one query;
    none when they manage none)."""
    paths = [path for _org, path in get_access(user).unit_manager_units]
    if not paths:
        return []
    return list(Unit.objects.filter(any_of([Q(path__startswith=p) for p in paths]))
                .values_list("pk", flat=True))


def _mine_q(user: Any, units: list[int], prefix: str = "",
            kommune: str = "plan__organization_id") -> Q:
    """The user's own actions and those of *units* (:func:`managed_unit_ids`), in the
    user's own kommuner (*kommune*: the path to the row's organisation).

    Units by id, not by path: "my person or one of these units" is then two index
    lookups, where a path needs a join that no index serves, and the kommune bound
    keeps any other plan inside the kommune; on an installation of many kommuner the
    database reads this user's rows, not every kommune's.
    """
    access = get_access(user)
    conditions = [Q(**{f"{prefix}responsible_person_id": user.pk})]
    if units:
        conditions.append(Q(**{f"{prefix}responsible_unit_id__in": units}))
    return any_of(conditions) & Q(**{f"{prefix}{kommune}__in": sorted(access.member_org_ids)})


#: What a card of *Mine tiltak* shows (:mod:`actions.cards`), and the version its status
#: form starts from: the page reads no more, as its one big query costs more to plan and
#: to fetch with every column of six tables.
MINE_CARD_FIELDS = (
    "plan", "goal", "focus_area", "responsible_unit", "code", "title", "status", "progress",
    "due_date", "period_text", "version", "plan__title", "plan__organization__language",
    "goal__code", "goal__title", "focus_area__code", "focus_area__title",
    "responsible_unit__name")


def _mine_cards(user: Any) -> Any:
    """The actions *user* may read, with what *Mine tiltak*'s cards show."""
    latest = StatusUpdate.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-pk")
    return (Action.objects.visible_to(user).with_overdue()
            .select_related("plan__organization", "goal", "focus_area", "responsible_unit")
            .only(*MINE_CARD_FIELDS)
            .annotate(latest_risk=Subquery(latest.values("risk")[:1]),
                      latest_update_at=Subquery(latest.values("created_at")[:1])))


#: *Mine tiltak*'s groups, in the order the page lists them.
MINE_GROUPS = ("overdue", "soon", "later", "evaluate")


@login_required
def my_actions(
    request: HttpRequest, failed: tuple[int, StatusUpdateForm] | None = None
) -> HttpResponse:
    """*Mine tiltak*: open actions grouped as overdue, due within 30 days and later, each
    with a status form that opens in its card; closed actions still lacking a final
    evaluation last.

    50 to a page, in the groups' order, with each group's total over all pages (one
    query); filters by plan, unit, status, risk and overdue, kept in the URL.
    Above them the returns owed in open reporting rounds and the indicator values due.
    """
    today = timezone.localdate()
    soon = today + timedelta(days=SOON_DAYS)
    managed = managed_unit_ids(request.user)
    mine = (_mine_cards(request.user).filter(_mine_q(request.user, managed))
            # Carried over: the work goes on as the copy in the plan's next version, which
            # is listed instead; it needs no final evaluation here.
            .exclude(status=Action.Status.CARRIED_OVER)
            # Closed and evaluated: nothing left to do here.
            .exclude(Q(status__in=Action.CLOSED_STATUSES) & ~Q(evaluation="")))
    access = get_access(request.user)
    org_ids = {org for org, _path in access.unit_manager_units}
    units = _merge(unit_choices(request.user, org_ids), None) if org_ids else []
    filters = QueueFilterForm(request.GET or None, base=mine, units=units,
                              statuses=list(Action.Status.choices))
    if not units:
        del filters.fields["unit"]
    closed = Q(status__in=Action.CLOSED_STATUSES)
    group = Case(
        When(closed, then=Value(3)),
        When(overdue_q(today), then=Value(0)),
        When(due_date__lte=soon, then=Value(1)),
        default=Value(2), output_field=IntegerField())
    listed = filters.apply(mine).annotate(group=group)
    totals = dict(listed.order_by().values_list("group").annotate(n=Count("pk")))
    page = page_of(request, listed.order_by(
        "group", F("due_date").asc(nulls_last=True), "plan__title", "pk"),
        count=sum(totals.values()))
    groups: dict[str, list[Action]] = {name: [] for name in MINE_GROUPS}
    for action in page.object_list:
        groups[MINE_GROUPS[action.group]].append(action)
        # The cards load their status form when opened (status_form); only the one whose
        # update failed without JavaScript comes with it, open, with the errors.
        action.status_form = failed[1] if failed and failed[0] == action.pk else None
    cards = MineCardRenderer(request)
    sections = [
        (slug, heading, cards(groups[name], evaluate=name == "evaluate"), intro,
         totals.get(index, 0))
        for index, (name, slug, heading, intro) in enumerate((
            ("overdue", "forsinket", pgettext("actions", "Overdue"),
             _("The deadline has passed. Post a status update, or ask for a new deadline.")),
            ("soon", "snart", _("Due within 30 days"), ""),
            ("later", "senere", _("Later or without a deadline"), ""),
            ("evaluate", "evaluering", _("Closed, waiting for a final evaluation"), "")))
    ]
    # Returns the user still has to submit in open reporting rounds (one query).
    returns = list(
        ReportingReturn.objects.permitted(request.user, "report").still_owed()
        .filter(_mine_q(request.user, managed, "action__"))
        .select_related("round__organization", "action")
        .order_by("round__deadline", "action__order", "pk")
    )
    # Indicators whose value the user owes, due within as many days as the tiltak above
    # or overdue: their own, and those of the units they manage (one query).
    indicators = list(
        Indicator.objects.visible_to(request.user).followed_up()
        .filter(_mine_q(request.user, managed,
                        kommune="goal__focus_area__plan__organization_id"),
                next_due_on__lte=soon)
        .select_related("goal__focus_area__plan__organization", "responsible_unit")
        .order_by("next_due_on", "pk")
    )
    return render(
        request,
        "actions/my_actions.html",
        {"sections": sections, "count": sum(totals.values()), "nav": "mine", "today": today,
         "returns": returns, "indicators": indicators, "page": page, "filters": filters},
        status=400 if failed else 200,
    )


# --- Fordel ansvar -------------------------------------------------------------------------


def _assign_base(user: Any) -> Any:
    # Managing an action implies reading it (same organisation), so no visible_to here.
    return Action.objects.permitted(user, "manage").for_list().with_overdue()


def _require_assigner(user: Any) -> None:
    """*Fordel ansvar* is for those who may assign tiltak (administrators, sector leaders):
    to anyone else an empty list would say, falsely, that all is assigned (403)."""
    if not get_access(user).writes_actions_anywhere:
        raise PermissionDenied(_("Only administrators and sector leaders assign "
                                 "responsibility for actions."))


def _to_assign(base: Any) -> Any:
    """The actions of *base* that lack a unit, a person or a deadline: those listed, and
    those the bulk form may assign. A continuous tiltak ("løpende") lacks no deadline
    (:func:`actions.querysets.unassigned_q`)."""
    return base.filter(Q(responsible_person__isnull=True) | unassigned_q())


def _queue_orgs(base: Any) -> set[int]:
    """The kommuner of the tiltak a queue may list (one query)."""
    return set(base.order_by().values_list("plan__organization_id", flat=True).distinct())


@login_required
def assign_list(
    request: HttpRequest, bulk_form: BulkAssignForm | None = None, status: int = 200
) -> HttpResponse:
    """*Fordel ansvar*: the open actions a sector leader may assign that lack a unit, a
    person or a deadline (or, ``?show=all``, every open one), filtered and 50 to a page,
    with a form to give the selected ones a unit, person or deadline at once."""
    _require_assigner(request.user)
    base = _assign_base(request.user).exclude(status__in=Action.CLOSED_STATUSES)
    org_ids = _queue_orgs(base)
    names = _organization_names(org_ids) if len(org_ids) > 1 else None
    units = _merge(unit_choices(request.user, org_ids), names)
    filters = QueueFilterForm(request.GET or None, base=base, units=units, show=True)
    listed = base if filters.is_bound and filters.data.get("show") == "all" else _to_assign(base)
    page = page_of(request, filters.apply(listed).order_by(
        "plan__title", "plan_id", F("focus_area__order").asc(nulls_first=True),
        F("goal__order").asc(nulls_first=True), "order", "pk"))
    rows = list(page.object_list)
    if bulk_form is None:
        bulk_form = _bulk_form(request.user, None, rows, org_ids, units=units)
    selected = (set(bulk_form.data.getlist("actions")) if bulk_form.is_bound
                else {str(a.pk) for a in rows} if request.GET.get("select") == "page"
                else set())
    return render(
        request,
        "actions/assign_list.html",
        {
            "unassigned": rows,
            "page": page,
            "filters": filters,
            "overdue_count": base.overdue().count(),
            "bulk_form": bulk_form,
            "nav": "assign",
            "selected": selected,
            "queue_query": request.GET.urlencode(),
        },
        status=status,
    )


def _bulk_form(
    user: Any, data: Any, actions: list[Action], org_ids: set[int],
    units: list[Any] | None = None,
) -> BulkAssignForm:
    names = _organization_names(org_ids) if len(org_ids) > 1 else None
    if units is None:
        units = _merge(unit_choices(user, org_ids), names)
    return BulkAssignForm(
        data,
        action_ids=[a.pk for a in actions],
        units=units,
        people=merge_people(people_choices(org_ids), names),
    )


def _organization_names(org_ids: set[int]) -> dict[int, str]:
    from planportal.models import Organization

    return dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))


def _merge(per_org: dict[int, list[tuple[int, str]]], names: dict[int, str] | None
           ) -> list[Any]:
    """One flat list for one organisation; option groups (by kommune) for several."""
    if names is None:
        return [choice for choices in per_org.values() for choice in choices]
    return [(names.get(org, ""), choices) for org, choices in per_org.items()]


@login_required
@require_POST
def assign_bulk(request: HttpRequest) -> HttpResponse:
    """Give the selected actions a unit, person and/or deadline; all or nothing."""
    _require_assigner(request.user)
    base = _assign_base(request.user).exclude(status__in=Action.CLOSED_STATUSES)
    # Only the posted tiltak are read: any open one the user manages may be given a unit,
    # person or deadline (the list may show all of them, ?show=all).
    posted = [int(pk) for pk in request.POST.getlist("actions") if pk.isdigit()]
    candidates = {a.pk: a for a in base.filter(pk__in=posted)}
    org_ids = {a.plan.organization_id for a in candidates.values()} or _queue_orgs(base)
    form = _bulk_form(request.user, request.POST, list(candidates.values()), org_ids)
    # A refused form shows the page and filters it was sent from.
    request.GET = QueryDict(request.POST.get("queue", ""))
    if not form.is_valid():
        return assign_list(request, bulk_form=form, status=400)
    data = form.cleaned_data
    chosen = [candidates[pk] for pk in data["actions"]]
    try:
        services.bulk_assign_actions(
            actor=request.user,
            actions=chosen,
            responsible_unit=(_units(data["responsible_unit"]) or [None])[0],
            responsible_person=_person(data["responsible_person"]),
            due_date=data["due_date"],
            period_text=data["period_text"],
            versions={action.pk: _posted_version(request, action) for action in chosen},
        )
    except ValidationError as exc:  # the period, read by the service as by the form
        add_service_errors(form, exc)
        return assign_list(request, bulk_form=form, status=400)
    except services.BulkAssignmentFailed as exc:
        if isinstance(exc.error, VersionConflict):
            form.add_error(None, _("“%(action)s” was changed by someone else while you were "
                                   "choosing. Nothing was saved; the list now shows the "
                                   "current state.") % {"action": exc.action})
            return assign_list(request, bulk_form=form, status=409)
        form.add_error(None, str(exc))
        return assign_list(request, bulk_form=form, status=400)
    messages.success(
        request,
        _("%(count)s actions were assigned.") % {"count": len(chosen)}
        if len(chosen) != 1 else _("1 action was assigned."),
    )
    queue = QueryDict(request.POST.get("queue", "")).copy()
    queue.pop("select", None)
    return redirect(f"{reverse('actions:assign')}?{queue.urlencode()}" if queue
                    else reverse("actions:assign"))


def _posted_version(request: HttpRequest, action: Action) -> int:
    try:
        return int(request.POST.get(f"versjon-{action.pk}", ""))
    except ValueError:
        return action.version


def _units(pk: int | None) -> list[Any]:
    from planportal.models import Unit

    return list(Unit.objects.filter(pk=pk)) if pk else []


def _person(pk: int | None) -> User | None:
    return User.objects.filter(pk=pk).first() if pk else None


@login_required
def assign_one(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign one action: unit, person and deadline or period, through ``assign_action``."""
    action = get_object_or_404(_assign_base(request.user), pk=pk)
    org_id = action.plan.organization_id
    units = unit_choices(request.user, [org_id])[org_id]
    people = with_current_person(people_choices([org_id])[org_id], action.responsible_person)
    initial = {
        "version": action.version,
        "responsible_unit": action.responsible_unit_id,
        "responsible_person": action.responsible_person_id,
        "due_date": action.due_date,
        "period_text": action.period_text,
    }
    if request.method != "POST":
        form = AssignForm(initial=initial, units=units, people=people)
        return render(request, "actions/assign_one.html", {"action": action, "form": form,
                                                           "nav": "assign"})
    form = AssignForm(request.POST, units=units, people=people)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assign_action(
                actor=request.user,
                action=action,
                expected_version=data["version"],
                responsible_unit=(_units(data["responsible_unit"]) or [None])[0],
                responsible_person=_person(data["responsible_person"]),
                due_date=data["due_date"],
                period_text=data["period_text"],
            )
        except VersionConflict as exc:
            _conflict(form, exc)
            action = get_object_or_404(_assign_base(request.user), pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("“%(action)s” is assigned.") % {"action": action})
            return redirect("actions:assign")
    return render(request, "actions/assign_one.html",
                  {"action": action, "form": form, "nav": "assign"}, status=400)
