"""State changes for actions: create, edit, assign, post a status update, evaluate.

Every write to an existing action is a compare-and-set on ``version``
(:func:`planportal.locking.cas_update`): a stale version raises
:class:`~planportal.locking.VersionConflict` and nothing is written. Permission is
checked before the write and, where the write can move the action (assignment),
re-checked on the new row inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import Action, StatusUpdate
from actions.permissions import can_create_action_in
from planportal.audit import services as audit
from planportal.audit.services import changes_between, created_fields, snapshot
from planportal.locking import cas_update
from planportal.models import Membership, Unit
from planportal.permissions import deny, get_access
from strategies.models import Goal

EDITABLE_FIELDS = {
    "order", "code", "title", "description", "start_date", "budget", "budget_reference",
    "period_text",
}
_UNSET: Any = object()


def require_permitted(actor: Any, action: Action, verb: str, message: str) -> None:
    """Refuse (403 with *message*) unless *actor* may *verb* ("manage", "report") *action*.

    The services check inside their transaction; the API also checks before it reads a
    request body, so a reader hears 403 rather than field errors.
    """
    if not Action.objects.permitted(actor, verb).filter(pk=action.pk).exists():
        raise deny(message)


def _validate_people_and_units(
    organization_id: int,
    responsible_unit: Unit | None,
    responsible_person: Any,
    contributing_units: Iterable[Unit] = (),
) -> None:
    errors: dict[str, str] = {}
    if responsible_unit is not None and responsible_unit.organization_id != organization_id:
        errors["responsible_unit"] = _("The unit belongs to another organisation.")
    if any(u.organization_id != organization_id for u in contributing_units):
        errors["contributing_units"] = _("A contributing unit belongs to another organisation.")
    if responsible_person is not None:
        if not responsible_person.is_active:
            errors["responsible_person"] = _("This user is deactivated.")
        elif not Membership.objects.filter(
            user=responsible_person, unit__organization_id=organization_id
        ).exists():
            errors["responsible_person"] = _(
                "The person is not a member of the plan's organisation."
            )
    if errors:
        raise ValidationError(errors)


@contextmanager
def _write(
    action: Action, expected_version: int, changes: dict[str, Any], *, actor: Any, verb: str
) -> Iterator[dict[str, list[Any]]]:
    """Apply *changes* to *action*, validate, and compare-and-set them in one transaction.

    The body of the ``with`` block runs after the write, inside the same transaction
    (post-write checks, history rows); it gets the audit event's changes to add to. The
    audit event is written last, in the same transaction. On any error the database
    rolls back and the in-memory instance gets its old values back, so callers never
    see a half-change.
    """
    before = {name: getattr(action, name) for name in (*changes, "version", "updated_at")}
    audited = changes_between(snapshot(action, changes), changes)
    try:
        with transaction.atomic():
            for name, value in changes.items():
                setattr(action, name, value)
            # Field validators and Action.clean() cover every check constraint, so only the
            # changed fields are validated and the constraints are left to the database.
            action.full_clean(
                exclude=[f.name for f in Action._meta.fields if f.name not in changes],
                validate_unique=False,
                validate_constraints=False,
            )
            values = {**changes, "updated_at": timezone.now()}
            action.version = cas_update(Action, action.pk, expected_version, **values)
            action.updated_at = values["updated_at"]
            yield audited
            audit.record(actor=actor, verb=verb, obj=action, changes=audited,
                         organization_id=action.goal.focus_area.plan.organization_id)
    except BaseException:
        for name, value in before.items():
            setattr(action, name, value)
        raise


def create_action(
    *,
    actor: Any,
    goal: Goal,
    title: str,
    responsible_unit: Unit | None = None,
    responsible_person: Any = None,
    contributing_units: Iterable[Unit] = (),
    due_date: date | None = None,
    **fields: Any,
) -> Action:
    """Add a tiltak to a goal. Sector leaders may only create in their own subtree."""
    organization_id = goal.focus_area.plan.organization_id
    if not can_create_action_in(actor, organization_id, responsible_unit):
        raise deny(_("You cannot create actions for this unit."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    contributing_units = list(contributing_units)
    _validate_people_and_units(
        organization_id, responsible_unit, responsible_person, contributing_units
    )
    with transaction.atomic():
        if "order" not in fields:
            last = goal.actions.order_by("-order").values_list("order", flat=True).first()
            fields["order"] = 0 if last is None else last + 1
        action = Action(
            goal=goal,
            title=title,
            responsible_unit=responsible_unit,
            responsible_person=responsible_person,
            due_date=due_date,
            **fields,
        )
        action.full_clean()
        action.save()
        action.contributing_units.set(contributing_units)
        audited = created_fields(action)
        if contributing_units:
            audited["contributing_units"] = [None, sorted(u.pk for u in contributing_units)]
        audit.record(actor=actor, verb="create", obj=action, changes=audited,
                     organization_id=organization_id)
    return action


def update_action(
    *,
    actor: Any,
    action: Action,
    expected_version: int,
    contributing_units: Iterable[Unit] | None = None,
    **changes: Any,
) -> Action:
    """Edit an action's own text, order, start date and budget (not its assignment)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )
    require_permitted(actor, action, "manage", _("You cannot edit this action."))
    organization_id = action.goal.focus_area.plan.organization_id
    if contributing_units is not None:
        contributing_units = list(contributing_units)
        _validate_people_and_units(organization_id, None, None, contributing_units)
    with _write(action, expected_version, changes, actor=actor, verb="update") as audited:
        if contributing_units is not None:
            old = sorted(action.contributing_units.values_list("pk", flat=True))
            action.contributing_units.set(contributing_units)
            new = sorted(unit.pk for unit in contributing_units)
            if old != new:
                audited["contributing_units"] = [old, new]
    return action


