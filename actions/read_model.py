"""The one read model of an action: the columns the API reads, and how a row becomes JSON.

Lists, the detail page and the bodies answered after a write all read the rows through
``Action.objects.api_rows()`` / ``api_row()`` (:mod:`actions.querysets`), which differ
only in how they fetch :data:`ACTION_COLUMNS` (and ``contributing_unit_ids``); every row
then becomes the API's JSON through :func:`action_row`, here and nowhere else.
``ActionSerializer`` describes the same document for the OpenAPI schema; a test holds
the schema's fields equal to this module's keys.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

_PEOPLE = ("first_name", "last_name", "username")

#: The action's columns as ``values()`` names them; the rows add ``contributing_unit_ids``
#: and ``contributes_to_ids``.
ACTION_COLUMNS = (
    "id", "goal_id", "focus_area_id", "plan_id",
    "plan__organization_id", "order", "code",
    "title", "description", "responsible_unit_id", "responsible_unit__name",
    "responsible_unit__kind", "responsible_person_id",
    *[f"responsible_person__{name}" for name in _PEOPLE],
    "start_date", "due_date", "period_text", "continuous", "status", "progress", "overdue",
    "latest_update_at", "latest_risk", "latest_comment", "budget", "budget_reference",
    "evaluation", "evaluated_on", "evaluated_by_id",
    *[f"evaluated_by__{name}" for name in _PEOPLE],
    "version", "created_at", "updated_at",
)

#: The person fields that readers outside the action's kommune see as ``null``.
PEOPLE = ("responsible_person", "evaluated_by")


def _datetime(value: datetime | None, zone: tzinfo) -> str | None:
    # As DRF's DateTimeField renders it: local time zone, ISO 8601, "Z" for UTC.
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _named(pk: int | None, first: str, last: str, username: str) -> dict[str, Any] | None:
    # str(User): the full name, or the username when there is none.
    return None if pk is None else {"id": pk, "name": f"{first} {last}".strip() or username}


def level_of(goal_id: int | None, focus_area_id: int | None) -> str:
    """``Action.level`` from the row's columns: ``"goal"``, ``"focus_area"`` or ``"plan"``."""
    if goal_id is not None:
        return "goal"
    return "focus_area" if focus_area_id is not None else "plan"


def action_row(row: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """One row of ``Action.objects.api_rows()`` as the API shows it (times in *zone*).

    Lists render up to 500 of these; building the dict by hand is several times faster
    than DRF's generic field machinery, for the same output (a test holds the two equal).
    """
    latest_at = row["latest_update_at"]
    budget = row["budget"]
    return {
        "id": row["id"],
        "plan": row["plan_id"],
        "focus_area": row["focus_area_id"],
        "goal": row["goal_id"],
        "level": level_of(row["goal_id"], row["focus_area_id"]),
        "order": row["order"],
        "code": row["code"],
        "title": row["title"],
        "description": row["description"],
        "responsible_unit": None if row["responsible_unit_id"] is None else {
            "id": row["responsible_unit_id"], "name": row["responsible_unit__name"],
            "kind": row["responsible_unit__kind"]},
        "responsible_person": _named(
            row["responsible_person_id"], row["responsible_person__first_name"],
            row["responsible_person__last_name"], row["responsible_person__username"]),
        "contributing_units": row["contributing_unit_ids"],
        "contributes_to": row["contributes_to_ids"],
        "start_date": row["start_date"].isoformat() if row["start_date"] else None,
        "due_date": row["due_date"].isoformat() if row["due_date"] else None,
        "period_text": row["period_text"],
        "continuous": row["continuous"],
        "status": row["status"],
        "progress": row["progress"],
        "overdue": row["overdue"],
        "latest_update": None if latest_at is None else {
            "created_at": _datetime(latest_at, zone),
            "risk": row["latest_risk"],
            "comment": row["latest_comment"],
        },
        "budget": None if budget is None else f"{budget:.2f}",
        "budget_reference": row["budget_reference"],
        "evaluation": row["evaluation"],
        "evaluated_on": row["evaluated_on"].isoformat() if row["evaluated_on"] else None,
        "evaluated_by": _named(
            row["evaluated_by_id"], row["evaluated_by__first_name"],
            row["evaluated_by__last_name"], row["evaluated_by__username"]),
        "version": row["version"],
        "created_at": _datetime(row["created_at"], zone),
        "updated_at": _datetime(row["updated_at"], zone),
    }
