"""The actions app's part of the personal-data export (``planportal.privacy``): the
actions a person is responsible for, their status updates and their evaluations.

Erasure adds nothing here: what the person did stays, attributed to "Slettet bruker".
"""

from __future__ import annotations

from typing import Any

from actions.models import Action, StatusUpdate
from planportal.privacy import iso, register_section


def responsible_for_actions(user: Any) -> list[dict[str, Any]]:
    """The actions *user* is the responsible person of."""
    return [
        {"id": pk, "title": title, "due_date": iso(due), "status": status}
        for pk, title, due, status in Action.objects.filter(responsible_person=user)
        .order_by("pk").values_list("pk", "title", "due_date", "status")
    ]


def status_updates(user: Any) -> list[dict[str, Any]]:
    """The status updates *user* wrote."""
    return [
        {"action": action, "created_at": iso(at), "status": status, "progress": progress,
         "risk": risk, "comment": comment}
        for action, at, status, progress, risk, comment in StatusUpdate.objects
        .filter(author=user).order_by("created_at", "pk")
        .values_list("action_id", "created_at", "status", "progress", "risk", "comment")
    ]


def evaluations(user: Any) -> list[dict[str, Any]]:
    """The final evaluations *user* wrote."""
    return [
        {"action": pk, "evaluated_on": iso(on), "evaluation": text}
        for pk, on, text in Action.objects.filter(evaluated_by=user).order_by("pk")
        .values_list("pk", "evaluated_on", "evaluation")
    ]


def register() -> None:
    """Add the sections to the export (from ``ActionsConfig.ready``)."""
    register_section("responsible_for_actions", order=30, read=responsible_for_actions)
    register_section("status_updates", order=40, read=status_updates)
    register_section("evaluations", order=50, read=evaluations)