def assign_action(
    *,
    actor: Any,
    action: Action,
    expected_version: int,
    responsible_unit: Unit | None,
    responsible_person: Any = None,
    due_date: date | None = None,
    start_date: date | None = _UNSET,
    period_text: str = _UNSET,
) -> Action:
    """Set who is responsible (unit, person) and by when (Ansvar and Tid)."""
    require_permitted(actor, action, "manage", _("You cannot assign this action."))
    organization_id = action.goal.focus_area.plan.organization_id
    _validate_people_and_units(organization_id, responsible_unit, responsible_person)
    if responsible_person is not None and responsible_unit is None:
        raise ValidationError(
            {"responsible_unit": _("Choose the responsible unit as well as the person.")}
        )
    changes: dict[str, Any] = {
        "responsible_unit": responsible_unit,
        "responsible_person": responsible_person,
        "due_date": due_date,
    }
    if start_date is not _UNSET:
        changes["start_date"] = start_date
    if period_text is not _UNSET:
        changes["period_text"] = period_text
    with _write(action, expected_version, changes, actor=actor, verb="assign"):
        # A sector leader must not move an action out of their own subtree.
        require_permitted(actor, action, "manage", _(
            "You cannot give this action to a unit outside your own area of responsibility."))
    return action


def post_status_update(
    *,
    actor: Any,
    action: Action,
    expected_version: int,
    status: str,
    progress: int,
    risk: str = StatusUpdate.Risk.ON_TRACK,
    comment: str = "",
) -> StatusUpdate:
    """Append a status update and make it the action's current status and progress."""
    require_permitted(actor, action, "report", _("You cannot post status updates on this action."))
    if status == Action.Status.COMPLETED and progress != 100:
        raise ValidationError({"progress": _("A completed action has 100 % progress.")})
    with _write(action, expected_version, {"status": status, "progress": progress},
                actor=actor, verb="post_update") as audited:
        update = StatusUpdate(
            action=action,
            author=actor if getattr(actor, "pk", None) else None,
            status=status,
            progress=progress,
            risk=risk,
            comment=comment,
        )
        # action and author were checked above; the field validators cover the constraint.
        update.full_clean(exclude=["action", "author"], validate_constraints=False)
        update.save()
        # The comment stays in the status history; the trail points at it.
        audited["status_update"] = [None, update.pk]
        audited["risk"] = [None, risk]
    return update


