"""State changes for plans, focus areas, goals, indicators and measurements.

Each service checks the actor's permission, validates (field errors as a dict),
and writes inside one transaction, so a refused or invalid call changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planportal.audit import services as audit
from planportal.audit.services import changes_between, created_fields, snapshot
from planportal.models import Membership, Organization, Unit
from planportal.permissions import deny, get_access, responsible_membership_q
from strategies import follow_up
from strategies.golden_thread import checked_targets, contribution_changes
from strategies.models import (
    FocusArea,
    Goal,
    Indicator,
    Measurement,
    Plan,
    SustainableDevelopmentGoal,
)

PLAN_FIELDS = {
    "title", "kind", "period_start", "period_end", "status", "adopted_on", "adopted_by",
    "vision", "description", "owner_unit", "revision_interval_years", "next_revision_on",
    "is_public", "parent", "previous_version",
}
FOCUS_AREA_FIELDS = {"order", "code", "title", "description", "current_state", "vision", "partners"}
GOAL_FIELDS = {"order", "code", "title", "description", "success_criteria"}
INDICATOR_FIELDS = {
    "order", "name", "unit", "direction", "baseline_value", "baseline_year",
    "target_value", "target_year", "source",
}


def require_plan_admin(actor: Any, organization_id: int) -> None:
    """Refuse (PermissionDenied) unless *actor* administers the organisation's plans."""
    if not get_access(actor).is_admin_of(organization_id):
        raise deny(_("Only an administrator of the organisation can change plans."))


def _assign(
    instance: models.Model, changes: dict[str, Any], allowed: set[str]
) -> dict[str, list[Any]]:
    """Set the allowed *changes* on *instance*; returns them as ``{field: [old, new]}``."""
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )
    before = snapshot(instance, changes)
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
    return changes_between(before, snapshot(instance, changes))


def _check_same_org(organization_id: int, **related: Any) -> None:
    errors = {}
    for name, obj in related.items():
        if obj is not None and obj.organization_id != organization_id:
            errors[name] = _("This belongs to another organisation.")
    if errors:
        raise ValidationError(errors)


def _save(
    instance: models.Model, *, actor: Any, verb: str = "update",
    changes: dict[str, list[Any]] | None = None,
) -> None:
    """Validate and save *instance*, and write its audit event in the same transaction.

    A new object is recorded with all its fields; an edit only when something changed.
    """
    creating = instance._state.adding
    instance.full_clean()
    instance.save()
    if creating:
        audited = created_fields(instance)
        audited.update(changes or {})
        audit.record(actor=actor, verb="create" if verb == "update" else verb, obj=instance,
                     changes=audited)
    elif changes:
        audit.record(actor=actor, verb=verb, obj=instance, changes=changes)


def _next_order(queryset: models.QuerySet) -> int:
    last = queryset.aggregate(m=models.Max("order"))["m"]
    return 0 if last is None else last + 1


# --- Plans -----------------------------------------------------------------------------


def create_plan(*, actor: Any, organization: Organization, **fields: Any) -> Plan:
    """Create a plan in the organisation."""
    require_plan_admin(actor, organization.pk)
    plan = Plan(organization=organization)
    _assign(plan, fields, PLAN_FIELDS)
    _check_same_org(
        organization.pk,
        owner_unit=plan.owner_unit,
        parent=plan.parent,
        previous_version=plan.previous_version,
    )
    with transaction.atomic():
        _save(plan, actor=actor)
    return plan


def update_plan(*, actor: Any, plan: Plan, **changes: Any) -> Plan:
    """Change a plan's own fields (title, status, adoption, period …)."""
    require_plan_admin(actor, plan.organization_id)
    audited = _assign(plan, changes, PLAN_FIELDS)
    _check_same_org(
        plan.organization_id,
        owner_unit=plan.owner_unit,
        parent=plan.parent,
        previous_version=plan.previous_version,
    )
    with transaction.atomic():
        _save(plan, actor=actor, changes=audited)
    return plan


