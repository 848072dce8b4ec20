"""The import services: preview a file (writes nothing), then commit it in one transaction.

Every object is written through the ordinary services (``strategies.services``,
``actions.services``), with the importing user as actor, so the permission and
validation rules are the same as for a form. Rows are matched by plan, focus area,
goal and tiltak text (a tiltak on its own level: under a goal, on an area, on the plan
itself), so importing the same file twice creates nothing new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions import services as action_services
from actions.importing.parse import TableParser
from actions.importing.preview import (
    ERROR,
    ActionDraft,
    ImportPreview,
    Location,
    PlanSpec,
    Problem,
    match_key,
)
from actions.importing.readers import detect_kind, read_tables
from actions.importing.tables import UnreadableFile
from actions.importing.units import UnitMatcher
from actions.models import Action
from planportal.audit import services as audit
from planportal.audit.context import origin
from planportal.models import Organization
from planportal.permissions import deny, get_access
from strategies import services as plan_services
from strategies.models import Goal, Plan


class ImportRefused(Exception):
    """The import has errors; nothing was written. ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems if p.level == ERROR))


@dataclass
class ImportResult:
    """What a committed import wrote."""

    plan: Plan
    created: dict[str, int] = field(default_factory=dict)
    preview: ImportPreview | None = None
    #: Existing actions whose blank Ansvar or Tid the file filled in.
    filled: int = 0

    def add(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def _require_admin(actor: Any, organization: Organization) -> None:
    if not get_access(actor).is_admin_of(organization.pk):
        raise deny(_("Only an administrator of the organisation can import plans."))


def _default_spec(spec: PlanSpec, filename: str) -> PlanSpec:
    """Fill a new plan's title and period from the file name where not given."""
    if spec.plan is not None:
        return spec
    title = spec.title or PurePath(filename).stem.replace("_", " ").strip() or _("Imported plan")
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20|21)\d\d)(?!\d)", title)]
    start = spec.period_start or (years[0] if years else timezone.localdate().year)
    end = spec.period_end or (years[1] if len(years) > 1 and years[1] >= start else start + 3)
    return PlanSpec(plan=None, title=title[:300], kind=spec.kind, period_start=start,
                    period_end=end)


def _mark_existing(preview: ImportPreview) -> None:
    """Flag the drafts that already exist in the target plan (read-only, 4 queries)."""
    plan = preview.spec.plan
    if plan is None:
        plan = Plan.objects.filter(
            organization=preview.organization,
            title=preview.spec.title,
            period_start=preview.spec.period_start,
        ).first()
        if plan is not None:
            preview.spec.plan = plan
    preview.plan_exists = plan is not None
    if plan is None:
        return
    areas = {match_key(t): pk for pk, t in plan.focus_areas.values_list("pk", "title")}
    goals = {(fa, match_key(t)): pk for pk, fa, t in
             Goal.objects.filter(focus_area__plan=plan).values_list("pk", "focus_area", "title")}
    # Each action under its own level's key: (goal, None) under a goal, (None, area) on
    # an area, (None, None) on the plan; a title is matched on its level only.
    actions = {(g, None if g else fa, match_key(t)): (unit, due, text)
               for g, fa, t, unit, due, text in Action.objects.filter(plan=plan).values_list(
                   "goal", "focus_area", "title", "responsible_unit", "due_date",
                   "period_text")}

    def mark(drafts: list[ActionDraft], level: tuple[int | None, int | None] | None) -> None:
        # *level* None: the goal or area is new, so none of its actions is there yet.
        for action in drafts:
            found = None if level is None else actions.get((*level, match_key(action.title)))
            action.exists = found is not None
            action.fills = [] if found is None else _fills(action, *found)

    mark(preview.actions, (None, None))
    for area in preview.focus_areas:
        area_pk = areas.get(match_key(area.title))
        area.exists = area_pk is not None
        mark(area.actions, None if area_pk is None else (None, area_pk))
        for goal in area.goals:
            goal_pk = goals.get((area_pk, match_key(goal.title)))
            goal.exists = goal_pk is not None
            mark(goal.actions, None if goal_pk is None else (goal_pk, None))


def _fills(draft: ActionDraft, unit_id: int | None, due: Any, text: str) -> list[str]:
    """The blank columns of an existing action that the row fills in; never overwrites.

    An Ansvar or Tid already set, in the file or in Planportal, stays as it is: the
    file fills the gaps of a plan whose Word table had blank columns.
    """
    fills = []
    if draft.responsible_unit is not None and unit_id is None:
        fills.append("ansvar")
    if (draft.period.due or draft.period.text) and due is None and not text:
        fills.append("tid")
    return fills


