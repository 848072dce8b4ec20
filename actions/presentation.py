"""Display values for long action tables, computed once per request instead of per row.

Template includes, ``{% url %}``, the ``date`` filter and per-row gettext cost tens of
microseconds each; a plan with 1,000 actions needs them 1,000 times. Here each label
and format is looked up once and applied with plain string operations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import dateformat, formats
from django.utils.translation import gettext as _

from actions.models import Action

STATUS_COLORS = {
    Action.Status.COMPLETED: "success",
    Action.Status.IN_PROGRESS: "info",
    Action.Status.POSTPONED: "warning",
    Action.Status.CANCELLED: "neutral",
    Action.Status.NOT_STARTED: "neutral",
}
_PK = 999_999_999


def decorate(actions: Iterable[Action], *, with_people: bool) -> None:
    """Set ``url``, ``label``, ``unit_name``, ``deadline``, ``deadline_iso``,
    ``status_label``, ``status_color``, ``progress_text``, ``progress_label`` and
    ``person_name`` on each action."""
    labels = {value: str(label) for value, label in Action.Status.choices}
    date_format = formats.get_format("SHORT_DATE_FORMAT")
    no_deadline = _("missing")
    progress_for = _("Progress for %(title)s")
    url = reverse("actions:detail", args=[_PK]).replace(str(_PK), "{}")
    for action in actions:
        action.url = url.format(action.pk)
        action.label = f"{action.code} {action.title}".strip()
        action.unit_name = action.responsible_unit.name if action.responsible_unit else "–"
        action.progress_text = f"{action.progress} %"
        if action.due_date:
            action.deadline = dateformat.format(action.due_date, date_format)
            action.deadline_iso = action.due_date.isoformat()
        else:
            action.deadline = action.period_text or no_deadline
            action.deadline_iso = ""
        action.status_label = labels.get(action.status, action.status)
        action.status_color = STATUS_COLORS.get(action.status, "neutral")
        title = action.title if len(action.title) <= 60 else action.title[:59] + "…"
        action.progress_label = progress_for % {"title": title}
        action.person_name = person_name(action.responsible_person) if with_people else ""


def person_name(person: Any) -> str:
    """How a person is named on pages: full name, else the username."""
    return (person.get_full_name() or person.username) if person is not None else ""
