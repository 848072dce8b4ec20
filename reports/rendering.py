"""From report data (as :func:`reports.progress.compute_progress` returns it) to what the
templates show: typed dates, labels, indicators grouped per focus area, and the charts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from actions.models import Action, StatusUpdate
from reports.charts import progress_chart, status_chart
from reports.templatetags.report_tags import percent
from strategies.models import Indicator

DATE_KEYS = {"as_of", "since", "due_date", "latest_period_end", "adopted_on"}
DATETIME_KEYS = {"latest_update_at", "created_at", "generated_at"}


def typed(value: Any) -> Any:
    """A deep copy of report data with ISO date strings turned into dates and datetimes."""
    if isinstance(value, list):
        return [typed(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in DATE_KEYS and isinstance(item, str):
            result[key] = date.fromisoformat(item)
        elif key in DATETIME_KEYS and isinstance(item, str):
            result[key] = datetime.fromisoformat(item)
        else:
            result[key] = typed(item)
    return result


def status_labels() -> dict[str, str]:
    return {status.value: str(status.label) for status in Action.Status}


def risk_labels() -> dict[str, str]:
    return {risk.value: str(risk.label) for risk in StatusUpdate.Risk}


def assessment_labels() -> dict[str, str]:
    return {
        "reached": _("target reached"),
        "on_track": _("on track"),
        "off_track": _("not on track"),
        "unknown": _("no data"),
    }


def direction_labels() -> dict[str, str]:
    return {direction.value: str(direction.label) for direction in Indicator.Direction}


def _count_cells(row: dict[str, Any]) -> list[Any]:
    """The table cells of a counts row, formatted once here rather than per template tag."""
    return [row["total"], *row["by_status"].values(), percent(row["completed_percent"]),
            row["overdue"], row["unassigned"], percent(row["average_progress"])]


def _short_date(day: date) -> str:
    """31.8.2026: Norwegian short date, without the cost of a format string per row."""
    return f"{day.day}.{day.month}.{day.year}"


def _label_actions(rows: list[dict[str, Any]], statuses: dict[str, str],
                   risks: dict[str, str]) -> None:
    for row in rows:
        if "status_label" in row:
            continue  # the same row object can sit in several lists
        row["status_label"] = capfirst(statuses.get(row["status"], row["status"]))
        row["risk_label"] = capfirst(risks[row["risk"]]) if row.get("risk") else "–"
        if "due_date" in row:
            row["due_label"] = (_short_date(row["due_date"]) if row["due_date"]
                                else row.get("period_text") or "–")
        if "created_at" in row and "action_code" in row:
            row["date_label"] = _short_date(row["created_at"])


def _shorten(rows: list[dict[str, Any]], limit: int | None) -> dict[str, Any]:
    return {"rows": rows if limit is None else rows[:limit], "total": len(rows),
            "cut": limit is not None and len(rows) > limit}


def report_context(data: dict[str, Any], *, chart_prefix: str = "chart",
                   limit: int | None = None) -> dict[str, Any]:
    """Everything the report templates need, built from the data alone.

    *limit* caps each list of actions and status updates (the web page shows the first
    rows and links to the whole list; PDF, Excel and JSON always hold everything).
    """
    report = typed(data)  # a new structure: the caller's data is never changed
    statuses = status_labels()
    risks = risk_labels()
    report["totals"]["cells"] = _count_cells(report["totals"])
    for area in report["focus_areas"]:
        area["cells"] = _count_cells(area)
        for goal in area["goals"]:
            goal["cells"] = _count_cells(goal)
    by_area: dict[int, list[dict[str, Any]]] = {}
    for indicator in report["indicators"]:
        by_area.setdefault(indicator["focus_area_id"], []).append(indicator)
    actions_by_area: dict[int, list[dict[str, Any]]] = {}
    for action in report.get("actions", []):
        actions_by_area.setdefault(action["focus_area_id"], []).append(action)
    for area in report["focus_areas"]:
        area["indicators"] = by_area.get(area["id"], [])
        area["action_list"] = _shorten(actions_by_area.get(area["id"], []), None)
    since = report["since_previous"]
    lists = {
        "overdue": _shorten(report["overdue"], limit),
        "at_risk": _shorten(report["at_risk"], limit),
        "completed": _shorten(since["completed"], limit),
        "became_overdue": _shorten(since["became_overdue"], limit),
        "status_updates": _shorten(since["status_updates"], limit),
    }
    # Only the rows that are shown get labels (a capped web page skips the rest).
    for shown in [*lists.values(), *(area["action_list"] for area in report["focus_areas"])]:
        _label_actions(shown["rows"], statuses, risks)
    return {
        "report": report,
        "lists": lists,
        "limit": limit,
        "statuses": statuses,
        "status_rows": [
            (statuses[key], count) for key, count in report["totals"]["by_status"].items()
        ],
        "risks": risks,
        "assessments": assessment_labels(),
        "directions": direction_labels(),
        "progress_chart": progress_chart(report["focus_areas"], f"{chart_prefix}-progress"),
        "status_chart": status_chart(report["totals"]["by_status"], statuses,
                                     f"{chart_prefix}-status"),
        "full_listing": "actions" in report,
    }


def web_base_template() -> str:
    """The site's base page when the web interface provides one, else a plain page."""
    try:
        get_template("base.html")
    except TemplateDoesNotExist:
        return "reports/standalone_base.html"
    return "base.html"
