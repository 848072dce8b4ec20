"""Big plans made cheaply (bulk_create) for the tests of the plan page's summaries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from actions.models import Action
from strategies.models import FocusArea, Goal, Plan


def grow_plan(plan: Plan, unit: Any, shape: list[list[int]], plan_wide: int = 0,
              area_own: int = 0) -> dict[str, list[Any]]:
    """Areas of goals of so many tiltak each (``shape[area][goal]``), made in bulk, every
    third overdue; *plan_wide* on the plan, *area_own* on the first area."""
    overdue, later = (timezone.localdate() + timedelta(days=d) for d in (-5, 90))
    made: dict[str, list[Any]] = {"areas": [], "goals": []}
    rows = []
    for a, goals in enumerate(shape):
        area = FocusArea.objects.create(plan=plan, order=a, code=str(a + 1),
                                        title=f"Område {a + 1}")
        made["areas"].append(area)
        for g, count in enumerate(goals):
            goal = Goal.objects.create(focus_area=area, order=g, code=f"{a + 1}.{g + 1}",
                                       title=f"Delmål {a + 1}.{g + 1}")
            made["goals"].append(goal)
            rows += [Action(plan=plan, focus_area=area, goal=goal, order=n,
                            code=f"{a + 1}.{g + 1}.{n + 1}", title=f"Tiltak {a}-{g}-{n}",
                            responsible_unit=unit, status="in_progress", progress=n % 100,
                            due_date=overdue if n % 3 == 0 else later)
                     for n in range(count)]
    rows += [Action(plan=plan, order=n, title=f"Planens tiltak {n}", responsible_unit=unit)
             for n in range(plan_wide)]
    rows += [Action(plan=plan, focus_area=made["areas"][0], order=n,
                    title=f"Områdets tiltak {n}", responsible_unit=unit)
             for n in range(area_own)]
    Action.objects.bulk_create(rows)
    return made