def evaluate_action(
    *,
    actor: Any,
    action: Action,
    expected_version: int,
    evaluation: str,
    evaluated_on: date | None = None,
) -> Action:
    """Write the final evaluation (sluttevaluering) of a completed or cancelled action."""
    require_permitted(actor, action, "report", _("You cannot evaluate this action."))
    if not evaluation.strip():
        raise ValidationError({"evaluation": _("Write the evaluation.")})
    if action.status not in Action.CLOSED_STATUSES:
        raise ValidationError(
            {"evaluation": _("Only a completed or cancelled action can be given a final "
                             "evaluation.")}
        )
    changes = {
        "evaluation": evaluation.strip(),
        "evaluated_on": evaluated_on or timezone.localdate(),
        "evaluated_by": actor if getattr(actor, "pk", None) else None,
    }
    with _write(action, expected_version, changes, actor=actor, verb="evaluate"):
        pass
    return action


def restore_action_history(
    *,
    actor: Any,
    action: Action,
    updates: Iterable[dict[str, Any]],
    status: str,
    progress: int,
    evaluation: str = "",
    evaluated_on: date | None = None,
    evaluated_by: Any = None,
    carried_over_from: Action | None = None,
) -> Action:
    """Recreate an action's history from a plan export (import of a JSON export).

    ``updates`` are the exported status updates (``created_at``, ``author``, ``status``,
    ``progress``, ``risk``, ``comment``), appended with their recorded times and authors;
    then the action's current status, progress, evaluation and carried-over link are set
    as exported. Only organisation administrators restore history.
    """
    organization_id = action.goal.focus_area.plan.organization_id
    if not get_access(actor).is_admin_of(organization_id):
        raise deny(_("Only an administrator of the organisation can restore history."))
    changes: dict[str, Any] = {
        "status": status,
        "progress": progress,
        "evaluation": evaluation,
        "evaluated_on": evaluated_on,
        "evaluated_by": evaluated_by,
        "carried_over_from": carried_over_from,
    }
    updates = list(updates)
    with _write(action, action.version, changes, actor=actor, verb="restore") as audited:
        audited["status_updates"] = [None, len(updates)]
        for row in updates:
            update = StatusUpdate(
                action=action,
                author=row.get("author"),
                status=row["status"],
                progress=row["progress"],
                risk=row.get("risk") or StatusUpdate.Risk.ON_TRACK,
                comment=row.get("comment", ""),
            )
            if row.get("created_at") is not None:
                update.created_at = row["created_at"]
            update.full_clean(exclude=["action", "author"], validate_constraints=False)
            update.save()
    return action


def carry_over_action(*, actor: Any, action: Action, source: Action) -> Action:
    """Link *action* (in a new plan version) to *source*, its earlier self (rullering).

    The new action takes the source's current status and progress, recorded as its
    first status update, so its own history says where it started from.
    """
    organization_id = action.goal.focus_area.plan.organization_id
    if not get_access(actor).is_admin_of(organization_id):
        raise deny(_("Only an administrator of the organisation can roll plans over."))
    if source.goal.focus_area.plan.organization_id != organization_id:
        raise ValidationError({"carried_over_from": _("This belongs to another organisation.")})
    changes = {"carried_over_from": source, "status": source.status, "progress": source.progress}
    with _write(action, action.version, changes, actor=actor, verb="roll_over"):
        if source.status != Action.Status.NOT_STARTED or source.progress:
            StatusUpdate.objects.create(
                action=action,
                author=actor if getattr(actor, "pk", None) else None,
                status=source.status,
                progress=source.progress,
                comment=_("Carried over from %(plan)s.")
                % {"plan": source.goal.focus_area.plan.title},
            )
    return action
