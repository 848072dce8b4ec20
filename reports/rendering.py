"""From report data (as :func:`reports.progress.compute_progress` returns it) to what the
templates show: typed dates, labels, indicators grouped per focus area, and the charts."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _

from actions.models import Action, StatusUpdate
from reports.charts import progress_chart, status_chart
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


def report_context(data: dict[str, Any], *, chart_prefix: str = "chart") -> dict[str, Any]:
    """Everything the report templates need, built from the data alone."""
    report = typed(copy.deepcopy(data))
    statuses = status_labels()
    by_area: dict[int, list[dict[str, Any]]] = {}
    for indicator in report["indicators"]:
        by_area.setdefault(indicator["focus_area_id"], []).append(indicator)
    areas = {area["id"]: area for area in report["focus_areas"]}
    for area in report["focus_areas"]:
        area["indicators"] = by_area.get(area["id"], [])
        area["actions"] = [a for a in report.get("actions", []) if a["focus_area_id"] == area["id"]]
    for row in (report["overdue"] + report["at_risk"] + report.get("actions", [])
                + report["since_previous"]["completed"]):
        area = areas.get(row["focus_area_id"])
        row["focus_area_code"] = area["code"] if area else ""
    return {
        "report": report,
        "statuses": statuses,
        "status_rows": [
            (statuses[key], count) for key, count in report["totals"]["by_status"].items()
        ],
        "risks": risk_labels(),
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
