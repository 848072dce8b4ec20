"""State changes for actions: create, edit, assign, post a status update, evaluate.

Every write to an existing action is a compare-and-set on ``version``
(:func:`planportal.locking.cas_update`): a stale version raises
:class:`~planportal.locking.VersionConflict` and nothing is written. Permission is
checked before the write and, where the write can move the action (assignment),
re-checked on the new row inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import Action, StatusUpdate
from actions.notices import record_notice
from actions.periods import Period, is_open_ended, parse_period, period_dates, tidy
from actions.permissions import can_create_action_in
from actions.placement import next_order, place
from planportal.audit import services as audit
from planportal.audit.models import AuditEvent
from planportal.audit.services import changes_between, created_fields, snapshot
from planportal.locking import VersionConflict, cas_update
from planportal.models import Membership, Unit
from planportal.permissions import deny, get_access
from strategies.golden_thread import checked_targets, contribution_changes
from strategies.models import FocusArea, Goal, Plan

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


#: The refusal of a period text that does not read as a date or a period (shared by the
#: assign forms, so the page and the service say the same).
PERIOD_UNREAD = gettext_lazy(
    "This period could not be read. Write a date (31.12.2026), a year or years "
    "(2026, 2025–2026), a tertial or quarter (2. tertial 2026), or an open-ended period "
    "(løpende, 2024-, fra 2025)."
)


def read_period(text: str) -> Period:
    """*text* as the importer reads the Tid column (:func:`actions.periods.parse_period`);
    a text that looks like a time but cannot be read is refused on ``period_text``."""
    period = parse_period(text)
    if period.unread:
        raise ValidationError({"period_text": str(PERIOD_UNREAD)})
    return period


def _is_continuous(due_date: date | None, period_text: str) -> bool:
    """A tiltak with no deadline and an open-ended period ("løpende", "2024-")."""
    return due_date is None and is_open_ended(period_text)


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
    if {"due_date", "period_text"} & changes.keys():
        changes = {**changes, "continuous": _is_continuous(
            changes.get("due_date", action.due_date),
            changes.get("period_text", action.period_text))}
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
                         organization_id=action.plan.organization_id)
    except BaseException:
        for name, value in before.items():
            setattr(action, name, value)
        raise


def create_action(
    *,
    actor: Any,
    title: str,
    goal: Goal | None = None,
    focus_area: FocusArea | None = None,
    plan: Plan | None = None,
    responsible_unit: Unit | None = None,
    responsible_person: Any = None,
    contributing_units: Iterable[Unit] = (),
    due_date: date | None = None,
    dates_from_period: bool = True,
    notify: bool = True,
    **fields: Any,
) -> Action:
    """Add a tiltak under a goal, directly on a focus area, or on the whole plan (the
    lowest level given; :func:`actions.placement.place`). Sector leaders may only create
    in their own subtree.

    A ``period_text`` gives the start date and deadline it says where none is given
    (:func:`actions.periods.period_dates`); *dates_from_period* ``False`` keeps the dates
    exactly as given (a copy: rullering, restoring an export). A responsible person other
    than the actor is told they were given it, as an assignment tells them, unless
    *notify* is ``False`` (a copy of a tiltak they already had).
    """
    where = place(goal=goal, focus_area=focus_area, plan=plan)
    organization_id = where.organization_id
    if not can_create_action_in(actor, organization_id, responsible_unit):
        raise deny(_("You cannot create actions for this unit."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    if "period_text" in fields:
        fields["period_text"] = tidy(fields["period_text"])
        if dates_from_period:
            fields["start_date"], due_date = period_dates(
                fields["period_text"], start=fields.get("start_date"), due=due_date)
    contributing_units = list(contributing_units)
    _validate_people_and_units(
        organization_id, responsible_unit, responsible_person, contributing_units
    )
    with transaction.atomic():
        if "order" not in fields:
            fields["order"] = next_order(where)
        action = Action(
            **where.fields(),
            title=title,
            responsible_unit=responsible_unit,
            responsible_person=responsible_person,
            due_date=due_date,
            continuous=_is_continuous(due_date, fields.get("period_text", "")),
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
        if notify:
            _notify_given(actor, action, previous_person_id=None)
    return action


def update_action(
    *,
    actor: Any,
    action: Action,
    expected_version: int,
    contributing_units: Iterable[Unit] | None = None,
    **changes: Any,
) -> Action:
    """Edit an action's own text, order, start date and budget (not its assignment).

    A new ``period_text`` moves the start date and deadline as the Tid column's rule
    says (:func:`actions.periods.period_dates`), as an assignment would.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )
    require_permitted(actor, action, "manage", _("You cannot edit this action."))
    if "period_text" in changes:
        changes["period_text"] = tidy(changes["period_text"])
        changes.update(_period_changes(action, changes["period_text"],
                                       changes.get("start_date", _UNSET), action.due_date))
    organization_id = action.plan.organization_id
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


