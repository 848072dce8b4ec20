"""The preview of an import: what would be created, and every problem with its place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from actions.periods import Period

ERROR = "error"
WARNING = "warning"


def match_key(text: str) -> str:
    """How rows are matched on re-import: whitespace collapsed, case ignored."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Location:
    """Where in the file: table (or sheet) label, row number, column header."""

    table: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        parts = []
        if self.table:
            parts.append(self.table)
        if self.row is not None:
            parts.append(_("row %(n)s") % {"n": self.row})
        if self.column:
            parts.append(_("column «%(name)s»") % {"name": self.column})
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """An error (blocks the import) or a warning (imported, but look at it)."""

    level: str
    message: str
    location: Location = Location()

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "table": self.location.table,
            "row": self.location.row,
            "column": self.location.column,
            "message": self.message,
        }


@dataclass
class ActionDraft:
    """A tiltak as read from one row (one line of a multi-line cell)."""

    title: str
    location: Location
    description: str = ""
    responsible_unit: Any = None
    contributing_units: list[Any] = field(default_factory=list)
    period: Period = field(default_factory=lambda: Period(text=""))
    status: str = "not_started"
    progress: int = 0
    exists: bool = False
    #: For an existing action: the blank columns this row fills in ("ansvar", "tid").
    fills: list[str] = field(default_factory=list)


class HoldsActions:
    """A level tiltak can hang on: a delmål, a satsingsområde, or the plan itself."""

    actions: list[ActionDraft]

    def find_action(self, title: str) -> ActionDraft | None:
        key = match_key(title)
        return next((a for a in self.actions if match_key(a.title) == key), None)


@dataclass
class GoalDraft(HoldsActions):
    """A delmål and its tiltak."""

    title: str
    location: Location
    description: str = ""
    actions: list[ActionDraft] = field(default_factory=list)
    exists: bool = False

    level = "goal"


@dataclass
class FocusAreaDraft(HoldsActions):
    """A satsingsområde, its own tiltak (those under no delmål) and its delmål."""

    title: str
    location: Location
    goals: list[GoalDraft] = field(default_factory=list)
    exists: bool = False
    actions: list[ActionDraft] = field(default_factory=list)

    level = "focus_area"

    def find_goal(self, title: str) -> GoalDraft | None:
        key = match_key(title)
        return next((g for g in self.goals if match_key(g.title) == key), None)


@dataclass
class PlanSpec:
    """The plan to import into: an existing one, or the fields of a new one."""

    plan: Any = None
    title: str = ""
    kind: str = "action_plan"
    period_start: int | None = None
    period_end: int | None = None


@dataclass
class ImportPreview(HoldsActions):
    """Everything the import would do; built without writing anything.

    ``actions`` are the plan's own tiltak (in no satsingsområde); each area holds its own
    tiltak and its delmål's.
    """

    organization: Any
    spec: PlanSpec
    source_name: str = ""
    kind: str = ""
    focus_areas: list[FocusAreaDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: set for a Planportal JSON export, which is restored rather than parsed
    export_data: dict[str, Any] | None = None
    plan_exists: bool = False
    actions: list[ActionDraft] = field(default_factory=list)

    level = "plan"

    def error(self, message: str, location: Location = Location()) -> None:
        self.problems.append(Problem(ERROR, message, location))

    def warn(self, message: str, location: Location = Location()) -> None:
        self.problems.append(Problem(WARNING, message, location))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def find_focus_area(self, title: str) -> FocusAreaDraft | None:
        key = match_key(title)
        return next((f for f in self.focus_areas if match_key(f.title) == key), None)

    def holders(self) -> list[HoldsActions]:
        """Every level that holds tiltak, in the plan's reading order: the plan, then
        each area followed by its delmål."""
        found: list[HoldsActions] = [self]
        for area in self.focus_areas:
            found.append(area)
            found.extend(area.goals)
        return found

    def counts(self) -> dict[str, dict[str, int]]:
        """New and already-present objects per kind (after matching)."""
        result = {kind: {"new": 0, "existing": 0}
                  for kind in ("plans", "focus_areas", "goals", "actions")}
        result["actions"]["filled"] = 0  # existing, with a blank Ansvar or Tid filled in
        result["plans"]["existing" if self.plan_exists else "new"] += 1
        for area in self.focus_areas:
            result["focus_areas"]["existing" if area.exists else "new"] += 1
            for goal in area.goals:
                result["goals"]["existing" if goal.exists else "new"] += 1
        for holder in self.holders():
            for action in holder.actions:
                result["actions"]["existing" if action.exists else "new"] += 1
                result["actions"]["filled"] += bool(action.fills)
        return result

    def as_dict(self) -> dict[str, Any]:
        """The preview as JSON-ready data (API answer, management command output)."""
        return {
            "source": self.source_name,
            "format": self.kind,
            "plan": {
                "id": getattr(self.spec.plan, "pk", None),
                "title": self.spec.plan.title if self.spec.plan else self.spec.title,
                "exists": self.plan_exists,
            },
            "counts": self.counts(),
            # Where each row lands: on the plan itself, on an area, or under a goal.
            "actions": _actions_dict(self),
            "focus_areas": [
                {
                    "title": area.title,
                    "exists": area.exists,
                    "actions": _actions_dict(area),
                    "goals": [
                        {
                            "title": goal.title,
                            "exists": goal.exists,
                            "actions": _actions_dict(goal),
                        }
                        for goal in area.goals
                    ],
                }
                for area in self.focus_areas
            ],
            "problems": [problem.as_dict() for problem in self.problems],
        }


def _actions_dict(holder: HoldsActions) -> list[dict[str, Any]]:
    return [
        {
            "title": action.title,
            "level": holder.level,
            "exists": action.exists,
            "fills": action.fills,
            "table": action.location.table,
            "row": action.location.row,
            "responsible_unit": getattr(action.responsible_unit, "name", None),
            "period_text": action.period.text,
            "start_date": action.period.start,
            "due_date": action.period.due,
            "status": action.status,
        }
        for action in holder.actions
    ]