def preview_import(
    *,
    actor: Any,
    organization: Organization,
    content: bytes,
    filename: str = "",
    spec: PlanSpec | None = None,
    size: int | None = None,
) -> ImportPreview:
    """Read *content* and say what importing it would create. Writes nothing.

    Problems (unreadable file, missing columns, unmatched units, unread dates) are in
    ``preview.problems``, each with its table, row and column. *size* is the file's
    real size when *content* was read only up to the limit (so a refusal names it).
    """
    _require_admin(actor, organization)
    spec = spec or PlanSpec()
    if spec.plan is not None and spec.plan.organization_id != organization.pk:
        raise ValidationError({"plan": _("The plan belongs to another organisation.")})
    preview = ImportPreview(organization=organization, spec=spec,
                            source_name=PurePath(filename).name)
    try:
        preview.kind = detect_kind(content, filename, size)
        if preview.kind == "json":
            from actions.exporting.restore import preview_restore

            preview_restore(preview, content)
            return preview
        tables = read_tables(content, preview.kind)
    except UnreadableFile as exc:
        preview.error(str(exc))
        return preview
    preview.spec = _default_spec(spec, filename)
    matcher = UnitMatcher(list(organization.units.all()))
    TableParser(preview, matcher).parse(tables)
    _mark_existing(preview)
    return preview


def _messages_of(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in
                         exc.message_dict.items())
    return " ".join(exc.messages)


def commit_import(*, actor: Any, preview: ImportPreview) -> ImportResult:
    """Write the preview in one transaction; on any error nothing is written.

    Raises :class:`ImportRefused` if the preview has errors or a service refuses a row
    (the problem then names that row).
    """
    _require_admin(actor, preview.organization)
    if preview.errors:
        raise ImportRefused(preview.problems)
    # Every audit event the import's services write says it came from this file.
    with origin("import", preview.source_name):
        if preview.export_data is not None:
            from actions.exporting.restore import commit_restore

            with transaction.atomic():
                _serialise_imports(preview.organization)
                result = commit_restore(actor=actor, preview=preview)
                _record_import(actor, result, preview)
            return result
        return _commit_rows(actor, preview)


def _serialise_imports(organization: Organization) -> None:
    """Let one import at a time write into the organisation, until its transaction ends.

    Two uploads of the same file at once would otherwise both see "not there yet" and
    both create every row. FOR NO KEY UPDATE on the organisation row queues the second
    import behind the first, which it then finds; ordinary writes (which only take a key
    share lock on the row) are not held up. SQLite serialises writers on its own.
    """
    list(Organization.objects.select_for_update(no_key=True).filter(pk=organization.pk)
         .values_list("pk", flat=True))


def _record_import(actor: Any, result: ImportResult, preview: ImportPreview) -> None:
    audit.record(actor=actor, verb="import", obj=result.plan, changes={
        "file": [None, preview.source_name], "created": [None, dict(result.created)]})


def _commit_rows(actor: Any, preview: ImportPreview) -> ImportResult:
    # The row being written, so a service's refusal is reported at its place.
    cursor: dict[str, Location] = {"where": Location()}
    try:
        with transaction.atomic():
            _serialise_imports(preview.organization)
            _mark_existing(preview)  # again: the database may have changed since the preview
            result = _write(actor, preview, cursor)
            _record_import(actor, result, preview)
    except (ValidationError, PermissionDenied) as exc:
        where = cursor["where"]
        message = str(exc) if isinstance(exc, PermissionDenied) else _messages_of(exc)
        raise ImportRefused([Problem(ERROR, message, where)]) from exc
    result.preview = preview
    return result


