"""State changes for plans, focus areas, goals, indicators and measurements.

Each service checks the actor's permission, validates (field errors as a dict),
and writes inside one transaction, so a refused or invalid call changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from planportal.audit import services as audit
from planportal.audit.services import changes_between, created_fields, snapshot
from planportal.models import Organization, Unit
from planportal.permissions import deny, get_access
from strategies.golden_thread import checked_targets, contribution_changes
from strategies.models import (
    FocusArea,
    Goal,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
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
    "order", "name", "unit", "direction", "source",
}

#: Rows of targets or baselines as the services take them: mappings with the model's
#: field names (``year``, ``value``; for targets ``comparison`` and optionally
#: ``relative_to_national``). None: leave them as they are.
RowsIn = Iterable[Mapping[str, Any]] | None


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


def create_indicator(*, actor: Any, goal: Goal, targets: RowsIn = None,
                     baselines: RowsIn = None, **fields: Any) -> Indicator:
    """Add a measurable criterion to a goal, with its *targets* and *baselines* (rows as
    :func:`set_indicator_targets` and :func:`set_indicator_baselines` take them)."""
    require_plan_admin(actor, goal.focus_area.plan.organization_id)
    with transaction.atomic():
        indicator = Indicator(goal=goal)
        fields.setdefault("order", _next_order(goal.indicators.all()))
        _assign(indicator, fields, INDICATOR_FIELDS)
        _save(indicator, actor=actor)
        if targets is not None or baselines is not None:
            _replace_targets_and_baselines(actor, indicator, targets, baselines)
    return indicator


def update_indicator(*, actor: Any, indicator: Indicator, targets: RowsIn = None,
                     baselines: RowsIn = None, **changes: Any) -> Indicator:
    """Change an indicator's definition; *targets* and *baselines*, when given, replace
    its targets and baselines (all or nothing with the rest)."""
    require_plan_admin(actor, indicator.goal.focus_area.plan.organization_id)
    with transaction.atomic():
        _save(indicator, actor=actor, changes=_assign(indicator, changes, INDICATOR_FIELDS))
        if targets is not None or baselines is not None:
            _replace_targets_and_baselines(actor, indicator, targets, baselines)
    return indicator


# --- Targets and baselines -------------------------------------------------------------

_TARGET_KEYS = ("year", "comparison", "value", "relative_to_national")
_BASELINE_KEYS = ("year", "value")


def _row_error(name: str, number: int, field: str, message: Any) -> ValidationError:
    """An error on row *number* (from 1) of *name*, saying the row and the field."""
    return ValidationError(
        {name: _("Row %(row)s, %(field)s: %(message)s")
         % {"row": number, "field": field, "message": message}})


def _built(name: str, model: type[models.Model], keys: tuple[str, ...],
           indicator: Indicator, rows: Iterable[Mapping[str, Any]]) -> list[Any]:
    """Rows as unsaved model objects, each checked on its own (field values, sane years);
    the first wrong row refuses them all."""
    built = []
    for number, row in enumerate(rows, start=1):
        unknown = sorted(set(row) - set(keys))
        if unknown:
            raise _row_error(name, number, unknown[0], _("This field cannot be changed here."))
        obj = model(indicator=indicator, **{key: row[key] for key in keys if key in row})
        try:
            obj.full_clean(exclude=["indicator"], validate_unique=False,
                           validate_constraints=False)
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            label = model._meta.get_field(field).verbose_name if field in keys else field
            raise _row_error(name, number, label, messages[0]) from None
        built.append(obj)
    return built


def _once_a_year(name: str, rows: list[Any], period_message: str | None) -> None:
    """Refuse a year given twice (for targets, the period's target given twice too)."""
    seen: set[int | None] = set()
    for number, row in enumerate(rows, start=1):
        if row.year in seen:
            message = (period_message if row.year is None else
                       _("the year %(year)s is given twice.") % {"year": row.year})
            raise _row_error(name, number, IndicatorTarget._meta.get_field("year").verbose_name,
                             message)
        seen.add(row.year)


def _replace_targets_and_baselines(actor: Any, indicator: Indicator, targets: RowsIn,
                                   baselines: RowsIn) -> None:
    """Validate and write the new rows (None: keep the stored ones) in the caller's
    transaction, and record the change on the indicator's audit trail."""
    old_targets = list(indicator.targets.order_by("pk"))
    old_baselines = list(indicator.baselines.order_by("pk"))
    new_targets = (old_targets if targets is None else
                   _built("targets", IndicatorTarget, _TARGET_KEYS, indicator, targets))
    new_baselines = (old_baselines if baselines is None else
                     _built("baselines", IndicatorBaseline, _BASELINE_KEYS, indicator,
                            baselines))
    _once_a_year("targets", new_targets, _("the plan period's target (no year) is given "
                                           "twice."))
    _once_a_year("baselines", new_baselines, None)
    target_years = [t.year for t in new_targets if t.year is not None]
    if target_years:
        first = min(target_years)
        for number, baseline in enumerate(new_baselines, start=1):
            if baseline.year >= first:
                raise _row_error(
                    "baselines" if baselines is not None else "targets",
                    number if baselines is not None else
                    next(n for n, t in enumerate(new_targets, start=1) if t.year == first),
                    IndicatorBaseline._meta.get_field("year").verbose_name,
                    _("a baseline year (%(baseline)s) must be before the first target year "
                      "(%(target)s).") % {"baseline": baseline.year, "target": first})
    changes: dict[str, list[Any]] = {}
    if targets is not None:
        before, after = _audited(old_targets, _TARGET_KEYS), _audited(new_targets, _TARGET_KEYS)
        if before != after:
            indicator.targets.all().delete()
            IndicatorTarget.objects.bulk_create(new_targets)
            changes["targets"] = [before, after]
    if baselines is not None:
        before = _audited(old_baselines, _BASELINE_KEYS)
        after = _audited(new_baselines, _BASELINE_KEYS)
        if before != after:
            indicator.baselines.all().delete()
            IndicatorBaseline.objects.bulk_create(new_baselines)
            changes["baselines"] = [before, after]
    if changes:
        audit.record(actor=actor, verb="update", obj=indicator, changes=changes)


def _audited(rows: list[Any], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows as the audit trail keeps them: JSON values, in year order (period last)."""
    plain = [{key: (format(Decimal(getattr(row, key)).normalize(), "f") if key == "value"
                    else getattr(row, key)) for key in keys} for row in rows]
    return sorted(plain, key=lambda row: (row["year"] is None, row["year"] or 0))


def set_indicator_targets(*, actor: Any, indicator: Indicator,
                          targets: Iterable[Mapping[str, Any]]) -> Indicator:
    """Replace the indicator's targets: each ``{"year": 2027 or None (the plan period),
    "comparison": "gte"/"gt"/"lte"/"lt"/"eq", "value": …, "relative_to_national": …}``.

    A year at most once (the plan period's target too), sane years, and every baseline
    year before the first target year; a wrong row refuses them all, naming the row and
    the field. Audited on the indicator.
    """
    require_plan_admin(actor, indicator.goal.focus_area.plan.organization_id)
    with transaction.atomic():
        _replace_targets_and_baselines(actor, indicator, list(targets), None)
    return indicator


def set_indicator_baselines(*, actor: Any, indicator: Indicator,
                            baselines: Iterable[Mapping[str, Any]]) -> Indicator:
    """Replace the indicator's baselines: each ``{"year": 2023, "value": …}``; several
    years make a multi-year baseline. A year at most once, sane, and before the first
    target year; all or nothing, audited on the indicator."""
    require_plan_admin(actor, indicator.goal.focus_area.plan.organization_id)
    with transaction.atomic():
        _replace_targets_and_baselines(actor, indicator, None, list(baselines))
    return indicator


def record_measurement(
    *,
    actor: Any,
    indicator: Indicator,
    value: Decimal | int | float | str,
    period_end: date,
    period_label: str = "",
    note: str = "",
) -> Measurement:
    """Record an indicator's value for a period; one value per indicator and period."""
    if not Indicator.objects.recordable_by(actor).filter(pk=indicator.pk).exists():
        raise deny(_("Only administrators and sector leaders can record indicator values."))
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({"value": _("Enter a number.")}) from None
    if not value.is_finite():
        raise ValidationError({"value": _("Enter a number.")})
    measurement = Measurement(
        indicator=indicator,
        value=value,
        period_end=period_end,
        period_label=period_label,
        note=note,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    with transaction.atomic():
        _save(measurement, actor=actor)
    return measurement


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