def move_action(
    *,
    actor: Any,
    action: Action,
    expected_version: int,
    goal: Goal | None = None,
    focus_area: FocusArea | None = None,
    plan: Plan | None = None,
) -> Action:
    """Hang a tiltak elsewhere in its plan: under a goal, directly on a focus area, or on
    the plan as a whole (the lowest level given, checked by
    :func:`actions.placement.place`).

    Only within the same plan: another plan (even the kommune's own) is refused on the
    field given, since a tiltak's history, rounds and rullering belong to its plan. At the
    new place it comes last (``order``). The same place again writes nothing. Those who
    may manage the tiltak may move it; audited as an edit of ``plan``, ``focus_area``,
    ``goal`` and ``order``, a compare-and-set on ``version`` like every write (the same
    place with a stale version is refused too, so a caller's next step stays checked).
    """
    where = place(goal=goal, focus_area=focus_area, plan=plan)
    if where.plan.pk != action.plan_id:
        raise ValidationError({where.level: _(
            "An action can only be moved within its own plan (“%(plan)s”).")
            % {"plan": action.plan.title}})
    if (_pk(where.focus_area), _pk(where.goal)) == (action.focus_area_id, action.goal_id):
        # Nothing to move (a whole-action edit sends the place it has): no permission
        # needed, but a stale version is still stale, for the steps that follow.
        if expected_version != action.version:
            raise VersionConflict(action.version, expected_version)
        return action
    require_permitted(actor, action, "manage", _("You cannot move this action."))
    changes = {**where.fields(), "order": next_order(where)}
    with _write(action, expected_version, changes, actor=actor, verb="update"):
        pass
    return action


def _pk(obj: Any) -> int | None:
    return None if obj is None else obj.pk


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
    """Set who is responsible (unit, person) and by when (Ansvar and Tid).

    A new *period_text* gives the start date and deadline it says unless other dates are
    given (:func:`actions.periods.period_dates`): every way in (the assign page, the API,
    the admin, the importer) gets the same dates from the same text.
    """
    require_permitted(actor, action, "manage", _("You cannot assign this action."))
    organization_id = action.plan.organization_id
    _validate_people_and_units(organization_id, responsible_unit, responsible_person)
    changes: dict[str, Any] = {
        "responsible_unit": responsible_unit,
        "responsible_person": responsible_person,
        "due_date": due_date,
    }
    if start_date is not _UNSET:
        changes["start_date"] = start_date
    if period_text is not _UNSET:
        changes["period_text"] = tidy(period_text)
        changes.update(_period_changes(action, changes["period_text"], start_date, due_date))
    _write_assignment(actor, action, expected_version, changes)
    return action


def _period_changes(action: Action, period_text: str, start_date: Any,
                    due_date: date | None) -> dict[str, Any]:
    """The start date and deadline *action* gets with *period_text* and the dates given
    (*start_date* ``_UNSET``: not given, so the current one), as changes to write."""
    given_start = action.start_date if start_date is _UNSET else start_date
    start, due = period_dates(period_text, start=given_start, due=due_date,
                              current_text=action.period_text,
                              current_start=action.start_date, current_due=action.due_date)
    changes: dict[str, Any] = {"due_date": due}
    if start_date is not _UNSET or start != action.start_date:
        changes["start_date"] = start
    return changes


def _write_assignment(
    actor: Any, action: Action, expected_version: int, changes: dict[str, Any]
) -> None:
    """The core of every assignment, once permission and people are checked."""
    if changes["responsible_person"] is not None and changes["responsible_unit"] is None:
        raise ValidationError(
            {"responsible_unit": _("Choose the responsible unit as well as the person.")}
        )
    previous_person_id = action.responsible_person_id
    with _write(action, expected_version, changes, actor=actor, verb="assign"):
        # A sector leader must not move an action out of their own subtree.
        require_permitted(actor, action, "manage", _(
            "You cannot give this action to a unit outside your own area of responsibility."))
        _notify_given(actor, action, previous_person_id)


