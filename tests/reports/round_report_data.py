"""Report data as closing a round freezes it, for the document tests: computed from the
hand-computed plan of ``conftest.py``, with the round's keys added by hand as the issue 16
contract gives them (the document code must not depend on how they are computed)."""

from __future__ import annotations

import copy
from typing import Any

from reports.progress import compute_progress
from tests.reports.conftest import AS_OF, SINCE, ReportPlan

RETURN_DONE = "Kartla behovet hos 40 brukere.\n\nSøknad om midler sendt."
RETURN_NEXT = "Starte opplæring i september."
EVALUATION = "Tiltaket nådde målet: 30 flere bor trygt hjemme."
ASSESSMENT = "Helse og mestring er i rute.\n\nBudsjettet er en risiko."


def round_keys(data: dict[str, Any], report_plan: ReportPlan, *,
               preliminary: bool = False) -> dict[str, Any]:
    """A copy of *data* with every key a closed round adds."""
    data = copy.deepcopy(data)
    areas, actions = report_plan.areas, report_plan.actions
    data["round"] = {"id": 7, "period_label": "2. tertial 2026", "deadline": "2026-09-10",
                     "case_number": "2026/1234", "committee": "Hovedutvalg for helse",
                     "meeting_date": "2026-10-20",
                     "closed_at": "2026-09-20T10:00:00+02:00"}
    data["preliminary"] = preliminary
    data["assessments"] = [
        {"focus_area_id": areas[0].pk, "unit_id": None, "title": "1 Helse og mestring",
         "text": ASSESSMENT},
        {"focus_area_id": None, "unit_id": 3, "title": "Oppvekst og kultur",
         "text": "Skolene\x0b rapporterer\x00 jevnt."},  # control characters from a paste
    ]
    for row in data["actions"]:
        row["continuous"] = row["code"] == "1.1.3"
        row["return"] = None
    by_code = {row["code"]: row for row in data["actions"]}
    by_code["1.1.1"]["return"] = {"status": "in_progress", "progress": 60, "risk": "at_risk",
                                  "done": RETURN_DONE, "next_steps": RETURN_NEXT}
    by_code["2.1.1"]["return"] = {"status": "not_started", "progress": 0,
                                  "risk": "on_track", "done": "", "next_steps": "Planlegge"}
    by_code["1.1.3"]["period_text"] = "løpende"
    for summary in [data["totals"], *data["focus_areas"],
                    *(goal for area in data["focus_areas"] for goal in area["goals"])]:
        summary["continuous"] = 0
        summary["by_status"].setdefault("carried_over", 0)
    data["totals"]["continuous"] = 1
    data["focus_areas"][0]["continuous"] = 1
    data["evaluations"] = [{"action_id": actions["1.1.2"].pk, "code": "1.1.2",
                            "title": "Tiltak 1.1.2 – øving", "status": "completed",
                            "evaluation": EVALUATION, "evaluated_on": "2026-08-20"}]
    data["changes"] = {
        "previous_round": {"id": 6, "period_label": "1. tertial 2026"},
        "new": [by_code["2.1.1"]],
        "cancelled": [by_code["1.2.2"]],
        "moved_deadlines": [{"action_id": actions["1.2.1"].pk, "code": "1.2.1",
                             "title": "Tiltak 1.2.1 – øving", "moves": 3,
                             "first_due": "2025-06-15", "due": "2026-08-15", "months": 14}],
    }
    return data


def round_data(report_plan: ReportPlan, *, public: bool = False,
               preliminary: bool = False) -> dict[str, Any]:
    """The plan's report as of 31 August 2026 with every action and the round's keys."""
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, public=public,
                            include_actions=True)
    return round_keys(data, report_plan, preliminary=preliminary)
