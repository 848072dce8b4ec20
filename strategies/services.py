"""State changes for plans, focus areas, goals, indicators and measurements.

Each service checks the actor's permission, validates (field errors as a dict),
and writes inside one transaction, so a refused or invalid call changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
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
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Plan,
    SustainableDevelopmentGoal,
)

PLAN_FIELDS = {
    "title", "kind", "level", "period_start", "period_end", "status", "adopted_on", "adopted_by",
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


def default_level(kind: str) -> int:
    """The plan level a kind of plan has unless the kommune says otherwise: the
    samfunnsdel at the top, handlingsplaner and virksomhetsplaner below, every other
    kind (kommunedelplan, temaplan, fagplan, strategi) in between."""
    return {
        Plan.Kind.COMMUNITY_PLAN: Plan.Level.COMMUNITY,
        Plan.Kind.ACTION_PLAN: Plan.Level.ACTION,
        Plan.Kind.BUSINESS_PLAN: Plan.Level.BUSINESS,
    }.get(kind, Plan.Level.SECTOR)


def _check_plan_levels(plan: Plan, level_changed: bool) -> None:
    """Refuse a parent that is not above the plan, and (when the level moves) a level that
    would leave a sub-plan or a contribution ("bidrar til") pointing sideways or up."""
    if plan.parent is not None and plan.parent.level >= plan.level:
        raise ValidationError({"parent": _(
            "The parent plan must be higher in the plan system than this plan: "
            "«%(parent)s» is not above level %(level)s.")
            % {"parent": plan.parent.title, "level": plan.level}})
    if plan.pk is None or not level_changed:
        return
    # Three small queries, only when the level changes.
    below = plan.sub_plans.filter(level__lte=plan.level).first()
    if below is not None:
        raise ValidationError({"level": _(
            "At this level the plan would not be above its sub-plan «%(plan)s».")
            % {"plan": below.title}})
    upward = (Plan.objects.filter(level__gte=plan.level)
              .filter(models.Q(focus_areas__goals__contributing_goals__focus_area__plan=plan)
                      | models.Q(focus_areas__goals__contributing_actions__plan=plan))
              .first())
    if upward is not None:
        raise ValidationError({"level": _(
            "At this level the plan would no longer be below «%(plan)s», whose goals it "
            "contributes to.") % {"plan": upward.title}})
    downward = (Plan.objects.filter(level__lte=plan.level)
                .filter(models.Q(focus_areas__goals__contributes_to__focus_area__plan=plan)
                        | models.Q(actions__contributes_to__focus_area__plan=plan))
                .first())
    if downward is not None:
        raise ValidationError({"level": _(
            "At this level the plan would no longer be above «%(plan)s», which contributes "
            "to its goals.") % {"plan": downward.title}})


def create_plan(
    *, actor: Any, organization: Organization, sdg_numbers: Iterable[int] = (), **fields: Any
) -> Plan:
    """Create a plan in the organisation; its level follows its kind unless given
    (:func:`default_level`)."""
    require_plan_admin(actor, organization.pk)
    plan = Plan(organization=organization)
    _assign(plan, fields, PLAN_FIELDS)
    if "level" not in fields:
        plan.level = default_level(plan.kind)
    _check_same_org(
        organization.pk,
        owner_unit=plan.owner_unit,
        parent=plan.parent,
        previous_version=plan.previous_version,
    )
    _check_plan_levels(plan, level_changed=False)
    sdgs = _sdgs_numbered(sdg_numbers)
    with transaction.atomic():
        plan.full_clean()
        plan.save()
        audited = created_fields(plan)
        if sdgs:  # a new plan has none
            plan.sdgs.set(sdgs)
            audited["sdgs"] = [None, sorted(s.number for s in sdgs)]
        audit.record(actor=actor, verb="create", obj=plan, changes=audited)
    return plan


def update_plan(
    *, actor: Any, plan: Plan, sdg_numbers: Iterable[int] | None = None, **changes: Any
) -> Plan:
    """Change a plan's own fields (title, status, adoption, period, level, parent …);
    ``sdg_numbers`` replaces its UN goals when given. A new kind without a level moves
    the plan to the kind's level (:func:`default_level`)."""
    require_plan_admin(actor, plan.organization_id)
    if "kind" in changes and "level" not in changes and changes["kind"] != plan.kind:
        changes["level"] = default_level(changes["kind"])
    old_level = plan.level
    audited = _assign(plan, changes, PLAN_FIELDS)
    _check_same_org(
        plan.organization_id,
        owner_unit=plan.owner_unit,
        parent=plan.parent,
        previous_version=plan.previous_version,
    )
    _check_plan_levels(plan, level_changed=plan.level != old_level)
    with transaction.atomic():
        if sdg_numbers is not None:
            audited.update(_set_plan_sdgs(plan, sdg_numbers))
        _save(plan, actor=actor, changes=audited)
    return plan