def _notify_given(actor: Any, action: Action, previous_person_id: int | None) -> None:
    """Tell the action's responsible person they were given it, unless they had it
    already or gave it to themselves: once per version (bundled per hour by the notice
    sweep, which respects their opt-out), inside the caller's transaction."""
    person_id = action.responsible_person_id
    if (person_id is not None and person_id != previous_person_id
            and person_id != getattr(actor, "pk", None)):
        record_notice(recipient_id=person_id,
                      organization_id=action.plan.organization_id,
                      action_id=action.pk, kind="assigned", key=f"a{action.version}")


def edit_action(
    *,
    actor: Any,
    action: Action,
    expected_version: int,
    contributing_units: Iterable[Unit] | None = None,
    responsible_unit: Unit | None = _UNSET,
    responsible_person: Any = _UNSET,
    due_date: date | None = _UNSET,
    status_update: Mapping[str, Any] | None = None,
    evaluation: str = "",
    placement: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Action:
    """Save a whole-action edit (the admin's change form): only what differs is changed.

    In this order, each as its own service does it (its own permission check, version
    bump and audit event): a changed *placement* (``goal``, ``focus_area``, ``plan`` as
    :func:`move_action` takes them); changed text, order, dates, budget or contributing units
    (:func:`update_action`); a changed unit, person, deadline or period
    (:func:`assign_action`, with all three as given, so a blank person is no person, and
    a new period with the deadline given, as the assign page sends them); *status_update*, the
    keyword arguments of :func:`post_status_update`; and a changed, non-blank
    *evaluation* (:func:`evaluate_action`). One transaction: if any step is refused,
    nothing is saved and *action* keeps its loaded values.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )
    edits = {name: value for name, value in fields.items() if value != getattr(action, name)}
    if "period_text" in edits and tidy(edits["period_text"]) == tidy(action.period_text):
        del edits["period_text"]  # only its spaces differ
    given = {"responsible_unit": responsible_unit, "responsible_person": responsible_person,
             "due_date": due_date}
    assignment = {name: getattr(action, name) if value is _UNSET else value
                  for name, value in given.items()}
    # A new period is Tid: it goes with the deadline given, so the assignment derives
    # the dates from both (as the assign page does), and the edit leaves them alone.
    period = ({name: edits.pop(name) for name in ("period_text", "start_date") if name in edits}
              if "period_text" in edits else {})
    version = expected_version
    with _restored_on_error([action]), transaction.atomic():
        if placement is not None:
            move_action(actor=actor, action=action, expected_version=version, **placement)
            version = action.version
        if contributing_units is not None:
            contributing_units = list(contributing_units)
        if edits or (contributing_units is not None
                     and set(contributing_units) != set(action.contributing_units.all())):
            update_action(actor=actor, action=action, expected_version=version,
                          contributing_units=contributing_units, **edits)
            version = action.version
        if period or any(value != getattr(action, name) for name, value in assignment.items()):
            assign_action(actor=actor, action=action, expected_version=version, **assignment,
                          **period)
            version = action.version
        if status_update:
            post_status_update(actor=actor, action=action, expected_version=version,
                               **status_update)
            version = action.version
        if evaluation and evaluation != action.evaluation:
            evaluate_action(actor=actor, action=action, expected_version=version,
                            evaluation=evaluation)
    return action


class BulkAssignmentFailed(Exception):
    """One action of a bulk assignment could not be assigned, so none was.

    ``action`` is the action, ``error`` what the single assignment raised
    (:class:`ValidationError`, :class:`PermissionDenied` or :class:`VersionConflict`),
    ``reason`` that error as text.
    """

    def __init__(self, action: Action, error: Exception) -> None:
        self.action = action
        self.error = error
        self.reason = " ".join(getattr(error, "messages", None) or [str(error)])
        super().__init__(_("“%(action)s”: %(error)s Nothing was saved.")
                         % {"action": action, "error": self.reason})


@contextmanager
def _restored_on_error(actions: Iterable[Action]) -> Iterator[None]:
    """Give *actions* their loaded field values back if the block fails.

    A service that writes several steps rolls the database back as one; this does the
    same for the instances, as :func:`_write` does for one step.
    """
    fields = [f.attname for f in Action._meta.concrete_fields]
    # The cached related objects too: the unit and person set by a step.
    saved = [(action, {name: getattr(action, name) for name in fields},
              dict(action._state.fields_cache)) for action in actions]
    try:
        yield
    except BaseException:
        for action, values, cache in saved:
            for name, value in values.items():
                setattr(action, name, value)
            action._state.fields_cache = cache
        raise


def bulk_assign_actions(
    *,
    actor: Any,
    actions: Iterable[Action],
    responsible_unit: Unit | None = None,
    responsible_person: Any = None,
    due_date: date | None = None,
    versions: Mapping[int, int] | None = None,
    period_text: str = "",
) -> list[Action]:
    """Give several actions the same unit, person and/or deadline or period: all or nothing.

    A field left ``None`` (``period_text`` blank) keeps each action's own value; it never
    clears it. A *period_text* ("løpende", "2025–2026", "2. tertial 2026") is read as the
    importer reads the Tid column: it replaces each action's period, start date and
    deadline (an open-ended period has none, which makes the action continuous), unless
    *due_date* is given, which is then the deadline. Each action
    is assigned as :func:`assign_action` does it (permission before and after, version
    check, one audit event per action), all in one transaction: if any action may not be
    assigned or fails a check, :class:`BulkAssignmentFailed` names it and why, and
    nothing is saved. *versions* maps an action's id to the version the user saw (by
    default the version loaded). Reads are shared (one permission query, one membership
    check per kommune); each action then costs its own write and audit event.
    """
    actions = list(actions)
    period_text = " ".join((period_text or "").split())
    if (responsible_unit is None and responsible_person is None and due_date is None
            and not period_text):
        raise ValidationError(
            _("Choose a unit, a person, a deadline or a period to give the selected actions.")
        )
    period = read_period(period_text) if period_text else None
    if not actions:
        return actions
    versions = versions or {}
    # No-ops for what the caller selected already (for_list() selects all three).
    prefetch_related_objects(actions, "plan", "responsible_unit",
                             "responsible_person")
    manageable = set(
        Action.objects.permitted(actor, "manage")
        .filter(pk__in=[a.pk for a in actions]).values_list("pk", flat=True)
    )
    checked: set[int] = set()  # the kommuner whose unit and person are validated
    with _restored_on_error(actions), transaction.atomic():
        for action in actions:
            try:
                if action.pk not in manageable:
                    raise deny(_("You cannot assign this action."))
                organization_id = action.plan.organization_id
                if organization_id not in checked:
                    _validate_people_and_units(organization_id, responsible_unit,
                                               responsible_person)
                    checked.add(organization_id)
                changes = {
                    "responsible_unit": responsible_unit or action.responsible_unit,
                    "responsible_person": responsible_person or action.responsible_person,
                    "due_date": due_date or action.due_date,
                }
                if period is not None:
                    # A new tiltak's rule: the period's dates, unless a deadline is given.
                    start, due = period_dates(period.text, start=None, due=due_date)
                    changes.update(period_text=period.text, start_date=start, due_date=due)
                _write_assignment(actor, action, versions.get(action.pk, action.version),
                                  changes)
            except (ValidationError, PermissionDenied, VersionConflict) as exc:
                raise BulkAssignmentFailed(action, exc) from exc
    return actions


def progress_refusal(status: str, progress: int | None) -> str:
    """Why *progress* does not fit *status* ("" if it does): completed is 100 %, and not
    started is 0 % (progress above 0 says the work has begun, yet the reports would count
    it as not started). The status update and the reporting round's return both ask."""
    if progress is None:
        return ""
    if status == Action.Status.COMPLETED and progress != 100:
        return _("A completed action has 100 % progress.")
    if status == Action.Status.NOT_STARTED and progress != 0:
        return _("An action that has not started has 0 % progress. Choose “in progress” as "
                 "the status, or set the progress to 0.")
    return ""


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
    """Append a status update and make it the action's current status and progress.

    Status and progress must agree: completed is 100 %, not started is 0 %.
    """
    require_permitted(actor, action, "report", _("You cannot post status updates on this action."))
    if action.status == Action.Status.CARRIED_OVER:
        # It goes on in the plan's next version; reporting here would reopen it twice.
        raise ValidationError({"status": _("This action was carried over into the plan's "
                                           "next version: report on it there.")})
    if status not in Action.REPORTABLE_STATUSES:
        # "Carried over" is set by rullering alone, with the successor it points to.
        raise ValidationError({"status": _("This status cannot be reported.")})
    refusal = progress_refusal(status, progress)
    if refusal:
        raise ValidationError({"progress": refusal})
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
    if action.status not in Action.EVALUABLE_STATUSES:
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
    organization_id = action.plan.organization_id
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