def set_goal_contributions(*, actor: Any, goal: Goal, targets: Iterable[Goal]) -> Goal:
    """Set the goals of higher plans that *goal* contributes to ("bidrar til").

    Only goals of the same kommune's plans at a higher level are allowed
    (:func:`strategies.golden_thread.contribution_refusal`); all or nothing.
    """
    plan = goal.focus_area.plan
    require_plan_admin(actor, plan.organization_id)
    goals = checked_targets(plan, targets)
    with transaction.atomic():
        changes = contribution_changes(goal.contributes_to.values_list("pk", flat=True), goals)
        if changes:
            goal.contributes_to.set(goals)
            audit.record(actor=actor, verb="update", obj=goal, changes=changes)
    return goal


# --- Focus areas -----------------------------------------------------------------------


def _set_focus_area_links(
    focus_area: FocusArea,
    sdg_numbers: Iterable[int] | None,
    lead_units: Iterable[Unit] | None,
) -> dict[str, list[Any]]:
    """Replace the given links; returns what changed as ``{field: [old, new]}``."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if sdg_numbers is not None:
        numbers = sorted(set(sdg_numbers))
        sdgs = list(SustainableDevelopmentGoal.objects.filter(number__in=numbers))
        missing = set(numbers) - {s.number for s in sdgs}
        if missing:
            raise ValidationError(
                {"sdgs": _("Unknown UN goal number(s): %(numbers)s.")
                 % {"numbers": ", ".join(map(str, sorted(missing)))}}
            )
        before["sdgs"] = sorted(focus_area.sdgs.values_list("number", flat=True))
        focus_area.sdgs.set(sdgs)
        after["sdgs"] = sorted(s.number for s in sdgs)
    if lead_units is not None:
        units = list(lead_units)
        if any(u.organization_id != focus_area.plan.organization_id for u in units):
            raise ValidationError({"lead_units": _("A lead unit belongs to another organisation.")})
        before["lead_units"] = sorted(focus_area.lead_units.values_list("pk", flat=True))
        focus_area.lead_units.set(units)
        after["lead_units"] = sorted(u.pk for u in units)
    return changes_between(before, after)


def create_focus_area(
    *,
    actor: Any,
    plan: Plan,
    sdg_numbers: Iterable[int] = (),
    lead_units: Iterable[Unit] = (),
    **fields: Any,
) -> FocusArea:
    """Add a satsingsområde to a plan (at the end unless ``order`` is given)."""
    require_plan_admin(actor, plan.organization_id)
    with transaction.atomic():
        focus_area = FocusArea(plan=plan)
        fields.setdefault("order", _next_order(plan.focus_areas.all()))
        _assign(focus_area, fields, FOCUS_AREA_FIELDS)
        focus_area.full_clean()
        focus_area.save()
        links = _set_focus_area_links(focus_area, sdg_numbers, lead_units)
        audit.record(actor=actor, verb="create", obj=focus_area,
                     changes={**created_fields(focus_area), **links})
    return focus_area


def update_focus_area(
    *,
    actor: Any,
    focus_area: FocusArea,
    sdg_numbers: Iterable[int] | None = None,
    lead_units: Iterable[Unit] | None = None,
    **changes: Any,
) -> FocusArea:
    """Change a focus area; ``sdg_numbers``/``lead_units`` replace the links when given."""
    require_plan_admin(actor, focus_area.plan.organization_id)
    with transaction.atomic():
        audited = _assign(focus_area, changes, FOCUS_AREA_FIELDS)
        focus_area.full_clean()
        focus_area.save()
        audited.update(_set_focus_area_links(focus_area, sdg_numbers, lead_units))
        if audited:
            audit.record(actor=actor, verb="update", obj=focus_area, changes=audited)
    return focus_area


# --- Goals -----------------------------------------------------------------------------


def create_goal(*, actor: Any, focus_area: FocusArea, **fields: Any) -> Goal:
    """Add a delmål to a focus area (at the end unless ``order`` is given)."""
    require_plan_admin(actor, focus_area.plan.organization_id)
    with transaction.atomic():
        goal = Goal(focus_area=focus_area)
        fields.setdefault("order", _next_order(focus_area.goals.all()))
        _assign(goal, fields, GOAL_FIELDS)
        _save(goal, actor=actor)
    return goal


def update_goal(*, actor: Any, goal: Goal, **changes: Any) -> Goal:
    """Change a goal's text, position or success criteria."""
    require_plan_admin(actor, goal.focus_area.plan.organization_id)
    with transaction.atomic():
        _save(goal, actor=actor, changes=_assign(goal, changes, GOAL_FIELDS))
    return goal