def _sdgs_numbered(numbers: Iterable[int]) -> list[SustainableDevelopmentGoal]:
    """The UN goals with these numbers, refused (on ``sdgs``) if any number is unknown."""
    wanted = sorted(set(numbers))
    sdgs = list(SustainableDevelopmentGoal.objects.filter(number__in=wanted))
    missing = set(wanted) - {s.number for s in sdgs}
    if missing:
        raise ValidationError(
            {"sdgs": _("Unknown UN goal number(s): %(numbers)s.")
             % {"numbers": ", ".join(map(str, sorted(missing)))}}
        )
    return sdgs


def _set_plan_sdgs(plan: Plan, numbers: Iterable[int]) -> dict[str, list[Any]]:
    """Replace the plan's UN goals; returns the change as ``{"sdgs": [old, new]}``."""
    sdgs = _sdgs_numbered(numbers)
    before = sorted(plan.sdgs.values_list("number", flat=True))
    plan.sdgs.set(sdgs)
    return changes_between({"sdgs": before}, {"sdgs": sorted(s.number for s in sdgs)})


def set_plan_sdgs(actor: Any, plan: Plan, numbers: Iterable[int]) -> Plan:
    """Set the UN sustainable development goals the plan as a whole names, by number."""
    require_plan_admin(actor, plan.organization_id)
    with transaction.atomic():
        changes = _set_plan_sdgs(plan, numbers)
        if changes:
            audit.record(actor=actor, verb="update", obj=plan, changes=changes)
    return plan


def _set_goal_contributions(goal: Goal, targets: Iterable[Goal]) -> dict[str, list[Any]]:
    """Replace the goals *goal* contributes to, refused (on ``contributes_to``) unless each
    is allowed (:func:`strategies.golden_thread.contribution_refusal`); returns the
    change for the audit trail."""
    goals = checked_targets(goal.focus_area.plan, targets)
    changes = contribution_changes(goal.contributes_to.values_list("pk", flat=True), goals)
    if changes:
        goal.contributes_to.set(goals)
    return changes


def set_goal_contributions(*, actor: Any, goal: Goal, targets: Iterable[Goal]) -> Goal:
    """Set the goals of higher plans that *goal* contributes to ("bidrar til").

    Only goals of the same kommune's plans at a higher level are allowed
    (:func:`strategies.golden_thread.contribution_refusal`); all or nothing.
    """
    require_plan_admin(actor, goal.focus_area.plan.organization_id)
    with transaction.atomic():
        changes = _set_goal_contributions(goal, targets)
        if changes:
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
        sdgs = _sdgs_numbered(sdg_numbers)
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


def create_goal(
    *, actor: Any, focus_area: FocusArea, contributes_to: Iterable[Goal] = (), **fields: Any
) -> Goal:
    """Add a delmål to a focus area (at the end unless ``order`` is given), with the goals
    of higher plans it contributes to."""
    require_plan_admin(actor, focus_area.plan.organization_id)
    with transaction.atomic():  # a refused contribution leaves no goal behind
        goal = Goal(focus_area=focus_area)
        fields.setdefault("order", _next_order(focus_area.goals.all()))
        _assign(goal, fields, GOAL_FIELDS)
        goal.full_clean()
        goal.save()
        audited = created_fields(goal)
        targets = list(contributes_to)
        if targets:  # a new goal has none: no query for the common case (imports)
            audited.update(_set_goal_contributions(goal, targets))
        audit.record(actor=actor, verb="create", obj=goal, changes=audited)
    return goal