def _write(actor: Any, preview: ImportPreview, cursor: dict[str, Location]) -> ImportResult:
    spec = preview.spec
    plan = spec.plan
    if plan is None:
        plan = plan_services.create_plan(
            actor=actor,
            organization=preview.organization,
            title=spec.title,
            kind=spec.kind,
            period_start=spec.period_start,
            period_end=spec.period_end,
        )
    result = ImportResult(plan=plan)
    if not preview.plan_exists:
        result.add("plans")
    # The plan's areas, goals and actions in three queries; what this import creates is
    # added to the same maps, so a later row sees an earlier row's goal or action.
    known = list(plan.focus_areas.prefetch_related("goals"))
    areas = {match_key(a.title): a for a in known}
    goals_of = {area.pk: {match_key(g.title): g for g in area.goals.all()} for area in known}
    # Prefetched with what assign_action reads, so filling a blank costs no query. Keyed
    # by the level an action hangs on: ("goal", id), ("focus_area", id) or ("plan",).
    actions_of: dict[tuple[Any, ...], dict[str, Action | None]] = {}
    next_order: dict[tuple[Any, ...], int] = {}
    for action in Action.objects.filter(plan=plan).select_related(
            "goal", "focus_area", "plan", "responsible_unit", "responsible_person"):
        level = _level_key(action.goal_id, action.focus_area_id)
        actions_of.setdefault(level, {})[match_key(action.title)] = action
        # Each level's next action order, so create_action need not ask per action.
        next_order[level] = max(next_order.get(level, 0), action.order + 1)
    writer = _ActionWriter(actor, preview, cursor, result, actions_of, next_order)
    writer.write(preview.actions, plan=plan)
    for area_draft in preview.focus_areas:
        cursor["where"] = area_draft.location
        area = areas.get(match_key(area_draft.title))
        if area is None:
            area = plan_services.create_focus_area(
                actor=actor, plan=plan, title=area_draft.title,
                code=str(len(areas) + 1),
            )
            areas[match_key(area.title)] = area
            result.add("focus_areas")
        writer.write(area_draft.actions, focus_area=area)
        goals = goals_of.setdefault(area.pk, {})
        for goal_draft in area_draft.goals:
            cursor["where"] = goal_draft.location
            goal = goals.get(match_key(goal_draft.title))
            if goal is None:
                goal = plan_services.create_goal(
                    actor=actor, focus_area=area, title=goal_draft.title,
                    description=goal_draft.description,
                    code=f"{area.code}.{len(goals) + 1}" if area.code else "",
                )
                goals[match_key(goal.title)] = goal
                result.add("goals")
            writer.write(goal_draft.actions, goal=goal)
    return result


def _level_key(goal_id: int | None, focus_area_id: int | None) -> tuple[Any, ...]:
    if goal_id is not None:
        return ("goal", goal_id)
    return ("focus_area", focus_area_id) if focus_area_id is not None else ("plan",)


@dataclass
class _ActionWriter:
    """Writes the drafts of one level: new ones created, existing ones' blanks filled."""

    actor: Any
    preview: ImportPreview
    cursor: dict[str, Location]
    result: ImportResult
    actions_of: dict[tuple[Any, ...], dict[str, Action | None]]
    next_order: dict[tuple[Any, ...], int]

    def write(self, drafts: list[ActionDraft], *, goal: Goal | None = None,
              focus_area: Any = None, plan: Plan | None = None) -> None:
        level = _level_key(getattr(goal, "pk", None), getattr(focus_area, "pk", None))
        existing = self.actions_of.setdefault(level, {})
        for draft in drafts:
            self.cursor["where"] = draft.location
            key = match_key(draft.title)
            if key in existing:
                found = existing[key]
                if found is not None and draft.fills:
                    _fill_blanks(self.actor, found, draft)
                    self.result.filled += 1
                    existing[key] = None  # the first row decides
                continue
            action = action_services.create_action(
                actor=self.actor,
                goal=goal,
                focus_area=focus_area,
                plan=plan,
                title=draft.title,
                description=draft.description,
                responsible_unit=draft.responsible_unit,
                contributing_units=draft.contributing_units,
                due_date=draft.period.due,
                start_date=draft.period.start,
                period_text=draft.period.text,
                order=self.next_order.get(level, 0),
            )
            self.next_order[level] = action.order + 1
            existing[key] = None  # a repeat row in the file
            self.result.add("actions")
            if draft.status != Action.Status.NOT_STARTED:
                action_services.post_status_update(
                    actor=self.actor, action=action, expected_version=action.version,
                    status=draft.status, progress=draft.progress,
                    comment=_("Status from the imported file %(name)s.")
                    % {"name": self.preview.source_name},
                )


def _fill_blanks(actor: Any, action: Action, draft: ActionDraft) -> None:
    """Give an existing action the Ansvar and/or Tid it lacks, through the assign service."""
    tid = "tid" in draft.fills
    action_services.assign_action(
        actor=actor, action=action, expected_version=action.version,
        responsible_unit=(draft.responsible_unit if "ansvar" in draft.fills
                          else action.responsible_unit),
        responsible_person=action.responsible_person,
        due_date=draft.period.due if tid else action.due_date,
        start_date=draft.period.start if tid else action.start_date,
        period_text=draft.period.text if tid else action.period_text,
    )


def import_plan(
    *,
    actor: Any,
    organization: Organization,
    content: bytes,
    filename: str = "",
    spec: PlanSpec | None = None,
    dry_run: bool = False,
    size: int | None = None,
) -> tuple[ImportPreview, ImportResult | None]:
    """Preview and, unless *dry_run*, commit. Raises :class:`ImportRefused` on errors."""
    preview = preview_import(actor=actor, organization=organization, content=content,
                             filename=filename, spec=spec, size=size)
    if dry_run:
        return preview, None
    return preview, commit_import(actor=actor, preview=preview)