# --- Indicators and measurements -------------------------------------------------------


def create_indicator(*, actor: Any, goal: Goal, **fields: Any) -> Indicator:
    """Add a measurable criterion to a goal."""
    require_plan_admin(actor, goal.focus_area.plan.organization_id)
    with transaction.atomic():
        indicator = Indicator(goal=goal)
        fields.setdefault("order", _next_order(goal.indicators.all()))
        _assign(indicator, fields, INDICATOR_FIELDS)
        _save(indicator, actor=actor)
    return indicator


def update_indicator(*, actor: Any, indicator: Indicator, **changes: Any) -> Indicator:
    """Change an indicator's definition, baseline or target."""
    require_plan_admin(actor, indicator.goal.focus_area.plan.organization_id)
    with transaction.atomic():
        _save(indicator, actor=actor, changes=_assign(indicator, changes, INDICATOR_FIELDS))
    return indicator


# --- Indicator follow-up: who owns it, how often a value is due, recording values -------

#: The fields assign_indicator sets: who follows the indicator up, and when.
ASSIGNMENT_FIELDS = ("responsible_unit", "responsible_person", "frequency", "next_due_on")


def _indicator_org(indicator: Indicator) -> int:
    return indicator.goal.focus_area.plan.organization_id


def _validate_owner(organization_id: int, unit: Unit | None, person: Any) -> None:
    """The unit and person must be of the plan's kommune, the person one who may be
    responsible there (:data:`planportal.permissions.RESPONSIBLE_ROLES`: no readers)."""
    errors: dict[str, str] = {}
    if unit is not None and unit.organization_id != organization_id:
        errors["responsible_unit"] = _("The unit belongs to another organisation.")
    if person is not None:
        if not person.is_active:
            errors["responsible_person"] = _("This user is deactivated.")
        elif not Membership.objects.filter(
            responsible_membership_q([organization_id]), user=person
        ).exists():
            errors["responsible_person"] = _(
                "The person has no role in the plan's organisation that may be responsible "
                "(administrator, sector leader or unit manager).")
        elif unit is None:
            errors["responsible_unit"] = _("Choose the responsible unit as well as the person.")
    if errors:
        raise ValidationError(errors)


def assign_indicator(
    *,
    actor: Any,
    indicator: Indicator,
    responsible_unit: Unit | None,
    responsible_person: Any = None,
    frequency: str = "",
    next_due_on: date | None = None,
) -> Indicator:
    """Set who follows the indicator up (unit, person), how often a value is due and when
    the next one is.

    As a tiltak's assignment: the organisation's admins, and its sector leaders for
    indicators of units in their subtree (or of no unit yet), who cannot give one to a
    unit outside it. With a frequency and no date, the next value is due on the first due
    date from today (:func:`strategies.follow_up.first_due_on`); without a frequency a
    date is a one-off.
    """
    organization_id = _indicator_org(indicator)
    message = _("You cannot change who follows up this indicator.")
    if not Indicator.objects.assignable_by(actor).filter(pk=indicator.pk).exists():
        raise deny(message)
    if frequency not in Indicator.Frequency.values:
        raise ValidationError({"frequency": _("Choose how often a value is due.")})
    _validate_owner(organization_id, responsible_unit, responsible_person)
    access = get_access(actor)
    if not (access.is_admin_of(organization_id)
            or access.leads_unit(organization_id, responsible_unit)):
        # A sector leader must not move an indicator out of their own subtree.
        raise deny(_("You cannot give this indicator to a unit outside your own area of "
                     "responsibility."))
    if frequency and next_due_on is None:
        next_due_on = follow_up.first_due_on(frequency, timezone.localdate())
    changes = {"responsible_unit": responsible_unit, "responsible_person": responsible_person,
               "frequency": frequency, "next_due_on": next_due_on}
    with transaction.atomic():
        audited = _assign(indicator, changes, set(ASSIGNMENT_FIELDS))
        indicator.full_clean(exclude=[f.name for f in Indicator._meta.fields
                                      if f.name not in ASSIGNMENT_FIELDS],
                             validate_unique=False, validate_constraints=False)
        indicator.save(update_fields=list(ASSIGNMENT_FIELDS))
        if audited:
            audit.record(actor=actor, verb="assign", obj=indicator, changes=audited,
                         organization_id=organization_id)
    return indicator


