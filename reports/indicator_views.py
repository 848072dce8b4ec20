"""The indicator page: the indicator, its targets, its values, who follows it up and when
the next value is due, with the forms to record a value and to assign the follow-up.

Reads go through ``visible_to`` (another kommune's indicator is a 404, a public plan's is
read without names); writes through :mod:`strategies.services`, which check again. The
page runs a fixed number of queries whatever the number of values.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.choices import people_choices, unit_choices, with_current_person
from planportal.forms import add_service_errors
from planportal.models import Unit, User
from planportal.periods import period_containing
from planportal.permissions import deny, sees_people
from reports.indicator_forms import FollowUpForm, MeasurementForm
from strategies import follow_up, services
from strategies.models import Indicator, Measurement
from strategies.targets import baseline_label, target_label


def _indicator(user: Any, indicator_id: int) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.visible_to(user).select_related(
            "goal__focus_area__plan__organization", "responsible_unit", "responsible_person")
        .prefetch_related("targets", "baselines"),
        pk=indicator_id)
    # Written as the plan page writes them (strategies.targets: «> 50 %», «≥ 10 (2026)»).
    indicator.target_label = target_label(indicator.targets.all(), indicator.unit)
    indicator.baseline_label = baseline_label(indicator.baselines.all())
    return indicator


def _may(user: Any, indicator: Indicator, verb: str) -> bool:
    rows = (Indicator.objects.recordable_by(user) if verb == "record"
            else Indicator.objects.assignable_by(user))
    return rows.filter(pk=indicator.pk).exists()


def period_label(frequency: str, period_end: date) -> str:
    """How the period ending *period_end* is named ("2. tertial 2026", "2026")."""
    if frequency == "quarterly":
        return _("%(n)s. quarter %(year)s") % {"n": (period_end.month - 1) // 3 + 1,
                                               "year": period_end.year}
    if frequency == "yearly":
        return str(period_end.year)
    return period_containing(frequency, period_end).label


def _measurement_form(indicator: Indicator) -> MeasurementForm:
    """An empty form, set to the period whose value is due (when one is)."""
    initial: dict[str, Any] = {}
    if indicator.frequency and indicator.next_due_on:
        _start, end = follow_up.due_period(indicator.frequency, indicator.next_due_on)
        initial = {"period_end": end, "period_label": period_label(indicator.frequency, end)}
    return MeasurementForm(initial=initial, prefix="verdi")


def _follow_up_form(request: HttpRequest, indicator: Indicator,
                    data: Any = None) -> FollowUpForm:
    org = indicator.goal.focus_area.plan.organization_id
    units = unit_choices(request.user, [org])[org]
    people = with_current_person(people_choices([org])[org], indicator.responsible_person)
    if data is None:
        return FollowUpForm.for_indicator(indicator, units=units, people=people)
    return FollowUpForm(data, prefix="oppfolging", units=units, people=people)


def _page(request: HttpRequest, indicator: Indicator, *, measurement_form: Any = None,
          follow_up_form: Any = None, status: int = 200) -> HttpResponse:
    plan = indicator.goal.focus_area.plan
    people = sees_people(request.user, plan.organization_id)
    may_record = _may(request.user, indicator, "record")
    may_assign = _may(request.user, indicator, "assign")
    values = Measurement.objects.filter(indicator=indicator).order_by("-period_end")
    if people:
        values = values.select_related("recorded_by")
    if may_record and measurement_form is None:
        measurement_form = _measurement_form(indicator)
    if may_assign and follow_up_form is None:
        follow_up_form = _follow_up_form(request, indicator)
    today = timezone.localdate()
    context = {
        "indicator": indicator,
        "plan": plan,
        "measurements": list(values),
        # Names for the plan's own kommune only (staff of another kommune reading a
        # public plan see it as the public does).
        "people": people,
        "overdue": indicator.next_due_on is not None and indicator.next_due_on < today,
        "measurement_form": measurement_form if may_record else None,
        "follow_up_form": follow_up_form if may_assign else None,
        "nav": "plans",
    }
    return render(request, "strategies/indicator_detail.html", context, status=status)


@login_required
def indicator_detail(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """The indicator page (``#registrer-verdi``: the form to record a value)."""
    return _page(request, _indicator(request.user, indicator_id))


@login_required
@require_POST
def record_value(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """Record a value through :func:`strategies.services.record_measurement`."""
    indicator = _indicator(request.user, indicator_id)
    if not _may(request.user, indicator, "record"):
        # Before the form: someone who may not record hears so, not field errors.
        raise deny(_("You cannot record values for this indicator."))
    form = MeasurementForm(request.POST, prefix="verdi")
    if form.is_valid():
        try:
            services.record_measurement(actor=request.user, indicator=indicator,
                                        **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The value is recorded."))
            return redirect(reverse("strategies:indicator-detail", args=[indicator.pk])
                            + "#verdier")
    return _page(request, indicator, measurement_form=form, status=400)


@login_required
@require_POST
def assign_follow_up(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """Set who follows the indicator up, and when, through
    :func:`strategies.services.assign_indicator`."""
    indicator = _indicator(request.user, indicator_id)
    if not _may(request.user, indicator, "assign"):
        raise deny(_("You cannot change who follows up this indicator."))
    form = _follow_up_form(request, indicator, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        org = indicator.goal.focus_area.plan.organization_id
        # Ids the choices offered; looked up within the kommune (the service checks roles).
        unit = (Unit.objects.filter(organization_id=org, pk=data["responsible_unit"]).first()
                if data["responsible_unit"] else None)
        person = (User.objects.filter(pk=data["responsible_person"]).first()
                  if data["responsible_person"] else None)
        try:
            services.assign_indicator(
                actor=request.user, indicator=indicator, responsible_unit=unit,
                responsible_person=person, frequency=data["frequency"],
                next_due_on=data["next_due_on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The follow-up of the indicator is saved."))
            return redirect(reverse("strategies:indicator-detail", args=[indicator.pk])
                            + "#oppfolging")
        # The instance took the refused values; show the page as stored.
        indicator = _indicator(request.user, indicator_id)
    return _page(request, indicator, follow_up_form=form, status=400)
