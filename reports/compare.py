"""Two frozen reports side by side: the same focus areas, goals and indicators, A → B.

The plan-wide tiltak and each area's own get a row of their own when either report has
any; a report frozen before tiltak could hang there has none (its side shows "–").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports.rendering import has_actions, whole_area_label, whole_plan_label


@dataclass
class Change:
    """One figure in snapshot A and in B, with the difference (None when either is missing)."""

    before: float | int | None
    after: float | int | None

    @property
    def delta(self) -> float | int | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


@dataclass
class CompareRow:
    # "plan", "plan_level" (the plan-wide tiltak), "area", "own" (an area's own
    # tiltak), "goal" or "indicator"
    level: str
    label: str
    figures: dict[str, Change]
    plan_text: bool = True  # the label is the plan's own text (else the site's)


FIGURES = ("total", "completed_percent", "average_progress", "overdue", "unassigned")


def _figures(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Change]:
    return {name: Change(a.get(name) if a else None, b.get(name) if b else None)
            for name in FIGURES}


def compare_reports(a: dict[str, Any], b: dict[str, Any]) -> list[CompareRow]:
    """Rows for the whole plan, its plan-wide tiltak, each focus area, its own tiltak and
    its goals (matched by id), in B's order followed by anything only A has."""
    rows = [CompareRow("plan", "", _figures(a["totals"], b["totals"]))]
    if has_actions(a.get("plan_level")) or has_actions(b.get("plan_level")):
        rows.append(CompareRow("plan_level", whole_plan_label(),
                               _figures(a.get("plan_level"), b.get("plan_level")),
                               plan_text=False))
    areas_a = {area["id"]: area for area in a["focus_areas"]}
    seen: set[int] = set()
    for area in b["focus_areas"] + [x for x in a["focus_areas"]
                                    if x["id"] not in {y["id"] for y in b["focus_areas"]}]:
        if area["id"] in seen:
            continue
        seen.add(area["id"])
        before = areas_a.get(area["id"])
        after = area if area in b["focus_areas"] else None
        rows.append(CompareRow("area", f"{area['code']} {area['title']}".strip(),
                               _figures(before, after)))
        own_a, own_b = (before or {}).get("own"), (after or {}).get("own")
        if has_actions(own_a) or has_actions(own_b):
            rows.append(CompareRow("own", whole_area_label(), _figures(own_a, own_b),
                                   plan_text=False))
        goals_a = {goal["id"]: goal for goal in (before or {}).get("goals", [])}
        goals_b = {goal["id"]: goal for goal in (after or {}).get("goals", [])}
        for goal_id in list(goals_b) + [g for g in goals_a if g not in goals_b]:
            goal = goals_b.get(goal_id) or goals_a[goal_id]
            rows.append(CompareRow("goal", f"{goal['code']} {goal['title']}".strip(),
                                   _figures(goals_a.get(goal_id), goals_b.get(goal_id))))
    return rows


def compare_indicators(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """Latest value and assessment of each indicator in A and in B."""
    before = {row["id"]: row for row in a["indicators"]}
    after = {row["id"]: row for row in b["indicators"]}
    rows = []
    for indicator_id in list(after) + [i for i in before if i not in after]:
        row = after.get(indicator_id) or before[indicator_id]
        rows.append({
            "name": row["name"], "unit": row["unit"], "goal_code": row["goal_code"],
            "value": Change((before.get(indicator_id) or {}).get("latest_value"),
                            (after.get(indicator_id) or {}).get("latest_value")),
            "assessment_before": (before.get(indicator_id) or {}).get("assessment"),
            "assessment_after": (after.get(indicator_id) or {}).get("assessment"),
        })
    return rows