def _number(value: Any, field: str) -> Decimal:
    """*value* as a finite decimal, else a ValidationError on *field*."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number


def _due_after(indicator: Indicator, measurement: Measurement) -> date | None:
    """The indicator's next due date once *measurement* is recorded.

    With a frequency, a value for the period that was due (or a later one) moves the date
    on (:func:`strategies.follow_up.due_after_value`); one for an earlier period moves
    nothing. Without a frequency the date is a one-off: the newest value clears it.
    """
    due = indicator.next_due_on
    if due is None:
        return None
    if indicator.frequency:
        return follow_up.due_after_value(indicator.frequency, due, measurement.period_end)
    newer = indicator.measurements.filter(period_end__gt=measurement.period_end)
    return due if newer.exists() else None


def record_measurement(
    *,
    actor: Any,
    indicator: Indicator,
    value: Decimal | int | float | str,
    period_end: date,
    period_label: str = "",
    note: str = "",
    source: str = "",
    national_average: Decimal | int | float | str | None = None,
) -> Measurement:
    """Record an indicator's value for a period; one value per indicator and period.

    Admins, sector leaders, and the indicator's responsible person and unit managers
    record (:func:`strategies.permissions.measurement_record_q`). A value for the period
    that was due moves the indicator's next due date on (:func:`_due_after`), which ends
    its reminders, in the same transaction.
    """
    if not Indicator.objects.recordable_by(actor).filter(pk=indicator.pk).exists():
        raise deny(_("You cannot record values for this indicator."))
    value = _number(value, "value")
    if national_average is not None and str(national_average).strip() != "":
        national_average = _number(national_average, "national_average")
    else:
        national_average = None
    measurement = Measurement(
        indicator=indicator,
        value=value,
        period_end=period_end,
        period_label=period_label,
        note=note,
        source=source,
        national_average=national_average,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if indicator.measurements.filter(period_end=period_end).exists():
        # On the period, not the whole form: the period is what to change.
        raise ValidationError({"period_end": _(
            "A value is already recorded for this indicator and period.")})
    with transaction.atomic():
        _save(measurement, actor=actor)
        advance_due_date(actor=actor, indicator=indicator, measurement=measurement)
    return measurement


def advance_due_date(*, actor: Any, indicator: Indicator, measurement: Measurement) -> None:
    """Move *indicator*'s next due date on now that *measurement* is recorded
    (:func:`_due_after`), audited, inside the caller's transaction: every way a value
    comes in (the form, the API, the admin, an import) ends the reminders the same way.
    """
    # Locked, so two values recorded at once move the date from the same place.
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    due = _due_after(current, measurement)
    if due != current.next_due_on:
        Indicator.objects.filter(pk=indicator.pk).update(next_due_on=due)
        audit.record(actor=actor, verb="update", obj=current,
                     changes={"next_due_on": [current.next_due_on, due]},
                     organization_id=_indicator_org(indicator))
    indicator.next_due_on = due


def restore_measurement(
    *,
    actor: Any,
    indicator: Indicator,
    value: Decimal | str,
    period_end: date,
    period_label: str = "",
    note: str = "",
    recorded_by: Any = None,
    recorded_at: Any = None,
) -> Measurement:
    """Recreate a measurement from a plan export, keeping who recorded it and when.

    Only organisation administrators restore; ordinary recording is
    :func:`record_measurement`.
    """
    require_plan_admin(actor, indicator.goal.focus_area.plan.organization_id)
    measurement = Measurement(
        indicator=indicator,
        value=Decimal(str(value)),
        period_end=period_end,
        period_label=period_label,
        note=note,
        recorded_by=recorded_by,
    )
    if recorded_at is not None:
        measurement.recorded_at = recorded_at
    with transaction.atomic():
        _save(measurement, actor=actor, verb="restore")
    return measurement
