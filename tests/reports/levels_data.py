"""The hand-computed plan of ``conftest.py`` with tiltak on every level, for the tests of
issue 19 (a tiltak under a goal, directly on a focus area, or on the whole plan).

Added to the plan (none has a status update: each keeps its own status on 31 August):

========================  ==========  ===========  ==========  ===========  =============
tiltak                    hangs on    status       progress    deadline     unit
========================  ==========  ===========  ==========  ===========  =============
Felles kompetanseløft     the plan    in_progress  40          2026-12-31   Hjemmetj.
Felles rapportering       the plan    completed    100         2026-05-31   Skole
Områdetiltak helse        area 1      in_progress  20          2026-06-30   Hjemmetj.
Områdetiltak oppvekst     area 2      not_started  0           –            –
========================  ==========  ===========  ==========  ===========  =============

As of 31 August 2026 "Områdetiltak helse" is overdue and "Områdetiltak oppvekst"
unassigned. Numbers: the plan's T1 and T2, area 1's 1.T1, area 2's 2.T1.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from actions.models import Action
from tests.factories import ActionFactory
from tests.reports.conftest import ReportPlan

PLAN_WIDE = ("Felles kompetanseløft", "Felles rapportering")
AREA_OWN = ("Områdetiltak helse", "Områdetiltak oppvekst")


def add_levels(report_plan: ReportPlan, world: Any) -> dict[str, Action]:
    """Add the tiltak of the table above to *report_plan*; by title."""
    plan, (area_1, area_2) = report_plan.plan, report_plan.areas
    made = [
        ActionFactory(goal=None, plan=plan, order=1, title=PLAN_WIDE[0],
                      status="in_progress", progress=40, due_date=date(2026, 12, 31),
                      responsible_unit=world.home_care),
        ActionFactory(goal=None, plan=plan, order=2, title=PLAN_WIDE[1],
                      status="completed", progress=100, due_date=date(2026, 5, 31),
                      responsible_unit=world.school),
        ActionFactory(goal=None, focus_area=area_1, order=1, title=AREA_OWN[0],
                      status="in_progress", progress=20, due_date=date(2026, 6, 30),
                      responsible_unit=world.home_care),
        ActionFactory(goal=None, focus_area=area_2, order=1, title=AREA_OWN[1]),
    ]
    return {action.title: action for action in made}