def _require_rollover_admin(actor: Any, organization_id: int) -> None:
    if not get_access(actor).is_admin_of(organization_id):
        raise deny(_("Only an administrator of the organisation can roll plans over."))


def carry_over_action(*, actor: Any, action: Action, source: Action) -> Action:
    """Link *action* (in a new plan version) to *source*, its earlier self (rullering), and
    give *source* its final state, carried over (:func:`mark_carried_over`).

    The new action takes the source's current status and progress, recorded as its
    first status update, so its own history says where it started from. A source that
    is closed already (completed, cancelled or carried over before) is refused: a tiltak
    is carried over once.
    """
    organization_id = action.plan.organization_id
    _require_rollover_admin(actor, organization_id)
    if source.plan.organization_id != organization_id:
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
                % {"plan": source.plan.title},
            )
        mark_carried_over(actor=actor, action=source, successor=action)
    return action


def mark_carried_over(*, actor: Any, action: Action, successor: Action,
                      expected_version: int | None = None) -> Action:
    """Give *action* its final state in the old plan: carried over (videreført) into
    *successor*, its copy in the plan's next version.

    One status update ("Carried over to <new plan>", progress kept) and one audit event
    naming the successor. From then on the action is closed: in no queue, reminder,
    calendar feed, round or open count. Only an open action whose successor links back
    to it (``successor.carried_over_from``) can be marked, and only once.
    """
    organization_id = action.plan.organization_id
    _require_rollover_admin(actor, organization_id)
    if successor.carried_over_from_id != action.pk:
        raise ValidationError({"carried_over_to": _(
            "The successor must be carried over from this action.")})
    if action.status in Action.CLOSED_STATUSES:
        raise ValidationError({"status": _(
            "“%(action)s” is already closed (%(status)s) and cannot be carried over.")
            % {"action": action, "status": action.get_status_display()}})
    version = action.version if expected_version is None else expected_version
    plan = successor.plan
    with _write(action, version, {"status": Action.Status.CARRIED_OVER},
                actor=actor, verb="roll_over") as audited:
        update = StatusUpdate(
            action=action,
            author=actor if getattr(actor, "pk", None) else None,
            status=Action.Status.CARRIED_OVER,
            progress=action.progress,
            comment=_("Carried over to %(plan)s.") % {"plan": plan.title},
        )
        update.full_clean(exclude=["action", "author"], validate_constraints=False)
        update.save()
        audited["carried_over_to"] = [None, successor.pk]
        audited["status_update"] = [None, update.pk]
    return action


def set_action_contributions(*, actor: Any, action: Action,
                             targets: Iterable[Goal]) -> Action:
    """Set the goals of higher plans that *action* contributes to ("bidrar til").

    Those who may manage the tiltak may link it, to goals of the same kommune's plans at
    a higher level (:func:`strategies.golden_thread.contribution_refusal`).
    """
    require_permitted(actor, action, "manage", _("You cannot edit this action."))
    goals = checked_targets(action.plan, targets)
    with transaction.atomic():
        changes = contribution_changes(action.contributes_to.values_list("pk", flat=True),
                                       goals)
        if changes:
            action.contributes_to.set(goals)
            audit.record(actor=actor, verb="update", obj=action, changes=changes,
                         organization_id=action.plan.organization_id)
    return action


def record_plan_export(*, actor: Any, plan: Any, kind: str) -> None:
    """Audit that *plan* left Planportal as a *kind* ("json" or "xlsx") export.

    An export carries names and the whole history out, so every way out (API, command)
    records it, in its own transaction: the export happens whether or not a later step
    of the caller fails.
    """
    with transaction.atomic():
        audit.record(actor=actor, verb=AuditEvent.Verb.EXPORT, obj=plan,
                     changes={"format": [None, kind]})