def update_goal(
    *, actor: Any, goal: Goal, contributes_to: Iterable[Goal] | None = None, **changes: Any
) -> Goal:
    """Change a goal's text, position or success criteria; ``contributes_to`` replaces the
    goals of higher plans it contributes to when given."""
    require_plan_admin(actor, goal.focus_area.plan.organization_id)
    with transaction.atomic():
        audited = _assign(goal, changes, GOAL_FIELDS)
        if contributes_to is not None:
            audited.update(_set_goal_contributions(goal, contributes_to))
        _save(goal, actor=actor, changes=audited)
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


# --- Statistics from the statistics bank (strategies.statistics) -------------------------

# The SSB table, content code and scheduled query an indicator follows, edited with the
# rest of the indicator (checked by Indicator.clean).
INDICATOR_STATISTICS_FIELDS = {"statistics_table", "statistics_content", "statistics_query"}
INDICATOR_FIELDS = INDICATOR_FIELDS | INDICATOR_STATISTICS_FIELDS


@dataclass(frozen=True)
class StatisticsValue:
    """One value for :func:`record_statistics`: a new measurement of *indicator* for the
    period, or (``measurement`` given) the revised fields of that measurement."""

    indicator: Indicator
    period_end: date
    period_label: str
    value: Decimal
    national_average: Decimal | None
    source: str
    measurement: Measurement | None = None


def record_statistics(*, actor: Any, organization: Organization,
                      values: Iterable[StatisticsValue]) -> list[Measurement]:
    """Record values from the statistics bank for the kommune's indicators, all or nothing.

    A value without ``measurement`` becomes a new measurement (audited as an import); one
    with it overwrites that measurement's value, national average and source, which the
    statistics import does only where SSB revised a figure it recorded itself. Only the
    kommune's administrators (or a system actor) import.
    """
    require_plan_admin(actor, organization.pk)
    values = list(values)
    if any(v.indicator.goal.focus_area.plan.organization_id != organization.pk for v in values):
        raise ValidationError({"indicator": _("This belongs to another organisation.")})
    recorded_by = actor if getattr(actor, "pk", None) else None
    written = []
    try:
        with transaction.atomic():
            for item in values:
                if item.measurement is None:
                    written.append(_create_statistic(actor, organization, item, recorded_by))
                else:
                    written.append(_revise_statistic(actor, organization, item))
    except IntegrityError:
        # Another import recorded the same period between our read and our write.
        raise ValidationError(_("Another import recorded values for the same periods at the "
                                "same time; run the import again.")) from None
    return written


def _create_statistic(actor: Any, organization: Organization, item: StatisticsValue,
                      recorded_by: Any) -> Measurement:
    measurement = Measurement(
        indicator=item.indicator, period_end=item.period_end, period_label=item.period_label,
        value=item.value, national_average=item.national_average, source=item.source,
        recorded_by=recorded_by,
    )
    # The indicator was read with the kommune's; one value per period is the database's
    # constraint (an IntegrityError above), not a query per row.
    measurement.full_clean(exclude=["indicator", "recorded_by"], validate_unique=False,
                           validate_constraints=False)
    measurement.save()
    audit.record(actor=actor, verb="import", obj=measurement,
                 changes=created_fields(measurement), organization_id=organization.pk)
    # An imported value ends the reminders as a recorded one does.
    advance_due_date(actor=actor, indicator=item.indicator, measurement=measurement)
    return measurement


def _revise_statistic(actor: Any, organization: Organization,
                      item: StatisticsValue) -> Measurement:
    measurement = Measurement.objects.select_for_update().get(pk=item.measurement.pk)
    fields = ["value", "national_average", "source"]
    before = snapshot(measurement, fields)
    measurement.value, measurement.national_average = item.value, item.national_average
    measurement.source = item.source
    changes = changes_between(before, snapshot(measurement, fields))
    if changes:
        measurement.full_clean(exclude=["indicator", "recorded_by"], validate_unique=False,
                               validate_constraints=False)
        measurement.save(update_fields=fields)
        audit.record(actor=actor, verb="update", obj=measurement, changes=changes,
                     organization_id=organization.pk)
    return measurement
